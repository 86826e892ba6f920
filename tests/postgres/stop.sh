#!/usr/bin/env bash
# Stops the cluster tests/postgres/start.sh started and removes its folder.
# Uses CONNECTORHOST_TEST_PG_DIR, or the folder given as the first argument.
set -euo pipefail
dir=${1:-${CONNECTORHOST_TEST_PG_DIR:-}}
if [[ -z "$dir" || ! -d "$dir/data" ]]; then
  echo "postgres: nothing to stop (no CONNECTORHOST_TEST_PG_DIR or folder given)" >&2
  exit 0
fi
case "$dir" in
  */connectorhost-pg.*) ;;
  *) echo "postgres: refusing to remove '$dir' (not a folder start.sh made)" >&2; exit 1 ;;
esac
pg_ctl=""
for candidate in /usr/lib/postgresql/*/bin/pg_ctl "$(command -v pg_ctl || true)"; do
  [[ -x "$candidate" ]] && { pg_ctl=$candidate; break; }
done
owner=$(stat -c %U "$dir/data")
if [[ $(id -u) -eq 0 && "$owner" != root ]]; then run_as=(runuser -u "$owner" --); else run_as=(); fi
"${run_as[@]}" "$pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
rm -rf "$dir"
echo "postgres: stopped and removed $dir" >&2
