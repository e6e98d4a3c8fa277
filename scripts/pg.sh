#!/usr/bin/env bash
# Private PostgreSQL 15 cluster under .local/pg, owned by a non-root user, on a free loopback port.
# Usage: scripts/pg.sh start|stop|status|port
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
base="$root/.local/pg"
data="$base/data"
portfile="$base/port"

find_bindir() {
  for d in "${PG_BINDIR:-}" /usr/lib/postgresql/15/bin; do
    [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

bindir="$(find_bindir || true)"
if [ -z "$bindir" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing PostgreSQL 15 server binaries (apt-get install postgresql-15)..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
    bindir="$(find_bindir)"
  else
    echo "ERROR: PostgreSQL 15 server binaries not found (looked in \$PG_BINDIR, /usr/lib/postgresql/15/bin)." >&2
    echo "Install the 'postgresql-15' package, or set PG_BINDIR to its bin folder." >&2
    exit 1
  fi
fi

# PostgreSQL refuses to run as root: run it as the 'postgres' system user then.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$base" postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# As root, the 'postgres' user must be able to reach the cluster folder: let it traverse (x only)
# the folders above it that it cannot (a checkout in a private temporary folder, for instance).
grant_traversal() {
  local dir="$base"
  while [ "$dir" != "/" ]; do
    dir="$(dirname "$dir")"
    if ! runuser -u postgres -- test -x "$dir"; then
      echo "Letting the postgres user traverse $dir (chmod o+x) for the private cluster." >&2
      chmod o+x "$dir"
    fi
  done
}

free_port() {
  python3 - <<'PY'
import socket
for port in range(55432, 55532):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
PY
}

running() { [ -f "$data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

case "${1:-start}" in
  start)
    mkdir -p "$base"
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home-dir "$base" postgres
      chown postgres "$base"; chmod 755 "$root/.local" "$base"; grant_traversal
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! running; then
      port="$(cat "$portfile" 2>/dev/null || true)"
      if [ -z "$port" ] || ! python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1',$port))" 2>/dev/null; then
        port="$(free_port)"
      fi
      echo "$port" > "$portfile"
      as_owner "$bindir/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 \
        -o "-p $port -k $base -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" start >/dev/null
    fi
    cat "$portfile"
    ;;
  stop) running && as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true ;;
  status) running && echo "running on port $(cat "$portfile")" || echo "stopped" ;;
  port) cat "$portfile" ;;
  *) echo "usage: $0 start|stop|status|port" >&2; exit 2 ;;
esac
