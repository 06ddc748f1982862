#!/usr/bin/env node
// What Allo costs the shop's page: the demo page (dist/index.html) loaded in headless Chromium
// with and without the widget, on a cold cache each time. A benchmark, not a test: it reports
// figures (docs/performance.md records them with this command) and fails only if it cannot run.
//
//   node scripts/bench-host.mjs [--runs N] [--no-lighthouse] [--json FILE]
//
// Per variant (median of N runs):
//   - bytes transferred before any interaction: at the load event, and once the page has been
//     quiet for 6 s (when the browser is idle Allo downloads and compiles its wasm, without
//     starting it; with Save-Data it waits for intent);
//   - long tasks over 50 ms and total blocking time (the sum of each long task's time past
//     50 ms), from navigation until quiet; cumulative layout shift;
//   - launcher click → interactive panel (dialog shown and focus inside it): cold (Save-Data,
//     so the wasm is downloaded, compiled and started on the click), compiled (after the idle
//     compile: the click starts the app) and started (the pointer went over the launcher
//     first, which starts the app: the click only opens the panel);
//   - the cold click again over Chrome DevTools' "Slow 4G" profile (CDP
//     Network.emulateNetworkConditions: 562.5 ms latency, 180,000 B/s down, 84,375 B/s up),
//     with Allo's files served gzip -9 as a CDN would (the other variants use the plain,
//     uncompressed static server): what the widget's weight costs a visitor on a slow phone
//     connection between the click and a usable panel; and once more with the page in French,
//     where the widget also fetches its French catalog (src/catalog.rs) before the panel.
//   - a prompt page (issue 21): the demo page with `data-prompt-question` (the owner's one
//     attribute), reached as a visit's second page view; from navigation until the prompt card
//     is on screen: long tasks, the longest, CLS (the card overlays: it must shift nothing), and
//     the time from navigation to the card. `--prompt-only` runs just this one (no Lighthouse).
// Then Lighthouse's performance category (mobile, simulated throttling) on both pages.
// Needs a release build in dist/ (./scripts/build.sh; ALLO_DIST=DIR for another build) and
// e2e/node_modules (npm ci in e2e/).
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'e2e', 'package.json'));
const { chromium } = require('playwright-core');
const { startStatic, DIST, appMounted } = await import(path.join(ROOT, 'e2e', 'lib', 'harness.mjs'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1];
};
const RUNS = Number(arg('--runs', 3));
const PROMPT_ONLY = process.argv.includes('--prompt-only');
const LIGHTHOUSE = !process.argv.includes('--no-lighthouse') && !PROMPT_ONLY;
const JSON_OUT = arg('--json', null);
const CHROME = process.env.CHROME_PATH || process.env.CHROMIUM || '/usr/bin/chromium';
const QUIET_MS = 6000;

const index = readFileSync(path.join(DIST, 'index.html'), 'utf8');
// (Trunk minifies the page: attributes unquoted and reordered.)
const snippet = /<script[^>]*\bsrc="?allo\.js"?[^>]*><\/script>/;
if (!snippet.test(index)) throw new Error('dist/index.html has no Allo snippet: run ./scripts/build.sh');
const shop = await startStatic();
const pages = {
  without: shop.page('/without.html', index.replace(snippet, '')),
  with: shop.page('/with.html', index.replace(snippet, (tag) => tag.replace(/\bsrc="?allo\.js"?/, 'src="/cdn/allo/allo.js"'))),
};
// Allo's files gzip -9 with Content-Encoding, as a CDN serves them, for the Slow 4G runs (the
// loader finds the glue, the wasm and the catalogs next to itself; their content-hashed names
// are in the build's manifest, scripts/fingerprint.mjs).
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const manifest = JSON.parse(readFileSync(path.join(DIST, 'allo-manifest.json'), 'utf8'));
const served = [manifest.loader, manifest.glue, manifest.wasm, ...Object.values(manifest.catalogs || {})].map((f) => f.file);
for (const file of PROMPT_ONLY ? [] : served) {
  const bytes = gzipSync(readFileSync(path.join(DIST, file)), { level: 9 });
  shop.route(`/cdn-gz/allo/${file}`, (req, res) => {
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)], 'content-encoding': 'gzip' });
    res.end(bytes);
  });
}
const promptPage = shop.page('/order/thanks.html', index.replace(snippet, (tag) => tag.replace(/\bsrc="?allo\.js"?/, 'src="/cdn/allo/allo.js" data-prompt-question="How was your order?"')));
const slowPage = shop.page('/with-gz.html', index.replace(snippet, (tag) => tag.replace(/\bsrc="?allo\.js"?/, 'src="/cdn-gz/allo/allo.js"')));
// The same page in French: the widget also fetches the French catalog before its first render
// (English is built in; src/catalog.rs).
const slowFrench = shop.page('/with-gz-fr.html', index.replace(snippet, (tag) => tag.replace(/\bsrc="?allo\.js"?/, 'src="/cdn-gz/allo/allo.js"'))
  .replace(/<html lang="?en"?/, '<html lang="fr"'));
