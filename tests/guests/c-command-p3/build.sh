#!/usr/bin/env bash
# Rebuilds guest.wasm from guest.c: a WASI 0.3 command. CI does not run
# this: the built binary is checked in beside its source.
#
# Needs Debian's clang, lld, wasi-libc and libclang-rt-dev-wasm32, and
# `cargo install wit-bindgen-cli wasm-tools` (wit-bindgen-cli 0.63, whose
# C generator emits 0.3's async imports, streams and futures).
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# `run` is lifted synchronously (it waits on waitable sets); the async
# imports stay async-lowered.
wit-bindgen c wit --world guest --sync 'export:wasi:cli/run@0.3.0#run' \
  --out-dir "$out" >/dev/null
# A reactor: no `_start` and no WASI 0.1 import; only `malloc` and the
# string functions of libc are used.
clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror \
  -I "$out" -o "$out/guest.core.wasm" \
  guest.c "$out/guest.c" "$out/guest_component_type.o"
wasm-tools component new "$out/guest.core.wasm" -o guest.wasm
wasm-tools validate --features all guest.wasm
wasm-tools component wit guest.wasm | grep -E '^\s*(import|export)'
ls -l guest.wasm
