#!/usr/bin/env bash
# Outbox drain benchmark (not a test). Usage: tests/bench/outbox.sh [messages]   (default 5000)
# Starts xiaodian in sandbox mode on a free port in a temp data dir, writes N pending subscription
# messages straight into message_outbox (as N committed events would), and times the outbox job
# sending them all to the sandbox's subscribe/send over loopback HTTP. Prints messages per second,
# measured from the first to the last send WeChat accepted (date_sent) and from the process start
# (the messages are written while the shop is stopped, so start-up is included).
# BIN=target/debug/xiaodian tests/bench/outbox.sh measures a debug build instead of release.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-5000}
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
if [ -z "${BIN:-}" ]; then cargo build --release -q; BIN=target/release/xiaodian; fi
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
# The sandbox control that counts received messages wants a merchant API key.
export XIAODIAN_ADMIN_PASSWORD=bench-password XIAODIAN_LOG_LEVEL=off XIAODIAN_ADMIN_API_KEY=bench-sandbox-key
DB="$DATA/xiaodian.db"
sql() { sqlite3 -cmd ".timeout 10000" "$DB" "$@"; }

start() { "$BIN" --port "$PORT" --data "$DATA" >/dev/null 2>&1 & PID=$!; }
stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
trap 'stop; rm -rf "$DATA"' EXIT
# A first start creates the database; the messages are written while the shop is down, as if
# N events had committed just before a restart; they are due 2 s later, once the server listens.
start
for _ in $(seq 1 400); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.02; done
stop
NOW=$(date +%s)
sql "INSERT INTO users (id, nick, date_add) VALUES (1, 'bench', 0) ON CONFLICT DO NOTHING;
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
     INSERT INTO message_outbox (user_id, event, channel, touser, template_id, page, data, labels,
                                 next_try_at, date_add, date_update)
     SELECT 1, 'order_paid', 'subscribe', 'o' || substr(printf('%027d', i), 1, 27), 'TPL_BENCH',
            'pages/order-details/index',
            '{\"character_string1\":{\"value\":\"' || printf('%012d', i) || '\"},\"thing2\":{\"value\":\"西湖龙井明前特级\"},\"amount3\":{\"value\":\"¥19.90\"}}',
            '{}', $NOW + 2, $NOW, $NOW FROM n;"
START=$(date +%s.%N)
start
while :; do
  LEFT=$(sql "SELECT count(*) FROM message_outbox WHERE status = 0")
  [ "$LEFT" = 0 ] && break
  sleep 0.1
done
END=$(date +%s.%N)
read -r SENT FAILED FIRST LAST <<<"$(sql -separator ' ' "SELECT sum(status = 1), sum(status = 2), min(date_sent), max(date_sent) FROM message_outbox")"
RECEIVED=$(curl -sf -H "Authorization: Bearer $XIAODIAN_ADMIN_API_KEY" "$BASE/sandbox/wechat/control/messages?limit=0" | python3 -c 'import json,sys;print(json.load(sys.stdin)["total"])')
awk -v n="$N" -v s="$SENT" -v f="$FAILED" -v r="$RECEIVED" -v a="$START" -v b="$END" -v first="$FIRST" -v last="$LAST" 'BEGIN {
  printf "outbox: %d messages, %d sent, %d failed, %d received by the sandbox\n", n, s, f, r
  printf "drain rate: %.0f msg/s first-to-last send (%d s), %.0f msg/s end to end (%.1f s from process start)\n",
         s / (last - first + 1), last - first + 1, s / (b - a), b - a
}'
