#!/bin/bash
# Times a debug rebuild of each bindings crate alone (its dependencies built
# first), three times each, and counts the lines of each crate's macro
# expansion (rustc's own pretty-printer, the same for both).
#
#   benches/build-cost/measure.sh
set -euo pipefail
# Whole rebuilds: incremental reuse would time the query cache, not the crate.
export CARGO_INCREMENTAL=0
cd "$(dirname "$0")"
python3 gen.py
for profile in dev release; do
    cargo build -q --profile $profile -p bench-hb -p bench-wt
    cargo build -q --profile $profile -p bench-hb --features wasmtime
done
median() { sort -n | sed -n 2p; }
rebuild() { # profile crate [features]
    for _ in 1 2 3; do
        touch "$2/src/lib.rs"
        /usr/bin/time -f %e cargo build -q --profile "$1" -p "bench-$2" ${3:+--features $3} 2>&1 >/dev/null | tail -1
    done | median
}
ratio() { echo "scale=2; $1/$2" | bc; }
for profile in dev release; do
    wt=$(rebuild $profile wt)
    hb=$(rebuild $profile hb)
    hbw=$(rebuild $profile hb wasmtime)
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
