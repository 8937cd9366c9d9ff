#!/usr/bin/env bash
# Rebuilds c-command.wasm and c-command-0.2.0.wasm from main.c. CI does not
# run this: the built binaries are checked in beside their sources.
#
# Needs Debian's clang, lld, wasi-libc and libclang-rt-dev-wasm32, and
# `cargo install wit-bindgen-cli wasm-tools`. The preview-1 adapter comes
# from the `wasi-preview1-component-adapter-provider` crate, fetched by
# cargo: 48.0.8 (the wasmtime release hostbind builds against) imports WASI
# 0.2.12, and 24.0.0 imports WASI 0.2.0, for a guest built against the
# oldest 0.2 release.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One build per WASI version: the guest's world names that version's
# interfaces, and the adapter of that generation imports the rest.
build() {
  local version=$1 deps=$2 provider=$3 name=$4
  local wit="$out/wit-$version"
  mkdir -p "$wit"
  sed "s/VERSION/$version/" guest.wit.in >"$wit/guest.wit"
  cp -r "$deps" "$wit/deps"
  rm -f "$wit/deps/SOURCE.md"
  wit-bindgen c "$wit" --world guest --out-dir "$out/gen-$version" >/dev/null
  clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Werror -I "$out/gen-$version" \
    -o "$out/core-$version.wasm" \
    main.c "$out/gen-$version/guest.c" "$out/gen-$version/guest_component_type.o"
  local adapter
  adapter=$(../adapter.sh "$provider" reactor)
  wasm-tools component new "$out/core-$version.wasm" --adapt "wasi_snapshot_preview1=$adapter" -o "$name"
  wasm-tools validate --features component-model "$name"
  echo "$name:"
  wasm-tools component wit "$name" | grep -E '^\s*(import|export)'
}

build 0.2.12 ../../../wasi/wit/deps 48.0.8 c-command.wasm
build 0.2.0 wit-0.2.0/deps 24.0.0 c-command-0.2.0.wasm
