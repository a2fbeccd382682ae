# bench.sh catalog (sourced): a large catalogue from `xiaodian bench-data` and the shop-window
# reads — goodsv2 pages, goodsDetailV2 over random ids, Chinese nameLike search, 4,500 different
# (cold) category pages — with the RSS idle and after the load.
GOODS=${GOODS:-100000}
CATEGORIES=${CATEGORIES:-200}
export GOODS
T0=$(date +%s)
"$BIN" bench-data --data "$DATA" --goods "$GOODS" --categories "$CATEGORIES" >/dev/null
echo "catalogue: $GOODS goods in $CATEGORIES categories, generated in $(($(date +%s) - T0)) s"
start
sleep 1
note "RSS idle" "$(rss_mb)" MB "$GOODS goods"
baseline
LIST="$BASE/shop/shop/goods/list/v2"
measure "goodsv2 category 1, page 1" "$LIST" "$(post_lua 'categoryId=1&page=1&pageSize=20')"
measure "goodsv2 category 1, page 200" "$LIST" "$(post_lua 'categoryId=1&page=200&pageSize=20')"
measure "goodsv2 priceUp, page 50" "$LIST" "$(post_lua 'orderBy=priceUp&page=50&pageSize=20')"
measure "goodsDetailV2, random ids" "$BASE" tests/bench/goods_detail.lua
measure "goodsv2 nameLike (12 searches)" "$BASE" tests/bench/search.lua
measure "goodsv2 4,500 cold category pages" "$BASE" tests/bench/category_pages.lua
measure "healthz (again)" "$BASE/healthz"
note "RSS after load" "$(rss_mb)" MB "$GOODS goods"
note "database size" $(($(stat -c %s "$DATA/xiaodian.db") / 1048576)) MB "$GOODS goods"
T0=$(date +%s%N)
"$BIN" backup --data "$DATA" "$DATA/copy.db" >/dev/null
note "xiaodian backup (shop running)" $((($(date +%s%N) - T0) / 1000000)) ms "$GOODS goods"
