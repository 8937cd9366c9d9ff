#!/bin/bash
# Counts the instructions rustc executes in a debug rebuild of each bindings
# crate alone, under callgrind (about 6 minutes). Unlike the times of
# measure.sh, the counts hardly change with the machine's load; with
# `nodebug`, the same without debug info; with `release`, a release rebuild
# (all of LLVM's threads counted together: the CPU work, not the wall time).
#
#   benches/build-cost/instructions.sh [nodebug|release]
set -euo pipefail
export CARGO_INCREMENTAL=0
cd "$(dirname "$0")"
python3 gen.py
PROFILE=dev
count() { # crate [features]
    cargo build -q --profile $PROFILE -p "bench-$1" ${2:+--features $2}
    touch "$1/src/lib.rs"
    # The rustc command cargo runs for the crate, run again under valgrind.
    local cmd
    cmd=$(cargo build -v --profile $PROFILE -p "bench-$1" ${2:+--features $2} 2>&1 | sed -n 's/^ *Running `\(.*\)`$/\1/p' | tail -1)
    if [ "${NODEBUG:-}" = 1 ]; then cmd=${cmd//debuginfo=2/debuginfo=0}; fi
    (
        export CARGO_MANIFEST_DIR="$PWD/$1"
        eval "valgrind --tool=callgrind --callgrind-out-file=/dev/null $cmd" 2>&1 |
            sed -n 's/.*refs: *//p' | tr -d ,
    )
}
case "${1:-}" in
nodebug) NODEBUG=1 ;;
release) PROFILE=release ;;
esac
wt=$(count wt)
hb=$(count hb)
hbw=$(count hb wasmtime)
ratio() { echo "scale=3; $1/$2" | bc; }
printf 'rustc instructions, %s rebuild%s: wasmtime bindgen! %s; hostbind bindgen! %s (%sx) on wasmi, %s (%sx) with both engines\n' \
    "${PROFILE/dev/debug}" "${NODEBUG:+ without debug info}" "$wt" "$hb" "$(ratio "$hb" "$wt")" "$hbw" "$(ratio "$hbw" "$wt")"
