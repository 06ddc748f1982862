/*! Allo · docs/embedding.md */
/*
 * The one script a shop embeds, and the only one loaded with the page. Why a loader and not
 * the wasm-bindgen glue itself: the owner's snippet must never change when the build does,
 * and the page must not pay for the widget before a visitor wants it. So this file:
 *  - finds every other file relative to its own URL (any path or CDN works);
 *  - merges the settings (script `data-*`, then `window.alloSettings`);
 *  - draws a stand-in launcher (the "facade") in a shadow root, with the same classes and
 *    look as the real one, in the visitor's language;
 *  - owns `window.Allo`, queueing calls until the wasm is ready, and `data-allo-open` triggers;
 *  - when the browser is idle after load (unless the visitor saves data or is on 2G), fetches
 *    the glue, which compiles the wasm, streaming and off the main thread, but runs nothing
 *    (that part lives in loader/glue-start.js, appended to the glue at build time);
 *  - starts the app only on intent (pointer over or focus on the launcher, a click,
 *    `Allo.open`, a `data-allo-open` click): instantiating and booting the wasm is a task of
 *    tens of milliseconds on the main thread, which the page should pay only for a visitor who
 *    wants the widget, not for every page view (docs/performance.md);
 *  - hands over to the Yew app, which removes the facade on its first render.
 * Nothing here may throw into the host page: every failure becomes one console message.
 * The build (scripts/build-loader.mjs) minifies this file; scripts/size-report.mjs keeps it
 * under 3 KB gzip.
 */
