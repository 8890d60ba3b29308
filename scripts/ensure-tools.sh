#!/usr/bin/env bash
# Installs what the test command needs, one line per step, each step quick when
# already done: the wasm32 target, the wasm-bindgen CLI at the Cargo.lock version,
# wasm-pack, Chromium and the PostgreSQL server (Debian packages), and sdk-js's npm
# packages. Only the package registries are used (crates.io, Debian, npm).
#   --sdk  only what building the SDK needs (the run command's playground):
#          no Chromium, no PostgreSQL.
set -euo pipefail
SDK_ONLY=
[ "${1:-}" = "--sdk" ] && SDK_ONLY=1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
LOGS=$ROOT/target/ensure-tools
mkdir -p "$LOGS"

say() { printf 'ensure-tools: %-14s %s\n' "$1" "$2"; }

# Runs a slow install with its output in a log; prints the log's tail when it fails.
run_logged() {
  local name=$1 start=$SECONDS
  shift
  if ! "$@" >"$LOGS/$name.log" 2>&1; then
    say "$name" "FAILED: $* (log: $LOGS/$name.log)"
    # the cause is near the top for npm and apt, near the end for cargo
    if [ "$(wc -l <"$LOGS/$name.log")" -le 40 ]; then
      cat "$LOGS/$name.log" >&2
    else
      head -n 20 "$LOGS/$name.log" >&2
      echo "    [...]" >&2
      tail -n 20 "$LOGS/$name.log" >&2
    fi
    exit 1
  fi
  LAST_SECONDS=$((SECONDS - start))
}

APT_UPDATED=
apt_install() {
  local name=$1
  shift
  if [ "$(id -u)" != 0 ]; then
    say "$name" "MISSING: run as root: apt-get update && apt-get install -y $*"
    exit 1
  fi
  if [ -z "$APT_UPDATED" ]; then
    run_logged apt-update apt-get update
    APT_UPDATED=1
  fi
  run_logged "$name" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

# 1. Rust's WebAssembly target.
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say wasm32 "present"
else
  run_logged wasm32 rustup target add wasm32-unknown-unknown
  say wasm32 "installed in ${LAST_SECONDS} s"
fi

# 2. wasm-bindgen CLI: must equal the crate version in Cargo.lock exactly. Not
#    --locked: the registry mirror lacks a pinned transitive version (TOOLCHAIN.md §1.2).
WBG=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WBG" ] || { say wasm-bindgen "FAILED: no wasm-bindgen in Cargo.lock"; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WBG" ]; then
  say wasm-bindgen "$WBG present"
else
  run_logged wasm-bindgen cargo install wasm-bindgen-cli --version "$WBG" --force
  say wasm-bindgen "$WBG installed in ${LAST_SECONDS} s"
fi

# 3. wasm-pack (scripts/build-wasm.sh runs it with --mode no-install --no-opt).
if command -v wasm-pack >/dev/null; then
  say wasm-pack "$(wasm-pack --version 2>/dev/null | awk '{print $2}') present"
else
  run_logged wasm-pack cargo install wasm-pack --locked
  say wasm-pack "installed in ${LAST_SECONDS} s"
fi

# 4. Chromium for the browser tests (never Playwright's own download).
if [ -n "$SDK_ONLY" ]; then
  say chromium "not needed to build the SDK"
elif [ -x /usr/bin/chromium ]; then
  say chromium "present"
else
  apt_install chromium chromium
  say chromium "installed in ${LAST_SECONDS} s"
fi

# 5. PostgreSQL server binaries for scripts/pg-up.sh.
if [ -n "$SDK_ONLY" ]; then
  say postgresql "not needed to build the SDK"
elif compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  say postgresql "$(basename "$(dirname "$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")")") present"
else
  apt_install postgresql postgresql
  say postgresql "installed in ${LAST_SECONDS} s"
fi

# 6. sdk-js's npm packages; npm writes node_modules/.package-lock.json on every install.
#    `npm ci` refuses a lockfile without other platforms' optional packages (deno,
#    workerd), and a registry mirror may not carry those: then `npm install --no-save`
#    installs the same locked versions without rewriting the lockfile.
if [ ! -f sdk-js/package-lock.json ]; then
  say sdk-js "no sdk-js/package-lock.json yet, skipped"
elif [ sdk-js/node_modules/.package-lock.json -nt sdk-js/package-lock.json ]; then
  say sdk-js "node_modules up to date"
elif npm --prefix sdk-js ci --no-audit --no-fund >"$LOGS/npm-ci.log" 2>&1; then
  say sdk-js "npm ci done"
else
  run_logged npm-install npm --prefix sdk-js install --no-save --no-audit --no-fund
  say sdk-js "npm install --no-save in ${LAST_SECONDS} s (npm ci refused the lockfile: $LOGS/npm-ci.log)"
fi
