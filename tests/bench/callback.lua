-- wrk script: WeChat's message push at /wechat/callback — signed text messages (JSON), each with
-- a fresh MsgId so every one is stored, from 500 shoppers. The signed query is in $CALLBACK_QUERY
-- (signature, timestamp, nonce for the shop's Token); answers other than "success" are counted.
local query = os.getenv("CALLBACK_QUERY")
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
local counter = 0
function init(args)
  -- Disjoint MsgId ranges per wrk thread.
  counter = (id or 0) * 1000000000
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local body = string.format(
    '{"ToUserName":"gh_bench","FromUserName":"o-bench-%d","CreateTime":1700000000,'
      .. '"MsgType":"text","Content":"bench message %d","MsgId":%d}',
    counter % 500, counter, counter)
  return wrk.format(nil, "/wechat/callback?" .. query, nil, body)
end
ok, other, sample = 0, 0, ""
function response(status, headers, body)
  if status == 200 and body == "success" then
    ok = ok + 1
  else
    other = other + 1
    if sample == "" then sample = status .. " " .. body:sub(1, 200) end
  end
end
function done(summary, latency, requests)
  local o, b, s = 0, 0, ""
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("other")
    if s == "" then s = t:get("sample") end
  end
  io.write(string.format("answers: %d success, %d other %s\n", o, b, s))
end
