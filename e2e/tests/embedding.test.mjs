// Safe embedding on any site: a strict Content-Security-Policy (with and without
// 'wasm-unsafe-eval', a style nonce), single-page apps, and style isolation proven with
// screenshots against a hostile stylesheet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { ROOT, startCollector, shopPage, watch, until, startApp, withShop, sendFeedback } from '../lib/harness.mjs';

const env = withShop();

/** A new page that records CSP violations (window.__violations) and its console. */
async function watched() {
  const page = await env.browser.newPage();
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    window.__allo = [];
    for (const t of ['ready', 'error']) addEventListener('allo:' + t, (e) => window.__allo.push([t, e.detail]));
  });
  return { page, log: watch(page) };
}
const violations = (page) => page.evaluate(() => window.__violations);

// The strictest policy Allo runs under: nothing inline, nothing from elsewhere.
const strict = (extra = '') => `default-src 'none'; script-src 'self'${extra}; connect-src 'self' ${env.collector.url}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

test("strict CSP with 'wasm-unsafe-eval': works end to end with no style-src at all", async () => {
  const { page, log } = await watched();
  const url = env.shop.page('/csp-ok.html', shopPage({ loader: '/cdn/allo/allo.js', attrs: `data-endpoint="${env.collector.url}/v1/submissions"` }),
    { 'content-security-policy': strict(" 'wasm-unsafe-eval'") });
  await page.goto(url);
  await sendFeedback(page, 'csp strict ok');
  assert.equal(env.collector.rows("select count(*) as n from submissions where feedback_message = 'csp strict ok'")[0].n, 1);
  // Styled although style-src falls back to 'none': constructed stylesheets are not inline styles.
  const bg = await page.getByRole('button', { name: 'Contact us' }).evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(bg, 'rgb(29, 78, 216)');
  assert.deepEqual(await violations(page), []);
  assert.deepEqual([log.errors, log.pageErrors], [[], []]);
  await page.close();
});

test("strict CSP without 'wasm-unsafe-eval': one error naming it, no launcher, allo:error csp", async () => {
  const { page, log } = await watched();
  const url = env.shop.page('/csp-no-wasm.html', shopPage({
    loader: '/cdn/allo/allo.js', attrs: `data-endpoint="${env.collector.url}/v1/submissions"`,
    body: '<button id="t" data-allo-open="callback">Call me</button>',
  }), { 'content-security-policy': strict() });
  await page.goto(url);
  await until(() => log.errors.length > 0, { what: 'the CSP error' });
  await page.waitForLoadState('networkidle');
  // The owner's trigger does nothing more (no second error, no launcher).
  await page.locator('#t').click();
  await page.evaluate(() => Allo.open());
  assert.equal(log.errors.length, 1, log.errors.join('\n'));
  assert.match(log.errors[0], /Content-Security-Policy/);
  assert.match(log.errors[0], /'wasm-unsafe-eval'/);
  assert.match(log.errors[0], /script-src/);
  assert.equal(await page.locator('allo-widget').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Contact us' }).count(), 0);
  assert.deepEqual(await page.evaluate(() => window.__allo), [['error', { code: 'csp' }]]);
  assert.deepEqual(log.pageErrors, []);
  await page.close();
});

test('no constructable stylesheets: <style> elements carry the nonce a strict style-src asks for', async () => {
  for (const nonce of ['r4nd0m-n0nce', null]) {
    const { page, log } = await watched();
    await page.addInitScript(() => {
      // An engine without constructable stylesheets (as older Safari was).
      Object.defineProperty(ShadowRoot.prototype, 'adoptedStyleSheets', { get() { return undefined; }, set() { throw new TypeError('unsupported'); } });
    });
    const policy = strict(" 'wasm-unsafe-eval'") + "; style-src 'nonce-r4nd0m-n0nce'";
    const url = env.shop.page(`/csp-nonce-${!!nonce}.html`, shopPage({
      loader: '/cdn/allo/allo.js',
      attrs: `data-endpoint="${env.collector.url}/v1/submissions" data-accent="#7c2d12" ${nonce ? `nonce="${nonce}"` : ''}`,
    }), { 'content-security-policy': policy });
    await page.goto(url);
    const launcher = page.getByRole('button', { name: 'Contact us' });
    await launcher.waitFor();
    if (nonce) {
      await startApp(page);
      await sendFeedback(page, 'nonce ok');
      assert.equal(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(124, 45, 18)');
      const styles = await page.evaluate(() => [...document.querySelector('allo-widget').shadowRoot.querySelectorAll('style')].map((s) => s.nonce));
      assert.deepEqual(styles, [nonce], 'the app\'s own <style>, with the nonce, replaced the facade\'s');
      assert.deepEqual(await violations(page), []);
      assert.deepEqual(log.errors, []);
    } else {
      // The control: without the nonce the browser refuses the styles.
      await until(async () => (await violations(page)).length > 0, { what: 'a style-src violation' });
      assert.match((await violations(page))[0], /^style-src/);
    }
    assert.deepEqual(log.pageErrors, []);
    await page.close();
  }
});

test('single-page app: survives pushState and body replacement; the URL sent is the current one', async () => {
  const { page, log } = await watched();
  const url = env.shop.page('/spa/', shopPage({ loader: '/cdn/allo/allo.js', attrs: `data-endpoint="${env.collector.url}/v1/submissions" data-kinds="feedback"` }));
  await page.goto(url);
  await startApp(page);
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByLabel('Your message').fill('typed before navigating');
  // A client-side route change that re-renders the body's content, then swaps the body itself.
  await page.evaluate(() => {
    history.pushState({}, '', '/spa/orders/42?tab=items');
    document.title = 'Order 42';
    document.body.innerHTML = '<h1>Order 42</h1><p>Two bags of Huila.</p>';
  });
  await until(() => page.evaluate(() => !!document.querySelector('body > allo-widget')), { what: 'the widget back in the body' });
  assert.equal(await page.getByLabel('Your message').inputValue(), 'typed before navigating', 'the open panel kept its state');
  await page.evaluate(() => {
    history.pushState({}, '', '/spa/orders/43');
    const body = document.createElement('body');
    body.innerHTML = '<h1>Order 43</h1>';
    document.documentElement.replaceChild(body, document.body);
  });
  await until(() => page.evaluate(() => !!document.querySelector('body > allo-widget')), { what: 'the widget in the new body' });
  assert.equal(await page.locator('allo-widget').count(), 1);
  await page.getByRole('radio', { name: 'Very satisfied' }).check();
  await page.getByLabel('What did we do well?').fill('spa route');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
  const [row] = env.collector.rows("select page_url, page_title from submissions where feedback_message = 'spa route'");
  assert.deepEqual(row, { page_url: `${env.shop.url}/spa/orders/43`, page_title: 'Order 42' });
  assert.deepEqual([log.errors, log.pageErrors], [[], []]);
  await page.close();
});

// A stylesheet written to break embedded widgets: resets, !important everywhere, rem scaling,
// box-sizing changes, huge z-indexes, right-to-left text.
const HOSTILE = `<style>
  * { all: unset !important; }
  html { font-size: 10px !important; direction: rtl !important; line-height: 3 !important; letter-spacing: 3px !important; }
  *, *::before, *::after { box-sizing: content-box !important; }
  button, input, textarea, select { background: lime !important; color: red !important; padding: 30px !important; border: 6px dashed red !important; font: 700 30px/2 serif !important; }
  div, section, p { position: relative !important; z-index: 2147483647 !important; }
  svg { width: 200px !important; height: 200px !important; fill: red !important; }
  h1 { display: block !important; }
