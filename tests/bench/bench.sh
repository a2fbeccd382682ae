#!/usr/bin/env bash
# Loopback benchmark of a release build (not a test). Usage: tests/bench/bench.sh [seconds] [connections]
#   or: tests/bench/bench.sh catalog [seconds] [connections]   (GOODS=100000 CATEGORIES=200 by default)
# The catalog mode generates a large catalogue with `xiaodian bench-data` and loads the shop-window
# reads (goodsv2 pages, goodsDetailV2, Chinese nameLike search) against /healthz in the same run.
# Installs wrk from Debian if missing, starts xiaodian with the demo shop on a free port in a temp
# data dir, loads each endpoint in turn for the given time, and prints req/s and p99 per endpoint,
# idle RSS and the time from start to first answer on an existing database. Bounded in time; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=foundation
if [ "${1:-}" = catalog ]; then MODE=catalog; shift; fi
# wxpay mode: WeChat Pay notifies (signed XML, first deliveries then replays; NOTIFIES=20000
# pending payments by default) and userAmount, each against /healthz in the same run.
if [ "${1:-}" = wxpay ]; then MODE=wxpay; shift; fi
if [ "${1:-}" = callback ]; then MODE=callback; shift; fi
SECS=${1:-10}
CONNS=${2:-64}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
cargo build --release -q
BIN=target/release/xiaodian
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
export XIAODIAN_ADMIN_PASSWORD=bench-password XIAODIAN_LOG_LEVEL=off

wait_up() { for _ in $(seq 1 400); do curl -sf "$BASE/healthz" >/dev/null && return 0; sleep 0.01; done; return 1; }

if [ "$MODE" = catalog ]; then
  GOODS=${GOODS:-100000}
  CATEGORIES=${CATEGORIES:-200}
  export GOODS
  $BIN bench-data --data "$DATA" --goods "$GOODS" --categories "$CATEGORIES"
  $BIN --port "$PORT" --data "$DATA" >/dev/null & PID=$!
  trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
  wait_up
  HEALTHZ_RPS=
  run() { # name url [lua script]
    local out rps p99 ratio=""
    out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency ${3:+-s "$3"} "$2" 2>&1)
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    p99=$(awk '$1=="99%"{print $2}' <<<"$out")
    if [ -n "$HEALTHZ_RPS" ]; then ratio=$(awk -v a="$rps" -v b="$HEALTHZ_RPS" 'BEGIN{printf "%3.0f%% of /healthz", 100*a/b}'); fi
    [ "$1" = healthz ] && HEALTHZ_RPS=$rps
    printf '%-34s %10s req/s   p99 %-8s %s\n' "$1" "$rps" "$p99" "$ratio"
  }
  echo "catalogue: $GOODS goods in $CATEGORIES categories"
  echo "wrk -t2 -c$CONNS -d${SECS}s, loopback, $(nproc) cores shared with the client"
  run healthz "$BASE/healthz"
  wrk_post() { # lua that POSTs a fixed form body
    printf 'wrk.method="POST"\nwrk.headers["Content-Type"]="application/x-www-form-urlencoded"\nwrk.body="%s"\n' "$1" >"$DATA/post.lua"
    echo "$DATA/post.lua"
  }
  run "goodsv2 category 1, page 1" "$BASE/shop/shop/goods/list/v2" "$(wrk_post 'categoryId=1&page=1&pageSize=20')"
  run "goodsv2 category 1, page 200" "$BASE/shop/shop/goods/list/v2" "$(wrk_post 'categoryId=1&page=200&pageSize=20')"
  run "goodsv2 priceUp, page 50" "$BASE/shop/shop/goods/list/v2" "$(wrk_post 'orderBy=priceUp&page=50&pageSize=20')"
  run "goodsDetailV2 (random of $GOODS)" "$BASE" tests/bench/goods_detail.lua
  run "goodsv2 nameLike (12 searches)" "$BASE" tests/bench/search.lua
  run "goodsv2 4,500 cold category pages" "$BASE" tests/bench/category_pages.lua
  run "healthz (again)" "$BASE/healthz"
  echo "RSS after load: $(( $(awk '/VmRSS/{print $2}' /proc/$PID/status) / 1024 )) MB"
  exit 0
