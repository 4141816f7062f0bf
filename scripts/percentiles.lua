-- wrk script: prints p50, p95 and p99 latency and the request rate on one line.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("p50 %7.2fms   p95 %7.2fms   p99 %7.2fms   %8.1f req/s   errors %d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / seconds, summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
