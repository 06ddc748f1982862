/*
 * The loader's second half, appended to the wasm-bindgen glue (allo-widget.js) at build time
 * by scripts/build-loader.mjs. Why here and not in allo.js: allo.js is loaded with every page
 * of the shop and has a 3 KB gzip budget, while this code is needed only once the browser is
 * idle or the visitor shows intent, which is when the loader imports the glue anyway. It runs
 * in the glue's own module scope, so it can call wasm-bindgen's `__wbg_get_imports`,
 * `__wbg_finalize_init` and `boot`
 * (wasm-bindgen is pinned exactly in Cargo.toml; the build fails if those names change).
 */
let compiled;

/** The wasm's SHA-384 (base64), filled in at build time by scripts/fingerprint.mjs, which also
 * gives the file beside this one its hashed name. This file's own digest is in allo.js. */
const WASM_SHA384 = '@ALLO_WASM_SHA384@';

/** Fetches and compiles the wasm once (found beside this file), and runs nothing. V8 compiles
 * a streamed module on background threads, so this costs the page no long task. The bytes are
 * checked against WASM_SHA384 alongside: compiling runs none of them, and the module is handed
 * out (to be instantiated) only once they matched, so a changed file is refused with one
 * message, whether or not it would have compiled. */
export function prepare() {
  const url = new URL('allo-widget_bg.wasm', import.meta.url);
  return compiled || (compiled = fetch(url).then((r) => {
    if (!r.ok) throw r.status;
    // Streaming needs exactly `Content-Type: application/wasm`; other servers get the bytes path.
    if (WebAssembly.compileStreaming && r.headers.get('content-type') == 'application/wasm') {
      const [a, b] = r.body.tee();
      const module = WebAssembly.compileStreaming(new Response(a, { headers: { 'content-type': 'application/wasm' } }));
      module.catch(() => {}); // reported through verify's result when the bytes are wrong
      return verify(url, new Response(b).arrayBuffer()).then(() => module);
    }
    return verify(url, r.arrayBuffer()).then(WebAssembly.compile);
  }));
}

/** Resolves to the bytes when their SHA-384 is the one baked in. Without `crypto.subtle` (a
 * page on plain http, not localhost) nothing is checked: such a page's own scripts, allo.js
 * included, can be changed in transit anyway. */
function verify(url, bytes) {
  const subtle = globalThis.crypto && crypto.subtle;
  return bytes.then((b) => !subtle ? b : subtle.digest('SHA-384', b).then((h) => {
    if (btoa(String.fromCharCode(...new Uint8Array(h))) != WASM_SHA384) {
      throw new Error(url + ' is not the file this allo.js was built with (its SHA-384 differs)');
    }
    return b;
  }));
}

let instantiated;

/** On intent: instantiates the compiled module (once, with the glue's imports:
 * `__wbg_get_imports` and `__wbg_finalize_init` are wasm-bindgen's, what its `__wbg_init` does
 * after fetching) and, unless `stopped()` says the owner destroyed Allo meanwhile, boots the
 * app in `root`. Resolves to whether it booted. */
export function start(settings, root, stopped) {
  return prepare().then((module) => stopped() || (instantiated = instantiated || WebAssembly.instantiate(module, __wbg_get_imports())
    .then((instance) => __wbg_finalize_init(instance, module), (e) => { instantiated = null; throw e; })))
    .then(() => !stopped() && boot(settings, root));
}

/** Starts the app (`start`, the loader's) when the browser is idle if it is wanted without the
 * visitor's intent: a submission waits in the outbox (to deliver it, docs/delivery.md), the
 * owner configured a prompt (a `prompt*` setting: its triggers run in the app), or the page
 * called `Allo.ask` (one of the queued `calls`). Else it starts the app on the first `ask`
 * queued later: the loader only queues such a call, and a page may well ask after this look
 * (seen in e2e under load, where the idle-time compile finished before the page's `ask`).
 * Reads only; storage blocked counts as an empty outbox. */
export function queued(settings, calls, start) {
  if (Object.keys(settings || {}).some((k) => k.startsWith('prompt')) || calls.some((c) => c[0] == 'ask') || inOutbox()) {
    return start();
  }
  // The loader's queue is this array until the app runs (it then calls the app directly).
  const push = calls.push;
  calls.push = (...items) => {
    const n = push.apply(calls, items);
    if (items.some((c) => c[0] == 'ask')) start();
    return n;
  };
}

/** Whether a submission waits in the outbox (blocked storage: none does). */
function inOutbox() {
  try {
    return Object.keys(localStorage).some((k) => k.startsWith('allo:outbox:'));
  } catch (e) {
    return false;
  }
}
