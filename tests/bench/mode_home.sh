# bench.sh home (sourced): the template home page's five calls on the demo shop, each alone and
# as one rotating mix (tests/bench/home.lua), first from the answer cache, then with it missed.
start --demo
sleep 1
note "RSS idle" "$(rss_mb)" MB
baseline
NAMES=("banners" "goodsv2 recommendStatus=1" "noticeList pageSize=5" "goodsCategory" "queryConfigBatch")
home_runs() { # cached | missed
  local n
  for n in 1 2 3 4 5; do
    export HOME_CALL=$n
    measure "home: ${NAMES[$((n - 1))]}, $1" "$BASE" tests/bench/home.lua
  done
  export HOME_CALL=
  wrk_run "$BASE" tests/bench/home.lua
  figure "home mix (5 calls in turn), $1" "$RPS" req/s "$P99" "$((RPS / 5)) home pages/s; $(answers_of "$OUT")"
}
home_runs cached
# The cache admits answers for a few Hosts only (no base URL is configured here): fill them, then
# ask as another Host, whose answers are built every time.
for h in 1 2 3 4; do curl -s -H "Host: bench-fill-$h" "$BASE/shop/banner/list?type=index" >/dev/null; done
export HOME_HOST=bench-uncached
home_runs missed
export HOME_HOST=
note "RSS after load" "$(rss_mb)" MB
