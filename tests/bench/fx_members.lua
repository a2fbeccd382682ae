-- wrk script: fxMembers (level 1) pages of one distributor ($TOKEN), a random page of 1..$PAGES,
-- 20 members a page.
math.randomseed(os.time())
local token = os.getenv("TOKEN")
local pages = tonumber(os.getenv("PAGES") or "500")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  return wrk.format(nil, "/shop/saleDistribution/members", nil,
    "token=" .. token .. "&level=1&pageSize=20&page=" .. math.random(1, pages))
end
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
