#!/usr/bin/env node
// Gives the widget's glue and wasm content-hashed names and bakes their digests into the files
// that load them: the one home of file names and integrity in a build. scripts/build-loader.mjs
// (Trunk's post_build hook, so also under `trunk serve`) runs it last; by hand:
// `node scripts/fingerprint.mjs DIR`.
//
// Why: the loader `allo.js` keeps a stable name (the owner's snippet never changes) and a short
// cache, while the files it loads are immutable under their names, so a deploy or a CDN can
// never pair an old glue with a new wasm, and both can be cached for a year (the collector
// sends `immutable` for hashed names, collector/src/static_files.rs). And the loader checks
// what it loads: the glue's digest goes into allo.js (Subresource Integrity on a
// `modulepreload`), the wasm's SHA-384 into the glue (checked with crypto.subtle before the
// module is instantiated, loader/glue-start.js). The owner's `<script integrity>` (SHA-384)
// covers allo.js, so the chain covers every byte. The glue's digest is SHA-256, not SHA-384:
// allo.js has a 3 KB gzip budget, and 21 more bytes of incompressible digest did not fit
// (measured 2026-12-01: 3,084 B with SHA-384, 3,063 B with SHA-256); SHA-256 is as good for SRI.
//
// It finds the files by what they are, not by how Trunk or wasm-bindgen name them: the one
// `.wasm`, the one script that names it (the glue), and `allo.js`. Names become
// `STEM-HASH.EXT` (16 hex digits of the SHA-384). It writes `allo-manifest.json` beside them
// (names and integrity values) for scripts/size-report.mjs, scripts/release.sh and the tests.
//
// It also copies in the catalogs of the languages other than English, which are already named
// by their content (build.rs writes them beside the wasm's artifact, and their names and
// integrity values into the wasm, src/catalog.rs), and lists them in the manifest; and the
// console messages' texts (`allo-messages-HASH.json`: its name and digest go into the glue,
// which fetches it, loader/glue-console.js), listed as `messages`.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.argv[2] || process.env.TRUNK_STAGING_DIR || path.join(root, 'dist');
/** The placeholders in loader/allo.js and loader/glue-start.js. */
const GLUE_SRI = '@ALLO_GLUE_SRI@';
const WASM_SHA384 = '@ALLO_WASM_SHA384@';
const MANIFEST = 'allo-manifest.json';
const TEXTS = 'allo-messages.json';
const TEXTS_SRI = '@ALLO_MESSAGES_SRI@';

const die = (msg) => {
  console.error(`fingerprint: ${msg}`);
  process.exit(1);
};
const digest = (algorithm, bytes) => createHash(algorithm).update(bytes).digest();
const sha384 = (bytes) => digest('sha384', bytes);
const hashedName = (name, digest) => {
  const ext = path.extname(name);
  return `${path.basename(name, ext)}-${digest.toString('hex').slice(0, 16)}${ext}`;
};
/** `text` with every quoted or path-final occurrence of the file name `from` replaced. */
const rename = (text, from, to) => {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?<=['"\`/])${escaped}(?=['"\`])`, 'g');
  const count = (text.match(re) || []).length;
  return [text.replace(re, to), count];
};
/** `text` with the placeholder replaced, exactly once. */
const fill = (text, placeholder, value, file) => {
  const parts = text.split(placeholder);
  if (parts.length !== 2) die(`${file} should hold ${placeholder} once, holds it ${parts.length - 1} times (already fingerprinted?)`);
  return parts.join(value);
};

const names = readdirSync(dir);
const wasms = names.filter((n) => n.endsWith('.wasm'));
if (wasms.length !== 1) die(`expected one .wasm in ${dir}, found ${JSON.stringify(wasms)}`);
const [wasm] = wasms;
const loader = 'allo.js';
if (!names.includes(loader)) die(`no ${loader} in ${dir}`);
const glues = names.filter((n) => n.endsWith('.js') && n !== loader && readFileSync(path.join(dir, n), 'utf8').includes(wasm));
if (glues.length !== 1) die(`expected one script naming ${wasm} in ${dir}, found ${JSON.stringify(glues)}`);
const [glue] = glues;

// The wasm first: its name and digest go into the glue, whose own digest then covers them.
const wasmBytes = readFileSync(path.join(dir, wasm));
const wasmDigest = sha384(wasmBytes);
const wasmName = hashedName(wasm, wasmDigest);
let glueText = readFileSync(path.join(dir, glue), 'utf8');
let n;
[glueText, n] = rename(glueText, wasm, wasmName);
if (n === 0) die(`${glue} names ${wasm} only unquoted; cannot point it at ${wasmName}`);
glueText = fill(glueText, WASM_SHA384, wasmDigest.toString('base64'), glue);
// The console messages' texts (allo_core::msg), named by their content by build.rs beside the
// catalogs: the glue's `alloSay` (loader/glue-console.js) fetches them by this name and digest.
const profile = process.env.TRUNK_PROFILE || 'release';
const catalogDir = path.join(root, 'target', 'wasm32-unknown-unknown', profile, 'allo-catalogs');
const texts = existsSync(catalogDir) ? readdirSync(catalogDir).filter((n) => /^allo-messages-[\da-f]{16}\.json$/.test(n)) : [];
if (texts.length !== 1) die(`expected one allo-messages-HASH.json in ${catalogDir} (build.rs writes it), found ${texts.length}`);
const [textsName] = texts;
copyFileSync(path.join(catalogDir, textsName), path.join(dir, textsName));
const textsSri = `sha256-${digest('sha256', readFileSync(path.join(dir, textsName))).toString('base64')}`;
[glueText, n] = rename(glueText, TEXTS, textsName);
if (n !== 1) die(`${glue} should name ${TEXTS} once, names it ${n} times`);
glueText = fill(glueText, TEXTS_SRI, textsSri, glue);
const glueDigest = sha384(glueText);
const glueName = hashedName(glue, glueDigest);
const glueSri = `sha256-${digest('sha256', glueText).toString('base64')}`;

let loaderText = readFileSync(path.join(dir, loader), 'utf8');
[loaderText, n] = rename(loaderText, glue, glueName);
if (n !== 1) die(`${loader} should name ${glue} once, names it ${n} times`);
loaderText = fill(loaderText, GLUE_SRI, glueSri, loader);

writeFileSync(path.join(dir, glueName), glueText);
rmSync(path.join(dir, glue));
writeFileSync(path.join(dir, loader), loaderText);
renameSync(path.join(dir, wasm), path.join(dir, wasmName));

const manifest = {
  loader: { file: loader, integrity: `sha384-${sha384(loaderText).toString('base64')}` },
  glue: { file: glueName, integrity: glueSri },
  wasm: { file: wasmName, integrity: `sha384-${wasmDigest.toString('base64')}` },
};
const catalogs = existsSync(catalogDir) ? readdirSync(catalogDir).filter((n) => /^allo-[a-z]{2}-[\da-f]{16}\.json$/.test(n)).sort() : [];
if (catalogs.length === 0) die(`no catalog files in ${catalogDir} (build.rs writes them)`);
manifest.catalogs = {};
for (const name of catalogs) {
  copyFileSync(path.join(catalogDir, name), path.join(dir, name));
  const bytes = readFileSync(path.join(dir, name));
  manifest.catalogs[name.split('-')[1]] = { file: name, integrity: `sha256-${digest('sha256', bytes).toString('base64')}` };
}
manifest.messages = { file: textsName, integrity: textsSri };
writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
console.log(`fingerprint: ${glue} → ${glueName}, ${wasm} → ${wasmName}; ${loader} ${manifest.loader.integrity}`);
