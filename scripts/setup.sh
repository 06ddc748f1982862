#!/usr/bin/env bash
# Installs everything Allo needs on a fresh Debian machine, and nothing twice: every step
# checks first, so a second run takes seconds. Used by demo.sh and test.sh; safe to run alone.
#
#  - the wasm32 standard library: `rustup target add` first (with a timeout, since it hangs on
#    machines without access to rustup's servers), else Debian's rustc-web + rust-web-src with
#    the std built from source (-Zbuild-std); the choice is written to target/allo-toolchain.env
#  - wasm-bindgen-cli at exactly the version Cargo.toml pins, and Trunk
#  - wasm-opt from npm's binaryen, Chromium + ChromeDriver, sqlite3, the npm test packages
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "setup: cannot read the pinned wasm-bindgen version from Cargo.toml" >&2; exit 1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
step() { printf '\n== setup: %s\n' "$*"; }

apt_updated=""
apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "apt-get install ${missing[*]}"
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

command -v cargo >/dev/null || { echo "setup: Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
command -v npm >/dev/null || apt_install nodejs npm

# Browsers for the browser and end-to-end tests, sqlite3 to read the demo database, openssl
# for the collector's STARTTLS test (it makes a throwaway CA).
apt_install chromium chromium-driver sqlite3 openssl
# systemd-analyze, for the collector's unit files test (collector/tests/service.rs); only the
# tool is used, no systemd runs.
command -v systemd-analyze >/dev/null || apt_install systemd

# 1. The wasm32 target.
mkdir -p target
ENV_FILE=target/allo-toolchain.env
mode=""
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  mode=rustup
elif [ -f "$ENV_FILE" ] && grep -qx 'ALLO_WASM_MODE=debian' "$ENV_FILE" && [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] && [ -e /usr/bin/rust-lld ]; then
  mode=debian   # already fell back on this checkout; don't wait for rustup again
else
  step "rustup target add wasm32-unknown-unknown (up to 45 s)"
  if command -v rustup >/dev/null && timeout 45 rustup target add wasm32-unknown-unknown; then
    mode=rustup
  else
    step "rustup could not fetch the wasm32 target: using Debian's rustc-web with the std built from source"
    apt_install rustc-web cargo-web rust-web-src rust-web-clippy lld-22
    if [ ! -e /usr/bin/rust-lld ]; then
      $SUDO ln -sf "$(ls /usr/lib/llvm-*/bin/lld | sort -V | tail -n1)" /usr/bin/rust-lld
    fi
    mode=debian
  fi
fi
# The quality gates (scripts/test.sh) need rustfmt and clippy for the host toolchain; Debian's
# fallback toolchain brings its own clippy (rust-web-clippy) for the wasm lint.
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    step "rustup component add $component (up to 45 s)"
    timeout 45 rustup component add "$component"
  fi
done
if [ "$mode" = debian ] && [ ! -x /usr/bin/cargo-clippy ]; then apt_install rust-web-clippy; fi

# The standard library's source lets release builds rebuild std for size (see env.sh); Debian's
# rust-web-src has it, rustup needs the rust-src component.
build_std=1
if [ "$mode" = rustup ] && ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  step "rustup component add rust-src (up to 45 s)"
  timeout 45 rustup component add rust-src || build_std=0
fi
printf 'ALLO_WASM_MODE=%s\nALLO_BUILD_STD=%s\n' "$mode" "$build_std" > "$ENV_FILE"

# The std rebuild (-Zbuild-std) compiles the standard library's own workspace, whose crates
# (moto-rt, dlmalloc, ...) come from crates.io like ours. The release build runs Trunk with
# --offline (so that it never downloads a tool), and that would fail on a machine whose cargo
# registry never saw them: fetch them here, from std's own lock file. A no-op once cached.
if [ "$build_std" = 1 ]; then
  if [ "$mode" = debian ]; then std_cargo=/usr/bin/cargo; std_rustc=/usr/bin/rustc; else std_cargo=cargo; std_rustc=rustc; fi
  std_lib="$("$std_rustc" --print sysroot)/lib/rustlib/src/rust/library"
  step "cargo fetch for the standard library's rebuild ($std_lib)"
  RUSTC="$std_rustc" RUSTC_BOOTSTRAP=1 "$std_cargo" fetch --quiet --manifest-path "$std_lib/Cargo.toml"
fi

# 2. Cargo-installed tools. They are build tools, not the product: a quick, unoptimised-ish
#    build of them halves the install time on a fresh machine.
fast_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0 \
    cargo install --quiet "$@"
}
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 min)"
  # Not --locked: one locked dependency of this version is missing from the registry.
  fast_install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  step "cargo install trunk $TRUNK_VERSION (about 6 min)"
  # --locked: without it a newer cssparser is picked and the build fails.
  fast_install --force --locked trunk --version "$TRUNK_VERSION"
fi

# 3. npm packages: wasm-opt for the build, Playwright (core only: never a browser download)
#    and axe-core for the end-to-end tests.
for dir in tools e2e; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    step "npm ci in $dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

step "ready (wasm toolchain: $mode)"
