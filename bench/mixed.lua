-- The soak benchmark's mixed load, in a fixed cycle of ten calls: 2 filings, 1 public
-- comment and 4 reads, each on a random one of BENCH_IDS (comma-separated ids of requests
-- the caller may see, so that every answer is a success), 2 filtered lists (BENCH_PATH),
-- 1 search over BENCH_WORDS.
local token = os.getenv("BENCH_TOKEN")
local service = os.getenv("BENCH_SERVICE")
local list_path = os.getenv("BENCH_PATH")
local words, targets = {}, {}
for w in string.gmatch(os.getenv("BENCH_WORDS"), "[^,]+") do table.insert(words, w) end
for id in string.gmatch(os.getenv("BENCH_IDS"), "[^,]+") do table.insert(targets, id) end
local auth = { ["Authorization"] = "Bearer " .. token }
local json = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
local n = 0

request = function()
  n = n + 1
  local slot = n % 10
  if slot < 2 then
    local body = string.format(
      '{"service_id": %s, "subject": "Soak request %d", "description": "Filed by the soak benchmark", "fields": {"detail": "item %d"}}',
      service, n, n)
    return wrk.format("POST", "/api/v1/requests", json, body)
  elseif slot == 2 then
    local id = targets[math.random(#targets)]
    local body = string.format('{"body": "Soak comment %d: still looking into the invoice"}', n)
    return wrk.format("POST", "/api/v1/requests/" .. id .. "/comments", json, body)
  elseif slot < 7 then
    return wrk.format("GET", "/api/v1/requests/" .. targets[math.random(#targets)], auth)
  elseif slot < 9 then
    return wrk.format("GET", list_path, auth)
  else
    return wrk.format("GET", "/api/v1/requests?q=" .. words[(n % #words) + 1], auth)
  end
end

done = require("report").done
