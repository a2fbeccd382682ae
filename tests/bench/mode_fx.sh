# bench.sh fx (sourced): distribution. WeChat Pay notifies for order payments (the template's
# nextAction type 0) of buyers without a referrer, then of buyers under a 3-level chain of
# distributors (10% / 5% / 2%: three commissions per order line), in the same run; and fxMembers
# pages of a distributor with MEMBERS downline members.
MEMBERS=${MEMBERS:-10000}
ORDER_SECS=${ORDER_SECS:-$((SECS * 2))}
start --demo
stop
sql "INSERT INTO settings (key, value) VALUES ('fxOpen', '1'), ('fxLevels', '3'), ('fxPercent1', '10'),
  ('fxPercent2', '5'), ('fxPercent3', '2') ON CONFLICT (key) DO UPDATE SET value = excluded.value"
HOT=$(sql "SELECT goods_id || '|' || property_child_ids FROM goods_skus
  WHERE goods_id NOT IN (SELECT goods_id FROM goods_limits) ORDER BY id LIMIT 1")
sql "UPDATE goods_skus SET stores = 100000000 WHERE goods_id = ${HOT%%|*} AND property_child_ids = '${HOT#*|}'"
shoppers 1 level3
shoppers 1 level2 "$(cat "$DATA/level3.uids")"
shoppers 1 level1 "$(cat "$DATA/level2.uids")"
sql "INSERT INTO fx_sellers (user_id, source, date_add) SELECT id, 'bench', strftime('%s') FROM users
  WHERE nick IN ('level1-0', 'level2-0', 'level3-0')"
shoppers 200 plain
shoppers 200 chain "$(cat "$DATA/level1.uids")"
shoppers 1 distributor
shoppers "$MEMBERS" members "$(cat "$DATA/distributor.uids")"
sql "INSERT INTO fx_sellers (user_id, source, date_add) VALUES ($(cat "$DATA/distributor.uids"), 'bench', strftime('%s'))"
start
sleep 1
note "RSS idle" "$(rss_mb)" MB
baseline
# Unpaid orders of both kinds of buyer (orderCreate on a hot SKU for ORDER_SECS each), then one
# pending WeChat payment per order and its signed notify.
GOODS_JSON=$(python3 -c 'import json,sys,urllib.parse;g,k=sys.argv[1].split("|");print(urllib.parse.quote(json.dumps([{"goodsId":int(g),"number":1,"propertyChildIds":k}])))' "$HOT")
export GOODS_JSON CALCULATE=false
for kind in plain chain; do
  TOKENS="$DATA/$kind.tokens" wrk -t2 -c32 -d"${ORDER_SECS}s" -s tests/bench/order.lua "$BASE/shop/order/create" >/dev/null 2>&1
  python3 tests/bench/notify_prepare.py --orders "$DATA/xiaodian.db" "$DATA/$kind.uids" >"$DATA/$kind.notifies"
  echo "$kind: $(wc -l <"$DATA/$kind.notifies") unpaid orders with a pending WeChat payment"
done
applied() { sql "SELECT count(*) FROM payments p JOIN users u ON u.id = p.user_id WHERE p.status = 1 AND u.nick LIKE '$1-%'"; }
PLAIN_RATE=
for kind in plain chain; do
  export NOTIFIES="$DATA/$kind.notifies"
  wrk_run "$BASE" tests/bench/notify.lua
  N=$(applied "$kind")
  RATE=$((N / SECS))
  WHAT="$N of $(wc -l <"$NOTIFIES") applied"
  [ "$N" -ge "$(wc -l <"$NOTIFIES")" ] && WHAT="$WHAT (all: a lower bound, raise ORDER_SECS)"
  if [ "$kind" = plain ]; then
    PLAIN_RATE=$RATE
    figure "notify, order without distribution" "$RATE" notifies/s "$P99" "$WHAT"
  else
    figure "notify, order in a 3-level chain" "$RATE" notifies/s "$P99" \
      "$(pct "$RATE" "$PLAIN_RATE")% of without; $WHAT; $(sql "SELECT count(*) FROM fx_commissions") commissions"
  fi
done
export TOKEN
TOKEN=$(cat "$DATA/distributor.tokens")
export PAGES=$(((MEMBERS + 19) / 20))
measure "fxMembers page ($MEMBERS level-1 members)" "$BASE" tests/bench/fx_members.lua
note "RSS after load" "$(rss_mb)" MB
