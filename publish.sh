#!/usr/bin/env bash
# Builds what Fivetran runs: one self-contained linux-x64 executable (no .NET needed on the machine) with its plugins
# folder and plugins.json beside it. Fivetran starts it as `./ConnectorHost --port <port>`.
#   ./publish.sh [output folder, default dist/] [plugin ...]   (default plugins: the ones plugins.json serves)
set -euo pipefail
cd "$(dirname "$0")"
out=$(realpath -m "${1:-dist}")
shift || true
plugins=("$@")
if [ ${#plugins[@]} -eq 0 ]; then
  # The plugins the repository's plugins.json serves.
  mapfile -t plugins < <(sed -n 's/.*"plugin": *"\([^"]*\)".*/\1/p' plugins.json)
fi

echo "Publishing the host (self-contained, single file, linux-x64) into $out"
dotnet publish host/ConnectorHost.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none -o "$out" --nologo -v quiet
for plugin in "${plugins[@]}"; do
  echo "Publishing plugin $plugin into $out/plugins/$plugin"
  dotnet publish "plugins/$plugin/$plugin.csproj" -c Release -o "$out/plugins/$plugin" --nologo -v quiet
done

source_plugin=$(sed -n 's/.*"source": *{ *"plugin": *"\([^"]*\)".*/\1/p' plugins.json)
destination_plugin=$(sed -n 's/.*"destination": *{ *"plugin": *"\([^"]*\)".*/\1/p' plugins.json)
{
  echo '{'
  echo '  "pluginsDirectory": "plugins",'
  echo '  "dataDirectory": "data",'
  [ -n "$source_plugin" ] && echo "  \"source\": { \"plugin\": \"$source_plugin\", \"port\": 50051 }$([ -n "$destination_plugin" ] && echo ,)"
  [ -n "$destination_plugin" ] && echo "  \"destination\": { \"plugin\": \"$destination_plugin\", \"port\": 50052 }"
  echo '}'
} > "$out/plugins.json"
echo "Done: $out/ConnectorHost --port 50051 (plugins.json, plugins/ and data/ beside it)"
