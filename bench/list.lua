-- GET a filtered list: one department's open queue, or BENCH_PATH when set.
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_PATH")

request = function()
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

done = require("report").done
