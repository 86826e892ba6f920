#!/usr/bin/python3
"""Prints the README's conformance table (case x client) from the interop results an xunit run kept in
$CONNECTORHOST_INTEROP_RESULTS (*.json). Usage: /usr/bin/python3 tests/interop/conformance-table.py [results-dir]"""
import glob
import json
import os
import sys

folder = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CONNECTORHOST_INTEROP_RESULTS", "")
if not folder:
    sys.exit("Give the results folder (the CONNECTORHOST_INTEROP_RESULTS the interop tests ran with).")
runs = []
for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
    with open(path, encoding="utf-8") as handle:
        runs.append(json.load(handle))
if not runs:
    sys.exit(f"No results in {folder}: run CONNECTORHOST_INTEROP_RESULTS={folder} dotnet test tests/ConnectorHost.Interop.Tests first.")
cases = []
for run in runs:
    cases += [name for name in run["cases"] if name not in cases]
print("| case | " + " | ".join(run["client"] for run in runs) + " |")
print("|---|" + "---|" * len(runs))
for name in cases:
    cells = []
    for run in runs:
        result = run["cases"].get(name)
        cells.append("n/a" if result is None else ("pass" if result["passed"] else "FAIL"))
    print(f"| {name} | " + " | ".join(cells) + " |")
