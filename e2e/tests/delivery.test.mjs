// Reliable delivery: the real widget in Chromium, a real allo-collector behind a
// fault-injecting proxy (e2e/lib/fault-server.mjs). Every scenario ends with the submission
// stored exactly once in the collector's SQLite file. Retry delays and the attempt timeout
// are shortened with the test-only settings data-retry-base-ms and data-timeout-ms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector, startStatic, shopPage, launch, watch, until, startApp } from '../lib/harness.mjs';
import { startFaultServer } from '../lib/fault-server.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A collector, the fault server in front of it, and a shop page on a third origin. Retries
 * start at `retryBase` ms and each attempt times out after 1.5 s (test-only settings). */
async function setup({ attrs = '', before: extra = '', retryBase = 100 } = {}) {
  const collector = await startCollector({ site: null });
  const fault = await startFaultServer({ target: collector.url });
  const shop = await startStatic();
  const embed = (path) => shop.page(path, shopPage({
    loader: '/cdn/allo/allo.js',
    before: extra,
    attrs: `data-endpoint="${fault.endpoint}" data-kinds="feedback" data-retry-base-ms="${retryBase}" data-timeout-ms="1500" ${attrs}`,
  }));
  const url = embed('/shop.html');
  const context = await browser.newContext();
  return {
    collector, fault, shop, url, embed, context,
    rows: () => collector.rows('select id, feedback_message from submissions'),
    async done() {
      await context.close();
      await fault.stop();
      await collector.stop();
      await shop.stop();
    },
  };
}

async function submit(page, message) {
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByRole('dialog').waitFor();
  await page.getByRole('radio').nth(3).check();
  await page.locator('allo-widget textarea').first().fill(message);
  await page.getByRole('button', { name: 'Send' }).click();
}

/** The thank-you heading once it shows: "Thank you!" (delivered) or "Saved" (queued). */
async function outcome(page) {
  const title = page.locator('allo-widget .allo-thanks__title');
  await title.waitFor();
  return (await title.textContent()).trim();
}

const outbox = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('allo:outbox:')));

/** Waits until the collector holds exactly one row and no tab has anything left to send. */
async function deliveredOnce(s, pages, message, timeout = 15000) {
  await until(() => s.rows().length > 0, { what: 'the submission in SQLite', timeout });
  for (const p of pages) await until(async () => (await outbox(p)).length === 0, { what: 'an empty outbox' });
  const rows = s.rows();
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.equal(rows[0].feedback_message, message);
  assert.ok(s.fault.peak(rows[0].id) <= 1, `never two requests in flight for ${rows[0].id}`);
  return rows[0].id;
}

test('refused connections: saved at once, delivered exactly once when the endpoint is back', async () => {
  const s = await setup();
  try {
    const page = await s.context.newPage();
    const log = watch(page);
    await page.goto(s.url);
    await s.fault.set('refuse');
    await submit(page, 'sent while the endpoint was down');
    assert.equal(await outcome(page), 'Saved');
    await page.getByText("We'll send it as soon as you're back online", { exact: false }).waitFor();
    assert.equal((await outbox(page)).length, 1);
    assert.equal(s.rows().length, 0);
    await s.fault.set('ok');
    await deliveredOnce(s, [page], 'sent while the endpoint was down');
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await s.done();
  }
});

test('a 500 then success: the quick retry delivers while the visitor waits', async () => {
  const s = await setup();
  try {
    const page = await s.context.newPage();
    await page.goto(s.url);
    s.fault.next({ kind: 500 });
    await submit(page, 'second time lucky');
    assert.equal(await outcome(page), 'Thank you!');
    const id = await deliveredOnce(s, [page], 'second time lucky');
    const reqs = s.fault.requests(id);
    assert.deepEqual(reqs.map((r) => r.status), [500, 201]);
    // The same id in the header and the body of every attempt.
    for (const r of reqs) assert.equal(JSON.parse(r.body).id, id);
  } finally {
    await s.done();
  }
});

test('503 with Retry-After: the quick retry waits as long as asked', async () => {
  const s = await setup();
  try {
    const page = await s.context.newPage();
    await page.goto(s.url);
    s.fault.next({ kind: 503, retryAfter: 1 });
    await submit(page, 'patience');
    assert.equal(await outcome(page), 'Thank you!');
    const id = await deliveredOnce(s, [page], 'patience');
    const [first, second] = s.fault.requests(id);
    assert.equal(first.status, 503);
    assert.ok(second.start - first.end >= 950, `waited ${second.start - first.end} ms`);
  } finally {
    await s.done();
  }
});

