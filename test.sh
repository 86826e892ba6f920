#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs what the interop suites need (Debian packages for
# Python grpcio, npm packages for @grpc/grpc-js), builds everything, then runs every xunit project.
set -euo pipefail
cd "$(dirname "$0")"
bash tests/interop/install-prerequisites.sh
dotnet build ConnectorHost.sln -c Debug --nologo -v quiet
log=$(mktemp)
set +e
dotnet test ConnectorHost.sln -c Debug --no-build --nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test project: "N passed, N failed, N skipped".
awk '/^ *(Passed|Failed)! +- /{
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") failed += $(i + 1); if ($i == "Passed:") passed += $(i + 1); if ($i == "Skipped:") skipped += $(i + 1)
       }
     }
     END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log" | tr -d ','
rm -f "$log"
exit "$status"
