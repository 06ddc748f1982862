#!/usr/bin/env bash
# Makes the release files a shop installs without building anything (docs/deploy.md):
#
#   scripts/release.sh [--no-build] [--collector [--musl]] [OUT]   (OUT: target/release-files)
#
#  - OUT/allo-widget-X.Y.Z/ and OUT/allo-widget-X.Y.Z.tgz: the widget package. The loader
#    allo.js (stable name), the content-hashed glue and wasm it checks (scripts/fingerprint.mjs),
#    the submission JSON Schema, a README with the snippet and its integrity value, and a
#    package.json, so the folder can be served as it is, pointed at by a CDN, or published to
#    npm as it is (`npm publish OUT/allo-widget-X.Y.Z`; never done here). The .tgz is
#    `npm pack`'s own output, the very bytes `npm publish` would upload.
#  - with --collector, also OUT/allo-collector-X.Y.Z-x86_64-linux.tar.gz: the collector built
#    with --release, its systemd units and environment file, docs/deploy.md and the changelog;
#    with --musl too, the same with a fully static binary (…-x86_64-linux-musl.tar.gz; needs
#    `rustup target add x86_64-unknown-linux-musl` and Debian's musl-tools).
#
# --no-build reuses dist/ from scripts/build.sh (what scripts/test.sh does: the build already
# ran). X.Y.Z is the widget crate's version (Cargo.toml); CHANGELOG.md says what it promises.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ALLO_ROOT"

build=1 collector=0 musl=0 out=
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --collector) collector=1 ;;
    --musl) musl=1 ;;
    -*) echo "release.sh: unknown option $arg" >&2; exit 2 ;;
    *) out=$arg ;;
  esac
done
out=$(mkdir -p "${out:-target/release-files}" && cd "${out:-target/release-files}" && pwd)

# The version of a crate: the first `version = "…"` of its manifest's [package] table (the
# collector inherits the workspace's, which is the root manifest's [workspace.package]).
crate_version() { sed -n '/^\[\(workspace\.\)\?package\]/,/^\[/{s/^version = "\(.*\)"/\1/p}' "$1" | head -n1; }
version=$(crate_version Cargo.toml)
[ -n "$version" ] || { echo "release.sh: no version in Cargo.toml" >&2; exit 1; }

[ "$build" = 1 ] && scripts/build.sh
[ -f dist/allo-manifest.json ] || { echo "release.sh: dist/ has no allo-manifest.json; run scripts/build.sh" >&2; exit 1; }
manifest() { node -e 'const m = require(process.argv[1]); console.log(m[process.argv[2]][process.argv[3]])' "$ALLO_ROOT/dist/allo-manifest.json" "$@"; }
glue=$(manifest glue file) wasm=$(manifest wasm file) integrity=$(manifest loader integrity)
# The catalogs of the languages other than English, fetched by the wasm (src/catalog.rs).
catalogs=$(node -e 'const m = require(process.argv[1]); console.log(Object.values(m.catalogs).map((c) => c.file).join(" "))' "$ALLO_ROOT/dist/allo-manifest.json")
# And the console messages' texts, fetched by the wasm with its first message (src/messages.rs);
# shipped with the catalogs, and their table beside them for the line printed without it.
catalogs="$catalogs $(manifest messages file)"

pkg="$out/allo-widget-$version"
rm -rf "$pkg" "$out/allo-widget-$version.tgz"
mkdir -p "$pkg"
cp dist/allo.js "dist/$glue" "dist/$wasm" $(printf 'dist/%s ' $catalogs) "$pkg/"
cp docs/submission.schema.json "$pkg/submission.schema.json"
cp docs/messages.md "$pkg/messages.md"

