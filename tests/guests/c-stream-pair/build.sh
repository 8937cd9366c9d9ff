#!/usr/bin/env bash
# Rebuilds producer.wasm, consumer.wasm and pair.wasm (the consumer with
# the producer plugged into its import by `wac plug`) from the C sources.
# CI does not run this: the built binaries are checked in beside their
# sources.
#
# Needs Debian's clang, lld, wasi-libc and libclang-rt-dev-wasm32, and
# `cargo install wit-bindgen-cli wasm-tools wac-cli` (wit-bindgen-cli 0.49 or
# newer, whose C generator emits async exports, imports, streams and futures).
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for world in producer consumer; do
  wit-bindgen c wit --world "$world" --out-dir "$out" >/dev/null
  # A reactor: no `_start`; no WASI function is called, so none is imported.
  clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror \
    -I "$out" -o "$out/$world.core.wasm" \
    "$world.c" "$out/$world.c" "$out/${world}_component_type.o"
  wasm-tools component new "$out/$world.core.wasm" -o "$world.wasm"
  wasm-tools validate --features all "$world.wasm"
done
wac plug consumer.wasm --plug producer.wasm -o pair.wasm
wasm-tools validate --features all pair.wasm
wasm-tools component wit pair.wasm
