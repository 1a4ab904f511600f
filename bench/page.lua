-- GET /requests/{id}, the request page (signed in), for random ids up to BENCH_MAX_ID.
local cookie = os.getenv("BENCH_COOKIE")
local max_id = tonumber(os.getenv("BENCH_MAX_ID"))

request = function()
  local id = math.random(1, max_id)
  return wrk.format("GET", "/requests/" .. id, { ["Cookie"] = cookie })
end

done = require("report").done
