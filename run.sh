#!/usr/bin/env bash
# Builds the solution (host + every plugin into artifacts/plugins) and starts the host with plugins.json:
# the source contract on 50051 and the destination contract on 50052 unless plugins.json says otherwise.
# Extra arguments go to the host, e.g. ./run.sh --port 50051
set -euo pipefail
cd "$(dirname "$0")"
dotnet build ConnectorHost.sln -c Release --nologo -v quiet
exec dotnet host/bin/Release/net10.0/ConnectorHost.dll --config plugins.json "$@"
