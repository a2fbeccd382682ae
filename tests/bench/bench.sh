#!/usr/bin/env bash
# Loopback benchmark of a release build (not a test; run it on a quiet machine, it takes every core).
#   tests/bench/bench.sh [mode] [seconds] [connections]        (defaults: foundation 10 64)
# Modes (each starts its own shop on a free port in a temp data dir, and stops by itself):
#   foundation  the demo shop: cached site reads, the token guard, sandbox logins, orderCreate on a
#               hot SKU and its preview; start time, idle RSS
#   catalog     GOODS=100000 CATEGORIES=200 goods from `xiaodian bench-data`: goodsv2 pages, goods
#               pages over random ids, Chinese search, 4,500 cold category pages; RSS idle and after
#   home        the template home page's five calls (banners, recommended goods, notices,
#               categories, config values), each alone and as a rotating mix, answer cache hit and
#               missed (a Host the cache does not admit)
#   mixed       orderCreate on a hot SKU while goodsDetailV2 over random ids runs beside it (two wrk
#               processes, GOODS as for catalog): orders/s and reads' req/s against their solo runs
#   kanjia      HELPERS shoppers help one hot bargain (kanjiaHelp), then the cuts are summed against
#               original − current price; pingtuanList and kanjiaSet reads
#   wxpay       WeChat Pay notifies (NOTIFY_COUNT=20000 pending recharges: first deliveries, then
#               replays) and userAmount
#   fx          WeChat Pay notifies for order payments of buyers under a 3-level distribution chain
#               against buyers without one (orders made first for ORDER_SECS, default 2 × seconds);
#               fxMembers pages of a distributor with MEMBERS=10000 downline members
#   callback    WeChat's message push: signed customer-service messages, each stored once
# Every figure is printed as req/s (or its unit), p99, and its ratio to /healthz and to banners of
# the same run, with the server's RSS; one line per figure is appended to $RESULTS
# (tests/bench/results.tsv) for tests/bench/table.py, which rewrites README's Figures table.
# BIN=target/debug/xiaodian measures another build (no cargo build then).
set -euo pipefail
cd "$(dirname "$0")/../.."
COMMAND="tests/bench/bench.sh $*"
for v in HELPERS MEMBERS ORDER_SECS NOTIFY_COUNT CATEGORIES GOODS BIN; do
  [ -n "${!v:-}" ] && COMMAND="$v=${!v} $COMMAND"
done
MODE=foundation
case "${1:-}" in
  foundation | catalog | home | mixed | kanjia | wxpay | fx | callback) MODE=$1; shift ;;
  [0-9]*) ;;
  "") ;;
  *) echo "unknown mode: $1" >&2; exit 2 ;;
esac
SECS=${1:-10}
CONNS=${2:-64}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
if [ -z "${BIN:-}" ]; then cargo build --release -q; BIN=target/release/xiaodian; fi
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
export XIAODIAN_ADMIN_PASSWORD=bench-password XIAODIAN_LOG_LEVEL=off
ulimit -n 8192 2>/dev/null || true
# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
trap cleanup EXIT
# shellcheck disable=SC1090
. "tests/bench/mode_$MODE.sh"
echo "recorded in $RESULTS (run $RUN_ID); README's table: python3 tests/bench/table.py"
