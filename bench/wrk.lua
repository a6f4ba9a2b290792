-- wrk script for `make bench`: POSTs the AdmissionReview in $BODY_FILE, numbering its __SEQ__
-- placeholders anew for every request (a new uid each time, as the API server sends, and for the
-- distinct-pods body a new pod too). Prints one JSON line of results to stderr when done.
local file = assert(io.open(os.getenv("BODY_FILE"), "r"))
local template = file:read("*a")
file:close()

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local seq = 0
request = function()
  seq = seq + 1
  return wrk.format(nil, nil, nil, (template:gsub("__SEQ__", tostring(seq))))
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.stderr:write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
