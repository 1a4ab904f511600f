-- POST /api/v1/requests with a valid body; the token and service come from the environment.
local token = os.getenv("BENCH_TOKEN")
local service = os.getenv("BENCH_SERVICE")
local n = 0

request = function()
  n = n + 1
  local body = string.format(
    '{"service_id": %s, "subject": "Load test request %d", "description": "Created by the load benchmark", "priority": "normal", "fields": {"detail": "item %d"}}',
    service, n, n)
  return wrk.format("POST", "/api/v1/requests", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

done = require("report").done
