# bench.sh callback (sourced): WeChat's message push — signed customer-service messages (JSON),
# each with a fresh MsgId, so every one is verified, parsed and stored once.
start
stop
sql "INSERT INTO settings (key, value) VALUES ('kefuToken', 'benchtoken')
  ON CONFLICT (key) DO UPDATE SET value = excluded.value"
start
SIG=$(python3 -c 'import hashlib;print(hashlib.sha1("".join(sorted(["benchtoken","1700000000","bench"])).encode()).hexdigest())')
export CALLBACK_QUERY="signature=$SIG&timestamp=1700000000&nonce=bench"
note "RSS idle" "$(rss_mb)" MB
baseline
measure "callback (signed JSON text)" "$BASE" tests/bench/callback.lua
note "messages stored" "$(sql "SELECT count(*) FROM kefu_messages")" rows \
  "$(sql "SELECT count(*) FROM kefu_threads") conversations"
note "RSS after load" "$(rss_mb)" MB
