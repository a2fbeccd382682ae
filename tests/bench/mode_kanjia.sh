# bench.sh kanjia (sourced): HELPERS shoppers help one hot bargain (kanjiaHelp, each once), then
# the sum of the cuts must equal original − current price and the count of helps the answers; and
# the reads of the goods page's marketing, pingtuanList (20 groups) and kanjiaSet.
HELPERS=${HELPERS:-$((SECS * 6000))}
start --demo
stop
read -r SET HONEY <<<"$(sql -separator ' ' "SELECT id, goods_id FROM goods_kanjia_sets WHERE status = 0 ORDER BY id LIMIT 1")"
read -r PSET BOWLS <<<"$(sql -separator ' ' "SELECT id, goods_id FROM goods_pingtuan_sets WHERE status = 0 ORDER BY id LIMIT 1")"
# A bargain that cannot reach its floor within the run: 1–3 fen a help off 1,000,000 yuan.
sql "UPDATE goods_kanjia_sets SET original_price = 100000000, min_price = 1, help_min = 1, help_max = 3 WHERE id = $SET"
shoppers 1 owner
shoppers "$HELPERS" helpers
OWNER=$(cat "$DATA/owner.uids")
# 20 groups in progress on the group-buy goods, opened by the first helpers.
sql "INSERT INTO pingtuan_tuans (set_id, goods_id, user_id, number_persion, seats, help_number, status, date_add, date_end)
  SELECT $PSET, $BOWLS, id, 3, 1, 1, 0, strftime('%s'), strftime('%s') + 86400 FROM users
  WHERE nick LIKE 'helpers-%' ORDER BY id LIMIT 20"
start
JOIN=$(curl -s -X POST "$BASE/shop/shop/goods/kanjia/join" -d "token=$(cat "$DATA/owner.tokens")&kjid=$SET")
grep -q '"code":0' <<<"$JOIN" || { echo "kanjiaJoin failed: $JOIN" >&2; exit 1; }
sleep 1
note "RSS idle" "$(rss_mb)" MB
baseline
measure "pingtuanList (20 groups)" "$BASE/shop/shop/goods/pingtuan/list/v2" "$(post_lua "goodsId=$BOWLS&status=0&page=1&pageSize=20")"
measure "kanjiaSet" "$BASE/shop/shop/goods/kanjia/set/v2?goodsId=$HONEY"
export TOKENS="$DATA/helpers.tokens" KJID=$SET JOINER=$OWNER WRK_THREADS=2
wrk_run "$BASE" tests/bench/kanjia_help.lua
OK=$(awk '/^answers/{print $2}' <<<"$OUT")
figure "kanjiaHelp, one bargain, each helper once" $((OK / SECS)) helps/s "$P99" "$(answers_of "$OUT")"
[ "$OK" -ge "$HELPERS" ] && echo "  (every one of the $HELPERS helpers helped: a lower bound, raise HELPERS)"
read -r ORIG CUR CUTS N HN <<<"$(sql -separator ' ' "SELECT s.original_price, j.cur_price,
  (SELECT coalesce(sum(cut_price), 0) FROM kanjia_helps h WHERE h.join_id = j.id),
  (SELECT count(*) FROM kanjia_helps h WHERE h.join_id = j.id), j.help_number
  FROM kanjia_joins j JOIN goods_kanjia_sets s ON s.id = j.set_id WHERE j.set_id = $SET AND j.user_id = $OWNER")"
# No cut lost or doubled: the cuts add up to the price's fall, the bargain counts every help, and
# every help answered code 0 is stored (a few more may be stored: requests in flight when wrk
# stopped, at most one per connection).
VERDICT=yes
[ "$CUTS" = $((ORIG - CUR)) ] && [ "$HN" = "$N" ] && [ "$N" -ge "$OK" ] && [ $((N - OK)) -le "$CONNS" ] || VERDICT=NO
note "kanjiaHelp: cuts add up" "$VERDICT" check \
  "$N helps stored ($OK answered code 0, $((N - OK)) in flight at the end), help_number $HN; sum of cuts $CUTS fen = original $ORIG − current $CUR"
measure "pingtuanList (again)" "$BASE/shop/shop/goods/pingtuan/list/v2" "$(post_lua "goodsId=$BOWLS&status=0&page=1&pageSize=20")"
note "RSS after load" "$(rss_mb)" MB
[ "$VERDICT" = yes ]
