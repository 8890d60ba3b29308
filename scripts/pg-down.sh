#!/usr/bin/env bash
# Stops a cluster started by scripts/pg-up.sh and deletes it:
#   scripts/pg-down.sh [dir]   (default: $HALYARD_PG_DIR)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-${HALYARD_PG_DIR:-}}
case "$DIR" in
  "$ROOT"/target/pg-*) ;;
  *) echo "pg-down: '$DIR' is not a cluster made by pg-up.sh" >&2; exit 1 ;;
esac
CLUSTER=$DIR
if [ -f "$DIR/cluster" ]; then
  CLUSTER=$(cat "$DIR/cluster")
  case "$CLUSTER" in
    /tmp/halyard-pg-*) ;;
    *) echo "pg-down: '$CLUSTER' is not a cluster made by pg-up.sh" >&2; exit 1 ;;
  esac
fi
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
RUN=()
[ "$(id -u)" = 0 ] && RUN=(env --chdir=/ runuser -u postgres --)
if [ -f "$CLUSTER/data/postmaster.pid" ]; then
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -m immediate -w stop >/dev/null || true
fi
rm -rf "$CLUSTER" "$DIR"
echo "pg-down: removed $DIR" >&2
