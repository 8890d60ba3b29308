#!/usr/bin/env bash
# Builds evaluator-wasm into sdk-js/src/wasm/ (generated, git-ignored): wasm-pack with the
# wasm-bindgen CLI from PATH (exactly the Cargo.lock version; wasm-pack must not download
# anything), then wasm-opt -Oz from npm binaryen (Debian's binaryen breaks the module).
# Prints the raw and gzip sizes of what ships.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# HALYARD_WASM_OUT builds elsewhere (size experiments that must not touch the SDK's copy).
OUT=${HALYARD_WASM_OUT:-$ROOT/sdk-js/src/wasm}
NAME=evaluator_wasm
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target/wasm}

LOCKED=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $LOCKED" ]; then
  echo "build-wasm: need wasm-bindgen $LOCKED on PATH (Cargo.lock); run scripts/ensure-tools.sh" >&2
  exit 1
fi
command -v wasm-pack >/dev/null || { echo "build-wasm: wasm-pack missing; run scripts/ensure-tools.sh" >&2; exit 1; }
WASM_OPT=$ROOT/sdk-js/node_modules/.bin/wasm-opt
[ -x "$WASM_OPT" ] || (cd "$ROOT/sdk-js" && npm ci --no-audit --no-fund)

rm -rf "$OUT"
wasm-pack --quiet build "$ROOT/evaluator-wasm" --mode no-install --no-opt --no-pack --no-gitignore \
  --profile wasm-release --target web --out-dir "$OUT" --out-name "$NAME"
# -Oz also drops the name section; --converge repeats it while the module
# shrinks (-150 B gzip); --strip-producers drops the toolchain banner and
# --strip-target-features the feature list wasm-bindgen needed (runtimes do not).
"$WASM_OPT" -Oz --converge --strip-producers --strip-target-features \
  "$OUT/${NAME}_bg.wasm" -o "$OUT/${NAME}_bg.wasm"
rm -f "$OUT/README.md" "$OUT/package.json"

size() { printf '%-28s %8d B raw %8d B gzip\n' "$(basename "$1")" "$(wc -c <"$1")" "$(gzip -9c "$1" | wc -c)"; }
size "$OUT/${NAME}_bg.wasm"
size "$OUT/$NAME.js"
