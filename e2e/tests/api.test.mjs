// The owner's side: window.Allo (queued before load, every call, bad arguments), DOM events,
// data-allo-open triggers, destroy(), and the facade launcher that loads the wasm on intent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shopPage, watch, until, appMounted, startApp, withShop } from '../lib/harness.mjs';

const env = withShop();

const endpoint = () => `data-endpoint="${env.collector.url}/v1/submissions"`;
function url(path, { attrs = '', before = '', body = '', lang = 'en' } = {}) {
  return env.shop.page(path, shopPage({ loader: '/cdn/allo/allo.js', attrs: `${endpoint()} ${attrs}`, before, body, lang }));
}

/** A page that records every allo:* event in window.__allo, and its console. */
async function recorded(context = env.browser) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__allo = [];
    for (const t of ['ready', 'open', 'close', 'submit', 'error']) {
      addEventListener('allo:' + t, (e) => window.__allo.push([t, e.detail]));
    }
  });
  return { page, log: watch(page) };
}
const events = (page) => page.evaluate(() => window.__allo);

/** Holds the wasm download until `release()`; tells whether it was asked for. */
async function holdWasm(page) {
  let release;
  const gate = new Promise((r) => { release = r; });
  const state = { requested: false, release: () => release() };
  await page.route('**/*.wasm', async (route) => {
    state.requested = true;
    await gate;
    await route.continue();
  });
  return state;
}

/** Pretends the visitor has Save-Data on: the loader then never preloads on idle. */
async function saveData(page) {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'connection', { get: () => ({ saveData: true, effectiveType: '4g' }) });
  });
}

/** Resolves after the loader's own idle callback would have run: ours is asked for later with
 * a later deadline (the loader's is 4 s; a quiet headless page may have no idle period at all). */
const idleAfterLoad = (page) => page.evaluate(() => new Promise((resolve) => {
  const idle = () => requestIdleCallback(() => requestIdleCallback(resolve, { timeout: 4500 }), { timeout: 4500 });
  if (document.readyState === 'complete') idle(); else addEventListener('load', idle);
}));

const facadeShown = (page) => page.evaluate(() => !!document.querySelector('allo-widget')?.shadowRoot.querySelector('[data-allo-facade]'));

test('calls made before the script loads are queued (object and function stubs) and played once ready', async () => {
  const stubs = {
    object: "window.Allo = window.Allo || { q: [] }; Allo.q.push(['identify', { name: 'Ana Martin', phone: '06 12 34 56 78' }]); Allo.q.push(['open', 'callback']);",
    function: "window.Allo = window.Allo || function () { (Allo.q = Allo.q || []).push(arguments); }; Allo('identify', { name: 'Ana Martin', phone: '06 12 34 56 78' }); Allo('open', 'callback');",
  };
  for (const [style, stub] of Object.entries(stubs)) {
    const { page, log } = await recorded();
    await page.goto(url(`/stub-${style}.html`, { before: `<script>${stub}</script>` }));
    await page.getByRole('dialog', { name: 'How can we help?' }).waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Call me back' }).getAttribute('aria-selected'), 'true', style);
    const form = page.locator('#allo-tabpanel-callback');
    assert.equal(await form.getByLabel('Your name').inputValue(), 'Ana Martin');
    assert.equal(await form.getByLabel('Phone number').inputValue(), '06 12 34 56 78');
    await page.getByText('Welcome back, Ana Martin!').waitFor();
    const seen = await events(page);
    assert.deepEqual(seen.map(([t]) => t), ['ready', 'open'], style);
    assert.deepEqual(seen[1][1], { kind: 'callback' });
    assert.deepEqual([log.errors, log.pageErrors], [[], []]);
    await page.close();
  }
});

