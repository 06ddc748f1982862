// Prompts, context and frequency caps (issue 21), in real Chromium against a real collector:
// a path-pattern prompt shows on the matching page only (and never on a visit's first page
// view); answering it opens the feedback form with the score kept and lands a submission with
// the owner's context; dismissing it caps further prompts (also Allo.ask without force);
// exit intent on a desktop, not on a touch device; Allo.ask with and without force; axe-core
// on the prompt; the inbox item shows the context at 390 and 1280 px and filters by it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { startCollector, startStatic, shopPage, launch, watch, until, appMounted, inboxLogin } from '../lib/harness.mjs';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

let browser, shop, collector;
before(async () => {
  browser = await launch();
  shop = await startStatic();
  collector = await startCollector({ site: null, allowOrigins: [shop.url] });
});
after(async () => {
  await browser?.close();
  await collector?.stop();
  await shop?.stop();
});

/** Serves a shop page at `path` with the owner's one snippet plus `attrs`. */
function page(path, attrs = '', before = '') {
  return shop.page(path, shopPage({
    loader: '/cdn/allo/allo.js',
    attrs: `data-endpoint="${collector.url}/v1/submissions" ${attrs}`,
    before,
  }));
}

/** A fresh visitor (own storage), with the console's info lines collected too. */
async function visitor(options = {}) {
  const ctx = await browser.newContext(options);
  const p = await ctx.newPage();
  const log = watch(p);
  log.infos = [];
  p.on('console', (m) => { if (m.type() === 'info') log.infos.push(m.text()); });
  return { ctx, p, log };
}

const prompt = (p) => p.getByRole('complementary');

/** The app is running (it starts by itself when a prompt is configured) and its mount-time
 * effects ran: an `Allo.ask()` made now is answered after them, in order. */
async function started(p) {
  await until(() => appMounted(p), { what: 'the app started for the prompt', timeout: 30000 });
}

/** Asks without force and returns the console line that says why nothing was shown (the
 * caps decide synchronously, so this is also a barrier after which no timer-0 prompt is due). */
async function askRefused(p, log) {
  const before = log.infos.length;
  await p.evaluate(() => Allo.ask('feedback'));
  return until(() => log.infos.slice(before).find((l) => l.startsWith('Allo.ask(): not shown')), { what: 'Allo.ask refused' });
}

test('a path-pattern prompt shows on the matching page only, and answering it lands a submission with its context', async () => {
  const attrs = 'data-prompt-path="/order/thanks*" data-prompt-question="How was your order?"';
  // The shop sets the context on its confirmation page, before or after Allo loads.
  const setContext = '<script>window.Allo = window.Allo || { q: [] }; Allo.q.push(["setContext", { orderId: "1042", plan: "pro" }]);</script>';
  const home = page('/shop/home.html', attrs);
  const thanks = page('/order/thanks/1042', attrs, setContext);
  const { ctx, p, log } = await visitor();
  // First page view of the visit, on a page that does not match: nothing.
  await p.goto(home);
  await started(p);
  assert.match(await askRefused(p, log), /first page view/);
  assert.equal(await prompt(p).count(), 0);
  assert.deepEqual(await p.evaluate(() => Object.keys(localStorage)), [], 'nothing stored before the visitor interacts');
  // The matching page, second view of the visit: the card, without taking focus.
  await p.goto(thanks);
  const card = prompt(p);
  await card.waitFor();
  await card.getByText('How was your order?').waitFor();
  assert.equal(await p.evaluate(() => document.activeElement === document.body), true, 'focus stays on the page');
  assert.deepEqual(await p.evaluate(() => Object.keys(localStorage)), [], 'shown is not stored');
  // The polite announcement.
  const said = await p.evaluate(() => [...document.querySelector('allo-widget').shadowRoot.querySelectorAll('[role=status][aria-live=polite]')].map((e) => e.textContent).join('|'));
  assert.match(said, /A quick question: How was your order\?/);
  // Answering opens the follow-up with the score kept.
  await card.getByRole('button', { name: 'Very satisfied' }).click();
  const dialog = p.getByRole('dialog', { name: 'How can we help?' });
  await dialog.waitFor();
  assert.equal(await prompt(p).count(), 0, 'the card is gone');
  // (Set by the form's effect after its first render, so polled.)
  await until(() => dialog.getByRole('radio', { name: 'Very satisfied' }).isChecked(), { what: 'the card\'s score in the form' });
  await dialog.locator('textarea').fill('Arrived a day early.');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByRole('heading', { name: 'Thank you!' }).waitFor();
  const rows = await until(() => {
    const r = collector.rows("SELECT context, feedback_score, feedback_message FROM submissions WHERE feedback_message = 'Arrived a day early.'");
    return r.length ? r : null;
  }, { what: 'the submission in the collector' });
  assert.deepEqual(JSON.parse(rows[0].context), { orderId: '1042', plan: 'pro' });
  assert.equal(rows[0].feedback_score, 5);
  const stored = await p.evaluate(() => JSON.parse(localStorage.getItem('allo:prompt')));
  assert.ok(['answered', 'sent'].includes(stored.why), JSON.stringify(stored));
  // Asked once in the month: the next matching page shows nothing.
  await p.goto(thanks + '?again');
  await started(p);
  assert.match(await askRefused(p, log), /30 days ago or less/);
  assert.equal(await prompt(p).count(), 0);
  assert.deepEqual(log.errors, []);
  await ctx.close();
});

