// Foundation: the widget embedded like an owner would, a real collector, real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector, startStatic, shopPage, launch, watch, until } from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openWidget(page) {
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByRole('dialog', { name: 'How can we help?' }).waitFor();
}

test('demo page: feedback goes from the widget into SQLite', async () => {
  const collector = await startCollector();
  const page = await browser.newPage();
  const log = watch(page);
  try {
    await page.goto(collector.url + '/');
    await openWidget(page);
    await page.getByRole('radio', { name: 'Satisfied', exact: true }).check();
    // A high score asks what went well.
    await page.getByLabel('What did we do well?').fill('Lovely beans, quick delivery.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
    const shown = await page.getByText(/Your reference: /).textContent();

    const rows = collector.rows('select * from submissions');
    assert.equal(rows.length, 1);
    const row = rows[0];
    assert.equal(row.kind, 'feedback');
    assert.equal(row.feedback_metric, 'csat');
    assert.equal(row.feedback_score, 4);
    assert.equal(row.feedback_message, 'Lovely beans, quick delivery.');
    assert.equal(row.page_url, collector.url + '/');
    assert.equal(row.page_title, 'Lumen Coffee Roasters · Small-batch coffee from Lyon');
    assert.match(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(shown, `Your reference: ${row.reference}`);
    const body = JSON.parse(row.body);
    assert.equal(body.schema, 'allo.submission/1');
    assert.equal(body.locale, 'en');
    assert.match(body.client.viewport, /^\d+x\d+$/);
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.errors, []);
  } finally {
    await page.close();
    await collector.stop();
  }
});

test('sending without a rating shows the problem next to the field and focuses it', async () => {
  const collector = await startCollector();
  const page = await browser.newPage();
  try {
    await page.goto(collector.url + '/');
    await openWidget(page);
    await page.getByRole('button', { name: 'Send' }).click();
    // Exact: the live region's summary ("1 problem: Please choose a rating.") holds the words too.
    const error = page.getByText('Please choose a rating.', { exact: true });
    await error.waitFor();
    const group = page.getByRole('group', { name: 'How satisfied are you with your experience?' });
    assert.equal(await group.getAttribute('aria-describedby'), await error.getAttribute('id'));
    const focused = await page.evaluate(() => document.querySelector('allo-widget').shadowRoot.activeElement?.name);
    assert.equal(focused, 'allo-score');
    assert.equal(collector.rows('select count(*) as n from submissions')[0].n, 0);
  } finally {
    await page.close();
    await collector.stop();
  }
});

test('keyboard: focus moves in, Tab stays in the dialog, Esc closes and returns focus', async () => {
  const collector = await startCollector();
  const page = await browser.newPage();
  try {
    await page.goto(collector.url + '/');
    const launcher = page.getByRole('button', { name: 'Contact us' });
    await launcher.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
    const active = () => page.evaluate(() => {
      const a = document.querySelector('allo-widget').shadowRoot.activeElement;
      return a ? (a.getAttribute('aria-label') || a.name || a.id || a.textContent.trim()) : null;
    });
    await until(async () => (await active()) === 'allo-score', { what: 'focus on the rating' });
    // Tab through everything: focus never leaves the dialog.
    const seen = new Set();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      const a = await active();
      assert.ok(a, 'focus stayed inside the widget');
      seen.add(a);
    }
    assert.ok(seen.has('Close') && seen.has('allo-message') && seen.has('Send'), [...seen].join(','));
    await page.keyboard.press('Escape');
    await until(async () => (await page.getByRole('dialog').count()) === 0, { what: 'dialog closed' });
    assert.equal(await active(), 'Contact us');
    assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
    // The close button closes too.
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Close' }).click();
    await until(async () => (await page.getByRole('dialog').count()) === 0, { what: 'dialog closed by button' });
  } finally {
    await page.close();
    await collector.stop();
  }
});

