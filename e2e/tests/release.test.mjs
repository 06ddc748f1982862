// The release as a shop gets it: the widget package made by scripts/release.sh, unpacked and
// served by a plain static server under a path that has nothing to do with Allo, with the
// integrity-checked snippet from its README; and the integrity chain itself: a glue or a wasm
// that differs from the build is refused with one console error of Allo's and no widget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, DIST, shopPage, watch, until, withShop, sendFeedback } from '../lib/harness.mjs';

const env = withShop({ site: DIST });

const manifest = JSON.parse(readFileSync(path.join(DIST, 'allo-manifest.json'), 'utf8'));
const endpoint = () => `data-endpoint="${env.collector.url}/v1/submissions"`;

/** A page recording Allo's events, its console and CSP violations. */
async function watched() {
  const page = await env.browser.newPage();
  await page.addInitScript(() => {
    window.__allo = [];
    window.__violations = [];
    addEventListener('allo:error', (e) => window.__allo.push(e.detail));
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    // Whether anything compiled was ever instantiated (i.e. the app's code ran).
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = function (...args) {
      window.__instantiated = true;
      return instantiate.apply(this, args);
    };
  });
  return { page, log: watch(page) };
}

const stored = (text) => env.collector.rows(`select count(*) as n from submissions where feedback_message = '${text}'`)[0].n;

/** Waits for Allo's own error line; returns every console error of the page so far. */
async function refused(page, log) {
  await until(() => log.errors.some((e) => e.startsWith('Allo:')), { what: "Allo's console error" });
  await page.waitForLoadState('networkidle');
  // Intent after the failure changes nothing: no second error, no widget.
  await page.evaluate(() => Allo.open());
  const ours = log.errors.filter((e) => e.startsWith('Allo:'));
  assert.equal(ours.length, 1, log.errors.join('\n'));
  assert.equal(await page.locator('allo-widget').count(), 0, 'no widget');
  assert.deepEqual(await page.evaluate(() => window.__allo), [{ code: 'load' }]);
  assert.equal(await page.evaluate(() => window.__instantiated), undefined, 'nothing of the app ran');
  assert.deepEqual(log.pageErrors, []);
  return ours[0];
}

test('the widget package: exactly its files, served from a plain static server under another path, a feedback goes through', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'allo-release-'));
  // The release script itself, on the build the suite already made.
  const said = execFileSync(path.join(ROOT, 'scripts/release.sh'), ['--no-build', out], { encoding: 'utf8' });
  const tgz = readdirSync(out).find((f) => /^allo-widget-\d+\.\d+\.\d+\.tgz$/.test(f));
  assert.ok(tgz, `a package in ${readdirSync(out)}`);
  const version = tgz.match(/(\d+\.\d+\.\d+)/)[1];
  const folder = path.join(out, `allo-widget-${version}`);

  // What npm would publish: exactly these files.
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: folder, encoding: 'utf8' }));
  const catalogs = Object.values(manifest.catalogs).map((c) => c.file);
  assert.equal(catalogs.length, 5, 'one catalog file per language but English');
  const expected = ['README.md', 'allo.js', manifest.glue.file, manifest.wasm.file, ...catalogs, manifest.messages.file, 'messages.md', 'package.json', 'submission.schema.json'];
  assert.deepEqual(packed.files.map((f) => f.path).sort(), expected.sort());
  assert.equal(packed.name, 'allo-widget');
  assert.equal(packed.version, version);

  // Unpacked as npm (or a CDN mirroring it) would.
  const unpacked = mkdtempSync(path.join(tmpdir(), 'allo-unpacked-'));
  execFileSync('tar', ['-xzf', path.join(out, tgz), '-C', unpacked]);
  const pkg = path.join(unpacked, 'package');
  const loader = readFileSync(path.join(pkg, 'allo.js'));
  const integrity = 'sha384-' + createHash('sha384').update(loader).digest('base64');
  // The value the release printed and the README's snippet carry is the loader's real digest.
  assert.ok(said.includes(`integrity="${integrity}"`), said);
  const readme = readFileSync(path.join(pkg, 'README.md'), 'utf8');
  assert.ok(readme.includes(`integrity="${integrity}" crossorigin="anonymous"`), readme);
  assert.ok(readme.includes(`allo-widget@${version}/allo.js`), readme);

  // A static server that knows nothing of Allo, the package under an unrelated path.
  const base = `/static/vendor/contact-${version}/`;
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.md': 'text/markdown' };
  for (const file of readdirSync(pkg)) {
    env.shop.route(base + file, (req, res) => {
      // CORS as a CDN sends it: the page's script tag asks with crossorigin="anonymous".
      res.writeHead(200, { 'content-type': types[path.extname(file)], 'access-control-allow-origin': '*' });
      res.end(readFileSync(path.join(pkg, file)));
    });
  }
  const { page, log } = await watched();
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(env.shop.page('/shop/contact.html', shopPage({
    loader: base + 'allo.js', attrs: `integrity="${integrity}" crossorigin="anonymous" ${endpoint()}`,
  })));
  await sendFeedback(page, 'from the released package');
  assert.equal(stored('from the released package'), 1);
  for (const file of ['allo.js', manifest.glue.file, manifest.wasm.file]) {
    assert.ok(requested.includes(base + file), `${file} loaded from ${base}: ${requested}`);
  }
  assert.deepEqual([log.errors, log.pageErrors], [[], []]);
  await page.close();
});