test('dismissing caps further prompts, with the close button or Esc', async () => {
  const attrs = 'data-prompt-question="Did you find what you needed?"';
  const a = page('/dismiss/a.html', attrs), b = page('/dismiss/b.html', attrs);
  for (const how of ['button', 'Escape']) {
    const { ctx, p, log } = await visitor();
    await p.goto(a);
    await started(p);
    await p.goto(b);
    await prompt(p).waitFor();
    if (how == 'button') await prompt(p).getByRole('button', { name: 'No thanks' }).click();
    else await p.keyboard.press('Escape');
    await until(async () => (await prompt(p).count()) === 0, { what: 'the card closed' });
    assert.equal(await p.evaluate(() => JSON.parse(localStorage.getItem('allo:prompt')).why), 'dismissed', how);
    await p.goto(a + '?next');
    await started(p);
    assert.match(await askRefused(p, log), /dismissed a prompt 30 days ago or less/, how);
    assert.equal(await prompt(p).count(), 0, how);
    assert.deepEqual(log.errors, [], how);
    await ctx.close();
  }
});

test('exit intent prompts on a desktop, never on a touch device', async () => {
  const attrs = 'data-prompt-on-exit="true" data-prompt-question="Leaving already?"';
  const a = page('/exit/a.html', attrs), b = page('/exit/b.html', attrs);
  // Desktop: the pointer leaves the page towards the top.
  {
    const { ctx, p } = await visitor();
    await p.goto(a);
    await started(p);
    await p.goto(b);
    await started(p);
    await p.mouse.move(300, 200);
    assert.equal(await prompt(p).count(), 0, 'not before the exit');
    await p.mouse.move(300, 80);
    await p.mouse.move(300, -5);
    await prompt(p).getByText('Leaving already?').waitFor();
    await ctx.close();
  }
  // A phone: the same page and gesture never prompt.
  {
    const { ctx, p, log } = await visitor({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } });
    await p.goto(a);
    await started(p);
    await p.goto(b);
    await started(p);
    assert.equal(await p.evaluate(() => matchMedia('(hover: hover) and (pointer: fine)').matches), false, 'a touch device');
    await p.mouse.move(200, 200);
    await p.mouse.move(200, -5);
    // Allo.ask with force is the barrier: it shows, and an exit prompt would have shown first.
    await p.evaluate(() => Allo.ask('feedback', { question: 'Forced on touch', force: true }));
    await prompt(p).getByText('Forced on touch').waitFor();
    assert.equal(await prompt(p).getByText('Leaving already?').count(), 0);
    assert.deepEqual(log.errors, []);
    await ctx.close();
  }
});

test('Allo.ask respects the caps without force, shows with force, and its context is sent; axe finds nothing on the card', async () => {
  const url = page('/ask.html');
  const { ctx, p, log } = await visitor();
  await p.goto(url);
  // The loader starts the app for Allo.ask (no prompt setting on this page).
  await p.evaluate(() => Allo.ask('feedback', { question: 'Quick one?' }));
  // (Allo.ask starts the widget when the browser is idle.)
  await until(() => log.infos.find((l) => /first page view/.test(l)), { what: 'the refusal', timeout: 30000 });
  assert.equal(await prompt(p).count(), 0);
  // Bad calls are one clear console error each.
  await p.evaluate(() => { Allo.setContext({ 'order id': 1 }); Allo.ask('feedback', { context: 'x' }); Allo.ask('chat'); });
  await until(() => log.errors.length >= 3, { what: 'three errors' });
  assert.match(log.errors[0], /Allo.setContext\(\): the context key "order id" is not 1 to 40 letters/);
  assert.match(log.errors[1], /Allo.ask\(\): the context must be an object/);
  assert.match(log.errors[2], /Allo.ask\(kind, \{ question, context, force \}\): the kind "chat"/);
  await p.evaluate(() => Allo.ask('feedback', { question: 'Quick one?', context: { campaign: 'winter' }, force: true }));
  const card = prompt(p);
  await card.getByText('Quick one?').waitFor();
  for (const width of [390, 1280]) {
    await p.setViewportSize({ width, height: 800 });
    const r = await new AxeBuilder({ page: p }).include('allo-widget').withTags(WCAG).analyze();
    const report = r.violations.map((v) => `${v.id}: ${v.help} ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`).join('\n');
    assert.equal(r.violations.length, 0, `at ${width}:\n${report}`);
    // Overlaid, not pushing the page: nothing scrolls sideways, every button is a 44 px target.
    const { scroll, small } = await p.evaluate(() => ({
      scroll: document.documentElement.scrollWidth - innerWidth,
      small: [...document.querySelector('allo-widget').shadowRoot.querySelectorAll('.allo-prompt button')]
        .map((b) => b.getBoundingClientRect()).filter((r) => r.width < 44 || r.height < 44).length,
    }));
    assert.equal(scroll, 0, `no sideways scroll at ${width}`);
    assert.equal(small, 0, `44 px targets at ${width}`);
  }
  // Keyboard: Tab reaches the card's buttons.
  await card.getByRole('button', { name: 'Satisfied', exact: true }).focus();
  await p.keyboard.press('Enter');
  const dialog = p.getByRole('dialog', { name: 'How can we help?' });
  await dialog.waitFor();
  // The form takes the card's score in the effect after its first render: a frame later.
  await until(() => dialog.getByRole('radio', { name: 'Satisfied', exact: true }).isChecked(), { what: 'the card\'s score in the form' });
  await dialog.locator('textarea').fill('Asked from code.');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByRole('heading', { name: 'Thank you!' }).waitFor();
  const rows = await until(() => {
    const r = collector.rows("SELECT context FROM submissions WHERE feedback_message = 'Asked from code.'");
    return r.length ? r : null;
  }, { what: 'the submission' });
  assert.deepEqual(JSON.parse(rows[0].context), { campaign: 'winter' });
  // Never while the panel is open; once it is closed, the session cap holds (force aside).
  await p.evaluate(() => Allo.ask('feedback'));
  await until(() => log.infos.find((l) => /not shown while the panel is open/.test(l)), { what: 'the panel rule' });
  await p.evaluate(() => { Allo.close(); Allo.ask('feedback'); });
  await until(() => log.infos.find((l) => /already shown in this session/.test(l)), { what: 'the session cap' });
  await ctx.close();
});