test('missing data-endpoint: one clear console error, no launcher, the page keeps working', async () => {
  const shop = await startStatic();
  const page = await browser.newPage();
  const log = watch(page);
  try {
    const url = shop.page('/no-endpoint.html', shopPage({ loader: '/cdn/allo/allo.js', attrs: 'data-accent="#123456"' }));
    await page.goto(url);
    await until(() => log.errors.length > 0, { what: 'the config error' });
    await page.waitForLoadState('networkidle');
    assert.equal(log.errors.length, 1, log.errors.join('\n'));
    assert.match(log.errors[0], /data-endpoint/);
    assert.match(log.errors[0], /not shown/);
    assert.deepEqual(log.pageErrors, []);
    assert.equal(await page.locator('allo-widget').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Contact us' }).count(), 0);
    assert.equal(await page.locator('#content').textContent(), 'Welcome.');
  } finally {
    await page.close();
    await shop.stop();
  }
});

test('bad settings: each warning arrives whole, in order, from the texts file beside the wasm', async () => {
  const shop = await startStatic();
  const page = await browser.newPage();
  const log = watch(page);
  const texts = [];
  page.on('request', (r) => { if (/\/allo-messages-[\da-f]{16}\.json$/.test(r.url())) texts.push(r.url()); });
  try {
    const url = shop.page('/bad-settings.html', shopPage({
      loader: '/cdn/allo/allo.js',
      attrs: 'data-endpoint="/v1/submissions" data-position="middle" data-metric="stars" data-z-index="high"',
    }));
    await page.goto(url);
    await openWidget(page);
    await until(() => log.warnings.length >= 3, { what: 'three warnings' });
    assert.deepEqual(log.warnings, [
      'Allo: setting "position": "middle" is not bottom-right or bottom-left; using bottom-right',
      'Allo: setting "zIndex": "high" is not a whole number from -2147483648 to 2147483647; using 2147483000',
      'Allo: setting "metric": "stars" is not csat, nps or ces; using csat',
    ]);
    // A later message uses the texts already there: one fetch for the page.
    await page.evaluate(() => Allo.open('chat'));
    await until(() => log.errors.length, { what: 'the API error' });
    assert.match(log.errors[0], /^Allo: Allo\.open\("chat"\): the form must be "feedback" or "callback"/);
    assert.equal(texts.length, 1, texts.join('\n'));
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await page.close();
    await shop.stop();
  }
});

test('texts file blocked: each message still prints, as its number and arguments', async () => {
  const shop = await startStatic();
  const page = await browser.newPage();
  const log = watch(page);
  await page.route('**/allo-messages-*.json', (route) => route.abort('blockedbyclient'));
  try {
    const url = shop.page('/blocked-texts.html', shopPage({
      loader: '/cdn/allo/allo.js',
      attrs: 'data-endpoint="/v1/submissions" data-position="middle"',
    }));
    await page.goto(url);
    await openWidget(page);
    await until(() => log.warnings.length, { what: 'the warning' });
    assert.deepEqual(log.warnings, [
      'Allo: message 0 ["\\"position\\"","\\"middle\\"","is not bottom-right or bottom-left","bottom-right"] (its text could not be loaded; see messages.md in the Allo package)',
    ]);
    // The widget works as before.
    await page.getByRole('radio', { name: 'Satisfied', exact: true }).check();
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await page.close();
    await shop.stop();
  }
});

test('any host, any endpoint: loader under a sub-path, endpoint on another origin (CORS)', async () => {
  const shop = await startStatic();
  const collector = await startCollector({ site: null, allowOrigins: [shop.url] });
  const page = await browser.newPage();
  const log = watch(page);
  try {
    const url = shop.page('/cross.html', shopPage({
      loader: '/cdn/allo/allo.js',
      attrs: `data-endpoint="${collector.url}/v1/submissions" data-position="bottom-left"`,
    }));
    await page.goto(url);
    await openWidget(page);
    await page.getByRole('radio', { name: 'Very satisfied' }).check();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
    const rows = collector.rows('select feedback_score, page_url from submissions');
    assert.deepEqual(rows, [{ feedback_score: 5, page_url: url }]);
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await page.close();
    await collector.stop();
    await shop.stop();
  }
});

test('an endpoint that refuses: the visitor sees its message and keeps their text', async () => {
  const shop = await startStatic();
  const endpoint = shop.route('/refuse', (req, res) => {
    req.resume();
    res.writeHead(422, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'The shop is closed for the holidays.' }));
  });
  const page = await browser.newPage();
  try {
    await page.goto(shop.page('/refuse.html', shopPage({ loader: '/cdn/allo/allo.js', attrs: `data-endpoint="${endpoint}"` })));
    await openWidget(page);
    await page.getByRole('radio', { name: 'Dissatisfied', exact: true }).check();
    await page.getByLabel('What went wrong?').fill('Please keep this text');
    await page.getByRole('button', { name: 'Send' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.textContent(), "The shop couldn't accept this message: The shop is closed for the holidays.");
    assert.equal(await page.getByLabel('What went wrong?').inputValue(), 'Please keep this text');
  } finally {
    await page.close();
    await shop.stop();
  }
});

