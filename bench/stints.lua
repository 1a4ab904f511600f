-- GET /api/v1/requests/{id}/stints for random ids from BENCH_STINTS_FROM (default 1) up
-- to BENCH_MAX_ID.
local token = os.getenv("BENCH_TOKEN")
local from = tonumber(os.getenv("BENCH_STINTS_FROM") or "1")
local max_id = tonumber(os.getenv("BENCH_MAX_ID"))

request = function()
  local id = math.random(from, max_id)
  return wrk.format("GET", "/api/v1/requests/" .. id .. "/stints", { ["Authorization"] = "Bearer " .. token })
end

done = require("report").done