</style>`;

/** Counts visibly different pixels; when there are any, keeps both images in e2e/artifacts/. */
function pixelsDiffer(a, b, name, corner = 0) {
  const n = countDiff(a, b, corner);
  if (n) {
    const dir = path.join(ROOT, 'e2e', 'artifacts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name}-a.png`), a);
    writeFileSync(path.join(dir, `${name}-b.png`), b);
  }
  return n;
}

/** Pixels whose colour differs visibly, leaving out `corner`-sized squares at the four corners
 * (a rounded panel shows the page through them). */
function countDiff(a, b, corner) {
  const [pa, pb] = [PNG.sync.read(a), PNG.sync.read(b)];
  if (pa.width !== pb.width || pa.height !== pb.height) return Infinity;
  const edge = (v, max) => v < corner || v >= max - corner;
  let n = 0;
  for (let y = 0; y < pa.height; y++) {
    for (let x = 0; x < pa.width; x++) {
      if (edge(x, pa.width) && edge(y, pa.height)) continue;
      const i = (y * pa.width + x) * 4;
      if (Math.abs(pa.data[i] - pb.data[i]) + Math.abs(pa.data[i + 1] - pb.data[i + 1]) + Math.abs(pa.data[i + 2] - pb.data[i + 2]) > 24) n++;
    }
  }
  return n;
}