// Chrome DevTools' "Slow 4G" preset (front_end/core/sdk/NetworkManager.ts): 150 ms × 3.75,
// 1.6 Mbit/s × 0.9 down, 750 kbit/s × 0.9 up.
const SLOW_4G = { offline: false, latency: 150 * 3.75, downloadThroughput: 1.6 * 1000 * 1000 / 8 * 0.9, uploadThroughput: 750 * 1000 / 8 * 0.9 };

const browser = await chromium.launch({
  executablePath: CHROME,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});

/** Observers installed before the page's own scripts. */
function instrument() {
  window.__bench = { long: [], shift: 0 };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__bench.long.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__bench.shift += e.value; }).observe({ type: 'layout-shift', buffered: true });
}

function saveData() {
  Object.defineProperty(Navigator.prototype, 'connection', { get: () => ({ saveData: true, effectiveType: '4g' }) });
}

/** One cold load of `url`: bytes, long tasks, layout shift; then optionally a click timing. */
async function load(url, { save = false, click = false, hover = false, network = null } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  if (network) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', network);
  }
  await page.addInitScript(instrument);
  if (save) await page.addInitScript(saveData);
  // Each response's sizes, measured once its body is in (the handler is async).
  const files = [];
  page.on('response', (res) => {
    files.push((async () => {
      const body = await res.body().catch(() => Buffer.alloc(0));
      const sizes = await res.request().sizes();
      return { url: res.url().replace(shop.url, ''), transfer: sizes.responseBodySize + sizes.responseHeadersSize, gzip: gzipSync(body, { level: 9 }).length };
    })());
  });
  await page.goto(url, { waitUntil: 'load' });
  const atLoadCount = files.length;
  // Quiet: no new response for QUIET_MS.
  let count = -1;
  while (count !== files.length) {
    count = files.length;
    await page.waitForTimeout(QUIET_MS);
  }
  const done = await Promise.all(files);
  const total = (list) => ({ transfer: list.reduce((a, f) => a + f.transfer, 0), gzip: list.reduce((a, f) => a + f.gzip, 0) });
  const perf = await page.evaluate(() => window.__bench);
  const result = {
    atLoad: total(done.slice(0, atLoadCount)),
    quiet: total(done),
    files: done.map((f) => `${f.url} (${f.transfer} B)`),
    longTasks: perf.long.length,
    longestTask: Math.max(0, ...perf.long),
    tbt: perf.long.reduce((a, d) => a + Math.max(0, d - 50), 0),
    cls: perf.shift,
  };
  if (hover) {
    // A visitor's pointer crossing the launcher on its way to click it: the app starts.
    await page.locator('allo-widget .allo-launcher').hover();
    await page.mouse.move(0, 0);
    while (!(await appMounted(page))) await page.waitForTimeout(20);
    await page.waitForTimeout(500);
  }
  if (click) {
    const before = (await page.evaluate(() => window.__bench.long)).length;
    result.clickToPanel = await page.evaluate(() => new Promise((resolve) => {
      const host = document.querySelector('allo-widget');
      const button = host.shadowRoot.querySelector('.allo-launcher');
      const t0 = performance.now();
      const check = () => {
        const root = host.shadowRoot;
        const dialog = root.querySelector('[role="dialog"]');
        if (dialog && dialog.contains(root.activeElement)) {
          requestAnimationFrame(() => resolve(performance.now() - t0));
        } else {
          setTimeout(check, 1);
        }
      };
      button.click();
      check();
    }));
    const after = (await page.evaluate(() => window.__bench.long)).slice(before);
    result.longestAfterClick = Math.max(0, ...after);
  }
  await context.close();
  return result;
}

