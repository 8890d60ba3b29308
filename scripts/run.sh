#!/usr/bin/env bash
# The run command (`make run`): the control plane (binary `halyard`) in release
# mode with its zero-config defaults: embedded SQLite and demo data. HALYARD_*
# environment variables and any arguments pass through to the binary.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
exec cargo run --release --quiet -p control-plane --bin halyard -- "$@"
