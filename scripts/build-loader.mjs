#!/usr/bin/env node
// Minifies loader/allo.js (the one script loaded with the shop's page) with terser, offline,
// from tools/node_modules. Trunk runs this after each build (Trunk.toml, post_build hook) and
// it overwrites the copy Trunk staged; by hand: `node scripts/build-loader.mjs OUT.js`.
// The `/*! … */` banner is kept. scripts/size-report.mjs --check enforces the 3 KB gzip budget.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] || path.join(process.env.TRUNK_STAGING_DIR || path.join(root, 'dist'), 'allo.js');
const require = createRequire(path.join(root, 'tools', 'package.json'));
const { minify } = require('terser');

const source = readFileSync(path.join(root, 'loader', 'allo.js'), 'utf8');
const result = await minify(source, {
  ecma: 2020,
  compress: { passes: 3, unsafe_arrows: true, unsafe_methods: true, pure_getters: true },
  mangle: true,
  format: { comments: /^!/ },
});
writeFileSync(out, result.code + '\n');
console.log(`loader: ${source.length} → ${result.code.length} bytes (${path.relative(root, out) || out})`);