test('429 with a long Retry-After: saved for later, and not retried before the time asked', async () => {
  const s = await setup();
  try {
    const page = await s.context.newPage();
    await page.goto(s.url);
    s.fault.next({ kind: 429, retryAfter: 4 });
    await submit(page, 'slow down');
    assert.equal(await outcome(page), 'Saved');
    const id = await deliveredOnce(s, [page], 'slow down');
    const [first, second] = s.fault.requests(id);
    assert.equal(first.status, 429);
    assert.ok(second.start - first.end >= 3950, `waited ${second.start - first.end} ms`);
  } finally {
    await s.done();
  }
});

test('a hanging endpoint: the timeout fires, the lost answer is retried, stored once', async () => {
  const s = await setup();
  try {
    const page = await s.context.newPage();
    await page.goto(s.url);
    // The collector stores it, but the answer never comes back.
    s.fault.next({ kind: 'hang', forward: true });
    const started = Date.now();
    await submit(page, 'answer lost');
    assert.equal(await outcome(page), 'Saved');
    assert.ok(Date.now() - started >= 1400, 'the 1.5 s timeout fired');
    const id = await deliveredOnce(s, [page], 'answer lost');
    const reqs = s.fault.requests(id);
    assert.equal(reqs.length, 2);
    // The repeat was recognised by its id: 200, not a second 201.
    assert.equal(reqs[1].status, 200);
    assert.ok(reqs[1].start >= reqs[0].end, 'the retry started after the aborted attempt ended');
  } finally {
    await s.done();
  }
});

test('a reset connection after the collector stored it: the quick retry is recognised', async () => {
  const s = await setup();
  try {
    const page = await s.context.newPage();
    await page.goto(s.url);
    s.fault.next({ kind: 'reset', forward: true });
    await submit(page, 'reset after store');
    assert.equal(await outcome(page), 'Thank you!');
    await deliveredOnce(s, [page], 'reset after store');
  } finally {
    await s.done();
  }
});

test('saved while the endpoint was down, delivered by the next page of the site', async () => {
  const s = await setup();
  try {
    const first = await s.context.newPage();
    await first.goto(s.url);
    await s.fault.set('refuse');
    await submit(first, 'deliver me on the next page');
    assert.equal(await outcome(first), 'Saved');
    await first.close({ runBeforeUnload: true });
    await s.fault.set('ok');
    assert.equal(s.rows().length, 0);
    const next = await s.context.newPage();
    await next.goto(s.embed('/another-page.html'));
    await deliveredOnce(s, [next], 'deliver me on the next page');
  } finally {
    await s.done();
  }
});

test('two tabs with a pending item never send it at the same time', async () => {
  const s = await setup({ retryBase: 50 });
  try {
    const a = await s.context.newPage();
    const b = await s.context.newPage();
    await a.goto(s.url);
    await s.fault.set('refuse');
    await submit(a, 'one message, two tabs');
    assert.equal(await outcome(a), 'Saved');
    await b.goto(s.url);
    // Slow attempts (each hangs until the 1.5 s timeout) give two tabs every chance to overlap.
    await s.fault.set('hang');
    await until(() => s.fault.log.length >= 3, { what: 'several hanging attempts', timeout: 15000 });
    await s.fault.set('ok');
    // By now the backoff has grown to seconds (it is shared: both tabs read it from the item).
    await deliveredOnce(s, [a, b], 'one message, two tabs', 30000);
    assert.equal(s.fault.maxPeak(), 1);
  } finally {
    await s.done();
  }
});

test('a visit without interaction writes nothing to browser storage', async () => {
  const s = await setup();
  try {
    const page = await s.context.newPage();
    await page.goto(s.url);
    await page.getByRole('button', { name: 'Contact us' }).waitFor();
    await page.waitForLoadState('networkidle');
    const stored = await page.evaluate(() => ({
      local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie,
    }));
    assert.deepEqual(stored, { local: [], session: [], cookie: '' });
    assert.equal(s.fault.log.length, 0);
  } finally {
    await s.done();
  }
});

