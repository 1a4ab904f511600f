-- GET /requests?view=queue, the signed-in person's department queue (50 newest active
-- requests, each with its SLA clocks read).
local cookie = os.getenv("BENCH_COOKIE")

request = function()
  return wrk.format("GET", "/requests?view=queue", { ["Cookie"] = cookie })
end

done = require("report").done
