#!/usr/bin/env bash
# Login-flood benchmark (not a test). Usage: tests/bench/login_flood.sh [flood size] [seconds] [connections]
#   (defaults 600 10 64)
# Starts a release build of the demo shop on a free port in a temp data dir, trusting X-Real-IP so
# the driver can speak for many addresses, and registers the shopper bench_user with a password. Then:
#   1. wrk loads an ordinary read (banners) for the given seconds alone: the baseline req/s;
#   2. wrk loads it again while tests/bench/login_flood.py floods the logins: N concurrent wrong
#      console logins and N shopper logins from one address each, then for the same seconds waves
#      of N console and N shopper logins with random names from random addresses, then the right
#      passwords;
#   3. RSS is sampled every 50 ms from start to end and once more 2 s after the flood.
# Prints the answers of each wave, the read's req/s alone and under the flood, peak and final RSS.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-600}
SECS=${2:-10}
CONNS=${3:-64}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ -z "${BIN:-}" ]; then cargo build --release -q; BIN=target/release/xiaodian; fi
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
export XIAODIAN_ADMIN_PASSWORD=bench-password XIAODIAN_LOG_LEVEL=off XIAODIAN_IP_HEADER=X-Real-IP
ulimit -n 8192 2>/dev/null || true

"$BIN" --port "$PORT" --data "$DATA" --demo >/dev/null & PID=$!
trap 'kill $SAMPLER 2>/dev/null || true; kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
SAMPLER=
for _ in $(seq 1 400); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.02; done
rss() { awk '/VmRSS/{print int($2 / 1024)}' "/proc/$PID/status"; }
(while kill -0 "$PID" 2>/dev/null; do rss >>"$DATA/rss.txt" 2>/dev/null || true; sleep 0.05; done) & SAMPLER=$!
curl -s -X POST "$BASE/shop/user/username/register" -d 'username=bench_user&pwd=bench-secret' >/dev/null
echo "idle RSS: $(rss) MB; $(nproc) cores shared by server, wrk and the driver"

READ="$BASE/shop/banner/list?type=index"
rps() { awk '/Requests\/sec/{print $2}' <<<"$1"; }
p99() { awk '$1=="99%"{print $2}' <<<"$1"; }
ALONE=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$READ" 2>&1)
echo "banners alone:        $(rps "$ALONE") req/s, p99 $(p99 "$ALONE")"

wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$READ" >"$DATA/wrk.txt" 2>&1 & WRK=$!
python3 tests/bench/login_flood.py "$BASE" "$N" "$SECS"
wait $WRK
DURING=$(cat "$DATA/wrk.txt")
echo "banners under flood:  $(rps "$DURING") req/s, p99 $(p99 "$DURING") ($(awk -v a="$(rps "$DURING")" -v b="$(rps "$ALONE")" 'BEGIN{printf "%.0f%%", 100*a/b}') of alone)"
sleep 2
kill $SAMPLER 2>/dev/null || true
echo "RSS: peak $(sort -n "$DATA/rss.txt" | tail -1) MB over $(wc -l <"$DATA/rss.txt") samples, $(rss) MB 2 s after the flood"
echo "login_attempts rows: $(python3 -c 'import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM login_attempts").fetchone()[0])' "$DATA/xiaodian.db")"
