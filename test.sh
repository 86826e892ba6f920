#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs what the tests need (Debian packages for Python grpcio,
# zstd/gzip/openssl/sqlite3, IPv6 loopback, npm ci for @grpc/grpc-js, PostgreSQL), starts a throwaway PostgreSQL
# cluster for the destination tests (stopped and removed on exit), builds everything, then runs every xunit project.
set -euo pipefail
cd "$(dirname "$0")"
bash tests/interop/install-prerequisites.sh
eval "$(bash tests/postgres/start.sh)"
trap 'bash tests/postgres/stop.sh' EXIT
dotnet build ConnectorHost.sln -c Debug --nologo -v quiet
log=$(mktemp)
set +e
dotnet test ConnectorHost.sln -c Debug --no-build --nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test project: "N passed, N failed, N skipped".
awk '/^Total tests: [0-9]+$/ { runs++ }
     /^ +Passed: +[0-9]+$/ { passed += $2 }
     /^ +Failed: +[0-9]+$/ { failed += $2 }
     /^ +Skipped: +[0-9]+$/ { skipped += $2 }
     END { printf "%d passed, %d failed, %d skipped (%d test projects)\n", passed, failed, skipped, runs }' "$log"
rm -f "$log"
exit "$status"
