-- wrk script: kanjiaHelp on one bargain ($KJID, owner $JOINER), each request by the next helper
-- of the token file $TOKENS (one a line; each helper helps once, so every request is a new help
-- until the file runs out — then they are refused and counted as "other").
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
local tail = "&kjid=" .. os.getenv("KJID") .. "&joinerUser=" .. os.getenv("JOINER")
local threads = {}
local count = 0
function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end
local i, step = 0, tonumber(os.getenv("WRK_THREADS") or "2")
function init(args)
  i = id or 0
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  local token = tokens[(i % #tokens) + 1]
  i = i + step
  return wrk.format(nil, "/shop/shop/goods/kanjia/help", nil, "token=" .. token .. tail)
end
ok, other, sample = 0, 0, ""
function response(status, headers, body)
  if body:find('"code":0,', 1, true) then
    ok = ok + 1
  else
    other = other + 1
    if sample == "" then sample = body:sub(1, 160) end
  end
end
function done(summary, latency, requests)
  local o, b, s = 0, 0, ""
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("other")
    if s == "" then s = t:get("sample") end
  end
  io.write(string.format("answers: %d code 0, %d other %s\n", o, b, s))
end