/** The prompt page as a visit's second page view: long tasks and layout shift from navigation
 * until the card is on screen (then one more frame), and the time it took. */
async function loadPrompt() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(pages.without, { waitUntil: 'load' });
  await page.addInitScript(instrument);
  await page.goto(promptPage, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelector('allo-widget')?.shadowRoot.querySelector('.allo-prompt'), null, { timeout: 30000, polling: 20 });
  const perf = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve({
    ...window.__bench,
    shownAt: performance.now(),
  })))));
  await context.close();
  return {
    atLoad: { transfer: 0, gzip: 0 },
    quiet: { transfer: 0, gzip: 0 },
    files: [],
    longTasks: perf.long.length,
    longestTask: Math.max(0, ...perf.long),
    tbt: perf.long.reduce((a, d) => a + Math.max(0, d - 50), 0),
    cls: perf.shift,
    clickToPanel: perf.shownAt,
    longestAfterClick: 0,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => (n / 1024).toFixed(1) + ' KB';

async function series(name, fn) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await fn());
  const pick = (f) => median(runs.map(f));
  return {
    name,
    atLoadTransfer: pick((r) => r.atLoad.transfer),
    atLoadGzip: pick((r) => r.atLoad.gzip),
    quietTransfer: pick((r) => r.quiet.transfer),
    quietGzip: pick((r) => r.quiet.gzip),
    files: runs[0].files,
    longTasks: pick((r) => r.longTasks),
    longestTask: pick((r) => r.longestTask),
    tbt: pick((r) => r.tbt),
    cls: pick((r) => r.cls),
    clickToPanel: runs[0].clickToPanel === undefined ? null : pick((r) => r.clickToPanel),
    clickToPanelAll: runs.map((r) => r.clickToPanel).filter((x) => x !== undefined),
    longestAfterClick: runs[0].clickToPanel === undefined ? null : pick((r) => r.longestAfterClick),
  };
}

// One throw-away load first: a fresh browser's first page pays one-off costs (fonts, caches
// outside the HTTP cache) that belong to neither variant.
await load(pages.without);
const results = [];
// The "click→panel" column of this row is navigation → prompt card on screen.
const promptRow = () => series('prompt page, 2nd view (→ card)', loadPrompt);
if (PROMPT_ONLY) results.push(await promptRow());
else results.push(await series('without Allo', () => load(pages.without)));
if (!PROMPT_ONLY) {
  results.push(await series('with Allo, started by hover first', () => load(pages.with, { click: true, hover: true })));
  results.push(await series('with Allo, compiled when idle', () => load(pages.with, { click: true })));
  results.push(await series('with Allo, Save-Data (cold click)', () => load(pages.with, { save: true, click: true })));
  results.push(await series('cold click, Slow 4G, gzip served', () => load(slowPage, { save: true, click: true, network: SLOW_4G })));
  results.push(await series('… the page in French', () => load(slowFrench, { save: true, click: true, network: SLOW_4G })));
  results.push(await promptRow());
}

