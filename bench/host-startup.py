#!/usr/bin/env python3
"""Host start-up measured from outside: process start -> ready line -> first ConfigurationForm answered on each
port, with Debian's python3-grpcio as the client (no .NET client start-up in the figure), the host's CPU time
(user + system) up to that answer, and its idle RSS.
  /usr/bin/python3 bench/host-startup.py artifacts/host/ConnectorHost.dll artifacts/plugins   (after ./run.sh or bench/host-startup.sh)
A/B in one session, runs interleaved (the machine is shared, so only same-session pairs compare):
  /usr/bin/python3 bench/host-startup.py --runs 15 A/host/ConnectorHost.dll A/plugins B/host/ConnectorHost.dll B/plugins
"""
import subprocess, sys, time, json, os, tempfile, re, grpc, statistics

args = sys.argv[1:]
runs = 7
if "--runs" in args:
    i = args.index("--runs"); runs = int(args[i + 1]); del args[i:i + 2]
if not args or len(args) % 2:
    sys.exit(__doc__)
# plugins.json resolves a relative pluginsDirectory against its own folder (a temporary one here): pass it absolute.
variants = [(os.path.abspath(args[i]), os.path.abspath(args[i + 1])) for i in range(0, len(args), 2)]
tick = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / tick  # utime + stime


def once(dll, plugins):
    d = tempfile.mkdtemp()
    cfg = os.path.join(d, "plugins.json")
    json.dump({"pluginsDirectory": plugins, "dataDirectory": os.path.join(d, "data"), "source": {"plugin": "ExampleSource", "port": 0}, "destination": {"plugin": "SqliteDestination", "port": 0}}, open(cfg, "w"))
    t = time.time()
    p = subprocess.Popen(["dotnet", dll, "--config", cfg], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ports = {}
    for line in p.stdout:
        m = json.loads(line)["message"]
        g = re.match(r"Serving (\w+) plugin .* on port (\d+)", m)
        if g: ports[g.group(1)] = int(g.group(2))
        if m.startswith("ConnectorHost ready"):
            ready = time.time() - t; break
    else:
        sys.exit(f"{dll} exited with {p.wait()} before its ready line")
    for side, svc in (("source", "SourceConnector"), ("destination", "DestinationConnector")):
        ch = grpc.insecure_channel(f"127.0.0.1:{ports[side]}")
        call = ch.unary_unary(f"/fivetran_sdk.v2.{svc}/ConfigurationForm", request_serializer=lambda x: x, response_deserializer=lambda x: x)
        call(b"", timeout=10)
        ch.close()
    first = time.time() - t
    cpu = cpu_ms(p.pid)
    rss = int(open(f"/proc/{p.pid}/status").read().split("VmRSS:")[1].split()[0]) / 1024
    p.terminate(); p.wait()
    return (round(ready * 1000), round(first * 1000), round(cpu), round(rss, 1))


results = {v: [] for v in variants}
for _ in range(runs):
    for v in variants:
        results[v].append(once(*v))
print("load average", open("/proc/loadavg").read().split()[:3])
for (dll, _), res in results.items():
    med = lambda k: statistics.median(r[k] for r in res)
    print(dll)
    print("  (ready ms, first RPC ms, CPU ms at first RPC, RSS MB):", res)
    print(f"  median ready {med(0):.0f} ms, first RPC {med(1):.0f} ms (min {min(r[1] for r in res)}), CPU {med(2):.0f} ms, RSS {med(3):.1f} MB")
