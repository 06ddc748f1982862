#!/usr/bin/env bash
# Builds the widget and the demo page into dist/ (release, wasm-opt -Oz) with Trunk.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ALLO_ROOT"
# The wrapper records whether the final link ran with LTO (scripts/rustc-link-marker.sh).
# A wasm linked without it (a plain `trunk build`) has no matching record, and cargo would
# not link again: touching the bundle's source makes it.
artifact="$ALLO_ROOT/target/wasm32-unknown-unknown/release/allo-widget.wasm"
if [ -f "$artifact" ] && ! grep -qs "^sha256=$(sha256sum "$artifact" | cut -d' ' -f1)\$" "$ALLO_ROOT/target/widget-link.txt"; then
  touch "$ALLO_ROOT/bundle/src/main.rs"
fi
export RUSTC_WORKSPACE_WRAPPER="$ALLO_ROOT/scripts/rustc-link-marker.sh"
wasm_release_env trunk build --release --offline "$@"
