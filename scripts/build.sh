#!/usr/bin/env bash
# Builds the widget and the demo page into dist/ (release, wasm-opt -Oz) with Trunk.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ALLO_ROOT"
wasm_release_env trunk build --release --offline "$@"
