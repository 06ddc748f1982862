#!/usr/bin/env bash
# Builds the widget and the demo page into dist/ (release, wasm-opt -Oz) with Trunk.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ALLO_ROOT"
# The wrapper records whether the final link ran with LTO (scripts/rustc-link-marker.sh).
export RUSTC_WORKSPACE_WRAPPER="$ALLO_ROOT/scripts/rustc-link-marker.sh"
wasm_release_env trunk build --release --offline "$@"
