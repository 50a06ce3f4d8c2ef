-- wrk script: every request is one awsJson 1.1 call to AmazonSSM.
--
--   WRK_OP=GetMaintenanceWindow WRK_BODY='{"WindowId":"mw-0123456789abcdef0"}' \
--       wrk -t1 -c1 -d3s --latency -s bench/wrk/awsjson.lua http://127.0.0.1:PORT/
--
-- WRK_OP (required) becomes `X-Amz-Target: AmazonSSM.<op>`; WRK_BODY is the
-- JSON body ("{}" if unset); WRK_AUTHORIZATION, if set, is sent as the
-- Authorization header (loadgen passes its SigV4-shaped one, which ssm-server
-- reads the Region from and moto routes by, or a real signature made once for
-- `--auth sigv4`, with its WRK_AMZ_DATE).
--
-- The request is fixed, so wrk builds it once: no per-request Lua runs, and
-- no `response` callback either (one would make wrk hand every answer to Lua).
-- `done` prints one line for `loadgen compare` to parse: exact counts and
-- latencies in microseconds instead of wrk's rounded text report.

local op = os.getenv("WRK_OP")
if op == nil or op == "" then
   error("set WRK_OP to the operation name, e.g. GetMaintenanceWindow")
end

wrk.method = "POST"
wrk.path = "/"
wrk.body = os.getenv("WRK_BODY") or "{}"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "AmazonSSM." .. op
wrk.headers["X-Amz-Date"] = os.getenv("WRK_AMZ_DATE") or "20240101T000000Z"
local authorization = os.getenv("WRK_AUTHORIZATION")
if authorization ~= nil and authorization ~= "" then
   wrk.headers["Authorization"] = authorization
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "loadgen-wrk requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d " ..
      "status=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.status, e.connect, e.read, e.write, e.timeout))
end
