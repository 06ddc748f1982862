// Telling the visitor by email, end to end: a real collector sends receipts to the real SMTP
// test server (collector/tests/smtp_server.py); the link read from each receipt opens the
// visitor's status page in Chromium, in French and in German, with no script, fitting 390 px
// and axe-clean; its unsubscribe link stops the emails. The owner's reply, written in the
// inbox, reaches the visitor threaded under the request and shows in the item's history, and
// the status page then says the shop answered. The callback form asks for the email ("so we
// can tell you if we're running late"), checks it, and the receipt reaches it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { startCollector, launch, until, inboxLogin } from '../lib/harness.mjs';
import { startSmtp } from '../lib/smtp.mjs';

const TOKEN = 'e2e-inbox-token-0123456789';
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const PUBLIC = 'https://shop.example';
let browser, collector, smtp;

before(async () => {
  browser = await launch();
  smtp = await startSmtp();
  collector = await startCollector({
    args: ['--inbox-token', TOKEN, '--timezone', 'Europe/Paris', '--smtp-host', '127.0.0.1',
      '--smtp-port', String(smtp.port), '--smtp-from', 'shop@shop.example', '--smtp-to', 'owner@shop.example',
      '--public-url', PUBLIC, '--visitor-receipts'],
  });
});
after(async () => {
  await browser?.close();
  await collector?.stop();
  await smtp?.stop();
});

const REQUESTS = {
  fr: { email: 'noor@example.net', phone: '+33612345671', promise: 'Nous vous rappelons dans les 15 minutes.',
    kind: 'Votre demande de rappel', unsubscribe: "Ne plus recevoir d'e-mails sur cette demande",
    button: 'Arrêter les e-mails', done: "C'est fait", answered: 'Nous vous avons répondu par e-mail le' },
  de: { email: 'jonas@example.net', phone: '+33612345672', promise: 'Wir rufen Sie innerhalb von 15 Minuten zurück.',
    kind: 'Ihre Rückrufbitte', unsubscribe: 'Keine E-Mails mehr zu dieser Anfrage',
    button: 'E-Mails abbestellen', done: 'Erledigt' },
};

/** A callback request as the widget sends it, in `locale`, with the visitor's email. */
async function submit(locale) {
  const r = REQUESTS[locale];
  const id = crypto.randomUUID();
  const res = await fetch(collector.url + '/v1/submissions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      schema: 'allo.submission/1', id, kind: 'callback', created_at: new Date().toISOString(), locale,
      visitor: { name: 'Noor', email: r.email },
      callback: { phone_e164: r.phone, phone_raw: r.phone, country: 'FR', when: { mode: 'asap' },
        timezone: 'Europe/Paris', reason: 'Gâteau d\'anniversaire', urgent: false,
        promise: { text: r.promise, due_by: new Date(Date.now() + 7 * 864e5).toISOString() } },
    }),
  });
  assert.equal(res.status, 201, await res.text());
  return id;
}

const toVisitor = (email) => smtp.messages().filter((m) => m.rcpt_tos.length === 1 && m.rcpt_tos[0] === email);

/** The status link of a receipt, on this collector (the public URL names the shop's proxy). */
function statusLink(mail) {
  const m = mail.body.match(/https:\/\/shop\.example(\/status\/[0-9a-f-]+\?token=[A-Za-z0-9_-]+)/);
  assert.ok(m, `no status link in:\n${mail.body}`);
  return collector.url + m[1];
}

