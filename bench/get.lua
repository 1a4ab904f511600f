-- GET /api/v1/requests/{id} for random ids up to BENCH_MAX_ID.
local token = os.getenv("BENCH_TOKEN")
local max_id = tonumber(os.getenv("BENCH_MAX_ID"))

request = function()
  local id = math.random(1, max_id)
  return wrk.format("GET", "/api/v1/requests/" .. id, { ["Authorization"] = "Bearer " .. token })
end

done = require("report").done
