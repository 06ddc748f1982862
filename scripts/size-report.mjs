#!/usr/bin/env node
// Size report: raw, gzip -9 and brotli (quality 11) sizes of everything the browser loads
// for Allo, read from dist/ after a release build. One method for every figure: node's zlib at
// level 9, which is byte for byte `gzip -9n` (plain `gzip -9 FILE` adds the file's name to the
// header, 8 B more for allo.js); figures elsewhere in the docs are this script's. Sizes are deterministic for a given
// toolchain, so `--check` is a real check, not a timed test. It fails when:
//  - the loader is over its 3 KB gzip budget (docs/product.md), or
//  - the widget (glue + wasm) is over its ceiling: the size measured when the ceiling was last
//    set plus 2 %, so a change that makes it grow notably fails CI and has to justify itself
//    by lowering something else; the ceiling only goes down, or
//  - the wasm Trunk used was not linked with LTO: scripts/build.sh runs rustc through
//    scripts/rustc-link-marker.sh, which records for the final link (the bundle/ binary)
//    whether rustc got `-C lto` and the sha256 of the wasm it wrote; the check wants `lto=yes`
//    and that hash equal to the artifact's (target/wasm32-unknown-unknown/release/allo-widget.wasm).
//    A build without the wrapper leaves no matching record and fails too.
// The widget's 80 KB gzip budget is not met (README, Size; docs/performance.md) and is
// reported as such; the ceiling only goes down as cuts land.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const KB = 1024;
// Budgets from docs/product.md (gzip bytes), and issue 22's step towards the widget's: 150 KB
// with every feature kept.
const BUDGETS = { loader: 3 * KB, widget: 80 * KB, issue22: 150 * KB };
// Widget ceiling (gzip bytes): the size measured when it was last set plus 2 %, rounded up.
// 190,861 B on 2026-12-01: LTO on the final link (bundle/; 235,402 → 212,163 B), no float
// parsing/printing from core (allo_core::number; → 195,226), messages quoted without `{:?}`
// (allo_core::quoted; → 192,053), the CSS minified at build time (build.rs; → 190,861).
// 189,148 B on 2026-12-01 (issue 22 step 5, the widget's own code; 192,188 at the start): one
// send path, AttrValue::Static and one storage path (→ 190,530), one Intl constructor and
// method call (→ 190,161), static classes and ids, storage read/write out of line (→ 189,148).
// 186,149 B on 2026-12-01 (session 5): 192,169 B after the merges, then only English built
// into the wasm, the other catalogs fetched per language (src/catalog.rs; → 186,149).
// 202,425 B on 2026-12-01 after merging session 5's branches: the cuts above and the settings
// table/wire derive (+1.5 KB) measured ~184.6 KB together, and the prompts feature (issue 21:
// the card, its triggers and caps, Allo.ask and the owner's context) adds ~17.8 KB. The one
// time the ceiling went up, by a new feature's measured cost; issue 22 notes it as the first
// place to cut.
// 183,866 B on 2026-12-01 (session 6): the views as plain functions where they own no hooks
// (−9,976 B), talc, no libm pow, small Vecs for maps, one key array for the strings (−8,749 B).
// 175,948 B on 2026-12-02 (session 7): the wasm's import and export names shortened in the
// module and the glue alike (scripts/wasm-names.mjs; 183,905 → 175,948 B).
// 160,757 B on 2026-12-02 after session 7's merge: no `Classes` set (run-time classes as the
// className property), the JSON map and the owner's context as sorted Vecs, one settings
// reader, the outbox keeping its submission as JSON, the callback form's and hours' code in
// plain loops, the views' hooks merged (docs/performance.md, session 7).
// 150,085 B on 2026-12-02 after session 8's merge (issue 22's 150 KB reached): JSON read by the
// browser's JSON.parse, functions ordered by name, the glue's own start-up dropped; no Yew
// ContextProvider, Panel, Thanks or StatusCard components; the forms' handlers and fields
// leaner; the console messages' texts beside the wasm (docs/performance.md, session 8).
const WIDGET_CEILING = 153_087;

const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const fmt = (n) => (n / KB).toFixed(1).padStart(7) + ' KB';

// The glue's and the wasm's content-hashed names, from the build's manifest
// (scripts/fingerprint.mjs).
const manifest = JSON.parse(readFileSync(path.join(dist, 'allo-manifest.json'), 'utf8'));
const files = [
  ['loader', manifest.loader.file, 'loaded with the page'],
  ['glue', manifest.glue.file, 'loaded by the loader'],
  ['wasm', manifest.wasm.file, 'loaded by the loader'],
];
const css = readdirSync(path.join(root, 'styles')).filter((f) => f.endsWith('.css')).sort()
  .map((f) => readFileSync(path.join(root, 'styles', f))).reduce((a, b) => Buffer.concat([a, b]), Buffer.alloc(0));

