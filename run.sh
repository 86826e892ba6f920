#!/usr/bin/env bash
# Builds what running needs (the plugins into artifacts/plugins, the host published ReadyToRun into artifacts/host:
# precompiled code starts faster), then serves plugins.json: the source contract on 50051 and the destination contract
# on 50052 unless plugins.json says otherwise. Extra arguments go to the host (./run.sh --port 50051), and the host's
# tools run the same way: ./run.sh debug --configuration source.json, ./run.sh test-destination <inputs>, ./run.sh plugins
set -euo pipefail
cd "$(dirname "$0")"
host=artifacts/host/ConnectorHost.dll

echo "Building the host and plugins (Release; the first build restores packages and takes a few minutes)..." >&2
dotnet build ConnectorHost.Run.slnf -c Release --nologo -v minimal -clp:NoSummary -p:WarningLevel=0 >&2
dotnet publish host/ConnectorHost.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o artifacts/host --nologo -v minimal -clp:NoSummary >&2

case "${1:-}" in
  debug|reset|test-destination|plugins|-h|--help|-\?|--version)
    exec dotnet "$host" "$@" ;;
esac

{
  echo
  dotnet "$host" plugins --config plugins.json
  echo "Serving until Ctrl-C (in-flight calls finish first). Log lines below are Fivetran's JSON format."
  echo "Try it:  ./run.sh debug --configuration plugins/ExampleSource/debug-configuration.json   (in another terminal)"
  echo
} >&2
exec dotnet "$host" --config plugins.json "$@"
