#!/usr/bin/env bash
# Rebuilds composed.wasm from library.c and app.c. CI does not run this: the
# built binary is checked in beside its sources.
#
# Needs Debian's clang, lld, wasi-libc and libclang-rt-dev-wasm32, and
# `cargo install wit-bindgen-cli wasm-tools wac-cli`.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Each C file becomes a reactor core module (no `_start`, no WASI imports),
# then a component of its own with the string encoding its bindings chose.
build() {
  local world=$1 src=$2 encoding=$3
  wit-bindgen c wit --world "$world" --string-encoding "$encoding" --out-dir "$out/$world" >/dev/null
  clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror \
    -I "$out/$world" -o "$out/$world.core.wasm" \
    "$src" "$out/$world/$world.c" "$out/$world/${world}_component_type.o"
  wasm-tools component new "$out/$world.core.wasm" -o "$out/$world.wasm"
  wasm-tools validate --features component-model "$out/$world.wasm"
}

build library library.c utf16
build app app.c utf8

# The app's import of `hostbind:compose/text` is satisfied by the library's
# export: the result imports only `hostbind:compose/host` and exports the app's
# functions, and every call between the two crosses a fused adapter.
wac plug "$out/app.wasm" --plug "$out/library.wasm" -o composed.wasm
wasm-tools validate --features component-model composed.wasm
wasm-tools component wit composed.wasm
