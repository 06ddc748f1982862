#!/usr/bin/env node
// Delivery benchmark (not a timed test): drives N submissions through the real widget in
// Chromium, in several tabs sharing one localStorage, against the fault-injecting endpoint
// (e2e/lib/fault-server.mjs) in front of a real allo-collector, with a share of requests
// failing in a random mix of ways. Reports how many submissions the collector stored
// (delivered), stored more than once (duplicated), or never stored (lost), read from its
// SQLite file, plus what the proxy saw. Target: delivered = N, duplicated = 0, lost = 0.
//
//   node scripts/bench-delivery.mjs [--n 200] [--rate 0.3] [--tabs 4] [--seed 7]
//                                   [--reload-every 25] [--timeout-ms 2000]
//
// Needs a build (scripts/build.sh) and the collector (cargo build -p allo-collector).
import { performance } from 'node:perf_hooks';
import { startCollector, startStatic, shopPage, until } from '../e2e/lib/harness.mjs';
import { startFaultServer } from '../e2e/lib/fault-server.mjs';

// playwright-core is installed under e2e/.
const { chromium } = await import(new URL('../e2e/node_modules/playwright-core/index.mjs', import.meta.url));

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const N = Number(args.n ?? 200);
const RATE = Number(args.rate ?? 0.3);
const TABS = Number(args.tabs ?? 4);
const SEED = Number(args.seed ?? 7);
const RELOAD_EVERY = Number(args['reload-every'] ?? 25);
const TIMEOUT_MS = Number(args['timeout-ms'] ?? 2000);

// The failure mix: refused/reset connections, 500, 503 and 429 with Retry-After, hangs; the
// `forward` variants fail after the collector stored the submission (the answer is lost).
// A hang lasts a second longer than the widget's timeout, then the server drops it (so a
// last-chance keepalive request, which no page can abort any more, ends too).
const HANG_MS = TIMEOUT_MS + 1000;
const FAULTS = [
  { kind: 'reset' },
  { kind: 'reset', forward: true },
  { kind: 500 },
  { kind: 500, forward: true },
  { kind: 503, retryAfter: 1 },
  { kind: 429, retryAfter: 1 },
  { kind: 'hang', hangMs: HANG_MS },
  { kind: 'hang', hangMs: HANG_MS, forward: true },
];

// The harness starts the collector with its per-address rate limit off (everything here
// comes from 127.0.0.1); the injected faults are the point.
const collector = await startCollector({ site: null });
const fault = await startFaultServer({ target: collector.url });
const shop = await startStatic();
const url = shop.page('/bench.html', shopPage({
  loader: '/cdn/allo/allo.js',
  attrs: `data-endpoint="${fault.endpoint}" data-kinds="feedback" data-retry-base-ms="100" data-timeout-ms="${TIMEOUT_MS}"`,
}));
fault.chaos(RATE, FAULTS, SEED);

// Debian's Chromium as the e2e harness launches it, plus: tabs in the background keep full
// speed. Otherwise Chromium throttles their timers and frames, and the benchmark would
// measure Playwright waiting for animation frames in hidden tabs, not delivery.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows'],
});
const context = await browser.newContext();
const shown = { delivered: 0, saved: 0, error: 0 };
const pageErrors = [];
const started = performance.now();
const started0 = Date.now();

async function open(page) {
  await page.goto(url);
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByRole('dialog').waitFor();
}

async function tab(t, count, first) {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await open(page);
  for (let k = 0; k < count; k++) {
    const i = first + k;
    if (k > 0 && RELOAD_EVERY > 0 && k % RELOAD_EVERY === 0) await open(page);
    // `force`: Playwright's actionability checks wait for animation frames, which Chromium
    // barely runs in background tabs; the widget itself is not what would be waited for.
    await page.getByRole('radio').nth(3).check({ force: true });
    await page.locator('allo-widget textarea').first().fill(`bench #${i}`, { force: true });
    await page.getByRole('button', { name: 'Send' }).click({ force: true });
    const done = page.locator('allo-widget .allo-thanks__title, allo-widget [role=alert]').first();
    await done.waitFor({ timeout: 30000 });
    const text = (await done.textContent()).trim();
    if (text === 'Thank you!') shown.delivered++;
    else if (text === 'Saved') shown.saved++;
    else {
      // No permanent refusal is injected, so this should not happen; a visitor would retry.
      shown.error++;
      console.error(`tab ${t}: #${i} showed "${text}"`);
      continue;
    }
    await page.getByRole('button', { name: 'Send another message' }).click({ force: true });
  }
  return page;
}

const per = Math.ceil(N / TABS);
const pages = await Promise.all(Array.from({ length: TABS }, (_, t) => {
  const first = t * per;
  return tab(t, Math.max(0, Math.min(per, N - first)), first);
}));
const submitted = performance.now();

// Drain: the faults stay on; the outboxes retry until everything is through.
const outboxes = async () => {
  let n = 0;
  for (const p of pages) n += await p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('allo:outbox:')).length);
  return n;
};
let drained = true;
try {
  await until(async () => (await outboxes()) === 0, { timeout: 180000, interval: 250, what: 'empty outboxes' });
} catch {
  drained = false;
}
const finished = performance.now();

const rows = collector.rows("select id, feedback_message as m from submissions where feedback_message like 'bench #%'");
const markers = new Map();
for (const r of rows) markers.set(r.m, (markers.get(r.m) || 0) + 1);
let delivered = 0;
let lost = 0;
for (let i = 0; i < N; i++) {
  if (markers.has(`bench #${i}`)) delivered++;
  else lost++;
}
const duplicated = rows.length - markers.size;
const byFault = {};
for (const e of fault.log) byFault[e.fault] = (byFault[e.fault] || 0) + 1;
const repeats = fault.log.filter((e) => e.status === 200).length;
const report = {
  n: N, rate: RATE, tabs: TABS, seed: SEED, reloadEvery: RELOAD_EVERY, timeoutMs: TIMEOUT_MS,
  delivered, duplicated, lost, drained,
  leftInOutbox: await outboxes(),
  visitorSaw: shown,
  requests: fault.log.length,
  faultsInjected: Object.fromEntries(Object.entries(byFault).filter(([k]) => k !== 'ok')),
  repeatsRecognised: repeats,
  maxInFlightPerId: fault.maxPeak(),
  pageErrors: pageErrors.length,
  submitSeconds: +((submitted - started) / 1000).toFixed(1),
  drainSeconds: +((finished - submitted) / 1000).toFixed(1),
};
// Any moment two requests for one id were in flight together, for the record.
const overlaps = [];
const byId = new Map();
for (const e of fault.log) byId.set(e.id, [...(byId.get(e.id) || []), e]);
for (const [id, reqs] of byId) {
  for (let a = 0; a < reqs.length; a++) {
    for (let b = a + 1; b < reqs.length; b++) {
      const [x, y] = [reqs[a], reqs[b]];
      if (y.start < (x.end ?? Infinity) && x.start < (y.end ?? Infinity)) {
        overlaps.push({ id, first: { fault: x.fault, status: x.status, start: x.start - started0, end: x.end && x.end - started0 },
          second: { fault: y.fault, status: y.status, start: y.start - started0, end: y.end && y.end - started0 } });
      }
    }
  }
}
if (overlaps.length) report.overlaps = overlaps;
console.log(JSON.stringify(report, null, 2));

await context.close();
await browser.close();
await fault.stop();
await collector.stop();
await shop.stop();
process.exit(delivered === N && duplicated === 0 && lost === 0 ? 0 : 1);
