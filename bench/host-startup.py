#!/usr/bin/env python3
"""Host start-up measured from outside: process start -> ready line -> first ConfigurationForm answered on each
port, with Debian's python3-grpcio as the client (no .NET client start-up in the figure), and the host's idle RSS.
  /usr/bin/python3 bench/host-startup.py artifacts/host/ConnectorHost.dll artifacts/plugins   (after ./run.sh or bench/host-startup.sh)
"""
import subprocess, sys, time, json, os, tempfile, re, grpc
dll, plugins = sys.argv[1], sys.argv[2]
d = tempfile.mkdtemp()
cfg = os.path.join(d, "plugins.json")
json.dump({"pluginsDirectory": plugins, "dataDirectory": os.path.join(d, "data"), "source": {"plugin": "ExampleSource", "port": 0}, "destination": {"plugin": "SqliteDestination", "port": 0}}, open(cfg, "w"))
res = []
for i in range(7):
    t = time.time()
    p = subprocess.Popen(["dotnet", dll, "--config", cfg], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ports = {}
    for line in p.stdout:
        m = json.loads(line)["message"]
        g = re.match(r"Serving (\w+) plugin .* on port (\d+)", m)
        if g: ports[g.group(1)] = int(g.group(2))
        if m.startswith("ConnectorHost ready"):
            ready = time.time() - t; break
    for side, svc in (("source", "SourceConnector"), ("destination", "DestinationConnector")):
        ch = grpc.insecure_channel(f"127.0.0.1:{ports[side]}")
        call = ch.unary_unary(f"/fivetran_sdk.v2.{svc}/ConfigurationForm", request_serializer=lambda x: x, response_deserializer=lambda x: x)
        call(b"", timeout=10)
        ch.close()
    first = time.time() - t
    rss = int(open(f"/proc/{p.pid}/status").read().split("VmRSS:")[1].split()[0]) / 1024
    p.terminate(); p.wait()
    res.append((round(ready*1000), round(first*1000), round(rss,1)))
print(res); s = sorted(r[1] for r in res); print("median first RPC ms", s[len(s)//2], "median RSS MB", sorted(r[2] for r in res)[len(res)//2])