test('an unreachable endpoint: nothing is lost, the message waits in the outbox', async () => {
  const shop = await startStatic();
  const page = await browser.newPage();
  try {
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    await page.goto(shop.page('/down.html', shopPage({ loader: '/cdn/allo/allo.js', attrs: 'data-endpoint="http://127.0.0.1:9/v1/submissions" data-kinds="feedback"' })));
    await openWidget(page);
    await page.getByRole('radio', { name: 'Satisfied', exact: true }).check();
    await page.getByLabel('What did we do well?').fill('Still here');
    await page.getByRole('button', { name: 'Send' }).click();
    // Not an error: saved, and sent when the shop is reachable again.
    await page.getByRole('heading', { name: 'Saved' }).waitFor();
    await page.getByText("We'll send it as soon as you're back online.", { exact: false }).waitFor();
    const queued = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('allo:outbox:')));
    assert.equal(queued.length, 1);
    assert.match(await page.evaluate((k) => localStorage.getItem(k), queued[0]), /Still here/);
  } finally {
    await page.close();
    await shop.stop();
  }
});

test('the shadow root keeps the widget and the page apart', async () => {
  const shop = await startStatic();
  const collector = await startCollector({ site: null, allowOrigins: [shop.url] });
  const page = await browser.newPage();
  try {
    const hostile = '<style>* { font-family: "Comic Sans MS" !important; color: red !important; } button { background: lime !important; } html { font-size: 10px; }</style>';
    await page.goto(shop.page('/hostile.html', shopPage({ loader: '/cdn/allo/allo.js', before: hostile, attrs: `data-endpoint="${collector.url}/v1/submissions" data-accent="#7c2d12"` })));
    const launcher = page.getByRole('button', { name: 'Contact us' });
    await launcher.waitFor();
    const style = await launcher.evaluate((el) => {
      const s = getComputedStyle(el);
      return { bg: s.backgroundColor, color: s.color, size: s.fontSize, font: s.fontFamily.split(',')[0] };
    });
    assert.deepEqual(style, { bg: 'rgb(124, 45, 18)', color: 'rgb(255, 255, 255)', size: '15px', font: 'system-ui' });
    // And nothing of Allo's CSS reaches the page.
    const pageFont = await page.locator('h1').evaluate((el) => getComputedStyle(el).fontWeight);
    assert.equal(pageFont, '700');
    assert.equal(await page.evaluate(() => document.styleSheets.length), 1);
  } finally {
    await page.close();
    await collector.stop();
    await shop.stop();
  }
});

test('the script included twice: one widget and a warning', async () => {
  const shop = await startStatic();
  const page = await browser.newPage();
  const log = watch(page);
  try {
    const twice = '<script src="/cdn/allo/allo.js" data-endpoint="/v1/submissions" defer></script>';
    await page.goto(shop.page('/twice.html', shopPage({ loader: '/cdn/allo/allo.js', before: twice, attrs: 'data-endpoint="/v1/submissions"' })));
    await page.getByRole('button', { name: 'Contact us' }).waitFor();
    assert.equal(await page.locator('allo-widget').count(), 1);
    assert.ok(log.warnings.some((w) => /included more than once/.test(w)), log.warnings.join('\n'));
  } finally {
    await page.close();
    await shop.stop();
  }
});
