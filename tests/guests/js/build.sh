#!/usr/bin/env bash
# Rebuilds js-command.wasm.gz from app.js. CI does not run this: the built
# binary (SpiderMonkey and all, compressed) is checked in beside its source.
#
# Needs node and npm (Debian's node 20 works), `cargo install wasm-tools`.
# jco 1.15.0 with componentize-js 0.19.3 built this one: newer jco releases
# target node 24, and their bundled WIT tooling sees no files under node 20.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

(cd "$out" && npm init -y >/dev/null &&
  npm install --silent @bytecodealliance/jco@1.15.0 @bytecodealliance/componentize-js@0.19.3)

# jco reads only paths under the directory it runs in.
mkdir -p "$out/src/wit"
cp app.js "$out/src/"
cp wit/app.wit "$out/src/wit/"
cp -r ../../../wasi/wit/deps "$out/src/wit/deps"
rm -f "$out/src/wit/deps/SOURCE.md"
# WASI stays on (only the HTTP handler is left out): the guest really uses it.
(cd "$out/src" && "$out/node_modules/.bin/jco" componentize app.js --wit wit -n app \
  --disable http fetch-event -o js-command.wasm)
wasm-tools validate --features component-model "$out/src/js-command.wasm"
wasm-tools component wit "$out/src/js-command.wasm" | grep -E '^\s*(import|export)'
gzip -9 -n -c "$out/src/js-command.wasm" >"$here/js-command.wasm.gz"
ls -l "$out/src/js-command.wasm" "$here/js-command.wasm.gz"
