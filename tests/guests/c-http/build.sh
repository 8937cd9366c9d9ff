#!/usr/bin/env bash
# Rebuilds c-http.wasm from main.c. CI does not run this: the built binary
# is checked in beside its source.
#
# Needs Debian's clang, lld, wasi-libc and libclang-rt-dev-wasm32, and
# `cargo install wit-bindgen-cli wasm-tools`; the preview-1 adapter of
# wasmtime 48.0.8 (WASI 0.2.12) is fetched by `../adapter.sh`.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

mkdir -p "$out/wit"
cp guest.wit "$out/wit/"
cp -rL ../../../wasi-http/wit/deps "$out/wit/deps"
rm -f "$out/wit/deps/SOURCE.md"
wit-bindgen c "$out/wit" --world guest --out-dir "$out/gen" >/dev/null
clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror -I "$out/gen" \
  -o "$out/core.wasm" main.c "$out/gen/guest.c" "$out/gen/guest_component_type.o"
adapter=$(../adapter.sh 48.0.8 reactor)
wasm-tools component new "$out/core.wasm" --adapt "wasi_snapshot_preview1=$adapter" -o c-http.wasm
wasm-tools validate --features component-model c-http.wasm
wasm-tools component wit c-http.wasm | grep -E '^\s*(import|export)'
ls -l c-http.wasm
