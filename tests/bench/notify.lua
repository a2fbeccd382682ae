-- Cycles through signed WeChat Pay notify bodies (one per line in $NOTIFIES, each for its own
-- pending payment, so the first pass is first deliveries and later passes are replays).
local bodies = {}
for line in io.lines(os.getenv("NOTIFIES")) do bodies[#bodies + 1] = line end
local i = 0
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  i = id
end
request = function()
  i = i + 2
  local body = bodies[(i % #bodies) + 1]
  return wrk.format("POST", "/notify/wxpay", { ["Content-Type"] = "text/xml" }, body)
end
local ok, fail = 0, 0
response = function(status, headers, body)
  if string.find(body, "SUCCESS", 1, true) then ok = ok + 1 else fail = fail + 1 end
end