console.log(`\nHost-page impact, demo page, median of ${RUNS} cold loads (Chromium ${browser.version()}, uncompressed static server; "gzip" = the same bytes at gzip -9)`);
console.log('variant                               at load (raw / gzip)    when quiet (raw / gzip)  long tasks  longest  TBT     CLS    click→panel (runs)        longest task after click');
for (const r of results) {
  const click = r.clickToPanel === null ? '—' : r.clickToPanel.toFixed(0) + ' ms (' + r.clickToPanelAll.map((x) => x.toFixed(0)).join(', ') + ')';
  console.log(`${r.name.padEnd(37)} ${(kb(r.atLoadTransfer) + ' / ' + kb(r.atLoadGzip)).padEnd(23)} ${(kb(r.quietTransfer) + ' / ' + kb(r.quietGzip)).padEnd(24)} ${String(r.longTasks).padEnd(11)} ${(r.longestTask.toFixed(0) + ' ms').padEnd(8)} ${(r.tbt.toFixed(0) + ' ms').padEnd(7)} ${r.cls.toFixed(3).padEnd(6)} ${click.padEnd(25)} ${r.longestAfterClick === null ? '—' : r.longestAfterClick.toFixed(0) + ' ms'}`);
}
for (const r of results) console.log(`files ${r.name}: ${r.files.join(' ')}`);

await browser.close();

let lighthouse = null;
if (LIGHTHOUSE) {
  const cli = require.resolve('lighthouse/cli/index.js');
  // Lighthouse runs asynchronously: the pages are served by this very process, so a
  // synchronous child would leave Lighthouse's Chromium waiting for them forever. A run that
  // still fails (Chromium can lose its tab on a busy machine) is retried, up to three attempts.
  const run = async (url, attempt = 1) => {
    try {
      return await runOnce(url);
    } catch (e) {
      if (attempt >= 3) throw e;
      console.error(`lighthouse: attempt ${attempt} on ${url} failed (${String(e.message).split('\n')[0]}); retrying`);
      return run(url, attempt + 1);
    }
  };
  const runOnce = async (url) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'allo-lh-'));
    const out = path.join(dir, 'report.json');
    try {
      await promisify(execFile)(process.execPath, [cli, url, '--quiet', '--only-categories=performance', '--output=json', `--output-path=${out}`,
        '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage'],
      { env: { ...process.env, CHROME_PATH: CHROME }, timeout: 180000 });
      const lhr = JSON.parse(readFileSync(out, 'utf8'));
      const a = lhr.audits;
      return {
        score: Math.round(lhr.categories.performance.score * 100),
        fcp: a['first-contentful-paint'].numericValue,
        lcp: a['largest-contentful-paint'].numericValue,
        tbt: a['total-blocking-time'].numericValue,
        cls: a['cumulative-layout-shift'].numericValue,
        si: a['speed-index'].numericValue,
        bootup: a['bootup-time'].numericValue,
        bytes: a['total-byte-weight'].numericValue,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  lighthouse = {};
  for (const [name, url] of Object.entries(pages)) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await run(url));
    lighthouse[name] = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
    lighthouse[name].scores = runs.map((r) => r.score);
  }
  console.log(`\nLighthouse ${require('lighthouse/package.json').version}, performance, mobile with simulated throttling, median of ${RUNS}`);
  console.log('page      score (runs)        FCP       LCP       TBT     CLS    Speed Index  bootup   total bytes');
  for (const [name, l] of Object.entries(lighthouse)) {
    console.log(`${name.padEnd(9)} ${(l.score + ' (' + l.scores.join(', ') + ')').padEnd(19)} ${(l.fcp.toFixed(0) + ' ms').padEnd(9)} ${(l.lcp.toFixed(0) + ' ms').padEnd(9)} ${(l.tbt.toFixed(0) + ' ms').padEnd(7)} ${l.cls.toFixed(3).padEnd(6)} ${(l.si.toFixed(0) + ' ms').padEnd(12)} ${(l.bootup.toFixed(0) + ' ms').padEnd(8)} ${kb(l.bytes)}`);
  }
  console.log(`score difference (with − without): ${lighthouse.with.score - lighthouse.without.score}`);
}

await shop.stop();
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ runs: RUNS, results, lighthouse }, null, 2));
