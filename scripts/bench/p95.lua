-- wrk's --latency table stops at 50/75/90/99: print the 95th percentile (microseconds) too.
done = function(summary, latency, requests)
  io.write(string.format("p95_us: %d\n", latency:percentile(95.0)))
end
