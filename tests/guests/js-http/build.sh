#!/usr/bin/env bash
# Rebuilds js-http.wasm.gz from app.js: a `wasi:http/proxy` handler in
# JavaScript. CI does not run this: the built binary (SpiderMonkey and
# all, compressed) is checked in beside its source.
#
# Needs node and npm (Debian's node 20 works), `cargo install wasm-tools`.
# jco 1.15.0 with componentize-js 0.19.3 built this one, as for `../js`.
#
# jco 1.15.0 componentizes with its own componentize-js (0.18.5), whose
# StarlingMonkey exports `wasi:http/incoming-handler@0.2.3` and imports
# WASI 0.2.3: the world it is given must say 0.2.3. The copy of the
# vendored 0.2.12 WIT made below is relabelled 0.2.3 for that (the
# functions the guest uses are the same in both); the host serves every
# 0.2.x.
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
cp -rL ../../../wasi-http/wit/deps "$out/src/wit/deps"
rm -f "$out/src/wit/deps/SOURCE.md" "$out/src/wit/deps"/*/SOURCE.md
find "$out/src/wit" -name '*.wit' -exec sed -i 's/0\.2\.12/0.2.3/g' {} +
(cd "$out/src" && "$out/node_modules/.bin/jco" componentize app.js --wit wit -n app \
  -o js-http.wasm)
wasm-tools validate --features component-model "$out/src/js-http.wasm"
wasm-tools component wit "$out/src/js-http.wasm" | grep -E '^\s*(import|export)'
gzip -9 -n -c "$out/src/js-http.wasm" >"$here/js-http.wasm.gz"
ls -l "$out/src/js-http.wasm" "$here/js-http.wasm.gz"
