#!/usr/bin/env node
// Does Allo's memory stay bounded while a visitor keeps using it? The demo page (dist/, served
// by a real allo-collector on SQLite) in headless Chromium: the panel is opened, then the
// feedback form and the callback form are each filled with valid values and sent 50 times,
// every submission stored by the collector. A benchmark, not a test: it reports figures
// (docs/performance.md records them with this command) and fails only if it cannot run.
//
//   node scripts/bench-memory.mjs [--cycles N] [--json FILE]
//
// Measured at the start (app running, panel open, nothing sent), then after 10, 25 and 50
// cycles (one cycle = one feedback + one callback request), each time after a forced garbage
// collection (CDP HeapProfiler.collectGarbage):
//   - the page's JS heap, used and total (CDP Runtime.getHeapUsage);
//   - the wasm linear memory (`memory.buffer.byteLength` of the widget's instance, captured
//     by wrapping WebAssembly.instantiate/instantiateStreaming before the loader runs: the
//     wrapper only records the instance it returns). Linear memory never shrinks: it shows
//     the high-water mark of the Rust allocator.
//
// Honest about the callback form's guards (core/src/callback.rs): the per-browser cooldown is
// the owner's `cooldownMinutes` setting, set to 0 here through `window.alloSettings` (a
// documented setting, 0–1440); the minimum fill time (3 s from the first keystroke) is not
// configurable and is waited out for real, so a run takes a few minutes. Each callback uses
// its own phone number (the collector refuses a second open request for the same number).
// The collector runs with `--rate-limit 0` (e2e/lib/harness.mjs: every request comes from
// 127.0.0.1).
//
// Needs a release build in dist/ (./scripts/build.sh), the collector binary
// (cargo build -p allo-collector) and e2e/node_modules (npm ci in e2e/).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startCollector, launch } = await import(path.join(ROOT, 'e2e', 'lib', 'harness.mjs'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1];
};
const CYCLES = Number(arg('--cycles', 50));
const JSON_OUT = arg('--json', null);
// Where the table gets a row (always the start and the last cycle).
const MARKS = new Set([0, 10, 25, 50, CYCLES].filter((n) => n <= CYCLES));
// core/src/callback.rs MIN_FILL_MS, plus a margin for the clock's granularity.
const MIN_FILL_MS = 3000 + 100;

// startCollector always passes `--rate-limit 0` (every request comes from 127.0.0.1).
const collector = await startCollector();
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

await page.addInitScript(() => {
  // The owner's setting: no cooldown between two callback requests from this browser.
  window.alloSettings = { cooldownMinutes: 0 };
  // Records the widget's wasm instance; arguments and results pass through untouched.
  const keep = (result) => {
    const instance = result instanceof WebAssembly.Instance ? result : result && result.instance;
    // Its memory by type, not by name: the build shortens export names (scripts/wasm-names.mjs).
    const memory = instance && Object.values(instance.exports).find((v) => v instanceof WebAssembly.Memory);
    if (memory) window.__alloWasm = memory;
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (original) WebAssembly[name] = function (...args) { return original.apply(this, args).then(keep); };
  }
});

const cdp = await context.newCDPSession(page);
async function measure(cycle) {
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.__alloWasm.buffer.byteLength);
  const dom = await page.evaluate(() => document.querySelector('allo-widget').shadowRoot.querySelectorAll('*').length);
  return { cycle, jsUsed: heap.usedSize, jsTotal: heap.totalSize, wasm, shadowNodes: dom };
}

const started = Date.now();
await page.goto(collector.url + '/');
await page.getByRole('button', { name: 'Contact us' }).click();
const dialog = page.getByRole('dialog', { name: 'How can we help?' });
await dialog.waitFor();
// Both forms mounted once before the first measure, so the start row is the app in use.
await page.getByRole('tab', { name: 'Call me back' }).click();
await page.getByRole('tabpanel', { name: 'Call me back' }).getByLabel('Phone number').waitFor();
await page.getByRole('tab', { name: 'Give feedback' }).click();

const rows = [await measure(0)];
const feedback = page.getByRole('tabpanel', { name: 'Give feedback' });
const callback = page.getByRole('tabpanel', { name: 'Call me back' });

