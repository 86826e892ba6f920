#!/usr/bin/env bash
# Builds every plugin into artifacts/plugins, publishes the host ReadyToRun into artifacts/host (precompiled code
# starts faster), then starts it with plugins.json: the source contract on 50051 and the destination contract on
# 50052 unless plugins.json says otherwise. Extra arguments go to the host, e.g. ./run.sh --port 50051
set -euo pipefail
cd "$(dirname "$0")"
dotnet build ConnectorHost.sln -c Release --nologo -v quiet
dotnet publish host/ConnectorHost.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o artifacts/host --nologo -v quiet
exec dotnet artifacts/host/ConnectorHost.dll --config plugins.json "$@"