fi

if [ "$MODE" = wxpay ]; then
  $BIN --port "$PORT" --data "$DATA" >/dev/null & PID=$!
  trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
  wait_up
  LOGIN=$(curl -s -X POST "$BASE/shop/user/wxapp/authorize" -d code=bench-payer)
  TOKEN=$(python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["token"])' <<<"$LOGIN")
  UID_=$(python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["uid"])' <<<"$LOGIN")
  NOTIFIES="$DATA/notifies.txt"
  python3 tests/bench/notify_prepare.py "$DATA/xiaodian.db" "$UID_" "${NOTIFY_COUNT:-20000}" >"$NOTIFIES"
  export NOTIFIES
  runw() { # name url [lua]
    local out
    out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency ${3:+-s "$3"} "$2" 2>&1)
    printf '%-34s %10s req/s   p99 %s\n' "$1" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" "$(awk '$1=="99%"{print $2}' <<<"$out")"
  }
  echo "wrk -t2 -c$CONNS -d${SECS}s, loopback, $(nproc) cores shared with the client"
  runw healthz "$BASE/healthz"
  runw "userAmount (token)" "$BASE/shop/user/amount?token=$TOKEN"
  runw "notify /notify/wxpay" "$BASE" tests/bench/notify.lua
  echo "payments applied: $(sqlite3 "$DATA/xiaodian.db" "SELECT count(*) FROM payments WHERE status = 1") of ${NOTIFY_COUNT:-20000}"
  echo "ledger rows of the payer: $(sqlite3 "$DATA/xiaodian.db" "SELECT count(*) FROM ledger WHERE user_id = $UID_")"
  runw "healthz (again)" "$BASE/healthz"
  exit 0
fi

# WeChat's message push — signed customer-service messages, each stored once.
#   tests/bench/bench.sh callback [seconds] [connections]
if [ "$MODE" = callback ]; then
  $BIN --port "$PORT" --data "$DATA" >/dev/null & PID=$!
  wait_up; kill -TERM $PID; wait $PID || true
  sqlite3 "$DATA/xiaodian.db" "INSERT INTO settings (key, value) VALUES ('kefuToken', 'benchtoken')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value"
  $BIN --port "$PORT" --data "$DATA" >/dev/null & PID=$!
  trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
  wait_up
  SIG=$(python3 -c 'import hashlib;print(hashlib.sha1("".join(sorted(["benchtoken","1700000000","bench"])).encode()).hexdigest())')
  export CALLBACK_QUERY="signature=$SIG&timestamp=1700000000&nonce=bench"
  echo "wrk -t2 -c$CONNS -d${SECS}s, loopback, $(nproc) cores shared with the client"
  out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s tests/bench/callback.lua "$BASE" 2>&1)
  printf '%-30s %10s req/s   p99 %-8s %s\n' "callback (signed JSON text)" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" \
    "$(awk '$1=="99%"{print $2}' <<<"$out")" "$(grep '^answers' <<<"$out")"
  echo "messages stored: $(sqlite3 "$DATA/xiaodian.db" "SELECT count(*) FROM kefu_messages"), conversations: $(sqlite3 "$DATA/xiaodian.db" "SELECT count(*) FROM kefu_threads")"
  echo "RSS after load: $(( $(awk '/VmRSS/{print $2}' /proc/$PID/status) / 1024 )) MB"
  exit 0
fi

