-- GET /, the home page of the person signed in with BENCH_HOME_COOKIE (bench/lib.sh signs
-- in an agent of a busy department, BENCH_HOME_EMAIL): requests assigned to them, their
-- department's unassigned queue, their own requests waiting on them, asks, deliverables
-- owed and concerns. Every answer must be a 200: a redirect to the sign-in page (an
-- expired session) counts as a failure too, which wrk alone would not count.
local cookie = os.getenv("BENCH_HOME_COOKIE")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  failed = 0
end

request = function()
  return wrk.format("GET", "/", { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("failed")
  end
  require("report").line(summary, latency, errors)
end
