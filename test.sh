#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs what the interop suites need (Debian packages for
# Python grpcio, npm packages for @grpc/grpc-js), builds everything, then runs every xunit project.
set -euo pipefail
cd "$(dirname "$0")"
bash tests/interop/install-prerequisites.sh
dotnet build ConnectorHost.sln -c Debug --nologo -v quiet
dotnet test ConnectorHost.sln -c Debug --no-build --nologo --logger "console;verbosity=normal"
