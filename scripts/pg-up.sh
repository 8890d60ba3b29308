#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster under target/pg-<port> on a free port and
# prints the shell exports for it:
#   eval "$(scripts/pg-up.sh)"   -> HALYARD_PG_DIR, TEST_DATABASE_URL
# Stop it with scripts/pg-down.sh "$HALYARD_PG_DIR". Runs as postgres when root
# (initdb refuses root). Logs go to the cluster directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PGBIN/initdb" ] || { echo "pg-up: no PostgreSQL server binaries; run scripts/ensure-tools.sh" >&2; exit 1; }

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
mkdir -p "$ROOT/target"
PORT=
for candidate in $(seq 55432 55531); do
  # mkdir is the atomic claim: an existing directory belongs to another run (or to a
  # crashed one, which pg-down.sh cleans up)
  if port_is_free "$candidate" && mkdir "$ROOT/target/pg-$candidate" 2>/dev/null; then
    PORT=$candidate
    break
  fi
done
[ -n "$PORT" ] || { echo "pg-up: no free port in 55432-55531" >&2; exit 1; }
DIR=$ROOT/target/pg-$PORT
# The cluster itself lives where the server's user can reach it: as root the
# server runs as postgres, which may not traverse the checkout's parents (a
# clone in a `mktemp -d` directory is mode 700), so it goes to a directory of
# its own under /tmp, named in $DIR/cluster for pg-down.sh.
CLUSTER=$DIR
RUN=()
if [ "$(id -u)" = 0 ]; then
  CLUSTER=$(mktemp -d "/tmp/halyard-pg-$PORT.XXXXXX")
  echo "$CLUSTER" >"$DIR/cluster"
  chown postgres:postgres "$CLUSTER"
  # From /: the postgres user may not enter the caller's directory (a mode-700 mktemp clone).
  RUN=(env --chdir=/ runuser -u postgres --)
fi
"${RUN[@]}" "$PGBIN/initdb" -D "$CLUSTER/data" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 \
  >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
# TCP only (no Unix socket: its path length is limited); durability off, it is thrown away.
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/postgres.log" -w -t 30 \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$CLUSTER/postgres.log" >&2; exit 1; }
echo "pg-up: PostgreSQL on 127.0.0.1:$PORT, cluster in $CLUSTER" >&2
echo "export HALYARD_PG_DIR=$DIR TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