test('the facade: drawn at once, wasm only on intent with Save-Data, a click before it is ready is kept', async () => {
  const { page, log } = await recorded();
  await saveData(page);
  const wasm = await holdWasm(page);
  await page.goto(url('/facade.html'));
  const launcher = page.getByRole('button', { name: 'Contact us' });
  await launcher.waitFor();
  assert.ok(await facadeShown(page));
  await idleAfterLoad(page);
  assert.equal(wasm.requested, false, 'no wasm before intent when the visitor saves data');
  await launcher.hover();
  await until(() => wasm.requested, { what: 'the wasm requested on hover' });
  await launcher.click();
  assert.equal(await launcher.getAttribute('aria-busy'), 'true');
  await panelOpensOnRelease(page, wasm, log);
  assert.equal(await facadeShown(page), false);
  await page.close();
});

/** Lets the held wasm through: the click kept while it loaded opens the panel, focus moves
 * into it, the page hears `ready` then `open`, and nothing was logged as an error. */
async function panelOpensOnRelease(page, wasm, log) {
  wasm.release();
  await page.getByRole('dialog', { name: 'How can we help?' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Contact us' }).getAttribute('aria-expanded'), 'true');
  const focused = await page.evaluate(() => document.querySelector('allo-widget').shadowRoot.activeElement?.name);
  assert.equal(focused, 'allo-score', 'focus moved into the panel');
  assert.deepEqual((await events(page)).map(([t]) => t), ['ready', 'open']);
  assert.deepEqual([log.errors, log.pageErrors], [[], []]);
}

/** Counts (without changing them) the WebAssembly steps the page runs, and records long tasks. */
async function traced(page) {
  await page.addInitScript(() => {
    const t = window.__wasm = { long: [] };
    new PerformanceObserver((l) => { for (const e of l.getEntries()) t.long.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
    for (const name of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming']) {
      const original = WebAssembly[name];
      WebAssembly[name] = function (...args) {
        t[name] = (t[name] || 0) + 1;
        const result = original.apply(this, args);
        result.then(() => { t[name + 'Done'] = (t[name + 'Done'] || 0) + 1; }, () => {});
        return result;
      };
    }
  });
  return () => page.evaluate(() => ({ ...window.__wasm, loadEnd: performance.getEntriesByType('navigation')[0].loadEventEnd }));
}

test('when idle the wasm is fetched and compiled but nothing runs: no long task; pointing at the launcher starts it', async () => {
  const { page, log } = await recorded();
  const trace = await traced(page);
  const fetched = [];
  page.on('response', (r) => { if (r.url().endsWith('.wasm')) fetched.push(r.status()); });
  await page.goto(url('/idle.html'));
  await until(async () => (await trace()).compileStreamingDone === 1, { what: 'the idle compile' });
  assert.deepEqual(fetched, [200]);
  const idle = await trace();
  assert.equal(idle.instantiate, undefined, 'nothing instantiated before intent');
  assert.equal(await appMounted(page), false);
  assert.ok(await facadeShown(page));
  const late = idle.long.filter((t) => t.start >= idle.loadEnd);
  assert.deepEqual(late, [], 'no long task on the page after its load event');
  assert.deepEqual((await events(page)).map(([t]) => t), ['ready']);

  await startApp(page);
  const after = await trace();
  assert.equal(after.instantiate, 1);
  assert.equal(after.compileStreaming, 1, 'the module compiled when idle is the one instantiated');
  assert.deepEqual(fetched, [200], 'fetched once');
  assert.equal(await facadeShown(page), false);
  assert.equal(await page.getByRole('button', { name: 'Contact us' }).count(), 1);
  assert.deepEqual([log.errors, log.pageErrors], [[], []]);
  await page.close();
});

test('a click while the idle download is still running is kept: spinner, then the panel opens', async () => {
  const { page, log } = await recorded();
  const wasm = await holdWasm(page);
  await page.goto(url('/early-click.html'));
  await until(() => wasm.requested, { what: 'the idle download' });
  const launcher = page.getByRole('button', { name: 'Contact us' });
  await launcher.click();
  assert.equal(await launcher.getAttribute('aria-busy'), 'true');
  assert.equal(await page.getByRole('dialog').count(), 0);
  await panelOpensOnRelease(page, wasm, log);
  await page.close();
});

test('a server that sends the wasm with another content type: compiled from its bytes, and it works', async () => {
  const { page, log } = await recorded();
  const trace = await traced(page);
  await page.route('**/*.wasm', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
  });
  await page.goto(url('/octet-stream.html'));
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByRole('dialog', { name: 'How can we help?' }).waitFor();
  const t = await trace();
  assert.equal(t.compileStreaming, undefined, 'no streaming compile for a wrong content type');
  assert.equal(t.compileDone, 2, 'the 8-byte CSP probe, then the module from its bytes');
  assert.deepEqual([log.errors, log.warnings, log.pageErrors], [[], [], []]);
  await page.close();
});

test('the app takes over the launcher seamlessly: same box, same pixels, focus kept', async () => {
  for (const attrs of ['data-accent="#7c2d12"', 'data-accent="#fde047" data-position="bottom-left"']) {
    const { page } = await recorded();
    await saveData(page);
    const wasm = await holdWasm(page);
    await page.goto(url('/takeover.html', { attrs }));
    const launcher = page.getByRole('button', { name: 'Contact us' });
    await launcher.waitFor();
    await page.keyboard.press('Tab');
    const box = await launcher.boundingBox();
    const clip = { x: box.x - 30, y: box.y - 30, width: box.width + 60, height: box.height + 60 };
    const facadeShot = await page.screenshot({ clip });
    const facadeStyle = await launcher.evaluate((el) => getComputedStyle(el).backgroundColor + ' ' + getComputedStyle(el).color);
    wasm.release();
    await until(() => appMounted(page), { what: 'the app launcher' });
    assert.equal(await facadeShown(page), false);
    assert.deepEqual(await launcher.boundingBox(), box, attrs);
    const active = await page.evaluate(() => {
      const a = document.querySelector('allo-widget').shadowRoot.activeElement;
      return a ? a.matches('.allo-launcher') && !a.closest('[data-allo-facade]') : false;
    });
    assert.equal(active, true, 'the real launcher has the focus the facade had');
    assert.equal(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor + ' ' + getComputedStyle(el).color), facadeStyle);
    const appShot = await page.screenshot({ clip });
    assert.ok(facadeShot.equals(appShot), `the facade and the app launcher look the same (${attrs})`);
    await page.close();
  }
});

test('every call and event: open, close, identify, setLocale, submit (ids only), error', async () => {
  const { page, log } = await recorded();
  await page.goto(url('/calls.html', { attrs: 'data-kinds="feedback,callback"' }));
  await startApp(page);
  await page.evaluate(() => Allo.open('callback'));
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.getByRole('tab', { name: 'Call me back' }).getAttribute('aria-selected'), 'true');
  // Asking for the other form while open switches to it.
  await page.evaluate(() => Allo.open('feedback'));
  await until(async () => (await page.getByRole('tab', { name: 'Give feedback' }).getAttribute('aria-selected')) === 'true', { what: 'feedback tab' });
  await page.evaluate(() => Allo.close());
  await until(async () => (await page.getByRole('dialog').count()) === 0, { what: 'closed' });
  // identify prefills and greets; setLocale switches the language.
  await page.evaluate(() => { Allo.identify({ name: 'Camille', email: 'camille@example.com' }); Allo.setLocale('fr'); });
  await page.getByRole('button', { name: 'Nous contacter' }).waitFor();
  await page.evaluate(() => Allo.setLocale('en'));
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByText('Welcome back, Camille!').waitFor();
  const form = page.locator('#allo-tabpanel-feedback');
  assert.equal(await form.getByLabel('Your email').inputValue(), 'camille@example.com');
  await page.getByRole('radio', { name: 'Very satisfied' }).check();
  await page.getByLabel('What did we do well?').fill('secret words');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
  await page.keyboard.press('Escape');
  await until(async () => (await events(page)).filter(([t]) => t === 'close').length === 2, { what: 'second close' });
  const seen = await events(page);
  assert.deepEqual(seen.map(([t]) => t), ['ready', 'open', 'close', 'open', 'submit', 'close']);
  assert.deepEqual(seen[1][1], { kind: 'callback' });
  assert.deepEqual(seen[3][1], { kind: 'feedback' });
  const [row] = env.collector.rows("select id, visitor_name from submissions where feedback_message = 'secret words'");
  assert.deepEqual(seen[4][1], { id: row.id, kind: 'feedback', queued: false });
  assert.equal(row.visitor_name, 'Camille');
  assert.ok(!JSON.stringify(seen).includes('secret words'), 'the visitor\'s text stays out of events');
  assert.deepEqual([log.errors, log.pageErrors], [[], []]);
  await page.close();
});

test('events: "full" puts the submission in allo:submit; a refusal is allo:error with a code', async () => {
  const refuse = env.shop.route('/refuse-events', (req, res) => {
    req.resume();
    res.writeHead(422, { 'content-type': 'application/json' });
    res.end('{"message":"no"}');
  });
  for (const [path, attrs, check] of [
    ['/full.html', 'data-events="full" data-kinds="feedback"', (seen) => {
      const [, detail] = seen.find(([t]) => t === 'submit');
      assert.equal(detail.submission.feedback.message, 'full detail');
      assert.equal(detail.submission.id, detail.id);
    }],
    ['/refused.html', `data-endpoint="${refuse}" data-kinds="feedback"`, (seen) => {
      const [, detail] = seen.find(([t]) => t === 'error');
      assert.equal(detail.code, 'rejected');
      assert.equal(detail.kind, 'feedback');
      assert.match(detail.id, /^[0-9a-f-]{36}$/);
    }],
  ]) {
    const { page } = await recorded();
    await page.goto(env.shop.page(path, shopPage({ loader: '/cdn/allo/allo.js', attrs: attrs.includes('data-endpoint') ? attrs : `${endpoint()} ${attrs}` })));
    await page.evaluate(() => Allo.open());
    await page.getByRole('radio', { name: 'Very satisfied' }).check();
    await page.getByLabel('What did we do well?').fill('full detail');
    await page.getByRole('button', { name: 'Send' }).click();
    await until(async () => (await events(page)).some(([t]) => t === 'submit' || t === 'error'), { what: `submit or error on ${path}` });
    check(await events(page));
    await page.close();
  }
});

test('bad arguments: one clear console error each, never an exception into the caller', async () => {
  const { page, log } = await recorded();
  await page.goto(url('/bad-calls.html', { attrs: 'data-kinds="feedback"' }));
  await startApp(page);
  const result = await page.evaluate(() => {
    Allo.open('chat');
    Allo.open('callback');
    Allo.identify('Ana');
    Allo.identify({ mail: 'a@b.c' });
    Allo.setLocale('pt-BR');
    Allo('show');
    return 'carried on';
  });
  assert.equal(result, 'carried on');
  await until(() => log.errors.length >= 6, { what: 'six errors' });
  const expected = [/Allo\.open\("chat"\).*"feedback" or "callback"/, /Allo\.open\("callback"\).*does not offer/, /Allo\.identify\(\) needs an object/,
    /"mail" is not name, email or phone/, /Allo\.setLocale\("pt-BR"\).*en, fr, de, es, it and nl/, /Allo\.show\(\) does not exist/];
  assert.equal(log.errors.length, expected.length, log.errors.join('\n'));
  expected.forEach((re, i) => assert.match(log.errors[i], re));
  assert.deepEqual(log.pageErrors, []);
  assert.equal(await page.getByRole('dialog').count(), 0);
  await page.close();
});

test('data-allo-open: owner buttons and links open the form, also ones added later, also before load', async () => {
  const { page, log } = await recorded();
  await saveData(page);
  const wasm = await holdWasm(page);
  await page.goto(url('/triggers.html', { body: '<button id="call" data-allo-open="callback">Call us</button>' }));
  await page.getByRole('button', { name: 'Contact us' }).waitFor();
  await page.locator('#call').click();
  await until(() => wasm.requested, { what: 'the trigger loads the wasm' });
  wasm.release();
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.getByRole('tab', { name: 'Call me back' }).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('Escape');
  await until(async () => (await page.getByRole('dialog').count()) === 0, { what: 'closed' });
  // A link a single-page app renders later, with a child element as the click target.
  await page.evaluate(() => {
    document.querySelector('#content').insertAdjacentHTML('afterend', '<p><a id="later" href="#nowhere" data-allo-open="feedback"><span>Tell us</span></a></p>');
  });
  await page.locator('#later span').click();
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.getByRole('tab', { name: 'Give feedback' }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => location.hash), '', 'the link did not navigate');
  assert.deepEqual([log.errors, log.pageErrors], [[], []]);
  await page.close();
});

