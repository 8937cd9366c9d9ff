#!/usr/bin/env bash
# Rebuilds plugin.wasm from plugin.c: clang and wasi-libc (Debian's),
# wit-bindgen's C bindings, and the preview-1 reactor adapter of the
# `wasi-preview1-component-adapter-provider` crate (48.0.8). The example
# uses the checked-in binary; nothing rebuilds it on its own.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
adapter=$(../../../../tests/guests/adapter.sh 48.0.8 reactor)
wit-bindgen c wit --world plugin --out-dir "$out/gen" >/dev/null
clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror -I "$out/gen" -o "$out/core.wasm" \
  plugin.c "$out/gen/plugin.c" "$out/gen/plugin_component_type.o"
wasm-tools component new "$out/core.wasm" --adapt "wasi_snapshot_preview1=$adapter" -o plugin.wasm
wasm-tools validate --features component-model plugin.wasm
wasm-tools component wit plugin.wasm | grep -E '^\s*(import|export)'
