#!/usr/bin/env bash
# The test command (`make test`, and so CI): installs what is missing, then runs
# every check in order and stops at the first failure, naming the step.
#   TEST_DATABASE_URL set   -> used as is
#   TEST_DATABASE_URL unset -> a throwaway cluster (scripts/pg-up.sh), removed on exit
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# Compiled output is a cache shared by every checkout on this machine (correct
# when empty, as on a new machine), so a fresh clone — CI's case — recompiles
# only Halyard's own crates.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/halyard/target}
START=$SECONDS
STEP="setup"
PASSED=()
PG_STARTED=

finish() {
  local status=$?
  if [ -n "$PG_STARTED" ]; then scripts/pg-down.sh "$HALYARD_PG_DIR" || true; fi
  if [ "$status" != 0 ]; then
    echo "make test: FAILED at step '$STEP' (exit $status) after $((SECONDS - START)) s" >&2
  fi
}
trap finish EXIT

step() {
  STEP=$1
  shift
  local start=$SECONDS
  echo "==> $STEP"
  "$@"
  echo "    $STEP: ok ($((SECONDS - start)) s)"
  PASSED+=("$STEP")
}

step "ensure tools" scripts/ensure-tools.sh
step "vectors up to date" sh -c 'python3 tests/vectors/tools/bucket.py --self-test && python3 tests/vectors/tools/generate.py --check'

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  STEP="start PostgreSQL"
  # an assignment, not `eval "$(…)"`, so a failed start stops the run here
  PG_EXPORTS=$(scripts/pg-up.sh)
  eval "$PG_EXPORTS"
  PG_STARTED=1
  export HALYARD_PG_DIR TEST_DATABASE_URL
fi

step "cargo fmt" cargo fmt --all --check
step "cargo clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
step "cargo test" cargo test --workspace
step "build wasm" scripts/build-wasm.sh
step "sdk-js build" npm --prefix sdk-js run build
step "sdk-js test" npm --prefix sdk-js test

SUMMARY=$(printf '%s, ' "${PASSED[@]}")
echo "make test: OK in $((SECONDS - START)) s: ${SUMMARY%, }"
