#!/usr/bin/env bash
# Rebuilds guest.wasm.gz from app.py: a `wasi:http/service` handler of WASI 0.3 in Python. CI does
# not run this: the built binary (CPython and all, compressed) is checked
# in beside its source.
#
# Needs `pip install componentize-py==0.25.0` and `cargo install wasm-tools`.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

componentize-py -d wit -w guest bindings "$out/bindings"
PYTHONPATH="$out/bindings" componentize-py -d wit -w guest componentize \
  -p . -p "$out/bindings" app -o "$out/guest.wasm"
wasm-tools validate --features all "$out/guest.wasm"
wasm-tools component wit "$out/guest.wasm" | grep -E '^\s*(import|export)'
gzip -9 -n -c "$out/guest.wasm" >guest.wasm.gz
ls -l "$out/guest.wasm" guest.wasm.gz
