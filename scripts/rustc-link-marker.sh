#!/usr/bin/env bash
# RUSTC_WORKSPACE_WRAPPER for the widget's release build (scripts/build.sh sets it): runs rustc
# unchanged and, for the final link of the bundle (the `allo-widget` bin for wasm32, see
# bundle/Cargo.toml), writes target/widget-link.txt: whether rustc was given `-C lto`, and the
# sha256 of the wasm it wrote. scripts/size-report.mjs reads it and fails unless the wasm Trunk
# used came from a link with LTO. Why a marker: cargo silently drops `lto = true` when the
# linked crate is also an rlib (cargo issues #9672, #4611), which cost 23 KB gzip unnoticed.
set -euo pipefail
"$@"
args=" $* "
case "$args" in
  *" --crate-name allo_widget "*) ;;
  *) exit 0 ;;
esac
case "$args" in *" --crate-type bin "*) ;; *) exit 0 ;; esac
case "$args" in *"wasm32-unknown-unknown"*) ;; *) exit 0 ;; esac
lto=no out_dir= extra=
prev=
for a in "$@"; do
  case "$prev" in
    -C) case "$a" in lto|lto=fat|lto=true|lto=yes) lto=yes ;; extra-filename=*) extra=${a#extra-filename=} ;; esac ;;
    --out-dir) out_dir=$a ;;
  esac
  case "$a" in -Clto|-Clto=fat) lto=yes ;; -Cextra-filename=*) extra=${a#-Cextra-filename=} ;; esac
  prev=$a
done
wasm="$out_dir/allo_widget$extra.wasm"
[ -f "$wasm" ] || wasm="$out_dir/allo-widget$extra.wasm"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
{
  echo "lto=$lto"
  echo "sha256=$(sha256sum "$wasm" | cut -d' ' -f1)"
  echo "wasm=$wasm"
} > "$root/target/widget-link.txt"