/**
 * Counts what is live on the page that outlives a component: listeners on window, document and
 * the visual viewport, and pending timers. Installed before any script of the page, so every
 * addEventListener/setTimeout Allo makes (the loader, the glue, the wasm through web-sys and
 * gloo) goes through it.
 */
async function instrument(page) {
  await page.addInitScript(() => {
    const listeners = new Set();
    const key = (target, type, fn, opt) => [target === window ? 'window' : target === document ? 'document' : 'viewport',
      type, fn, typeof opt === 'boolean' ? opt : !!(opt && opt.capture)];
    const tracked = (t) => t === window || t === document || t === window.visualViewport;
    const find = (k) => [...listeners].find((e) => e.every((v, i) => v === k[i]));
    const add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
    EventTarget.prototype.addEventListener = function (type, fn, opt) {
      if (tracked(this) && fn && !find(key(this, type, fn, opt))) listeners.add(key(this, type, fn, opt));
      return add.call(this, type, fn, opt);
    };
    EventTarget.prototype.removeEventListener = function (type, fn, opt) {
      if (tracked(this)) { const e = find(key(this, type, fn, opt)); if (e) listeners.delete(e); }
      return remove.call(this, type, fn, opt);
    };
    const timers = new Set();
    const [set, clear] = [window.setTimeout, window.clearTimeout];
    window.setTimeout = function (fn, ms, ...args) {
      const id = set.call(window, (...a) => { timers.delete(id); return typeof fn === 'function' ? fn(...a) : undefined; }, ms, ...args);
      timers.add(id);
      return id;
    };
    window.clearTimeout = function (id) { timers.delete(id); return clear.call(window, id); };
    const [every, stopEvery] = [window.setInterval, window.clearInterval];
    window.setInterval = function (...a) { const id = every.apply(window, a); timers.add(id); return id; };
    window.clearInterval = function (id) { timers.delete(id); return stopEvery.call(window, id); };
    window.__live = () => ({ listeners: [...listeners].map(([t, type]) => `${t}:${type}`).sort(), timers: timers.size });
  });
}

