// Shared set-up for the end-to-end tests: a real allo-collector process, a real static server
// for third-party host pages, and Debian's Chromium driven by playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// ALLO_DIST: another build to test or measure (e.g. a copy of an older one).
export const DIST = process.env.ALLO_DIST ? path.resolve(process.env.ALLO_DIST) : path.join(ROOT, 'dist');
const COLLECTOR = process.env.ALLO_COLLECTOR_BIN || path.join(ROOT, 'target/debug/allo-collector');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** The inbox owner every test collector gets (see `startCollector`). */
export const OWNER = { email: 'owner@shop.example', password: 'e2e owner password 0123' };

/**
 * Adds an inbox account to the SQLite file `db` through the real CLI, the password on stdin
 * (never argv): `allo-collector user add EMAIL --role ROLE`.
 */
export function addAccount(db, { email, password, role = 'agent', name = '' }) {
  execFileSync(COLLECTOR, ['user', 'add', email, '--role', role, '--name', name, '--db', db], {
    input: password + '\n',
    stdio: ['pipe', 'ignore', 'inherit'],
  });
}

/**
 * Starts allo-collector on a free port with a fresh SQLite file. An owner account (`OWNER`)
 * is made first through the CLI unless `owner: false`, so the inbox is open to log in to.
 */
