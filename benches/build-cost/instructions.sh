#!/bin/bash
# Counts the instructions rustc executes in a debug rebuild of each bindings
# crate alone, under callgrind (about 3 minutes). Unlike the times of
# measure.sh, the counts hardly change with the machine's load; with
# `nodebug`, the same without debug info.
#
#   benches/build-cost/instructions.sh [nodebug]
set -euo pipefail
export CARGO_INCREMENTAL=0
cd "$(dirname "$0")"
python3 gen.py
count() { # crate [features]
    cargo build -q -p "bench-$1" ${2:+--features $2}
    touch "$1/src/lib.rs"
    # The rustc command cargo runs for the crate, run again under valgrind.
    local cmd
    cmd=$(cargo build -v -p "bench-$1" ${2:+--features $2} 2>&1 | sed -n 's/^ *Running `\(.*\)`$/\1/p' | tail -1)
    if [ "${NODEBUG:-}" = 1 ]; then cmd=${cmd//debuginfo=2/debuginfo=0}; fi
    (
        export CARGO_MANIFEST_DIR="$PWD/$1"
        eval "valgrind --tool=callgrind --callgrind-out-file=/dev/null $cmd" 2>&1 |
            sed -n 's/.*refs: *//p' | tr -d ,
    )
}
if [ "${1:-}" = nodebug ]; then NODEBUG=1; fi
wt=$(count wt)
hb=$(count hb)
hbw=$(count hb wasmtime)
ratio() { echo "scale=3; $1/$2" | bc; }
printf 'rustc instructions, debug rebuild%s: wasmtime bindgen! %s; hostbind bindgen! %s (%sx) on wasmi, %s (%sx) with both engines\n' \
    "${NODEBUG:+ without debug info}" "$wt" "$hb" "$(ratio "$hb" "$wt")" "$hbw" "$(ratio "$hbw" "$wt")"
