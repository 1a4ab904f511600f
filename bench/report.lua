-- One summary line per run: throughput, latency percentiles, and failed answers.
local M = {}

-- Prints the RESULT line. `errors`, when given, replaces wrk's own count of failures
-- (for scripts that check each answer themselves, see home.lua).
function M.line(summary, latency, errors)
  local seconds = summary.duration / 1e6
  errors = errors or (summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout)
  io.write(string.format(
    "RESULT requests=%d rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors))
end

-- Non-2xx/3xx answers and socket errors, as wrk counts them.
function M.done(summary, latency, requests)
  M.line(summary, latency)
end

return M
