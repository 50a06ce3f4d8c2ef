#!/usr/bin/env python3
"""Memory per kept maintenance-window run (BENCHMARKS.md, "Soak (issue 9)").

Against a server started as
    ssm-server --listen 127.0.0.1:0 --db /tmp/p.db --admin --invocation-seconds 0 --sync normal --log warn
(runs end at once, so admin runs of one window can follow each other), run
    python3 bench/per_run_memory.py ADDR PID N
It creates a window with 3 nodes and 2 tasks, starts 200 runs (warm-up),
then N more, and prints the server's RssAnon growth per run; then deletes
the window with its runs and prints RssAnon again. Loopback only; N runs
at most, each one request.
"""
import http.client, json, sys, time
addr, pid, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
host, port = addr.split(':')
assert host in ('127.0.0.1', 'localhost'), 'loopback only'
conn = http.client.HTTPConnection(host, int(port))
H = {'Content-Type': 'application/x-amz-json-1.1',
     'Authorization': 'AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=00'}
def call(op, body):
    conn.request('POST', '/', json.dumps(body), dict(H, **{'X-Amz-Target': 'AmazonSSM.' + op}))
    r = conn.getresponse(); data = r.read()
    assert r.status == 200, (op, r.status, data)
    return json.loads(data) if data else None
def anon():
    for line in open(f'/proc/{pid}/status'):
        if line.startswith('RssAnon:'): return int(line.split()[1])
w = call('CreateMaintenanceWindow', {'Name': 'per-run', 'Schedule': 'cron(0 4 1 1 ? *)', 'Duration': 1, 'Cutoff': 0, 'AllowUnassociatedTargets': False})['WindowId']
t = call('RegisterTargetWithMaintenanceWindow', {'WindowId': w, 'ResourceType': 'INSTANCE', 'Targets': [{'Key': 'InstanceIds', 'Values': ['i-00000000000000001', 'i-00000000000000002', 'i-00000000000000003']}]})['WindowTargetId']
for p in (1, 2):
    call('RegisterTaskWithMaintenanceWindow', {'WindowId': w, 'TaskArn': 'AWS-RunShellScript', 'TaskType': 'RUN_COMMAND', 'Targets': [{'Key': 'WindowTargetIds', 'Values': [t]}], 'MaxConcurrency': '2', 'MaxErrors': '1', 'Priority': p})
def runs(k):
    done = 0
    for _ in range(k):
        conn.request('POST', f'/_admin/windows/{w}/run?region=us-east-1', b'', H)
        r = conn.getresponse(); r.read()
        if r.status == 200: done += 1
        else: time.sleep(0.002)
    return done
runs(200)  # warm-up
before = anon(); done = runs(n); time.sleep(1); after = anon()
print(f'{done} runs retained: RssAnon {before} -> {after} KiB, {(after - before) * 1024 / max(done, 1):.0f} bytes per run')
call('DeleteMaintenanceWindow', {'WindowId': w}); time.sleep(1)
print(f'after deleting the window (and its runs): RssAnon {anon()} KiB')
