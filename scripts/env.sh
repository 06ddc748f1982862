# Sourced by the other scripts: puts the project's tools on PATH and, when setup fell back to
# Debian's Rust for wasm, sets the build-std environment (see docs/toolchain notes in README).
ALLO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$ALLO_ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
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
