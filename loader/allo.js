/*! Allo loader: the one script a shop embeds. https://github.com/ (see docs/embedding.md)
 *
 * Why a loader and not the wasm-bindgen glue itself: the owner's snippet must never change
 * when the build does. This file has a stable name, finds every other file relative to its
 * own URL (so it works from any path or CDN), merges the settings, and starts the wasm.
 * Nothing here may throw into the host page: every failure becomes one console message.
 */
(function () {
  'use strict';
  // Captured synchronously: document.currentScript is null once any callback runs.
  var script = document.currentScript ||
    document.querySelector('script[src*="allo.js"]');
  if (!script || !window.URL || !window.Promise) return;

  if (window.__alloLoader) {
    console.warn('Allo: the widget script is included more than once; this copy does nothing.');
    return;
  }
  window.__alloLoader = true;

  var base = new URL('.', script.src);

  /** The script tag's data-* attributes, then window.alloSettings on top. */
  function settings() {
    var own = window.alloSettings;
    if (own !== undefined && (own === null || typeof own !== 'object')) return own;
    var merged = {};
    var data = script.dataset;
    for (var key in data) merged[key] = data[key];
    if (own) for (var k in own) merged[k] = own[k];
    return merged;
  }

  function start() {
    var host = document.createElement('allo-widget');
    var root;
    try {
      root = host.attachShadow({ mode: 'open' });
    } catch (e) {
      console.error('Allo: this browser cannot isolate the widget (no shadow DOM); it is not shown.');
      return;
    }
    document.body.appendChild(host);
    import(new URL('allo-widget.js', base).href)
      .then(function (glue) {
        return glue.default({ module_or_path: new URL('allo-widget_bg.wasm', base) }).then(function () {
          if (!glue.boot(settings(), root)) host.remove();
        });
      })
      .catch(function (err) {
        host.remove();
        console.error('Allo: the widget could not be loaded from ' + base.href + ' (' + (err && err.message || err) + ').');
      });
  }

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
})();
