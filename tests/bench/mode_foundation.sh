# bench.sh foundation (sourced): the demo shop's cached site reads, the token guard, sandbox
# logins, and orderCreate for one line of a hot SKU (stock contention on one row) and its preview.
start --demo
stop
# A hot SKU with plenty of stock for the orderCreate runs.
HOT=$(sql "SELECT goods_id || '|' || property_child_ids FROM goods_skus
  WHERE goods_id NOT IN (SELECT goods_id FROM goods_limits) ORDER BY id LIMIT 1")
sql "UPDATE goods_skus SET stores = 100000000 WHERE goods_id = ${HOT%%|*} AND property_child_ids = '${HOT#*|}'"
shoppers 200 buyers

# Start to first answer on the existing database.
T0=$(date +%s%N)
start
T1=$(date +%s%N)
sleep 1
note "start to first answer" $(((T1 - T0) / 1000000)) ms
note "RSS idle" "$(rss_mb)" MB
baseline
measure queryConfigBatch "$BASE/shop/config/values?keys=mallName,wxpay_api_url,order_pay_user_balance,needIdCheck,needBindMobile,zt_open_hx"
measure province "$BASE/common/region/v2/province"
# The cost of the token guard: checkToken against vipLevel (the same empty answer without it).
TOKEN=$(head -1 "$DATA/buyers.tokens")
measure "noticeDetail (public, one query)" "$BASE/shop/notice/detail?id=1"
measure "userDetail (token)" "$BASE/shop/user/detail?token=$TOKEN"
measure "checkToken (token guard only)" "$BASE/shop/user/check-token?token=$TOKEN"
measure "vipLevel (public, no query)" "$BASE/shop/config/vipLevel"
measure "authorize (sandbox code2Session), c32" "$BASE/shop/user/wxapp/authorize" tests/bench/authorize.lua 32
# orderCreate as 200 shoppers, one line of the hot SKU; first as a preview (calculate=true).
GOODS_JSON=$(python3 -c 'import json,sys,urllib.parse;g,k=sys.argv[1].split("|");print(urllib.parse.quote(json.dumps([{"goodsId":int(g),"number":1,"propertyChildIds":k}])))' "$HOT")
export TOKENS="$DATA/buyers.tokens" GOODS_JSON
export CALCULATE=true
measure "orderCreate preview, c32" "$BASE/shop/order/create" tests/bench/order.lua 32
export CALCULATE=false
db_bytes() { sql "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size"; }
BYTES0=$(db_bytes)
ORDERS0=$(sql "SELECT count(*) FROM orders")
measure "orderCreate (hot SKU), c32" "$BASE/shop/order/create" tests/bench/order.lua 32
ORDERS1=$(sql "SELECT count(*) FROM orders")
note "orders in the database" "$ORDERS1" orders
# What the orders above (one line each, with their ledger and stock rows) take in the database.
BYTES1=$(db_bytes)
note "database growth per 10,000 orders" $(((BYTES1 - BYTES0) * 10000 / (ORDERS1 - ORDERS0 > 0 ? ORDERS1 - ORDERS0 : 1) / 1048576)) MB \
  "$((ORDERS1 - ORDERS0)) orders added $(((BYTES1 - BYTES0) / 1048576)) MB"
# A consistent copy while the shop runs.
T0=$(date +%s%N)
"$BIN" backup --data "$DATA" "$DATA/copy.db" >/dev/null
note "xiaodian backup (shop running)" $((($(date +%s%N) - T0) / 1000000)) ms "$(($(stat -c %s "$DATA/copy.db") / 1048576)) MB database"
note "RSS after load" "$(rss_mb)" MB
