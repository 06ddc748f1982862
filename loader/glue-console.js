/*
 * The widget's console (issue 22), appended to the wasm-bindgen glue at build time by
 * scripts/build-loader.mjs, like glue-start.js. The wasm says each message as a code and its
 * arguments (src/messages.rs); the English texts (allo_core::msg) are a file beside the glue,
 * named and checked by its content, fetched once with the first message. Every message waits
 * on that one fetch, so they print in the order they were said, each at its own level. A page
 * that cannot load the file (offline, blocked, or not this build's file) gets
 * `Allo: message N ["argument", …]`, and N is in messages.md (docs/messages.md in the
 * repository). The fetch is made once: a page that was offline for it keeps the short form.
 */
let texts;

/** Prints message `code` (`console.error`, `warn` or `info` for `level` 0, 1, 2) with its
 * arguments `args`, joined by NUL characters, filling the template's `{0}`, `{1}`, … */
function alloSay(level, code, args) {
  const a = args ? args.split('\0') : [];
  texts = texts || fetch(new URL('allo-messages.json', import.meta.url), { integrity: '@ALLO_MESSAGES_SRI@', credentials: 'omit', signal: AbortSignal.timeout && AbortSignal.timeout(15000) })
    .then((r) => r.ok && r.json()).catch(() => 0);
  texts.then((t) => console[['error', 'warn', 'info'][level]](t
    ? fill(t, code, a)
    : `Allo: message ${code} ${JSON.stringify(a)} (its text could not be loaded; see messages.md in the Allo package)`));
}

/** Template `code` of the texts `t` with each `{i}` replaced by `a[i]`; an argument that starts
 * with U+0001 is itself a message: its number, then its arguments, each after a U+0002. */
function fill(t, code, a) {
  return String(t[code]).replace(/\{(\d)\}/g, (h, i) => a[i] == null ? h
    : a[i][0] == '\x01' ? fill(t, ...(([c, ...b]) => [c, b])(a[i].slice(1).split('\x02'))) : a[i]);
}