const rows = files.map(([part, file, note]) => {
  const bytes = readFileSync(path.join(dist, file));
  return { part, file, note, raw: bytes.length, gzip: gz(bytes), brotli: br(bytes) };
});
// The catalogs of the languages other than English (src/catalog.rs): a visitor downloads at
// most one, when not English, so the largest is reported, outside the totals.
const catalogs = Object.entries(manifest.catalogs || {}).map(([lang, c]) => {
  const bytes = readFileSync(path.join(dist, c.file));
  return { lang, file: c.file, raw: bytes.length, gzip: gz(bytes), brotli: br(bytes) };
}).sort((a, b) => b.gzip - a.gzip);
if (catalogs.length) {
  const c = catalogs[0];
  rows.push({ part: 'catalog', file: c.file, note: `largest of ${catalogs.length}; one, when not English`, raw: c.raw, gzip: c.gzip, brotli: c.brotli });
}
// The console messages' English texts (src/messages.rs, loader/glue-console.js): fetched only by
// a page that prints one (a bad setting, a refused call), so reported outside the totals too.
if (manifest.messages) {
  const bytes = readFileSync(path.join(dist, manifest.messages.file));
  rows.push({ part: 'texts', file: manifest.messages.file, note: 'console messages; only when one is printed', raw: bytes.length, gzip: gz(bytes), brotli: br(bytes) });
}
rows.push({ part: 'css', file: 'styles/*.css', note: 'source; minified by build.rs into the wasm, counted there', raw: css.length, gzip: gz(css), brotli: br(css) });

console.log('part    file                                  raw        gzip -9    brotli 11  note');
for (const r of rows) {
  console.log(`${r.part.padEnd(7)} ${r.file.padEnd(36)} ${fmt(r.raw)} ${fmt(r.gzip)} ${fmt(r.brotli)}  ${r.note}`);
}
const loaded = rows.filter((r) => !['css', 'catalog', 'texts'].includes(r.part));
const sum = (k) => loaded.reduce((a, r) => a + r[k], 0);
console.log(`${'total'.padEnd(7)} ${'(loader+glue+wasm)'.padEnd(36)} ${fmt(sum('raw'))} ${fmt(sum('gzip'))} ${fmt(sum('brotli'))}`);

const widget = rows.filter((r) => r.part === 'glue' || r.part === 'wasm').reduce((a, r) => a + r.gzip, 0);
const loader = rows.find((r) => r.part === 'loader').gzip;
// [what, gzip bytes, budget, enforced by --check]
const verdicts = [
  ['loader before first use', loader, BUDGETS.loader, true],
  ['widget (glue + wasm, CSS inside), ceiling', widget, WIDGET_CEILING, true],
  ['widget (glue + wasm, CSS inside), issue 22', widget, BUDGETS.issue22, false],
  ['widget (glue + wasm, CSS inside), target', widget, BUDGETS.widget, false],
];
let over = [];
// The LTO record of the final link (see the top of this file).
const linkRecord = path.join(root, 'target', 'widget-link.txt');
const artifact = path.join(root, 'target', 'wasm32-unknown-unknown', 'release', 'allo-widget.wasm');
const record = existsSync(linkRecord)
  ? Object.fromEntries(readFileSync(linkRecord, 'utf8').trim().split('\n').map((l) => l.split('=')))
  : {};
const artifactSha = existsSync(artifact) ? createHash('sha256').update(readFileSync(artifact)).digest('hex') : 'missing';
const lto = record.lto === 'yes' && record.sha256 === artifactSha;
console.log(`link    final link with LTO: ${lto ? 'yes' : 'NO (fails --check)'} (${existsSync(linkRecord)
  ? `target/widget-link.txt: lto=${record.lto}, ${record.sha256 === artifactSha ? 'same wasm as the artifact' : 'recorded for another wasm than the artifact'}`
  : 'no target/widget-link.txt: not built by scripts/build.sh'})`);
if (!lto) over.push('the final link ran without LTO (or was not recorded)');
for (const [what, size, budget, enforced] of verdicts) {
  const ok = size <= budget;
  if (enforced && !ok) over.push(what);
  const verdict = ok ? 'ok' : enforced ? 'OVER (fails --check)' : 'NOT MET (reported, not enforced)';
  const room = ok ? `, ${budget - size} B to spare` : '';
  console.log(`budget  ${what}: ${size} B = ${fmt(size).trim()} gzip of ${fmt(budget).trim()}${room} ${verdict}`);
}
if (process.argv.includes('--check') && over.length) {
  console.error(`size-report: failed: ${over.join('; ')} (see the comment at the top of scripts/size-report.mjs)`);
  process.exit(1);
}