# package.json: `files` lists exactly what ships (npm adds package.json and README.md itself);
# `browser`, `unpkg` and `jsdelivr` point CDNs' bare URLs at the loader.
node - "$pkg" "$version" "$glue" "$wasm" $catalogs <<'EOF'
const [dir, version, glue, wasm, ...catalogs] = process.argv.slice(2);
const pkg = {
  name: 'allo-widget',
  version,
  description: 'Allo: an embeddable contact widget (feedback and callback requests). A loader, allo.js, and the WebAssembly app it loads; nothing to build.',
  license: 'MIT OR Apache-2.0',
  keywords: ['widget', 'contact', 'feedback', 'callback', 'webassembly'],
  browser: 'allo.js',
  unpkg: 'allo.js',
  jsdelivr: 'allo.js',
  files: ['allo.js', glue, wasm, ...catalogs, 'messages.md', 'submission.schema.json'],
};
require('node:fs').writeFileSync(require('node:path').join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
EOF

cat > "$pkg/README.md" <<EOF
# allo-widget $version

Allo's contact widget, built: add it to a shop's pages with one script tag. Nothing to build or
install; the files here are the whole widget.

| file | what |
|---|---|
| \`allo.js\` | the loader, the one script the page loads (stable name: serve it with a short cache) |
| \`$glue\` | the app's JavaScript glue, loaded by \`allo.js\` once the browser is idle |
| \`$wasm\` | the app, loaded by the glue |
| \`allo-LANG-….json\` | the texts of each language but English (built in), fetched by the app when a visitor needs them |
| \`allo-messages-….json\` | the texts of the console messages, fetched by the app with its first one |
| \`messages.md\` | every console message by number, for the line printed when that file cannot be loaded |
| \`submission.schema.json\` | the JSON Schema of what the widget POSTs to your endpoint (\`allo.submission/1\`) |

The glue and the wasm have content-hashed names and never change under them: serve them as
immutable (\`Cache-Control: public, max-age=31536000, immutable\`; allo-collector does). \`allo.js\`
finds them next to itself, so the folder works under any path, and it checks what it loads: the
glue against a SHA-384 baked into \`allo.js\`, the wasm against one baked into the glue. A changed
file is refused with one console error and no widget.

## The snippet

From the npm registry through a CDN (any that mirrors npm, e.g. jsDelivr or unpkg):

\`\`\`html
<script src="https://cdn.jsdelivr.net/npm/allo-widget@$version/allo.js"
  integrity="$integrity" crossorigin="anonymous"
  data-endpoint="https://collector.shop.example/v1/submissions" defer></script>
\`\`\`

Or copy this folder to your own site (e.g. \`/assets/allo/$version/\`) and point \`src\` there. The
\`integrity\` value is this version's \`allo.js\`: keep it only with a URL that names the version
(a file that changes under the same URL, such as a self-hosted \`/allo.js\` you replace on each
upgrade, would then be refused). Your page's Content-Security-Policy needs
\`script-src <where allo.js is> 'wasm-unsafe-eval'\` and \`connect-src <where allo.js is> <your endpoint>\`.

Every setting (\`data-*\` attributes or \`window.alloSettings\`), the JavaScript API and the
endpoint's contract are described in Allo's docs/embedding.md; the changes between versions in
its CHANGELOG.md.
EOF

(cd "$out" && npm pack "$pkg" --pack-destination "$out" --loglevel=error >/dev/null)
echo "release: $pkg/ and $out/allo-widget-$version.tgz"
echo "release: allo.js integrity=\"$integrity\""

# One collector archive: the binary at $1 for the target named $2.
collector_archive() {
  local bin=$1 suffix=$2 cver name staging
  cver=$("$bin" --version | awk '{print $2}')
  name="allo-collector-$cver-$suffix"
  staging="$out/$name"
  rm -rf "$staging" && mkdir -p "$staging"
  cp "$bin" collector/deploy/allo-collector.service collector/deploy/allo-collector-backup.service \
    collector/deploy/allo-collector-backup.timer collector/deploy/collector.env docs/deploy.md \
    CHANGELOG.md "$staging/"
  tar -C "$out" -czf "$out/$name.tar.gz" "$name"
  echo "release: $out/$name.tar.gz; $bin links against:"
  ldd "$bin" 2>&1 | sed 's/^/  /'
}

if [ "$collector" = 1 ]; then
  cargo build --release --locked -p allo-collector
  collector_archive target/release/allo-collector x86_64-linux
  if [ "$musl" = 1 ]; then
    cargo build --release --locked -p allo-collector --target x86_64-unknown-linux-musl
    collector_archive target/x86_64-unknown-linux-musl/release/allo-collector x86_64-linux-musl
  fi
fi
