# bench.sh wxpay (sourced): WeChat Pay notifies (signed XML; NOTIFY_COUNT pending recharges, first
# deliveries then replays) and userAmount, each against /healthz in the same run.
start
shoppers 1 payer
UID_=$(cat "$DATA/payer.uids")
NOTIFIES="$DATA/notifies.txt"
python3 tests/bench/notify_prepare.py "$DATA/xiaodian.db" "$UID_" "${NOTIFY_COUNT:-20000}" >"$NOTIFIES"
export NOTIFIES
note "RSS idle" "$(rss_mb)" MB
baseline
measure "userAmount (token)" "$BASE/shop/user/amount?token=$(cat "$DATA/payer.tokens")"
wrk_run "$BASE" tests/bench/notify.lua
APPLIED=$(sql "SELECT count(*) FROM payments WHERE status = 1")
figure "notify (recharge), first deliveries" $((APPLIED / SECS)) notifies/s "$P99" \
  "$APPLIED of ${NOTIFY_COUNT:-20000} applied; wrk $RPS req/s with replays"
note "ledger rows of the payer" "$(sql "SELECT count(*) FROM ledger WHERE user_id = $UID_")" rows "one per applied payment"
measure "healthz (again)" "$BASE/healthz"
note "RSS after load" "$(rss_mb)" MB
