// Inbox accounts as people use them, at 1280 and 390 px: logging in with an email and a
// password (a wrong one answers plainly), an agent who sees neither exports nor accounts and
// is refused them, "Take it" on a queue row, "Mine" and "Unassigned", and the owner's
// accounts page adding an agent who can then log in. Every page fits 390 px without sideways
// scrolling, has 44 px tap targets, and axe-core finds nothing wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { startCollector, launch, inboxLogin } from '../lib/harness.mjs';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const AGENT = { email: 'abel@shop.example', password: 'abel agent password', role: 'agent', name: 'Abel' };
let browser, collector;

/** A callback request straight to the API (the widget's own path is tested elsewhere). */
async function callback(n, name) {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const due = new Date(Date.now() + 3600e3).toISOString();
  const r = await fetch(collector.url + '/v1/submissions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      schema: 'allo.submission/1', id, kind: 'callback', created_at: new Date().toISOString(), locale: 'en',
      visitor: { name },
      callback: {
        phone_e164: `+336123456${String(n % 100).padStart(2, '0')}`, phone_raw: '06', country: 'FR',
        when: { mode: 'asap' }, timezone: 'Europe/Paris', reason: 'Order', urgent: false,
        promise: { text: 'Within the hour.', due_by: due },
      },
    }),
  });
  assert.equal(r.status, 201, await r.text());
  return id;
}

before(async () => {
  browser = await launch();
  collector = await startCollector({ site: null, args: ['--phone-limit', '0'] });
  collector.addAccount(AGENT);
});
after(async () => {
  await browser?.close();
  await collector?.stop();
});

async function context(width) {
  const phone = width < 500;
  return browser.newContext({ viewport: { width, height: phone ? 844 : 900 }, hasTouch: phone, isMobile: phone });
}

async function fits(o, what, width) {
  if (width === 390) {
    const { scroll, inner } = await o.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    assert.ok(scroll <= inner, `${what}: scrollWidth ${scroll} > viewport ${inner}`);
    const small = await o.evaluate(() => [...document.querySelectorAll(
      'button, input:not([type=hidden]), select, textarea, header a, nav.switch a, a.who, td a')]
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 44 || r.width < 44)
      .map(({ e, r }) => `${e.tagName.toLowerCase()} "${(e.textContent || e.name || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`));
    assert.deepEqual(small, [], `${what}: tap targets under 44 px`);
  }
  const r = await new AxeBuilder({ page: o }).withTags(WCAG).analyze();
  const report = r.violations.map((v) => `${v.id}: ${v.help}\n` +
    v.nodes.map((n) => `    ${JSON.stringify(n.target)}: ${n.failureSummary}`).join('\n')).join('\n');
  assert.equal(r.violations.length, 0, `${what} at ${width}:\n${report}`);
}

for (const width of [1280, 390]) {
  test(`${width} px: login, an agent's rights, Take it, Mine and Unassigned`, async () => {
    const mineId = await callback(width, `Noor ${width}`);
    const otherId = await callback(width + 1, `Omar ${width}`);
    const ctx = await context(width);
    const o = await ctx.newPage();

    // A wrong password: the same plain answer as an unknown email, still on the form.
    await o.goto(collector.url + '/inbox/login');
    await fits(o, 'login', width);
    await o.getByLabel('Email').fill(AGENT.email);
    await o.getByLabel('Password').fill('not the password');
    await o.getByRole('button', { name: 'Log in' }).click();
    await o.getByRole('alert').filter({ hasText: 'That email and password do not match an account.' }).waitFor();
    await fits(o, 'login refused', width);

    // The agent: no exports, no accounts, and the server refuses them too.
    await inboxLogin(o, collector, { email: AGENT.email, password: AGENT.password });
    const nav = o.getByRole('navigation', { name: 'Inbox' });
    await nav.getByRole('link', { name: 'Mine' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Accounts' }).count(), 0);
    assert.equal(await o.getByRole('link', { name: 'CSV' }).count(), 0);
    assert.equal((await o.goto(collector.url + '/inbox/export.csv')).status(), 403);
    assert.equal((await o.goto(collector.url + '/inbox/accounts')).status(), 403);

    // Take it on a queue row: it says who took it, and is in Mine, not in Unassigned.
    await o.goto(collector.url + '/inbox?view=callbacks');
    await fits(o, 'queue', width);
    const row = o.locator(`#q-${mineId}`);
    await row.getByRole('button', { name: 'Take it' }).click();
    await o.waitForURL(/view=callbacks/);
    await row.getByText('Taken by you').waitFor();
    assert.equal(await row.getByRole('button', { name: 'Take it' }).count(), 0);
    await o.getByRole('navigation', { name: 'Inbox' }).getByRole('link', { name: 'Mine' }).click();
    await o.waitForURL(/assigned=mine/);
    await o.locator(`#q-${mineId}`).waitFor();
    assert.equal(await o.locator(`#q-${otherId}`).count(), 0, 'only mine under Mine');
    await fits(o, 'mine', width);
    await o.getByRole('navigation', { name: 'Whose callbacks' }).getByRole('link', { name: 'Unassigned' }).click();
    await o.waitForURL(/assigned=none/);
    await o.locator(`#q-${otherId}`).waitFor();
    assert.equal(await o.locator(`#q-${mineId}`).count(), 0, 'taken ones are not unassigned');

    // The item page names the account in the history and offers reassigning.
    await o.goto(`${collector.url}/inbox/item/${mineId}`);
    await o.getByText('Taken by you.').waitFor();
    await o.getByRole('cell', { name: AGENT.email }).first().waitFor();
    await o.getByLabel('Give it to').waitFor();
    await fits(o, 'item', width);
    await ctx.close();
  });
}

test('the owner adds an agent on the accounts page, who can log in (1280 and 390 px)', async () => {
  for (const width of [1280, 390]) {
    const ctx = await context(width);
    const o = await ctx.newPage();
    await inboxLogin(o, collector, { token: 'ignored', name: '' });
    await o.getByRole('navigation', { name: 'Inbox' }).getByRole('link', { name: 'Accounts' }).click();
    await o.getByRole('heading', { name: 'Accounts' }).waitFor();
    await fits(o, 'accounts', width);
    const email = `new${width}@shop.example`;
    const form = o.locator('form.stack');
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Role').selectOption('agent');
    await form.getByLabel(/Password/).fill('a long new password');
    await form.getByRole('button', { name: 'Add the account' }).click();
    await o.getByText(email, { exact: true }).waitFor();
    // A too-short password is refused with the reason, not a 5xx.
    await form.getByLabel('Email').fill(`short${width}@shop.example`);
    // (past the browser's own minlength check, to reach the server's)
    await form.getByLabel(/Password/).evaluate((e) => e.removeAttribute('minlength'));
    await form.getByLabel(/Password/).fill('short');
    await form.getByRole('button', { name: 'Add the account' }).click();
    await o.getByRole('alert').filter({ hasText: 'a password needs 10' }).waitFor();
    await fits(o, 'accounts with an error', width);
    await ctx.close();
    const a = await (await context(width)).newPage();
    await inboxLogin(a, collector, { email, password: 'a long new password' });
    assert.equal(await a.getByRole('navigation', { name: 'Inbox' }).getByRole('link', { name: 'Accounts' }).count(), 0);
    await a.context().close();
  }
});
