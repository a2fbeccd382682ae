-- wrk script: goodsDetailV2 for a random goods id in 1..GOODS (env, default 100000), so most
-- requests miss any answer cache and read the database.
math.randomseed(os.time())
local goods = tonumber(os.getenv("GOODS") or "100000")
request = function()
  return wrk.format("GET", "/shop/shop/goods/detail?id=" .. math.random(1, goods))
end
