#!/usr/bin/env bash
# Re-vendors the corpus's WIT, unchanged, from clones of its sources.
#
#   tests/corpus/vendor.sh DIR
#
# DIR holds a git clone (or bare repository) of each source, named as in
# the table below; each is read at the commit the table pins, with `git
# archive`, so the clones may be at any branch. Only `.wit` files are kept.
# Besides what this writes, the corpus has one file of its own per WASI
# release, `wit/wasi-*/corpus.wit`, an empty package that makes the release's
# packages the `deps/` of one WIT directory.
set -euo pipefail
src="${1:?usage: vendor.sh DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/wit"

# extract REPO COMMIT PATH DEST: the .wit files under PATH, into DEST.
extract() {
    local repo="$src/$1" commit="$2" path="$3" dest="$4" tmp
    tmp="$(mktemp -d)"
    git -C "$repo" archive "$commit" "$path" | tar -x -C "$tmp"
    mkdir -p "$dest"
    (cd "$tmp/$path" && find . -name '*.wit' -print0 | while IFS= read -r -d '' f; do
        mkdir -p "$dest/$(dirname "$f")"
        cp "$f" "$dest/$f"
    done)
    rm -rf "$tmp"
}

rm -rf "$out"
mkdir -p "$out"

# WASI 0.2.12 and 0.3.0: each proposal's `wit/` at the release's tag.
for release in "0.2.12 281ba75fafcd50961ef55f9e52747afcc9b71ede cli clocks filesystem http io random sockets" \
               "0.3.0 3ee2a590c766594ae44a54730fc74fc27da5c609 cli clocks filesystem http random sockets"; do
    set -- $release
    version="$1" commit="$2"
    shift 2
    for p in "$@"; do
        extract WASI "$commit" "proposals/$p/wit" "$out/wasi-$version/deps/$p"
    done
    printf '// The corpus'"'"'s own: an empty package whose deps are WASI %s.\npackage corpus:wasi-release@%s;\n' \
        "$version" "$version" > "$out/wasi-$version/corpus.wit"
done

# WASI proposals that publish WIT, each its repository's `wit/`.
extract wasi-keyvalue fb6e23d wit "$out/wasi-keyvalue"
extract wasi-config 986a6d0 wit "$out/wasi-config"
extract wasi-blobstore 824aa76 wit "$out/wasi-blobstore"
extract wasi-messaging f027346 wit "$out/wasi-messaging"
extract wasi-logging d31c41d wit "$out/wasi-logging"
extract wasi-nn 71320d9 wit "$out/wasi-nn"
extract wasi-observe 8c2d979 wit "$out/wasi-observe"

# wit-bindgen's runtime tests: one directory per test.
extract wit-bindgen 084407c6 tests/runtime "$out/wit-bindgen"

# Platforms: Spin's `wit/` and wasmCloud's runtime WIT.
extract spin 0f8b7ad4 wit "$out/spin"
extract wasmCloud 7cd553cc5 crates/wash-runtime/wit "$out/wasmcloud"