test('destroy() leaves the DOM exactly as before, and no listener or timer behind', async () => {
  for (const when of ['before the wasm loaded', 'after use, with a send waiting in the outbox']) {
    const { page, log } = await recorded();
    await instrument(page);
    const used = when !== 'before the wasm loaded';
    if (!used) await saveData(page);
    // The snapshot is taken by the page's last inline script, before the deferred loader runs.
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Destroy</title></head><body><h1>Shop</h1><button id="t" data-allo-open="feedback">Feedback</button><script src="/cdn/allo/allo.js" ${endpoint()} defer></script><script>window.__before = document.documentElement.outerHTML; window.__liveBefore = window.__live();</script></body></html>`;
    await page.goto(env.shop.page(`/destroy-${used ? 'used' : 'fresh'}.html`, html));
    await page.getByRole('button', { name: 'Contact us' }).waitFor();
    if (used) {
      // The endpoint is down: the send is saved, and the outbox worker keeps a retry timer and
      // its online/pagehide/storage listeners.
      await page.route('**/v1/submissions', (route) => route.fulfill({ status: 503, body: '' }));
      await startApp(page);
      await page.locator('#t').click();
      await page.getByRole('dialog').waitFor();
      await page.getByRole('radio').nth(3).check();
      await page.locator('allo-widget textarea').first().fill('sent while the shop was down');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('allo-widget .allo-thanks__title').waitFor();
      const live = await page.evaluate(() => window.__live());
      assert.ok(live.timers > 0, `a retry timer is pending: ${JSON.stringify(live)}`);
      assert.ok(live.listeners.includes('window:online'), JSON.stringify(live));
    }
    const before = await page.evaluate(() => window.__before);
    assert.notEqual(await page.evaluate(() => document.documentElement.outerHTML), before);
    await page.evaluate(() => Allo.destroy());
    assert.equal(await page.evaluate(() => document.documentElement.outerHTML), before, when);
    const eventsBefore = (await events(page)).length;
    // The trigger does nothing now, and the API warns instead of throwing.
    await page.locator('#t').click();
    assert.equal(await page.evaluate(() => { Allo.open(); return document.querySelector('allo-widget'); }), null);
    await idleAfterLoad(page);
    assert.equal(await page.evaluate(() => document.documentElement.outerHTML), before, `${when}: nothing came back`);
    assert.equal((await events(page)).length, eventsBefore);
    // Everything Allo added to the page is gone: the same listeners as before it ran (the
    // test's own allo:* recorders), and no timer of Allo's left pending.
    const [was, now] = await page.evaluate(() => [window.__liveBefore, window.__live()]);
    assert.deepEqual(now.listeners, was.listeners, `${when}: listeners left behind`);
    assert.equal(now.timers, 0, `${when}: timers left behind`);
    // The browser's own line for each refused attempt is not Allo's.
    const errors = log.errors.filter((e) => !/Failed to load resource: .* 503/.test(e));
    assert.deepEqual([errors, log.pageErrors], [[], []]);
    assert.ok(log.warnings.some((w) => /not running/.test(w)), log.warnings.join('\n'));
    await page.close();
  }
});

test('the launcher does not move when the app takes over from the facade, whatever the offset units', async () => {
  const launcherBox = (page) => page.evaluate(() => {
    const b = [...document.querySelector('allo-widget').shadowRoot.querySelectorAll('.allo-launcher')].pop();
    const r = b.getBoundingClientRect();
    return { facade: b.hasAttribute('data-allo-facade'), box: [r.left, r.top, r.width, r.height].map((v) => Math.round(v * 10) / 10) };
  });
  for (const [x, y] of [['24px', '30'], ['1.5rem', '5rem'], ['5vw', '3.5vh'], ['2EM', '10%']]) {
    const { page, log } = await recorded();
    await saveData(page);
    await page.goto(url(`/offset-${x}-${y}.html`.replace(/%/g, 'pc'), { attrs: `data-offset-x="${x}" data-offset-y="${y}"` }));
    await page.getByRole('button', { name: 'Contact us' }).waitFor();
    const before = await launcherBox(page);
    assert.equal(before.facade, true);
    await startApp(page);
    const after = await launcherBox(page);
    assert.equal(after.facade, false);
    assert.deepEqual(after.box, before.box, `offsetX=${x} offsetY=${y}`);
    assert.deepEqual([log.errors, log.warnings, log.pageErrors], [[], [], []]);
    await page.close();
  }
});

test('the script twice: one widget, one ready event, one API', async () => {
  const { page, log } = await recorded();
  const twice = `<script src="/cdn/allo/allo.js" ${endpoint()} defer></script>`;
  await page.goto(url('/twice-api.html', { before: twice }));
  await startApp(page);
  await page.evaluate(() => Allo.open());
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.locator('allo-widget').count(), 1);
  assert.deepEqual((await events(page)).map(([t]) => t), ['ready', 'open']);
  assert.equal(log.warnings.filter((w) => /included more than once/.test(w)).length, 1);
  await page.close();
});
