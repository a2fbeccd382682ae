-- wrk script: the template home page's five calls (pages/index of the shop template: banners of
-- type index, the recommended goods `goodsv2(recommendStatus=1)`, `noticeList(pageSize=5)`, the
-- categories, and the config values app.js reads), in turn, or only call $HOME_CALL (1–5).
-- With $HOME_HOST every request carries that Host: with no base URL configured the answer cache
-- admits only the first few hosts it sees (src/cache.rs MAX_HOSTS), so bench.sh fills those first
-- and every answer is then built, not served from the cache.
local host = os.getenv("HOME_HOST")
if host == "" then host = nil end
local only = tonumber(os.getenv("HOME_CALL") or "")
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local calls = {
  { "GET", "/shop/banner/list?type=index" },
  { "POST", "/shop/shop/goods/list/v2", "recommendStatus=1" },
  { "POST", "/shop/notice/list", "pageSize=5" },
  { "GET", "/shop/shop/goods/category/all" },
  { "GET", "/shop/config/values?keys=mallName,wxpay_api_url,order_pay_user_balance,needIdCheck,needBindMobile,zt_open_hx" },
}
local requests = {}
local i = 0
init = function()
  for n, c in ipairs(calls) do
    if not only or only == n then
      local headers = {}
      if c[3] then
        for k, v in pairs(form) do headers[k] = v end
      end
      if host then headers["Host"] = host end
      requests[#requests + 1] = wrk.format(c[1], c[2], headers, c[3])
    end
  end
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
-- Count the envelope codes: a refusal is never mistaken for an answer.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
ok, other, sample = 0, 0, ""
function response(status, headers, body)
  if body:find('"code":0', 1, true) then
    ok = ok + 1
  else
    other = other + 1
    if sample == "" then sample = status .. " " .. body:sub(1, 120) end
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
