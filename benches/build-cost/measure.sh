#!/bin/bash
# Times a debug rebuild of each bindings crate alone (its dependencies built
# first), five times each, in turn, and counts the lines of each crate's macro
# expansion (rustc's own pretty-printer, the same for both).
#
#   benches/build-cost/measure.sh
set -euo pipefail
# Whole rebuilds: incremental reuse would time the query cache, not the crate.
export CARGO_INCREMENTAL=0
cd "$(dirname "$0")"
python3 gen.py
# Each crate is built first exactly as it is timed: built together, the
# crates would unify their dependencies' features differently and the first
# timed rebuild would recompile those.
VARIANTS=("wt" "hb" "hb wasmtime")
build() { # profile crate [features]
    cargo build -q --profile "$1" -p "bench-$2" ${3:+--features $3}
}
for profile in dev release; do
    for v in "${VARIANTS[@]}"; do
        # shellcheck disable=SC2086
        build $profile $v
    done
done
# Five rounds, each rebuilding every variant in turn, so that load from
# elsewhere on a shared machine falls on all of them alike; the median of each.
median() { sort -n | sed -n 3p; }
ratio() { echo "scale=2; $1/$2" | bc; }
for profile in dev release; do
    times=$(mktemp)
    for _ in 1 2 3 4 5; do
        for i in "${!VARIANTS[@]}"; do
            # shellcheck disable=SC2086
            set -- ${VARIANTS[$i]}
            touch "$1/src/lib.rs"
            t=$( { /usr/bin/time -f %e cargo build -q --profile "$profile" -p "bench-$1" ${2:+--features $2} >/dev/null; } 2>&1 | tail -1)
            echo "$i $t" >>"$times"
        done
    done
    wt=$(awk '$1 == 0 {print $2}' "$times" | median)
    hb=$(awk '$1 == 1 {print $2}' "$times" | median)
    hbw=$(awk '$1 == 2 {print $2}' "$times" | median)
    rm -f "$times"
    printf '%-8s rebuild s: wasmtime bindgen! %s; hostbind bindgen! %s (%sx) on wasmi, %s (%sx) with both engines\n' \
        "$profile" "$wt" "$hb" "$(ratio "$hb" "$wt")" "$hbw" "$(ratio "$hbw" "$wt")"
done
lines() { # crate
    touch "$1/src/lib.rs"
    RUSTC_BOOTSTRAP=1 cargo rustc -q -p "bench-$1" -- -Zunpretty=expanded 2>/dev/null | wc -l
}
hbl=$(lines hb)
wtl=$(lines wt)
printf 'expanded lines: wasmtime bindgen! %s; hostbind bindgen! %s (%sx)\n' "$wtl" "$hbl" "$(ratio "$hbl" "$wtl")"
# The LLVM IR each crate hands to codegen (debug), when cargo-llvm-lines is
# installed: unlike the times, the same on every run.
if command -v cargo-llvm-lines >/dev/null; then
    ir() { touch "$1/src/lib.rs"; cargo llvm-lines -p "bench-$1" 2>/dev/null | awk 'NR == 3 {print $1}'; }
    hbi=$(ir hb)
    wti=$(ir wt)
    printf 'LLVM IR lines: wasmtime bindgen! %s; hostbind bindgen! %s (%sx)\n' "$wti" "$hbi" "$(ratio "$hbi" "$wti")"
fi
