-- wrk script: POST orderCreate for one line of the hot SKU, each request as one of many shoppers
-- (tokens read from the file named by $TOKENS, one a line). $CALCULATE=true makes it a preview.
-- $GOODS_JSON is the goodsJsonStr (already form-encoded).
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do
  tokens[#tokens + 1] = line
end
local goods = os.getenv("GOODS_JSON")
local calculate = os.getenv("CALCULATE") or "false"
local address = "&peisongType=kd&linkMan=%E5%BC%A0%E4%B8%89&mobile=13800138000&provinceId=330000"
  .. "&cityId=330100&districtId=330106&address=bench"
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  local token = tokens[math.random(1, #tokens)]
  return wrk.format(nil, nil, nil,
    "token=" .. token .. "&calculate=" .. calculate .. "&goodsJsonStr=" .. goods .. address)
end

-- Count the envelope codes, so refusals are never mistaken for orders.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
ok, other, sample = 0, 0, ""
function response(status, headers, body)
  if body:find('"code":0,', 1, true) then
    ok = ok + 1
  else
    other = other + 1
    if sample == "" then sample = body:sub(1, 200) end
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
