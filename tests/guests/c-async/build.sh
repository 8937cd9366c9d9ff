#!/usr/bin/env bash
# Rebuilds guest.wasm from guest.c. CI does not run this: the built binary
# is checked in beside its sources.
#
# Needs Debian's clang, lld, wasi-libc and libclang-rt-dev-wasm32, and
# `cargo install wit-bindgen-cli wasm-tools` (wit-bindgen-cli 0.49 or newer,
# whose C generator emits async exports and imports).
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

wit-bindgen c wit --world guest --out-dir "$out" >/dev/null
# A reactor: no `_start`; wasi-libc's own WASI imports are satisfied by the
# host's WASI, none are used by the code above but `malloc`'s.
clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror \
  -I "$out" -o "$out/guest.core.wasm" \
  guest.c "$out/guest.c" "$out/guest_component_type.o"
wasm-tools component new "$out/guest.core.wasm" -o guest.wasm
wasm-tools validate --features all guest.wasm
wasm-tools component wit guest.wasm
