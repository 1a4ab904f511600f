-- GET /api/v1/requests?q=WORD, cycling through BENCH_WORDS (comma-separated).
local token = os.getenv("BENCH_TOKEN")
local words = {}
for w in string.gmatch(os.getenv("BENCH_WORDS"), "[^,]+") do table.insert(words, w) end
local i = 0

request = function()
  i = i + 1
  local word = words[(i % #words) + 1]
  return wrk.format("GET", "/api/v1/requests?q=" .. word, { ["Authorization"] = "Bearer " .. token })
end

done = require("report").done