test('a changed glue is refused: its code never runs, one error from Allo, no widget', async () => {
  const { page, log } = await watched();
  await page.route(`**/${manifest.glue.file}`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: (await response.text()) + '\nwindow.__tampered = 1;\n' });
  });
  await page.goto(env.shop.page('/tampered-glue.html', shopPage({ loader: '/cdn/allo/allo.js', attrs: endpoint() })));
  const ours = await refused(page, log);
  assert.match(ours, new RegExp(`^Allo: could not load .*${manifest.glue.file}.*The widget is not shown\\.$`));
  assert.equal(await page.evaluate(() => window.__tampered), undefined, 'the changed glue never ran');
  // The browser's own line says why (Subresource Integrity); nothing else is logged.
  const others = log.errors.filter((e) => !e.startsWith('Allo:'));
  assert.equal(others.length, 1, log.errors.join('\n'));
  assert.match(others[0], /integrity/);
  await page.close();
});

test('a changed wasm is refused before it is instantiated: one error naming it, no widget', async () => {
  const { page, log } = await watched();
  let served = 0;
  await page.route('**/*.wasm', async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    // One byte in the middle: still the same size, still served as application/wasm.
    body[body.length >> 1] ^= 0xff;
    served++;
    await route.fulfill({ response, body });
  });
  await page.goto(env.shop.page('/tampered-wasm.html', shopPage({ loader: '/cdn/allo/allo.js', attrs: endpoint() })));
  const ours = await refused(page, log);
  assert.equal(served, 1);
  assert.match(ours, new RegExp(`${manifest.wasm.file} is not the file this allo.js was built with`));
  assert.deepEqual(log.errors, [ours], 'the only error on the console');
  await page.close();
});

test("under a nonce-based CSP with 'strict-dynamic' the checked glue loads and works", async () => {
  const { page, log } = await watched();
  const csp = `default-src 'none'; script-src 'nonce-n0nce' 'strict-dynamic' 'wasm-unsafe-eval'; connect-src 'self' ${env.collector.url}; img-src data:; base-uri 'none'`;
  await page.goto(env.shop.page('/csp-strict-dynamic.html', shopPage({ loader: '/cdn/allo/allo.js', attrs: `nonce="n0nce" ${endpoint()}` }),
    { 'content-security-policy': csp }));
  await sendFeedback(page, 'strict-dynamic and integrity');
  assert.equal(stored('strict-dynamic and integrity'), 1);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual([log.errors, log.pageErrors], [[], []]);
  await page.close();
});

test('the collector serves the hashed files as immutable and the loader as revalidated', async () => {
  const head = async (file) => (await fetch(`${env.collector.url}/${file}`)).headers.get('cache-control');
  assert.equal(await head('allo.js'), 'no-cache');
  assert.equal(await head(manifest.glue.file), 'public, max-age=31536000, immutable');
  assert.equal(await head(manifest.wasm.file), 'public, max-age=31536000, immutable');
  assert.equal(await head(manifest.catalogs.fr.file), 'public, max-age=31536000, immutable');
});
