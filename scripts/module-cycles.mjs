#!/usr/bin/env node
// Fails when two modules of one crate import each other (style.md: "no two modules that import
// each other"). Run by tier 0 of scripts/test.sh:
//
//     node scripts/module-cycles.mjs            # the widget, allo-core and allo-collector
//     node scripts/module-cycles.mjs core/src   # one crate's source folder
//
// It reads the sources as text, which is enough here: every path a module reaches in its own
// crate starts with `crate::` or `super::`, in a `use` (grouped or not) or written inline.
// What does not count, and why:
// - comments, and `#[cfg(test)]` (or `all(test, …)`) modules: a test may borrow another module's fixtures without
//   the modules depending on each other in the shipped code;
// - a module and its own descendants (`store` and `store::sqlite`): a parent declares its
//   children, and children using their parent's items is how a Rust module tree is built.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const crates = process.argv.length > 2 ? process.argv.slice(2) : ['src', 'core/src', 'collector/src'];

/** Every `.rs` file below `dir`. */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.rs') ? [path] : [];
  });
}

/** The module path of a file: `store/sqlite.rs` and `store/sqlite/mod.rs` are `store::sqlite`. */
function moduleOf(src, path) {
  const parts = relative(src, path).slice(0, -3).split(sep);
  if (['mod', 'lib', 'main'].includes(parts.at(-1))) parts.pop();
  return parts;
}

/** The text with comments and literals blanked, and without `#[cfg(test)]` modules. */
function code(text) {
  let out = '';
  let i = 0;
  const ident = (c) => c !== undefined && /\w/.test(c);
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      i = text.indexOf('*/', i + 2) + 2;
      out += ' ';
    } else if (c === 'r' && !ident(text[i - 1]) && /^r#*"/.test(text.slice(i, i + 8))) {
      const hashes = text.slice(i + 1).match(/^#*/)[0];
      i = text.indexOf(`"${hashes}`, i + hashes.length + 2) + hashes.length + 1;
      out += '""';
    } else if (c === '"') {
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
      out += '""';
    } else if (c === "'" && (/^'(\\.|[^\\'])'/.test(text.slice(i, i + 4)) || /^'\\[ux]/.test(text.slice(i, i + 3)))) {
      // A char literal ('"', '\'', '\u{..}'), not a lifetime.
      i = text.indexOf("'", i + 2) + 1;
      out += "' '";
    } else {
      out += c;
      i++;
    }
  }
  for (;;) {
    const at = out.search(/#\[cfg\((?:test|all\(test\b[^\]]*\))\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{/);
    if (at < 0) return out;
    let j = out.indexOf('{', at);
    let depth = 0;
    for (; j < out.length; j++) {
      if (out[j] === '{') depth++;
      else if (out[j] === '}' && --depth === 0) break;
    }
    out = out.slice(0, at) + out.slice(j + 1);
  }
}

/** The paths a module names: `use crate::{a, b::{c, d}}` gives `a`, `b::c` and `b::d`. */
function paths(text, self) {
  const found = [];
  const expand = (prefix, tree) => {
    tree = tree.trim();
    const brace = tree.indexOf('{');
    if (brace < 0) {
      found.push([...prefix, ...tree.split('::').map((s) => s.trim()).filter(Boolean)]);
      return;
    }
    const head = tree.slice(0, brace).split('::').map((s) => s.trim()).filter(Boolean);
    const body = tree.slice(brace + 1, tree.lastIndexOf('}'));
    let depth = 0;
    let start = 0;
    for (let i = 0; i <= body.length; i++) {
      const c = body[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if ((c === ',' || i === body.length) && depth === 0) {
        if (body.slice(start, i).trim()) expand([...prefix, ...head], body.slice(start, i));
        start = i + 1;
      }
    }
  };
  for (const m of text.matchAll(/\buse\s+((?:crate|super)(?:::super)*::[^;]*);/g)) expand([], m[1]);
  for (const m of text.matchAll(/\b((?:crate|super)(?:::super)*(?:::\w+)+)/g)) expand([], m[1]);
  return found.map((p) => {
    if (p[0] === 'crate') return p.slice(1);
    const base = [...self];
    while (p[0] === 'super') {
      base.pop();
      p = p.slice(1);
    }
    return [...base, ...p];
  });
}

let cycles = 0;
for (const crate of crates) {
  const src = join(root, crate);
  const modules = new Map();
  for (const path of files(src)) modules.set(moduleOf(src, path).join('::'), path);
  const deps = new Map();
  for (const [name, path] of modules) {
    const self = name ? name.split('::') : [];
    const reached = new Set();
    for (const p of paths(code(readFileSync(path, 'utf8')), self)) {
      // The longest prefix that is a module file: `crate::store::sqlite::Open` is `store::sqlite`.
      for (let k = p.length; k > 0; k--) {
        const target = p.slice(0, k).join('::');
        if (modules.has(target)) {
          reached.add(target);
          break;
        }
      }
    }
    deps.set(name, reached);
  }
  const nested = (a, b) => a === '' || b === '' || b.startsWith(`${a}::`) || a.startsWith(`${b}::`);
  for (const [a, reached] of deps) {
    for (const b of reached) {
      if (a < b && !nested(a, b) && deps.get(b)?.has(a)) {
        console.error(`module cycle in ${crate}: ${a} and ${b} import each other`);
        cycles++;
      }
    }
  }
}
if (cycles) process.exit(1);
console.log(`module cycles: none in ${crates.join(', ')}`);