((w, d) => {
  // Captured synchronously: document.currentScript is null once any callback runs.
  var script = d.currentScript || d.querySelector('script[src*="allo.js"]');
  if (!script) return;
  if (w.__alloLoader) {
    console.warn('Allo: allo.js is included more than once; this copy does nothing.');
    return;
  }
  w.__alloLoader = 1;

  var base = new URL('.', script.src);
  // The launcher's name in the catalog's languages (`launcher_label`), and below the defaults
  // and the contrast threshold: filled in at build time from allo-core (ALLO_* names,
  // scripts/build-loader.mjs and core/examples/loader_facts.rs), never retyped here.
  var LABELS = ALLO_LABELS;
  var settings = read();
  var ok = settings && typeof settings == 'object';
  var own = ok ? settings : {};
  var nonce = own.nonce || script.nonce || '';
  if (ok && nonce) settings.nonce = nonce;
  var queue = []; // calls made before the wasm was ready: [name, arg]
  var undo = []; // removes every listener, timer and observer added here
  var glue, compiled, started, host, root, button, label, dead;
  var prior = w.Allo, W = w.WebAssembly;

  /** The public API. Callable too, for the `Allo('open', 'callback')` stub style. */
  var api = call, replay = (c) => call(...c);
  // `Allo.ask(kind, options)` (issue 21) has two arguments: each call carries a second one, which
  // the wasm's `command` packs with the first when present.
  ['open', 'close', 'identify', 'setLocale', 'setContext', 'ask'].forEach((name) => { api[name] = (arg, b) => call(name, arg, b); });
  api.destroy = destroy;
  // A stale `Allo.q.push([...])` after load still works.
  api.q = { push: replay };
  w.Allo = api;

  /** The script tag's data-* attributes, then window.alloSettings on top. */
  function read() {
    var o = w.alloSettings, m = {}, k;
    if (o !== undefined && (o === null || typeof o != 'object')) return o;
    for (k in script.dataset) m[k] = script.dataset[k];
    if (o) for (k in o) m[k] = o[k];
    return m;
  }

  function on(target, type, fn, opt) {
    target.addEventListener(type, fn, opt);
    undo.push(() => target.removeEventListener(type, fn, opt));
  }

  function emit(type, detail) {
    w.dispatchEvent(new CustomEvent('allo:' + type, { detail }));
  }

  function call(name, arg, b) {
    if (dead) return console.warn('Allo: not running; ' + name + '() ignored.');
    if (name == 'destroy') return destroy();
    if (glue) {
      try { glue.command(name, arg, b); } catch (e) { /* the wasm logs its own errors */ }
      return;
    }
    queue.push([name, arg, b]);
    if (name == 'setLocale' && label) label.textContent = text(arg);
    if (name == 'open') {
      if (button) button.setAttribute('aria-busy', true);
      load();
    }
  }

  /** The launcher's name for the first of `tag`, the owner's locale, the page, the browser. */
  function text(tag) {
    var tags = [tag, own.locale, d.documentElement.lang, ...navigator.languages];
    var s = own.strings || {}, lang = tags.map((t) => String(t || '').trim().split(/[-_]/)[0].toLowerCase()).find((k) => LABELS[k]) || 'en';
    // The owner's override for this language, then for every language (core/src/config.rs).
    return String((s[lang] || {}).launcher_label || s.launcher_label || LABELS[lang]);
  }

  /** Black or white, whichever contrasts more with `hex` (core/src/color.rs, `text_on`). */
  function onAccent(hex) {
    var l = [1, 3, 5].map((i) => {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    // Dark text wins when (L + 0.05) / 0.05 >= 1.05 / (L + 0.05), i.e. (L + 0.05)² >= 0.0525.
    return (0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2] + 0.05) ** 2 >= ALLO_DARK_TEXT_MIN ? '#000' : '#fff';
  }

  /** `offsetX`/`offsetY` as CSS, exactly as the app reads them (core/src/config.rs,
   * `CssLength::parse`): a number of up to 10 characters, at most 10000, with one of its
   * units or none (pixels); anything else is the default, 20px. */
  function len(v) {
    var m = /^(\d+(\.\d+)?)(px|r?em|%|[dsl]?v[wh])?$/.exec(String(v).trim().toLowerCase());
    return m && m[1].length < ALLO_OFFSET_CHARS_BELOW && m[1] <= ALLO_MAX_OFFSET ? m[1] + (m[3] || 'px') : ALLO_OFFSET;
  }

  /** The facade's CSS: styles/base.css and styles/launcher.css, cut to the launcher, with the
   * owner's accent, corner offsets and z-index filled in. */
  function css() {
    var a = String(own.accent || '').trim().replace(/^#(\w)(\w)(\w)$/, '#$1$1$2$2$3$3');
    if (!/^#[\da-f]{6}$/i.test(a)) a = ALLO_ACCENT;
    return ':host{all:initial!important}' +
      // Only what the launcher shows, on the button itself: direction (`all` leaves the page's
      // `direction` to be inherited), font (every browser that runs Allo resolves the real
      // stack's first entry, system-ui) and focus ring.
      '.allo-launcher{position:fixed;bottom:' + len(own.offsetY) + (own.position == 'bottom-left' ? ';left:' : ';right:') + len(own.offsetX) + ';z-index:' + (/^\d{1,10}$/.test(own.zIndex) ? own.zIndex : ALLO_Z_INDEX) +
      ';display:inline-flex;align-items:center;gap:8px;min-height:48px;padding:0 20px 0 16px;border:0;border-radius:999px;background:' + a + ';color:' + onAccent(a) +
      ';direction:ltr;font:600 15px/1 system-ui,sans-serif;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.22)}' +
      // No hover lift: pointing at the facade starts the real launcher, which has it. The focus
      // ring comes after the launcher's rule, so that it replaces the drop shadow.
      ':focus-visible{outline:3px solid #2563eb;outline-offset:3px;box-shadow:0 0 0 3px #fff}' +
      // The shadow root holds only the facade: bare element selectors are enough.
      'svg{width:22px;height:22px;flex:none;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}' +
      // While the wasm loads after a click: the icon becomes a turning ring.
      '[aria-busy] svg{box-sizing:border-box;border-radius:50%;border:2.5px solid;border-right-color:#0000;animation:spin .8s linear infinite}' +
      '[aria-busy] path{display:none}@keyframes spin{to{rotate:1turn}}';
  }

  function el(name, attrs, parent) {
    var e = name == 'svg' || name == 'path' ? d.createElementNS('http://www.w3.org/2000/svg', name) : d.createElement(name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  /** The host element and its shadow root. */
  function mount() {
    root = (host = d.createElement('allo-widget')).attachShadow({ mode: 'open' });
  }

  /** The host element, with the facade launcher unless the owner hides it. */
  function draw() {
    if (dead) return;
    mount();
    // A constructed stylesheet: no CSP `style-src` needed. Else a <style> with the nonce.
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css());
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      el('style', { 'data-allo-facade': '', nonce }, root).textContent = css();
    }
    if (own.launcher != 'hidden') {
      // No `type`: the facade is in no form, so the default type does nothing.
      button = el('button', {
        'aria-haspopup': 'dialog', 'aria-expanded': false, 'data-allo-facade': '',
        'class': 'allo-launcher',
      }, root);
      // Its stroke is styled in css(): fewer bytes than attributes (and setAttribute writes the
      // booleans as "true"/"false", shorter here than the strings).
      var svg = el('svg', { viewBox: '0 0 24 24', 'aria-hidden': true }, button);
      el('path', { d: 'M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z' }, svg);
      label = el('span', {}, button);
      label.textContent = text();
      // Pointer events cover mouse, pen and touch.
      ['pointerenter', 'focus'].forEach((t) => on(button, t, load));
      on(button, 'click', () => call('open'));
    }
    d.body.appendChild(host);
    // Single-page apps may replace the body's content, or the body: put the widget back.
    var mo = new MutationObserver(() => {
      if (!host.isConnected && d.body) d.body.appendChild(host);
      mo.disconnect();
      watch();
    });
    function watch() {
      mo.observe(d.documentElement, { childList: true });
      if (d.body) mo.observe(d.body, { childList: true });
    }
    watch();
    undo.push(() => mo.disconnect());
    emit('ready', {});
    // Compile when the browser is idle after the page's own load, but not on a metered or slow
    // connection: there the visitor pays for the wasm only if they use the widget.
    var c = navigator.connection || {};
    if (c.saveData || /2g/.test(c.effectiveType)) return;
    // A submission still in the outbox (the visitor's own, from an earlier page) is intent
    // enough: the app starts to deliver it (docs/delivery.md); so are a prompt setting and an
    // `Allo.ask` call, also one made later (loader/glue-start.js, `queued`). Else compile only.
    // (Not cancelled by destroy(): it then does nothing.)
    var idle = () => dead || compile().then((g) => g && g.queued(own, queue, load)), later = () => {
      w.requestIdleCallback ? requestIdleCallback(idle, { timeout: 4000 }) : setTimeout(idle, 2000);
    };
    if (d.readyState == 'complete') later(); else on(w, 'load', later);
  }

  /** Fetches the glue, which fetches and compiles the wasm (loader/glue-start.js), once.
   * `import()` takes no integrity, so the glue is first preloaded with its digest (filled in by
   * scripts/fingerprint.mjs, like its hashed name): the browser refuses a copy that differs,
   * with its own console line naming the digests, and the import then takes the checked module
   * from the module map. The link goes as soon as it settled: the page is left as it was. */
  function compile() {
    var src = new URL('allo-widget.js', base);
    return compiled || (compiled = new Promise((ok, no) => {
      var l = el('link', { rel: 'modulepreload', href: src, integrity: '@ALLO_GLUE_SRI@', nonce }, d.head);
      l.onload = l.onerror = (e) => {
        l.remove();
        e.type == 'load' ? ok(import(src)) : no(src);
      };
    }).then((g) => g.prepare().then(() => g)).catch(fail));
  }

  /** On intent: boots the app once (instantiating the compiled module) and replays the
   * queued calls. */
  function load() {
    return started || (started = compile().then((g) => {
      if (!g || dead) return;
      // No host when the settings looked unusable: let the wasm say exactly what is wrong, once.
      if (!host) mount();
      return g.start(settings, root, () => dead).then((ok) => {
        if (dead) return;
        if (!ok) return stop();
        if (!host.isConnected) d.body.appendChild(host);
        glue = g;
        queue.splice(0).forEach(replay);
      });
    }).catch(fail));
  }

  function fail(e) {
    var msg = String(e && e.message || e), csp = /Content.Security.Policy|unsafe-eval/i.test(msg);
    console.error(csp
      ? "Allo: the page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to script-src. The widget is not shown."
      : 'Allo: could not load ' + base.href + ' (' + msg + '). The widget is not shown.');
    stop();
    emit('error', { code: csp ? 'csp' : 'load' });
  }

  /** Takes everything this file added off the page. */
  function stop() {
    dead = 1;
    undo.splice(0).forEach((f) => f());
    if (host) host.remove();
  }

  function destroy() {
    if (dead) return;
    try { if (glue) glue.destroy(); } catch (e) { /* already gone */ }
    stop();
    // A later script tag may start Allo again (e.g. a single-page app re-embedding it).
    delete w.__alloLoader;
  }

  // Owners' buttons and links: <button data-allo-open="callback">, also those added later.
  on(d, 'click', (e) => {
    var t = e.target.closest && e.target.closest('[data-allo-open]');
    if (!t) return;
    e.preventDefault();
    call('open', t.getAttribute('data-allo-open') || undefined);
  }, true);

  // Calls queued by a stub defined before this script: `window.Allo = window.Allo || { q: [] }`
  // then `Allo.q.push(['open', 'callback'])`, or the function form `Allo('open', 'callback')`.
  [].forEach.call(prior && prior.q || [], replay);

  var endpoint = String(own.endpoint || '').trim();
  if (!ok || !/^((https?:)?\/\/[^\/?#\s\0-\x1f]|\/(?!\/))[^\s\0-\x1f]*$/i.test(endpoint)) {
    // No facade for a config the widget will refuse: the wasm logs the one precise error.
    load();
  } else if (!W) {
    // WebAssembly turned off (e.g. iOS Lockdown Mode). (Every browser that parses this file's
    // import() has shadow DOM.)
    fail('this browser has WebAssembly turned off');
  } else {
    // Compiling an empty module fails at once where the page's CSP forbids WebAssembly: then
    // no launcher is drawn that could never open.
    W.compile(Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0)).then(() => {
      if (d.body) draw(); else on(d, 'DOMContentLoaded', draw);
    }, fail);
  }
})(window, document);
