// Short names for the wasm's imports and exports, written into the module and its glue alike.
//
// Why: wasm-bindgen names every import after the JS it calls plus a 16-hex-digit hash
// (`__wbg_setAttribute_2a8f…`), and every closure shim after its full Rust type
// (`wasm_bindgen_…___convert__closures_____invoke___web_sys_…`). Each name is written twice,
// in the wasm's import or export section and in the glue, which only ever uses it as a
// property (`import0.NAME`, `wasm.NAME`), so terser cannot shorten it, and the hashes do not
// compress. Renamed to one or two letters in both files, the widget is smaller by several KB
// gzip (docs/performance.md, session 7). binaryen's `--minify-imports-and-exports` does the
// wasm half, but it is a second wasm-opt run of ~40 s here and prints a map the glue would
// still have to be rewritten from; the import and export sections are simple enough to
// rewrite directly, which also leaves everything else in the module byte for byte as it was.
//
// `shorten(wasm, glue)` returns both rewritten, or throws naming what it did not understand:
// the build then fails rather than ship a glue that does not match its module.

/** Reads an unsigned LEB128 at `at`: [value, next offset]. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

/** Writes an unsigned LEB128. */
function uleb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const name = (text) => {
  const bytes = new TextEncoder().encode(text);
  return [...uleb(bytes.length), ...bytes];
};

/** Reads a name (a length-prefixed UTF-8 string): [text, next offset]. */
function readName(bytes, at) {
  const [length, start] = leb(bytes, at);
  return [utf8.decode(bytes.subarray(start, start + length)), start + length];
}

/** The end of a table, memory, global or tag type that starts at `at` (an import's type). */
function skipLimits(bytes, at) {
  const flags = bytes[at++];
  [, at] = leb(bytes, at);
  if (flags & 1) [, at] = leb(bytes, at);
  return at;
}
function skipImportType(bytes, kind, at) {
  switch (kind) {
    case 0: return leb(bytes, at)[1]; // function: a type index
    case 1: return skipLimits(bytes, at + 1); // table: a reference type, then limits
    case 2: return skipLimits(bytes, at); // memory
    case 3: return at + 2; // global: a value type and mutability
    case 4: return leb(bytes, at + 1)[1]; // tag: an attribute and a type index
    default: throw new Error(`wasm-names: an import of unknown kind ${kind}`);
  }
}

/** The n-th short identifier: a … z, A … Z, then two characters (aa, ab, …). */
function short(n) {
  const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const rest = first + '0123456789_$';
  if (n < first.length) return first[n];
  n -= first.length;
  return first[Math.floor(n / rest.length) % first.length] + rest[n % rest.length];
}

const escape = (text) => text.replace(/[$]/g, '\\$&');

/**
 * Renames every import (module and field) and every export of `wasm` (a Uint8Array) to a short
 * name, and the same names in `glue` (wasm-bindgen's JS, not yet minified). Drops the two
 * custom sections no browser reads (`producers`, `target_features`: wasm-bindgen and wasm-opt
 * have read them by now). Returns `{ wasm, glue, imports, exports }`, the last two being
 * how many names were shortened.
 */
export function shorten(wasm, glue) {
  const bytes = wasm instanceof Uint8Array ? wasm : new Uint8Array(wasm);
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error('wasm-names: not a wasm module');
  }
  const parts = [bytes.subarray(0, 8)];
  const modules = new Map();
  const imports = new Map();
  const exports = new Map();
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = leb(bytes, at + 1);
    const end = start + size;
    if (id === 0 && ['producers', 'target_features'].includes(readName(bytes, start)[0])) {
      at = end;
      continue;
    }
    if (id !== 2 && id !== 7) {
      parts.push(bytes.subarray(at, end));
      at = end;
      continue;
    }
    const [count, first] = leb(bytes, start);
    const body = [...uleb(count)];
    let p = first;
    for (let i = 0; i < count; i++) {
      if (id === 2) {
        const [module, q] = readName(bytes, p);
        const [field, r] = readName(bytes, q);
        const kind = bytes[r];
        const typeEnd = skipImportType(bytes, kind, r + 1);
        if (!modules.has(module)) modules.set(module, short(modules.size));
        if (imports.has(field)) throw new Error(`wasm-names: the import ${field} is there twice`);
        imports.set(field, short(imports.size));
        body.push(...name(modules.get(module)), ...name(imports.get(field)), ...bytes.subarray(r, typeEnd));
        p = typeEnd;
      } else {
        // An export: its name, then its kind (one byte) and index, copied as they are.
        const [field, q] = readName(bytes, p);
        const [, indexEnd] = leb(bytes, q + 1);
        exports.set(field, short(exports.size));
        body.push(...name(exports.get(field)), ...bytes.subarray(q, indexEnd));
        p = indexEnd;
      }
    }
    if (p !== end) throw new Error(`wasm-names: section ${id} did not end where its size says`);
    parts.push(Uint8Array.of(id, ...uleb(body.length), ...body));
    at = end;
  }
  let js = glue;
  for (const [module, to] of modules) {
    const quoted = JSON.stringify(module);
    if (js.split(quoted).length !== 2) throw new Error(`wasm-names: the glue names the import module ${quoted} other than once`);
    js = js.replace(quoted, JSON.stringify(to));
  }
  for (const [field, to] of imports) {
    // The import object's keys: `NAME: function(…)` (wasm-bindgen 0.2.130's form).
    const key = new RegExp(`(?<![\\w$])${escape(field)}(?=: )`, 'g');
    if ((js.match(key) || []).length !== 1) throw new Error(`wasm-names: the glue does not define the import ${field} exactly once`);
    js = js.replace(key, to);
  }
  for (const [field, to] of exports) {
    js = js.replace(new RegExp(`\\bwasm\\.${escape(field)}(?![\\w$])`, 'g'), `wasm.${to}`);
  }
  // Whatever the glue still reads off `wasm` must be one of the new names.
  const left = [...js.matchAll(/\bwasm\.([\w$]+)/g)].map((m) => m[1]).filter((n) => ![...exports.values()].includes(n));
  if (left.length) throw new Error(`wasm-names: the glue reads wasm.${left[0]}, which the module does not export`);
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return { wasm: out, glue: js, imports: imports.size, exports: exports.size };
}
