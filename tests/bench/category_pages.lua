-- wrk script: goodsv2 for a random subcategory (21..200 in bench-data) and a random page 1..25,
-- 20 per page: 4,500 different lists, so the answer cache is cold for much of a short run.
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  local body = "categoryId=" .. math.random(21, 200) .. "&page=" .. math.random(1, 25) .. "&pageSize=20"
  return wrk.format(nil, "/shop/shop/goods/list/v2", nil, body)
end
