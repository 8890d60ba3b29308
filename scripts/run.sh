#!/usr/bin/env bash
# The run command (`make run`): builds the SDK the playground (/playground)
# loads, then runs the control plane (binary `halyard`) in release mode with
# its zero-config defaults: embedded SQLite under ./data and demo data.
# HALYARD_* environment variables and any arguments pass through to the binary.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/ensure-tools.sh --sdk
scripts/build-wasm.sh >/dev/null
npm --prefix sdk-js run --silent build >/dev/null
echo "run: SDK built for /playground; starting halyard (first build in release mode takes a few minutes)"
exec cargo run --release --quiet -p control-plane --bin halyard -- "$@"