export async function startCollector({ site = DIST, allowOrigins = [], args = [], owner = true } = {}) {
  if (!existsSync(COLLECTOR)) throw new Error(`no collector binary at ${COLLECTOR}: run scripts/test.sh`);
  const dir = mkdtempSync(path.join(tmpdir(), 'allo-e2e-'));
  const db = path.join(dir, 'allo.sqlite');
  if (owner) addAccount(db, { ...OWNER, role: 'owner' });
  // Every test visitor comes from 127.0.0.1: the per-address limit (tested in the collector's
  // own suite) would otherwise throttle the whole run.
  const argv = ['--listen', '127.0.0.1:0', '--db', db, '--log', 'warn', '--rate-limit', '0', ...args];
  if (site) argv.push('--site', site);
  for (const o of allowOrigins) argv.push('--allow-origin', o);
  const child = spawn(COLLECTOR, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('collector did not start: ' + out)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+?)\/? /);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`collector exited ${code}: ${out}`)); });
  });
  return {
    url,
    db,
    /** The owner account's email and password (`null` with `owner: false`). */
    owner: owner ? OWNER : null,
    /** Adds an account to this collector's database (as `allo-collector user add` does). */
    addAccount: (account) => addAccount(db, account),
    /** Rows of `sql` read straight from the SQLite file with Debian's sqlite3. */
    rows(sql) {
      const out = execFileSync('sqlite3', ['-json', db, sql], { encoding: 'utf8' });
      return out.trim() ? JSON.parse(out) : [];
    },
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/**
 * Logs `page` into the inbox of `collector` with an account's email and password (one home for
 * the login steps, so every test and the screenshot script log in the same way); the history
 * records that account. Without `email`/`password` it is the collector's owner. `token` and
 * `name` are accepted and ignored: the token is the API's Bearer credential, not a password,
 * and who acted is the account, not a typed name.
 */
export async function inboxLogin(page, collector, { email, password, token, name } = {}) {
  const who = email ? { email, password } : collector.owner;
  if (!who) throw new Error('inboxLogin: this collector has no owner account (started with owner: false)');
  await page.goto(collector.url + '/inbox/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/inbox$/);
}

/**
 * A plain static server standing in for a shop nobody here wrote: pages registered by the
 * test, Allo's built files under /cdn/allo/ (a CDN-like sub-path), and custom routes.
 */
export async function startStatic() {
  const pages = new Map();
  const routes = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (routes.has(url.pathname)) return routes.get(url.pathname)(req, res);
    if (pages.has(url.pathname)) {
      const { html, headers } = pages.get(url.pathname);
      res.writeHead(200, { 'content-type': TYPES['.html'], ...headers });
      return res.end(html);
    }
    if (url.pathname.startsWith('/cdn/allo/')) {
      const file = path.join(DIST, path.normalize(url.pathname.slice('/cdn/allo/'.length)));
      if (file.startsWith(DIST) && existsSync(file)) {
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
        return res.end(readFileSync(file));
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    /** Serves `html` at `p`, with extra response `headers` (e.g. a Content-Security-Policy). */
    page(p, html, headers = {}) { pages.set(p, { html, headers }); return url + p; },
    route(p, handler) { routes.set(p, handler); return url + p; },
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** A shop page embedding Allo with the given script attributes. */
export function shopPage({ loader, attrs = '', before = '', lang = 'en', body = '' }) {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Test shop</title></head>
<body><h1>Test shop</h1><p id="content">Welcome.</p>${body}${before}
<script src="${loader}" ${attrs} defer></script></body></html>`;
}

/** Debian's Chromium, headless; never a downloaded browser. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Collects console messages and uncaught page errors. */
export function watch(page) {
  const log = { errors: [], warnings: [], pageErrors: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(m.text());
    if (m.type() === 'warning') log.warnings.push(m.text());
  });
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  return log;
}

/** Polls `fn` until it returns a truthy value (no fixed sleeps). */
export async function until(fn, { timeout = 10000, interval = 50, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** True once the app's own launcher is on the page (not the loader's stand-in, which is marked
 * `data-allo-facade`). */
export const appMounted = (page) => page.evaluate(() => [...(document.querySelector('allo-widget')?.shadowRoot.querySelectorAll('.allo-launcher') ?? [])]
  .some((b) => !b.closest('[data-allo-facade]')));

/**
 * Shows intent the way a visitor does, so that the loader starts the app (when the browser is
 * idle it only compiles the wasm): points at the launcher, then moves the pointer off it so no
 * hover style stays behind. Resolves once the app's launcher has replaced the loader's and
 * stands still.
 */
export async function startApp(page) {
  await page.locator('allo-widget .allo-launcher').hover();
  await page.mouse.move(0, 0);
  await until(() => appMounted(page), { what: 'the app started on intent' });
  // The app's launcher may have been under the pointer for a moment: let its hover lift settle.
  await page.evaluate(() => Promise.all(document.querySelector('allo-widget').shadowRoot.getAnimations().map((a) => a.finished)));
}

/**
 * The set-up most visitor-side test files share, registered as the file's `before`/`after`:
 * Chromium, a static shop server, and a collector that takes submissions from the shop's
 * origin (`site`: what it serves itself, nothing by default; `args`: more CLI arguments). The
 * returned object's `browser`, `shop` and `collector` are set once `before` has run.
 */
export function withShop({ site = null, args = [] } = {}) {
  const env = {};
  before(async () => {
    env.browser = await launch();
    env.shop = await startStatic();
    env.collector = await startCollector({ site, allowOrigins: [env.shop.url], args });
  });
  after(async () => {
    await env.browser?.close();
    await env.collector?.stop();
    await env.shop?.stop();
  });
  return env;
}

/** The inbox token of the collectors `withInbox` starts. */
export const INBOX_TOKEN = 'e2e-inbox-token-0123456789';

/**
 * The set-up of the inbox test files: Chromium and a collector serving the demo shop, with an
 * inbox token ({@link INBOX_TOKEN}) and more CLI `args`. `browser` and `collector` as in
 * {@link withShop}.
 */
export function withInbox({ args = [] } = {}) {
  const env = {};
  before(async () => {
    env.browser = await launch();
    env.collector = await startCollector({ args: ['--inbox-token', INBOX_TOKEN, ...args] });
  });
  after(async () => {
    await env.browser?.close();
    await env.collector?.stop();
  });
  return env;
}

/**
 * A Tuesday, 10:00 in Paris, at least a week ahead. The collector judges promises ("overdue",
 * the queue's order) by its own, real clock, so a visitor's frozen clock must not be in its
 * past: a fixed date broke once the calendar passed it.
 */
export function nextTuesday10hParis() {
  const d = new Date(Date.now() + 7 * 864e5);
  while (d.getUTCDay() !== 2) d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(9, 0, 0, 0);
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(d));
  d.setUTCHours(9 - (hour - 10));
  return d;
}

/** Sends a "Very satisfied" feedback with `text` through the widget on `page` (English). */
export async function sendFeedback(page, text) {
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByRole('dialog').waitFor();
  await page.getByRole('radio', { name: 'Very satisfied' }).check();
  await page.getByLabel('What did we do well?').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
}

/**
 * A visitor in `context` on the page `url` at the frozen time `at`, with the (English) callback
 * form filled in for `phone` and `name`, "remember me" ticked (which is what makes a request
 * followed); returns the page and the form, not yet sent.
 */
export async function callbackFilled(context, { url, at, phone, name }) {
  const p = await context.newPage();
  await p.clock.setFixedTime(at);
  await p.goto(url);
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('tab', { name: 'Call me back' }).click();
  const f = p.getByRole('tabpanel', { name: 'Call me back' });
  await f.getByLabel('Phone number').fill(phone);
  await f.getByLabel('Your name').fill(name);
  await f.getByLabel(/I agree that the shop may call me/).check();
  await f.getByLabel('Remember me on this device').check();
  return { p, f };
}
