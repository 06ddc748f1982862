/*
 * The loader's second half, appended to the wasm-bindgen glue (allo-widget.js) at build time
 * by scripts/build-loader.mjs. Why here and not in allo.js: allo.js is loaded with every page
 * of the shop and has a 3 KB gzip budget, while this code is needed only once the browser is
 * idle or the visitor shows intent, which is when the loader imports the glue anyway. It runs
 * in the glue's own module scope, so it can call wasm-bindgen's `__wbg_init` and `boot`
 * (wasm-bindgen is pinned exactly in Cargo.toml; the build fails if those names change).
 */
let compiled;

/** Fetches and compiles the wasm once (found beside this file), and runs nothing. V8 compiles
 * a streamed module on background threads, so this costs the page no long task. */
export function prepare() {
  return compiled || (compiled = fetch(new URL('allo-widget_bg.wasm', import.meta.url)).then((r) => {
    if (!r.ok) throw r.status;
    // Streaming needs exactly `Content-Type: application/wasm`; other servers get the bytes path.
    return WebAssembly.compileStreaming && r.headers.get('content-type') == 'application/wasm'
      ? WebAssembly.compileStreaming(r) : r.arrayBuffer().then(WebAssembly.compile);
  }));
}

/** On intent: instantiates the compiled module and, unless `stopped()` says the owner
 * destroyed Allo meanwhile, boots the app in `root`. Resolves to whether it booted. */
export function start(settings, root, stopped) {
  return prepare().then((module) => stopped() || __wbg_init({ module_or_path: module }))
    .then(() => !stopped() && boot(settings, root));
}

/** Whether a submission waits in the outbox (the loader then starts the app at idle to deliver
 * it, docs/delivery.md). Reads only; false where storage is blocked. */
export function queued() {
  try {
    return Object.keys(localStorage).some((k) => k.startsWith('allo:outbox:'));
  } catch (e) {
    return false;
  }
}