test('the inbox item shows the context at 390 and 1280 px, and its entry filters the list', async () => {
  const ctx = await browser.newContext();
  const o = await ctx.newPage();
  await inboxLogin(o, collector);
  const [row] = collector.rows("SELECT id FROM submissions WHERE feedback_message = 'Arrived a day early.'");
  assert.ok(row, 'the first test sent it');
  for (const width of [390, 1280]) {
    await o.setViewportSize({ width, height: 900 });
    await o.goto(`${collector.url}/inbox/item/${row.id}`);
    await o.getByRole('heading', { name: 'Context' }).waitFor();
    const entry = o.getByRole('link', { name: /1042: list everything with orderId 1042/ });
    await entry.waitFor();
    const box = await entry.boundingBox();
    assert.ok(box.height >= 44 && box.width >= 44, `tap target at ${width}: ${JSON.stringify(box)}`);
    const scroll = await o.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(scroll <= 0, `no sideways scroll at ${width}`);
    const r = await new AxeBuilder({ page: o }).withTags(WCAG).analyze();
    assert.deepEqual(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), [], `item at ${width}`);
  }
  await o.getByRole('link', { name: /1042: list everything with orderId 1042/ }).click();
  await o.waitForURL(/\/inbox\?context=orderId%3D1042$/);
  assert.equal(await o.getByLabel('Context').inputValue(), 'orderId=1042');
  const items = await o.locator('table.list tbody tr').count();
  assert.equal(items, 1, 'only the order 1042 feedback');
  // The filter typed by hand.
  await o.getByLabel('Context').fill('campaign=winter');
  await o.getByRole('button', { name: 'Filter' }).click();
  await o.waitForURL(/context=campaign%3Dwinter/);
  assert.equal(await o.locator('table.list tbody tr').count(), 1);
  await ctx.close();
});

test('Allo.ask made after the idle-time compile still starts the app', async () => {
  const { ctx, p, log } = await visitor();
  await p.goto(page('/ask-late.html'));
  // Wait for the loader's idle-time compile to finish, without starting anything: the glue's
  // `prepare()` is memoised, so importing the same module and awaiting it resolves with the
  // loader's own compile. Then one more task, for the loader to look at its (empty) queue.
  await until(() => p.evaluate(() => performance.getEntriesByType('resource').some((e) => /allo-widget-\w+\.js$/.test(e.name))),
    { what: 'the idle-time fetch of the glue', timeout: 30000 });
  await p.evaluate(async () => {
    const glue = performance.getEntriesByType('resource').find((e) => /allo-widget-\w+\.js$/.test(e.name)).name;
    await (await import(glue)).prepare();
    await new Promise((r) => setTimeout(r, 0));
  });
  assert.equal(await appMounted(p), false, 'compiled only: nothing asked for the app yet');
  await p.evaluate(() => Allo.ask('feedback', { question: 'Late one?' }));
  // The app starts for it and applies the caps (a first page view: not shown, said in the console).
  await until(() => log.infos.find((l) => /first page view/.test(l)), { what: 'the refusal', timeout: 30000 });
  assert.deepEqual(log.errors, []);
  await ctx.close();
});
