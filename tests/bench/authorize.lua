-- wrk script: POST authorize with login codes drawn from a pool of 200 shoppers (first calls
-- register, later ones log in again), each a real code2Session over HTTP to the sandbox.
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  return wrk.format(nil, nil, nil, "code=bench-" .. math.random(1, 200))
end
