-- The live Q&A page: each connection stands for five viewers whose pages poll the live fragment every
-- 5 seconds, so it asks about once a second (100 connections = 500 viewers). It sends the ETag it was
-- last given, as a browser's cache does, so an unchanged fragment comes back as a 304.
local etag = nil

request = function()
  local headers = {}
  if etag then headers["If-None-Match"] = etag end
  return wrk.format("GET", wrk.path, headers)
end

response = function(status, headers, body)
  local tag = headers["ETag"] or headers["Etag"] or headers["etag"]
  if tag then etag = tag end
end

delay = function()
  return math.random(800, 1200)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, "p50": %d, "p95": %d, "p99": %d}\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
