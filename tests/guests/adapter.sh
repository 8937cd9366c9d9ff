#!/usr/bin/env bash
# Prints the path of the preview-1 adapter `KIND` (command, reactor or proxy)
# of `wasi-preview1-component-adapter-provider` VERSION, which cargo
# downloads through a throwaway crate that depends on it.
#   tests/guests/adapter.sh 48.0.8 reactor
set -euo pipefail
version=$1 kind=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/src"
printf '[package]\nname = "fetch-adapter"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nwasi-preview1-component-adapter-provider = "=%s"\n' "$version" >"$dir/Cargo.toml"
touch "$dir/src/lib.rs"
(cd "$dir" && cargo metadata --quiet --format-version 1 >"$dir/meta.json")
python3 -c '
import json, os, sys
meta = json.load(open(sys.argv[1]))
pkg = next(p for p in meta["packages"] if p["name"] == "wasi-preview1-component-adapter-provider")
print(os.path.join(os.path.dirname(pkg["manifest_path"]), "artefacts", "wasi_snapshot_preview1." + sys.argv[2] + ".wasm"))
' "$dir/meta.json" "$kind"