async function sendFeedback(i) {
  await page.getByRole('tab', { name: 'Give feedback' }).click();
  await feedback.getByRole('radio', { name: 'Very satisfied' }).check();
  await feedback.getByLabel('What did we do well?').fill(`memory bench feedback ${i}`);
  await feedback.getByRole('button', { name: 'Send' }).click();
  await feedback.getByRole('heading', { name: 'Thank you!' }).waitFor();
  await feedback.getByRole('button', { name: 'Send another message' }).click();
}

async function sendCallback(i) {
  await page.getByRole('tab', { name: 'Call me back' }).click();
  // A French mobile number of its own for each request: 06 20 00 00 00 + i.
  const phone = `06 20 ${String(Math.floor(i / 10000) % 100).padStart(2, '0')} ${String(Math.floor(i / 100) % 100).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`;
  const touched = Date.now();
  await callback.getByLabel('Phone number').fill(phone);
  await callback.getByLabel('Your name').fill(`Bench ${i}`);
  await callback.getByLabel('What is it about?').fill(`memory bench callback ${i}`);
  await callback.getByLabel(/I agree that the shop may call me/).check();
  // The minimum fill time, waited out rather than faked.
  const left = touched + MIN_FILL_MS - Date.now();
  if (left > 0) await page.waitForTimeout(left);
  await callback.getByRole('button', { name: 'Call me back' }).click();
  await callback.getByRole('heading', { name: 'Request received' }).waitFor();
  await callback.getByRole('button', { name: 'Send another message' }).click();
}

for (let i = 1; i <= CYCLES; i++) {
  await sendFeedback(i);
  await sendCallback(i);
  if (MARKS.has(i)) {
    rows.push(await measure(i));
    process.stderr.write(`cycle ${i}/${CYCLES}\n`);
  }
}
const seconds = (Date.now() - started) / 1000;
const stored = collector.rows("select kind, count(*) as n from submissions group by kind order by kind");
const version = browser.version();
await browser.close();
await collector.stop();

const mb = (n) => (n / 1048576).toFixed(2) + ' MB';
console.log(`\nMemory over ${CYCLES} feedback + ${CYCLES} callback submissions, demo page, real collector (Chromium ${version}; ${seconds.toFixed(0)} s; ${cpus().length} cores, load ${loadavg()[0].toFixed(2)} at the end)`);
console.log('after cycle   JS heap used   JS heap total   wasm linear memory   shadow DOM nodes');
for (const r of rows) {
  console.log(`${String(r.cycle).padEnd(13)} ${mb(r.jsUsed).padEnd(14)} ${mb(r.jsTotal).padEnd(15)} ${mb(r.wasm).padEnd(20)} ${r.shadowNodes}`);
}
console.log(`stored by the collector: ${stored.map((s) => `${s.n} ${s.kind}`).join(', ')}`);
if (errors.length) console.log(`console errors: ${errors.length}\n  ${errors.slice(0, 5).join('\n  ')}`);

// Verdict: growth in the second half of the run against the first half. A leak proportional
// to use grows as much per cycle late as early; a warm-up (caches, allocator arenas, the JIT)
// grows early and then flattens.
const at = (n) => rows.find((r) => r.cycle === n);
const first = at(0), mid = at(Math.min(25, CYCLES)) || rows[Math.floor(rows.length / 2)], last = rows[rows.length - 1];
const verdict = (key, what) => {
  const early = mid[key] - first[key], late = last[key] - mid[key];
  const perCycleLate = late / Math.max(1, last.cycle - mid.cycle);
  const bounded = late <= Math.max(early / 2, 64 * 1024);
  console.log(`${what}: +${(early / 1024).toFixed(0)} KB over cycles ${first.cycle}→${mid.cycle}, ${late >= 0 ? '+' : ''}${(late / 1024).toFixed(0)} KB over ${mid.cycle}→${last.cycle} (${(perCycleLate / 1024).toFixed(1)} KB per cycle): ${bounded ? 'bounded' : 'STILL GROWING'}`);
  return bounded;
};
const okJs = verdict('jsUsed', 'JS heap used');
const okWasm = verdict('wasm', 'wasm linear memory');
console.log(`verdict: ${okJs && okWasm ? 'memory is bounded: no growth proportional to use' : 'memory keeps growing with use: look for a leak'}`);

if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ cycles: CYCLES, seconds, chromium: version, rows, stored, errors }, null, 2));
