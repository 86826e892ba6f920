#!/usr/bin/env bash
# Host start-up and idle RSS, measured on the ReadyToRun host that run.sh publishes (artifacts/host).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build ConnectorHost.sln -c Release --nologo -v quiet
dotnet publish host/ConnectorHost.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o artifacts/host --nologo -v quiet
CONNECTORHOST_HOST_DLL="$PWD/artifacts/host/ConnectorHost.dll" \
  dotnet run -c Release --no-build --project bench/ConnectorHost.Benchmarks -- host-startup "${1:-10}"
