# bench.sh mixed (sourced): writes under read load. On the bench-data catalogue (GOODS), the reads
# (goodsDetailV2 over random ids: mostly answer-cache misses, so database reads) and orderCreate on
# one hot SKU (200 shoppers, a write transaction each) are each run alone, then together as two
# wrk processes of one thread each; the figures are each side's rate beside the other against alone.
GOODS=${GOODS:-100000}
CATEGORIES=${CATEGORIES:-200}
export GOODS
"$BIN" bench-data --data "$DATA" --goods "$GOODS" --categories "$CATEGORIES" >/dev/null
HOT=$(sql "SELECT goods_id || '|' || property_child_ids FROM goods_skus ORDER BY id LIMIT 1")
sql "UPDATE goods_skus SET stores = 100000000 WHERE goods_id = ${HOT%%|*} AND property_child_ids = '${HOT#*|}'"
sql "UPDATE goods SET stores = 100000000 WHERE id = ${HOT%%|*}"
shoppers 200 buyers
GOODS_JSON=$(python3 -c 'import json,sys,urllib.parse;g,k=sys.argv[1].split("|");print(urllib.parse.quote(json.dumps([{"goodsId":int(g),"number":1,"propertyChildIds":k}])))' "$HOT")
export TOKENS="$DATA/buyers.tokens" GOODS_JSON CALCULATE=false
start
sleep 1
note "RSS idle" "$(rss_mb)" MB "$GOODS goods"
baseline
orders_per_sec() { awk -v s="$SECS" '/^answers/{printf "%.0f", $2 / s}' <<<"$1"; }
# Alone, one wrk thread each (as beside each other).
wrk_run "$BASE" tests/bench/goods_detail.lua "$CONNS" 1
READS_ALONE=$RPS
figure "reads alone (goodsDetailV2 random), 1 thread" "$RPS" req/s "$P99"
wrk_run "$BASE/shop/order/create" tests/bench/order.lua 32 1
ORDERS_ALONE=$(orders_per_sec "$OUT")
figure "orderCreate alone (hot SKU), c32, 1 thread" "$ORDERS_ALONE" orders/s "$P99" "$(answers_of "$OUT")"
# Together.
wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s tests/bench/goods_detail.lua "$BASE" >"$DATA/reads.txt" 2>&1 &
READS_PID=$!
ORDERS_OUT=$(wrk -t1 -c32 -d"${SECS}s" --latency -s tests/bench/order.lua "$BASE/shop/order/create" 2>&1)
wait $READS_PID
READS_OUT=$(cat "$DATA/reads.txt")
RPS=$(rps_of "$READS_OUT")
figure "reads beside orderCreate" "$RPS" req/s "$(p99_of "$READS_OUT")" "$(pct "$RPS" "$READS_ALONE")% of alone"
ORDERS=$(orders_per_sec "$ORDERS_OUT")
figure "orderCreate beside the reads" "$ORDERS" orders/s "$(p99_of "$ORDERS_OUT")" \
  "$(pct "$ORDERS" "$ORDERS_ALONE")% of alone; $(answers_of "$ORDERS_OUT")"
note "orders in the database" "$(sql "SELECT count(*) FROM orders")" orders
note "RSS after load" "$(rss_mb)" MB "$GOODS goods"
