#!/usr/bin/env bash
# Load and faults for `hostbind serve` (docs/http.md): rounds of 20,000
# requests over 64 connections to a handler (the C one of WASI 0.2, or the
# componentize-py one of WASI 0.3), while a second client
# keeps sending a request that traps, one that loops until `--timeout`
# stops it, and malformed HTTP. The first round warms up; fails unless
# every good request of every round got its 200 and the server's resident
# memory after the last round is within 10% of what it was after the
# second. Loopback only; about a minute with the C handler, some minutes
# with the Python one (each of its requests instantiates CPython).
#
# Needs `cargo install oha` and curl.
# Usage: wasi-http/load.sh [wasmi|wasmtime] [c|python-p3]
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-wasmi}
cargo build --release -q -p hostbind-cli --features wasmtime
bin=target/release/hostbind
log=$(mktemp)
guest=$(mktemp --suffix=.wasm)
case ${2:-c} in
  c) cp tests/guests/c-http/c-http.wasm "$guest" ;;
  python-p3) gunzip -c tests/guests/python-http-p3/guest.wasm.gz >"$guest" ;;
  *) echo "unknown guest ${2}: c or python-p3" >&2; exit 2 ;;
esac
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log" "$guest"' EXIT

"$bin" serve --addr 127.0.0.1:0 --engine "$engine" --timeout 1s "$guest" 2>"$log" &
pid=$!
# Compiling CPython for wasmtime takes a while.
for _ in $(seq 1200); do
  addr=$(sed -n 's|^Serving HTTP on http://\(.*\)/$|\1|p' "$log")
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "the server did not start:"; cat "$log"; exit 1; }
port=${addr##*:}

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }

faults() {
  while :; do
    curl -s -o /dev/null "http://$addr/trap" || true
    curl -s -o /dev/null --max-time 5 "http://$addr/loop" || true
    # Not HTTP; the server answers 400 or closes.
    { exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'NOT HTTP\r\n\r\n' >&3 &&
      timeout 5 cat <&3 >/dev/null; exec 3>&-; } 2>/dev/null || true
  done
}

round() {
  local out
  out=$(oha -n 20000 -c 64 --no-tui --output-format json "http://$addr/hello")
  python3 - "$out" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
codes = r.get("statusCodeDistribution", {})
errors = r.get("errorDistribution", {})
s = r["summary"]
print(f"  {s['requestsPerSec']:.0f} requests/s, codes {codes}, errors {errors or 'none'}")
assert codes == {"200": 20000}, codes
assert not errors, errors
PY
}

faults &
fpid=$!
trap 'kill "$fpid" "$pid" 2>/dev/null || true; rm -f "$log" "$guest"' EXIT

rounds=${ROUNDS:-4}
for i in $(seq "$rounds"); do
  echo "round $i of $rounds ($engine, ${2:-c})"
  round
  echo "  resident memory: $(rss) KiB"
  [ "$i" = 2 ] && first=$(rss)
done
second=$(rss)
kill "$fpid" 2>/dev/null || true
traps=$(grep -c '/trap: answered 500' "$log" || true)
loops=$(grep -c '/loop: answered 504' "$log" || true)
echo "faults answered meanwhile: $traps traps (500), $loops loops (504)"
[ "$traps" -gt 0 ] && [ "$loops" -gt 0 ] || { echo "the faults did not run"; exit 1; }
# Memory stops growing after warm-up.
if [ "$second" -gt $((first * 110 / 100)) ]; then
  echo "resident memory grew from $first KiB (round 2) to $second KiB (round $rounds)"
  exit 1
fi
echo ok
