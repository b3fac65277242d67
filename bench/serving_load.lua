-- wrk script for bench/serving.sh: POSTs one CSV row per request to /invocations, cycling through
-- the rows of the file named by $ROWS_FILE (digits test rows, no header, no target), and ends with
-- one JSON line: {"requests", "seconds", "requests_per_second", "p50_ms", "p99_ms", "errors"}.
local rows = {}
local index = 0

function init(args)
  local path = os.getenv("ROWS_FILE") or "bench/out/serving-rows.csv"
  for line in io.lines(path) do
    if #line > 0 then
      rows[#rows + 1] = wrk.format("POST", "/invocations", { ["Content-Type"] = "text/csv" }, line .. "\n")
    end
  end
  if #rows == 0 then error("no rows in " .. path) end
  index = math.random(#rows)
end

function request()
  index = index % #rows + 1
  return rows[index]
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "requests_per_second": %.1f, "p50_ms": %.3f, "p99_ms": %.3f, "errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
