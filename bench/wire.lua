-- wrk summary for bench/wire.py: one JSON line with counts, errors and latency percentiles (ms).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WIRE {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50": %.3f, "p95": %.3f, "p99": %.3f, ' ..
    '"max": %.3f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
