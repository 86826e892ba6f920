#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and benchmarks, and prints its connection settings as
# shell exports (stdout; progress goes to stderr):
#
#   eval "$(tests/postgres/start.sh)"      # sets CONNECTORHOST_TEST_PG_* and CONNECTORHOST_TEST_PG_DIR
#   ...                                    # run tests
#   tests/postgres/stop.sh                 # stops the cluster and removes its folder
#
# Installs Debian's postgresql package when no server binaries are found. The cluster lives in a fresh temp
# folder, owned by a non-root OS user (PostgreSQL refuses to run as root), listens on 127.0.0.1 on a free port
# (password auth) and on a unix socket inside that folder (trust, for the owner).
set -euo pipefail

log() { echo "postgres: $*" >&2; }

find_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && { echo "$dir"; return 0; }
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  return 1
}

if ! bindir=$(find_bindir); then
  log "no PostgreSQL server found; installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  if [[ $(id -u) -eq 0 ]]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get install -y -q postgresql >&2 || { "${sudo_cmd[@]}" apt-get update -q >&2 && "${sudo_cmd[@]}" apt-get install -y -q postgresql >&2; }
  bindir=$(find_bindir) || { log "postgresql installed but initdb/pg_ctl not found"; exit 1; }
fi

# PostgreSQL will not run as root: use the package's postgres user, or make a dedicated one.
run_as=()
if [[ $(id -u) -eq 0 ]]; then
  os_user=postgres
  if ! id "$os_user" >/dev/null 2>&1; then
    os_user=connectorhost-pg
    id "$os_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$os_user"
  fi
  run_as=(runuser -u "$os_user" --)
else
  os_user=$(id -un)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/connectorhost-pg.XXXXXX")
chmod 755 "$dir"
[[ ${#run_as[@]} -gt 0 ]] && chown "$os_user" "$dir"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
user=connectorhost
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
printf '%s\n' "$password" > "$dir/pwfile"
[[ ${#run_as[@]} -gt 0 ]] && chown "$os_user" "$dir/pwfile"

log "initdb in $dir/data as $os_user"
"${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U "$user" --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 \
  --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pwfile"

log "starting on 127.0.0.1:$port"
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB" start >&2 \
  || { cat "$dir/server.log" >&2; exit 1; }

cat > "$dir/env" <<ENV
export CONNECTORHOST_TEST_PG_HOST=127.0.0.1
export CONNECTORHOST_TEST_PG_PORT=$port
export CONNECTORHOST_TEST_PG_DATABASE=postgres
export CONNECTORHOST_TEST_PG_USER=$user
export CONNECTORHOST_TEST_PG_PASSWORD=$password
export CONNECTORHOST_TEST_PG_DIR=$dir
ENV
cat "$dir/env"
log "ready (stop with: tests/postgres/stop.sh)"
