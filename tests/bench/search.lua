-- wrk script: goodsv2 with a Chinese nameLike drawn from product words of the bench-data catalogue
-- (trigram index; "有机 普洱茶" needs both words), 20 per page, first page. The requests are built
-- once at start so the client spends its CPU on sending, not on encoding.
math.randomseed(os.time())
local words = { "普洱茶", "龙井茶", "牛肉干", "保温杯", "连衣裙", "猕猴桃", "蓝牙耳机", "瑜伽垫",
  "空气炸锅", "儿童绘本", "有机 普洱茶", "云南 牛肉干" }
local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local requests = {}
init = function()
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  for i, w in ipairs(words) do
    requests[i] = wrk.format("POST", "/shop/shop/goods/list/v2", headers,
      "page=1&pageSize=20&nameLike=" .. urlencode(w))
  end
end
request = function()
  return requests[math.random(1, #requests)]
end
