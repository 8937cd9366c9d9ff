#!/usr/bin/env bash
# Rebuilds python-command.wasm.gz from app.py. CI does not run this: the
# built binary (CPython and all, compressed) is checked in beside its source.
#
# Needs `pip install componentize-py` (0.25.1 built this one) and
# `cargo install wasm-tools`.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The world names `wasi:cli/run`; the WASI packages come from
# hostbind-wasi's vendored WIT.
mkdir -p "$out/wit"
cp wit/app.wit "$out/wit/"
cp -r ../../../wasi/wit/deps "$out/wit/deps"
rm -f "$out/wit/deps/SOURCE.md"
componentize-py -d "$out/wit" -w app bindings "$out/bindings"
# No `--stub-wasi`: the guest really uses WASI.
PYTHONPATH="$out/bindings" componentize-py -d "$out/wit" -w app componentize \
  -p . -p "$out/bindings" app -o "$out/python-command.wasm"
wasm-tools validate --features component-model "$out/python-command.wasm"
wasm-tools component wit "$out/python-command.wasm" | grep -E '^\s*(import|export)'
gzip -9 -n -c "$out/python-command.wasm" >python-command.wasm.gz
ls -l "$out/python-command.wasm" python-command.wasm.gz
