#!/usr/bin/env node
// Minifies loader/allo.js (the one script loaded with the shop's page) and the wasm-bindgen
// glue with terser, offline, from tools/node_modules. Trunk runs this after each build
// (Trunk.toml, post_build hook) and it overwrites the copies Trunk staged; by hand:
// `node scripts/build-loader.mjs OUT.js` (the loader only).
// The `/*! … */` banner is kept. scripts/size-report.mjs --check enforces the 3 KB gzip budget.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shorten } from './wasm-names.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] || path.join(process.env.TRUNK_STAGING_DIR || path.join(root, 'dist'), 'allo.js');
const require = createRequire(path.join(root, 'tools', 'package.json'));
const { minify } = require('terser');

// The facts the loader shares with the widget (launcher labels, defaults, the contrast rule's
// threshold) come from allo-core itself (core/examples/loader_facts.rs), with the host
// toolchain: not the wasm build's environment (build-std, size flags, the link wrapper).
const env = { ...process.env };
for (const k of Object.keys(env)) {
  if (/^(RUSTFLAGS|CARGO_ENCODED_RUSTFLAGS|RUSTC_WORKSPACE_WRAPPER|RUSTC_BOOTSTRAP|CARGO_BUILD_TARGET|CARGO_UNSTABLE_.*)$/.test(k)) delete env[k];
}
const rustupCargo = path.join(process.env.CARGO_HOME || path.join(process.env.HOME || '', '.cargo'), 'bin', 'cargo');
const cargo = existsSync(rustupCargo) ? rustupCargo : 'cargo';
const facts = JSON.parse(execFileSync(cargo, ['run', '-q', '--offline', '-p', 'allo-core', '--example', 'loader_facts'], { cwd: root, env, encoding: 'utf8' }));
const fill = {
  ALLO_LABELS: '{' + facts.labels.map(([code, label]) => `${code}:${JSON.stringify(label)}`).join(',') + '}',
  ALLO_DARK_TEXT_MIN: String(Number(facts.darkTextMin.toPrecision(6))),
  ALLO_OFFSET: JSON.stringify(facts.offset),
  ALLO_ACCENT: JSON.stringify(facts.accent),
  ALLO_Z_INDEX: String(facts.zIndex),
  ALLO_OFFSET_CHARS_BELOW: String(facts.maxOffsetDigits + 1),
  ALLO_MAX_OFFSET: String(facts.maxOffset),
};
let source = readFileSync(path.join(root, 'loader', 'allo.js'), 'utf8');
for (const [name, value] of Object.entries(fill)) {
  const word = new RegExp(`\\b${name}\\b`, 'g');
  if (!word.test(source)) {
    console.error(`build-loader: loader/allo.js has no ${name} any more`);
    process.exit(1);
  }
  source = source.replace(word, value);
}
if (/\bALLO_[A-Z_]+\b/.test(source.replace(/'@ALLO_\w+@'/g, ''))) {
  console.error(`build-loader: loader/allo.js names ${/\bALLO_[A-Z_]+\b/.exec(source)[0]}, which no fact fills`);
  process.exit(1);
}
const result = await minify(source, {
  ecma: 2020,
  compress: { passes: 3, unsafe_arrows: true, unsafe_methods: true, pure_getters: true },
  mangle: true,
  format: { comments: /^!/ },
});
writeFileSync(out, result.code + '\n');
console.log(`loader: ${source.length} → ${result.code.length} bytes (${path.relative(root, out) || out})`);

// wasm-bindgen writes its glue (allo-widget.js) readable, with doc comments; Trunk does not
// minify it. Minified it is 2.2 KB smaller gzipped (9,376 → 7,118 B, measured 2026-11-30). As an
// ES module its exports (boot, command, destroy, the default init) keep their names, and the
// import object's keys are properties, which terser leaves alone.
//
// The loader's second half (loader/glue-start.js: compile the wasm, instantiate, boot) is
// appended to the glue first, in the glue's module scope: it is needed only when the glue is
// loaded anyway, and every byte of it kept out of allo.js is a byte of the loader's budget.
if (!process.argv[2]) {
  const glue = path.join(path.dirname(out), 'allo-widget.js');
  // The glue's own start-up (`__wbg_init`, `initSync`: a URL, a fetch, streaming with its
  // fallbacks) is not used: glue-start.js compiles the wasm itself and instantiates the module
  // with the glue's imports. Without their export those functions are dead, and terser drops
  // them (−521 B gzip, docs/performance.md, Size, session 8).
  const unused = 'export { initSync, __wbg_init as default };';
  let generated = readFileSync(glue, 'utf8');
  for (const name of ['function __wbg_get_imports(', 'function __wbg_finalize_init(instance, module)', unused, 'export function boot(']) {
    if (!generated.includes(name)) {
      console.error(`build-loader: the wasm-bindgen glue has no \`${name}\` any more; loader/glue-start.js needs it`);
      process.exit(1);
    }
  }
  generated = generated.replace(unused, '');
  // Short import and export names in the wasm and the glue alike (scripts/wasm-names.mjs says why).
  const wasmFile = path.join(path.dirname(out), 'allo-widget_bg.wasm');
  const named = shorten(readFileSync(wasmFile), generated);
  writeFileSync(wasmFile, named.wasm);
  console.log(`wasm names: ${named.imports} imports and ${named.exports} exports shortened`);
  // And the console's `alloSay` (loader/glue-console.js), which the wasm imports by that name.
  const code = [named.glue, ...['glue-start.js', 'glue-console.js'].map((f) => readFileSync(path.join(root, 'loader', f), 'utf8'))].join('\n');
  // `unsafe_methods` writes the import object's `key: function (…) {…}` as `key(…) {…}`: safe
  // here, the wasm only calls them and never constructs one (−71 B gzip, session 8).
  const min = await minify(code, { module: true, ecma: 2020, compress: { passes: 2, unsafe_methods: true }, mangle: true });
  writeFileSync(glue, min.code + '\n');
  console.log(`glue: ${code.length} → ${min.code.length} bytes (${path.relative(root, glue) || glue})`);
  // Last, on the final bytes: hashed names and integrity (Trunk runs the hooks of one stage
  // at once, so this cannot be a hook of its own).
  execFileSync(process.execPath, [path.join(root, 'scripts', 'fingerprint.mjs'), path.dirname(out)], { stdio: 'inherit' });
}