async function fitsAndIsClean(p, what) {
  const { scroll, width } = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${what}: scrollWidth ${scroll} > viewport ${width}`);
  const r = await new AxeBuilder({ page: p }).withTags(WCAG).analyze();
  assert.equal(r.violations.length, 0, `${what}: ${r.violations.map((v) => `${v.id}: ${v.help}`).join('\n')}`);
}

const ids = {};

test('the status page in French and German, through the link in a real receipt', async () => {
  for (const locale of ['fr', 'de']) ids[locale] = await submit(locale);
  for (const [locale, r] of Object.entries(REQUESTS)) {
    const [receipt] = await until(() => { const m = toVisitor(r.email); return m.length ? m : null; },
      { timeout: 20000, what: `the ${locale} receipt` });
    assert.ok(receipt.body.includes(r.promise), `the promise as shown: ${receipt.body}`);
    const link = statusLink(receipt);
    for (const width of [390, 1280]) {
      const ctx = await browser.newContext({ viewport: { width, height: 800 } });
      const p = await ctx.newPage();
      const res = await p.goto(link);
      assert.equal(res.status(), 200);
      assert.equal(await p.getAttribute('html', 'lang'), locale);
      await p.getByText(r.kind).waitFor();
      await p.getByText(r.promise).waitFor();
      assert.equal(await p.locator('script').count(), 0, 'no script needed');
      await fitsAndIsClean(p, `${locale} status page at ${width}`);
      await ctx.close();
    }
  }

  // The German visitor stops the emails from the page's link: a confirmation, then done.
  const ctx = await browser.newContext({ viewport: { width: 390, height: 800 } });
  const p = await ctx.newPage();
  const de = REQUESTS.de;
  await p.goto(statusLink(toVisitor(de.email)[0]));
  await p.getByRole('link', { name: de.unsubscribe }).click();
  await fitsAndIsClean(p, 'the unsubscribe confirmation at 390');
  await p.getByRole('button', { name: de.button }).click();
  await p.getByText(de.done).waitFor();
  await ctx.close();
  const [row] = collector.rows(`select unsubscribed_at from submissions where id = '${ids.de}'`);
  assert.ok(row.unsubscribed_at, 'recorded');
});

test('a reply from the inbox reaches the visitor threaded, and the status page says so', async () => {
  const fr = REQUESTS.fr;
  for (const width of [1280, 390]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    const o = await ctx.newPage();
    await inboxLogin(o, collector, { token: TOKEN });
    await o.goto(`${collector.url}/inbox/item/${ids.fr}`);
    await fitsAndIsClean(o, `the item page with its reply form at ${width}`);
    if (width === 390) {
      await o.getByLabel(/^To noor@example\.net/).fill('Bonjour Noor, votre gâteau sera prêt samedi.');
      await o.getByRole('button', { name: 'Send the reply' }).click();
      await o.waitForURL(new RegExp(`/inbox/item/${ids.fr}$`));
      await until(async () => {
        await o.reload();
        return (await o.content()).includes('replied by email (delivered');
      }, { timeout: 20000, what: 'the delivered reply in the history' });
      await o.getByText('votre gâteau sera prêt samedi').first().waitFor();
    }
    await ctx.close();
  }
  const replies = toVisitor(fr.email).filter((m) => m.subject.startsWith('Re : votre demande'));
  assert.equal(replies.length, 1);
  const reply = replies[0];
  assert.equal(reply.headers['From'], 'shop@shop.example');
  assert.equal(reply.headers['Reply-To'], 'owner@shop.example');
  assert.equal(reply.headers['In-Reply-To'], `<allo.request.${ids.fr}@shop.example>`);
  const receipt = toVisitor(fr.email)[0];
  assert.equal(receipt.headers['Message-ID'], reply.headers['In-Reply-To'], 'the reply threads under the receipt');

  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(statusLink(receipt));
  await p.getByText(fr.answered).waitFor();
  await ctx.close();
});

test('the callback form asks for an email to tell the visitor about a delay, and the receipt goes there', async () => {
  const ctx = await browser.newContext({ timezoneId: 'Europe/Paris' });
  const p = await ctx.newPage();
  // Promises are computed from the visitor's clock: a fixed instant a week ahead keeps the
  // promise in the collector's future, and 20 s later is past the minimum fill time.
  const start = new Date(Date.now() + 7 * 864e5);
  await p.clock.setFixedTime(start);
  await p.goto(collector.url + '/');
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('tab', { name: 'Call me back' }).click();
  const f = p.getByRole('tabpanel', { name: 'Call me back' });
  await f.getByText("So we can tell you if we're running late.").waitFor();
  await f.getByLabel('Phone number').fill('06 12 34 56 79');
  await f.getByLabel('Your name').fill('Sam');
  await f.getByLabel('Your email').fill('sam@');
  await f.getByLabel(/I agree that the shop may call me/).check();
  await p.clock.setFixedTime(new Date(start.getTime() + 20_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await f.getByText('Please enter a valid email address, like name@example.com.', { exact: true }).waitFor();
  await f.getByLabel('Your email').fill('sam@example.net');
  await f.getByRole('button', { name: 'Call me back' }).click();
  await f.getByRole('heading', { name: 'Request received' }).waitFor();
  const [row] = collector.rows("select visitor_email, callback_promise_text from submissions where visitor_name = 'Sam'");
  assert.equal(row.visitor_email, 'sam@example.net');
  const [receipt] = await until(() => { const m = toVisitor('sam@example.net'); return m.length ? m : null; },
    { timeout: 20000, what: 'the receipt' });
  assert.ok(receipt.body.includes(`Our promise: ${row.callback_promise_text}`), receipt.body);
  await ctx.close();
});