test('style isolation: a hostile stylesheet changes nothing in the widget, the widget nothing in the page', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const attrs = `data-endpoint="${env.collector.url}/v1/submissions" data-accent="#7c2d12"`;
  // Content kept short and away from the corner, so the launcher's shadow falls on the same white.
  const body = '<p>Plain text.</p>';
  const shots = {};
  for (const [name, before] of [['plain', ''], ['hostile', HOSTILE]]) {
    const page = await context.newPage();
    await page.goto(env.shop.page(`/iso-${name}.html`, shopPage({ loader: '/cdn/allo/allo.js', attrs, before, body })));
    await startApp(page);
    const launcher = page.getByRole('button', { name: 'Contact us' });
    const box = await launcher.boundingBox();
    shots[name] = {
      box,
      launcher: await page.screenshot({ clip: { x: box.x - 30, y: box.y - 30, width: box.width + 60, height: box.height + 60 }, animations: 'disabled' }),
    };
    await launcher.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Measured once the opening animation is over.
    await page.evaluate(() => Promise.all(document.querySelector('allo-widget').shadowRoot.getAnimations().map((a) => a.finished)));
    const panel = await dialog.boundingBox();
    shots[name].panelBox = panel;
    // Clipped to the panel itself: around it the hostile page shows its own (restyled) text.
    shots[name].panel = await page.screenshot({ clip: panel, animations: 'disabled' });
    await page.close();
  }
  assert.deepEqual(shots.hostile.box, shots.plain.box, 'the launcher has the same box');
  assert.deepEqual(shots.hostile.panelBox, shots.plain.panelBox, 'the panel has the same box');
  assert.equal(pixelsDiffer(shots.hostile.launcher, shots.plain.launcher, 'launcher'), 0, 'the launcher looks the same');
  assert.equal(pixelsDiffer(shots.hostile.panel, shots.plain.panel, 'panel', 16), 0, 'the panel looks the same');

  // And the other way round: the page looks the same with and without Allo, away from the corner.
  const pageShots = [];
  for (const name of ['without', 'with']) {
    const page = await context.newPage();
    let html = shopPage({ loader: '/cdn/allo/allo.js', attrs, before: HOSTILE, body: '<button>Add to basket</button>' });
    if (name === 'without') html = html.replace(/<script src=[^>]*><\/script>/, '');
    await page.goto(env.shop.page(`/page-${name}.html`, html));
    if (name === 'with') await startApp(page);
    pageShots.push(await page.screenshot({ clip: { x: 0, y: 0, width: 1280, height: 600 }, animations: 'disabled' }));
    const sheets = await page.evaluate(() => [document.styleSheets.length, getComputedStyle(document.querySelector('button')).backgroundColor]);
    assert.deepEqual(sheets, [1, 'rgb(0, 255, 0)'], name);
    await page.close();
  }
  assert.equal(pixelsDiffer(pageShots[0], pageShots[1], 'page'), 0, 'the page looks the same with Allo');
  await context.close();
});

test('no layout shift from the widget on the demo page, through load, takeover and opening', async () => {
  const c = await startCollector();
  const page = await env.browser.newPage();
  await page.addInitScript(() => {
    window.__perf = { shift: 0, long: [] };
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__perf.shift += e.value; }).observe({ type: 'layout-shift', buffered: true });
  });
  try {
    await page.goto(c.url + '/');
    await startApp(page);
    await page.getByRole('button', { name: 'Contact us' }).click();
    await page.getByRole('dialog').waitFor();
    const perf = await page.evaluate(() => window.__perf);
    assert.equal(perf.shift, 0);
  } finally {
    await page.close();
    await c.stop();
  }
});
