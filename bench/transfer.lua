-- POST /api/v1/requests/{id}/transfer for the ids BENCH_FIRST..BENCH_LAST, each once:
-- wrk's threads take every other id. Passes each to BENCH_TARGET.
local token = os.getenv("BENCH_TOKEN")
local first = tonumber(os.getenv("BENCH_FIRST"))
local last = tonumber(os.getenv("BENCH_LAST"))
local target = os.getenv("BENCH_TARGET")
local threads = 0

function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

local n = nil

request = function()
  n = n or offset
  local id = first + n
  n = n + 2
  if id > last then
    io.stderr:write("transfer.lua: ran out of requests to pass on\n")
    return wrk.format("GET", "/healthz")
  end
  local body = string.format('{"service_id": %s, "reason": "Load benchmark: passed on"}', target)
  return wrk.format("POST", "/api/v1/requests/" .. id .. "/transfer", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

done = require("report").done