# First start creates and fills the database.
$BIN --port "$PORT" --data "$DATA" --demo >/dev/null & PID=$!
wait_up; kill -TERM $PID; wait $PID || true
# A hot SKU with plenty of stock for the orderCreate runs.
HOT=$(sqlite3 "$DATA/xiaodian.db" "SELECT goods_id || '|' || property_child_ids FROM goods_skus
  WHERE goods_id NOT IN (SELECT goods_id FROM goods_limits) ORDER BY id LIMIT 1")
sqlite3 "$DATA/xiaodian.db" "UPDATE goods_skus SET stores = 100000000 WHERE goods_id = ${HOT%%|*} AND property_child_ids = '${HOT#*|}'"

# Start to first answer on the existing database.
T0=$(date +%s%N)
$BIN --port "$PORT" --data "$DATA" >/dev/null & PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
wait_up
T1=$(date +%s%N)
echo "start to first answer: $(( (T1 - T0) / 1000000 )) ms"
sleep 1
echo "idle RSS: $(( $(awk '/VmRSS/{print $2}' /proc/$PID/status) / 1024 )) MB"

run() { # name url
  local out rps p99
  out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$2" 2>&1)
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  printf '%-22s %10s req/s   p99 %s\n' "$1" "$rps" "$p99"
}
echo "wrk -t2 -c$CONNS -d${SECS}s, loopback, $(nproc) cores shared with the client"
run healthz "$BASE/healthz"
run banners "$BASE/shop/banner/list?type=index"
run queryConfigBatch "$BASE/shop/config/values?keys=mallName,wxpay_api_url,order_pay_user_balance,needIdCheck,needBindMobile,zt_open_hx"
run province "$BASE/common/region/v2/province"
# The cost of the token guard, and sandbox logins per second.
TOKEN=$(curl -s -X POST "$BASE/shop/user/wxapp/authorize" -d code=bench-token | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["token"])')
curl -s -X POST "$BASE/shop/user/modify" -d "token=$TOKEN&nick=bench" >/dev/null
run "notice detail (public)" "$BASE/shop/notice/detail?id=1"
run "userDetail (token)" "$BASE/shop/user/detail?token=$TOKEN"
run "check-token (token)" "$BASE/shop/user/check-token?token=$TOKEN"
run "vipLevel (public)" "$BASE/shop/config/vipLevel"
out=$(wrk -t2 -c32 -d"${SECS}s" --latency -s tests/bench/authorize.lua "$BASE/shop/user/wxapp/authorize" 2>&1)
printf '%-22s %10s req/s   p99 %s\n' "authorize (sandbox)" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" "$(awk '$1=="99%"{print $2}' <<<"$out")"
# orderCreate for one line of the hot SKU (stock contention on one row) as 200 shoppers,
# and the same as a preview (calculate=true).
TOKENS="$DATA/tokens.txt"
for i in $(seq 1 200); do
  curl -s -X POST "$BASE/shop/user/wxapp/authorize" -d "code=bench-buyer-$i" \
    | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["token"])'
done >"$TOKENS"
GOODS_JSON=$(python3 -c 'import json,sys,urllib.parse;g,k=sys.argv[1].split("|");print(urllib.parse.quote(json.dumps([{"goodsId":int(g),"number":1,"propertyChildIds":k}])))' "$HOT")
export TOKENS GOODS_JSON
out=$(CALCULATE=true wrk -t2 -c32 -d"${SECS}s" --latency -s tests/bench/order.lua "$BASE/shop/order/create" 2>&1)
printf '%-22s %10s req/s   p99 %-8s %s\n' "orderCreate preview" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" "$(awk '$1=="99%"{print $2}' <<<"$out")" "$(grep '^answers' <<<"$out")"
out=$(CALCULATE=false wrk -t2 -c32 -d"${SECS}s" --latency -s tests/bench/order.lua "$BASE/shop/order/create" 2>&1)
printf '%-22s %10s req/s   p99 %-8s %s\n' "orderCreate" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" "$(awk '$1=="99%"{print $2}' <<<"$out")" "$(grep '^answers' <<<"$out")"
ORDERS=$(sqlite3 "$DATA/xiaodian.db" "SELECT count(*) FROM orders")
echo "orders in the database after the run: $ORDERS"
echo "RSS after load: $(( $(awk '/VmRSS/{print $2}' /proc/$PID/status) / 1024 )) MB"
