# Sourced by the other scripts: puts the project's tools on PATH and, when setup fell back to
# Debian's Rust for wasm, sets the build-std environment (see docs/toolchain notes in README).
ALLO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$ALLO_ROOT/tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
ALLO_WASM_MODE=rustup
[ -f "$ALLO_ROOT/target/allo-toolchain.env" ] && . "$ALLO_ROOT/target/allo-toolchain.env"

# Runs a command with the wasm toolchain's environment.
wasm_env() {
  if [ "$ALLO_WASM_MODE" = debian ]; then
    PATH="$ALLO_ROOT/tools/node_modules/.bin:/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 \
      CARGO_UNSTABLE_BUILD_STD=std,panic_abort "$@"
  else
    "$@"
  fi
}

# Runs a release build of the widget: where the std source is available, std is rebuilt
# optimised for size and panics abort without formatting a message (no panic machinery in
# the bundle). Measured: -8.5 % gzip on the wasm (README, Size).
wasm_release_env() {
  if [ "${ALLO_BUILD_STD:-0}" = 1 ]; then
    wasm_env env RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
      CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
      RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" "$@"
  else
    wasm_env "$@"
  fi
}