test('data-format="form": a form-encoded body with dotted keys, the owner\'s headers, no cookies', async () => {
  const settings = `<script>window.alloSettings = { headers: { "X-Api-Key": "k-123", "Bad Header": "x" } };</script>`;
  const s = await setup({ attrs: 'data-format="form"', before: settings });
  try {
    await s.fault.set('form');
    const page = await s.context.newPage();
    const log = watch(page);
    await page.goto(s.url);
    // A cookie for this host: cookies ignore ports, so only `credentials: omit` keeps it off.
    await page.evaluate(() => { document.cookie = 'shop_session=secret; path=/'; });
    await submit(page, 'Café & crème: 100% + more');
    assert.equal(await outcome(page), 'Thank you!');
    assert.equal(s.fault.log.length, 1);
    const [req] = s.fault.log;
    assert.match(req.contentType, /^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(req.body);
    assert.equal(form.get('schema'), 'allo.submission/1');
    assert.equal(form.get('id'), req.headers['idempotency-key']);
    assert.equal(form.get('kind'), 'feedback');
    assert.equal(form.get('feedback.score'), '4');
    assert.equal(form.get('feedback.message'), 'Café & crème: 100% + more');
    assert.equal(form.get('page.url'), s.url);
    assert.equal(req.headers['x-api-key'], 'k-123');
    assert.equal(req.headers.cookie, undefined);
    await until(() => log.warnings.some((w) => w.includes('"Bad Header"')), { what: 'the header warning' });
    assert.equal(s.rows().length, 0, 'answered by the form endpoint, not the collector');
    assert.deepEqual(await outbox(page), []);
  } finally {
    await s.done();
  }
});

test('a permanent refusal: shown to the visitor, text kept, not retried, outbox cleared', async () => {
  const s = await setup();
  try {
    const page = await s.context.newPage();
    await page.goto(s.url);
    s.fault.next({ kind: 422, message: 'The shop is closed for the holidays.' });
    await submit(page, 'please keep me');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /The shop is closed for the holidays\./);
    assert.equal(await page.locator('allo-widget textarea').first().inputValue(), 'please keep me');
    assert.deepEqual(await outbox(page), []);
    assert.equal(s.fault.log.length, 1);
    assert.equal(s.rows().length, 0);
  } finally {
    await s.done();
  }
});

test('offline: saved without a request, sent when the browser is back online', async () => {
  const s = await setup({ retryBase: 60000 });
  try {
    const page = await s.context.newPage();
    await page.goto(s.url);
    // The visitor points at the launcher before the train enters the tunnel: the app is then
    // loaded. (Going offline before the idle-time compile had fetched the wasm made this test
    // fail now and then under load: that page could never have opened the widget offline.)
    await startApp(page);
    await s.context.setOffline(true);
    await submit(page, 'written on a train');
    assert.equal(await outcome(page), 'Saved');
    assert.equal(s.fault.log.length, 0);
    // A one-minute retry base: only the `online` event can send it within the test.
    await s.context.setOffline(false);
    await deliveredOnce(s, [page], 'written on a train');
  } finally {
    await s.done();
  }
});

test('an item older than outboxTtl is dropped with a warning naming its reference', async () => {
  const s = await setup({ attrs: 'data-outbox-ttl="1h"' });
  try {
    const page = await s.context.newPage();
    const log = watch(page);
    await page.goto(s.shop.page('/blank.html', '<!doctype html><title>blank</title>'));
    const id = 'ab12cd34-0000-4000-8000-000000000001';
    await page.evaluate(({ id, endpoint }) => {
      const twoHoursAgo = Date.now() - 2 * 3600e3;
      localStorage.setItem('allo:outbox:' + id, JSON.stringify({
        v: 1, endpoint, created_ms: twoHoursAgo, attempts: 3, next_at_ms: 0,
        submission: { schema: 'allo.submission/1', id, kind: 'feedback', created_at: new Date(twoHoursAgo).toISOString(),
          locale: 'en', feedback: { metric: 'csat', score: 4, message: 'too old' } },
      }));
    }, { id, endpoint: s.fault.endpoint });
    await page.goto(s.url);
    await until(() => log.warnings.some((w) => w.includes('AB12-CD34')), { what: 'the expiry warning' });
    assert.deepEqual(await outbox(page), []);
    assert.equal(s.fault.log.length, 0);
  } finally {
    await s.done();
  }
});
