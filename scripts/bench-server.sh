#!/usr/bin/env bash
# Load benchmark of Halyard's SDK-facing endpoints (a benchmark, not a test).
#
# Builds the release `halyard` and the `ceiling` example (a bare hyper server
# that serves the same prepared bytes), starts Halyard on SQLite with the demo
# data, generates a datafile of about 100 KB, and runs wrk against
#   - GET /api/sdk/datafile/{sdkKey}: 200 (identity and brotli) and 304, for the
#     demo's small datafile and the big one, and the ceiling with the same bytes;
#   - POST …/environments/{envId}/evaluate (management API, all flags);
#   - POST /ofrep/v1/evaluate/flags (OFREP bulk) and …/flags/{key} (single).
# Halyard (and the ceiling) run on CPU 0 with one Tokio worker, wrk on CPU 1:
# the figures are per CPU, comparable with Unleash Edge's published 6,900 req/s
# per CPU on a 100 KB dataset.
#
# Usage: scripts/bench-server.sh [seconds per run (default 10)]
# Each figure is the best of BENCH_REPEAT runs (default 3): on a shared machine
# other processes only ever slow a run down.
# Environment: BENCH_CONNECTIONS (default 32), BENCH_PORT (default 18080),
# BENCH_FLAGS (flags of the big datafile, default 110), BENCH_NO_BUILD=1 (use
# the binaries already in CARGO_TARGET_DIR/release), CARGO_TARGET_DIR.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${1:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
REPEAT=${BENCH_REPEAT:-3}
PORT=${BENCH_PORT:-18080}
CEILING_PORT=$((PORT + 10))
FLAGS=${BENCH_FLAGS:-110}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
TOKEN=bench-admin-token-$RANDOM$RANDOM$RANDOM
HZ=$(getconf CLK_TCK)
BASE=http://127.0.0.1:$PORT

for tool in wrk curl jq taskset; do
  command -v "$tool" >/dev/null || { echo "bench-server: $tool is missing (apt-get install -y wrk curl jq util-linux)" >&2; exit 1; }
done
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet -p control-plane --bin halyard --example ceiling)
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() { # url
  for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "bench-server: $1 did not come up" >&2; cat "$WORK"/*.log >&2; exit 1
}

api() { # method path [json]
  curl -sf -X "$1" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    ${3:+--data "$3"} "$BASE$2"
}

taskset -c 0 env TOKIO_WORKER_THREADS=1 RUST_LOG=warn \
  DATABASE_URL="sqlite://$WORK/halyard.db?mode=rwc" HALYARD_BIND="127.0.0.1:$PORT" \
  HALYARD_ADMIN_TOKEN="$TOKEN" HALYARD_DEMO=1 "$TARGET/release/halyard" >"$WORK/halyard.log" 2>&1 &
HALYARD=$!
PIDS+=($HALYARD)
wait_for "$BASE/readyz"

DEMO=/api/orgs/demo/projects/default
SMALL_KEY=$(api GET "$DEMO/environments/production" | jq -r .data.sdkKey)

# The big datafile: a project whose production environment publishes once at the
# end, with audiences, and flags with JSON variations, overrides and two rules each.
BENCH=/api/orgs/bench/projects/default
api POST /api/orgs '{"id":"bench","name":"Benchmark"}' >/dev/null
api PATCH "$BENCH/environments/production" '{"autoPublish":false}' >/dev/null
AUDIENCES=()
for a in $(seq 1 8); do
  AUDIENCES+=("$(api POST "$BENCH/audiences" "$(jq -nc --arg a "$a" '{key:"segment-\($a)", name:"Segment \($a)",
    included:{userId:["vip-\($a)-1","vip-\($a)-2","vip-\($a)-3"]},
    conditions:{all:[{attribute:"country",op:"in",values:["NO","SE","DK","FI","IS"]},
                     {attribute:"appVersion",op:"semverGte",value:"2.\($a).0"},
                     {attribute:"email",op:"endsWith",value:"@example\($a).com",caseInsensitive:true}]}}')" \
    | jq -r .data.id)")
done
for f in $(seq 1 "$FLAGS"); do
  flag=$(api POST "$BENCH/flags" "$(jq -nc --arg f "$f" '{key:"feature_\($f)", name:"Feature \($f)", type:"JSON",
    variations:[{key:"control",value:"{\"layout\":\"classic\",\"limit\":10,\"theme\":\"light\"}"},
                {key:"treatment_a",value:"{\"layout\":\"grid\",\"limit\":20,\"theme\":\"dark\"}"},
                {key:"treatment_b",value:"{\"layout\":\"list\",\"limit\":30,\"theme\":\"auto\"}"}]}')")
  ids=($(jq -r '.data.variations[].id' <<<"$flag"))
  audience=${AUDIENCES[$((f % ${#AUDIENCES[@]}))]}
  api PATCH "$BENCH/flags/feature_$f/envs/production" "{\"enabled\":true,\"defaultVariationId\":\"${ids[0]}\"}" >/dev/null
  api PUT "$BENCH/flags/feature_$f/envs/production/overrides" "$(jq -nc --arg v "${ids[1]}" '{overrides:[{attribute:"userId",
    values:["qa-1","qa-2","qa-3","qa-4","qa-5","qa-6","qa-7","qa-8"], variationId:$v}]}')" >/dev/null
  api POST "$BENCH/flags/feature_$f/envs/production/rules" "$(jq -nc --arg a "${ids[0]}" --arg b "${ids[1]}" --arg c "${ids[2]}" \
    '{type:"AB_TEST", name:"three-way test", trafficAllocation:0.8,
      variations:[{variationId:$a,percentage:0.34},{variationId:$b,percentage:0.33},{variationId:$c,percentage:0.33}]}')" >/dev/null
  api POST "$BENCH/flags/feature_$f/envs/production/rules" "$(jq -nc --arg b "${ids[1]}" --arg s "$audience" \
    '{type:"TARGETED_DELIVERY", name:"segment rollout", audienceIds:[$s], variations:[{variationId:$b,percentage:1}]}')" >/dev/null
done
api POST "$BENCH/environments/production/publish" >/dev/null
BIG_KEY=$(api GET "$BENCH/environments/production" | jq -r .data.sdkKey)

for size in small big; do
  key_var=${size^^}_KEY
  url="$BASE/api/sdk/datafile/${!key_var}"
  curl -sf -H 'accept-encoding: identity' -o "$WORK/$size.json" "$url"
  curl -sf -H 'accept-encoding: br' -o "$WORK/$size.br" "$url"
done
echo "datafiles: small $(stat -c %s "$WORK/small.json") B (br $(stat -c %s "$WORK/small.br") B)," \
  "big $(stat -c %s "$WORK/big.json") B (br $(stat -c %s "$WORK/big.br") B, $FLAGS flags)"
echo "wrk: 1 thread on CPU 1, $CONNECTIONS connections, best of $REPEAT runs of ${DURATION}s; server: CPU 0, 1 worker"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-40s | %9s | %8s | %8s | %7s | %8s |\n' scenario 'req/s' p50 p99 'CPU µs' 'req/s/CPU'
echo "|------------------------------------------|-----------|----------|----------|---------|----------|"

cpu_ticks() { # pid → user + system CPU time in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# name, server pid, wrk arguments…: the best of $REPEAT runs (other processes
# only ever slow a run down), and the server's CPU time per request, which
# contention does not change: "per CPU" is 1 s divided by it.
run() {
  local name=$1 pid=$2 out best=0 best_out= cpu_us=
  shift 2
  for _ in $(seq 1 "$REPEAT"); do
    local before after rps requests
    before=$(cpu_ticks "$pid")
    out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
    after=$(cpu_ticks "$pid")
    if grep -q 'Non-2xx or 3xx' <<<"$out"; then
      echo "bench-server: $name got error responses:" >&2; echo "$out" >&2; exit 1
    fi
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    if awk -v a="$rps" -v b="$best" 'BEGIN {exit !(a > b)}'; then
      best=$rps; best_out=$out
      cpu_us=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$HZ" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
    fi
  done
  local p50 p99 per_cpu
  p50=$(awk '$1 == "50%" {print $2}' <<<"$best_out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$best_out")
  per_cpu=$(awk -v us="$cpu_us" 'BEGIN {printf "%.0f", (us > 0 ? 1e6 / us : 0)}')
  printf '| %-40s | %9s | %8s | %8s | %7s | %8s |\n' "$name" "$best" "$p50" "$p99" "$cpu_us" "$per_cpu"
  echo "$name|$best|$per_cpu" >>"$WORK/results"
}

post_script() { # file, body, header lines…
  local file=$1 body=$2
  shift 2
  { echo 'wrk.method = "POST"'
    printf 'wrk.body = %s\n' "$(jq -Rn --arg b "$body" '$b')"
    for header in "$@"; do printf 'wrk.headers["%s"] = "%s"\n' "${header%%:*}" "${header#*: }"; done
  } >"$file"
}

for size in small big; do
  key_var=${size^^}_KEY
  url="$BASE/api/sdk/datafile/${!key_var}"
  etag=$(curl -sf -o /dev/null -D - -H 'accept-encoding: identity' "$url" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
  run "halyard $size 200 identity" "$HALYARD" -H 'accept-encoding: identity' "$url"
  run "halyard $size 200 br" "$HALYARD" -H 'accept-encoding: gzip, deflate, br' "$url"
  run "halyard $size 304" "$HALYARD" -H 'accept-encoding: identity' -H "if-none-match: $etag" "$url"
  for encoding in json br; do
    coding=$([ "$encoding" = br ] && echo br || true)
    taskset -c 0 env TOKIO_WORKER_THREADS=1 "$TARGET/release/examples/ceiling" "$WORK/$size.$encoding" \
      "127.0.0.1:$CEILING_PORT" $coding >"$WORK/ceiling.log" 2>&1 &
    ceiling=$!
    wait_for "http://127.0.0.1:$CEILING_PORT/"
    label=$([ "$encoding" = br ] && echo br || echo identity)
    run "ceiling $size 200 $label" "$ceiling" "http://127.0.0.1:$CEILING_PORT/"
    if [ "$encoding" = json ]; then
      tag=$(curl -sf -o /dev/null -D - "http://127.0.0.1:$CEILING_PORT/" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
      run "ceiling $size 304" "$ceiling" -H "if-none-match: $tag" "http://127.0.0.1:$CEILING_PORT/"
    fi
    kill "$ceiling"; wait "$ceiling" 2>/dev/null || true
  done
done

run "halyard GET /healthz (router, middleware)" "$HALYARD" "$BASE/healthz"

CONTEXT='{"targetingKey":"user-4711","country":"NO","appVersion":"2.5.0","email":"kari@example5.com"}'
post_script "$WORK/evaluate.lua" "{\"context\":{\"key\":\"user-4711\",\"appVersion\":\"2.5.0\",\"attributes\":{\"country\":\"NO\",\"email\":\"kari@example5.com\"}}}" \
  "content-type: application/json" "authorization: Bearer $TOKEN"
run "evaluate (management) big, all flags" "$HALYARD" -s "$WORK/evaluate.lua" "$BASE$BENCH/environments/production/evaluate"
post_script "$WORK/ofrep-bulk.lua" "{\"context\":$CONTEXT}" "content-type: application/json" "authorization: Bearer $BIG_KEY"
run "ofrep bulk big, all flags" "$HALYARD" -s "$WORK/ofrep-bulk.lua" "$BASE/ofrep/v1/evaluate/flags"
post_script "$WORK/ofrep-one.lua" "{\"context\":$CONTEXT}" "content-type: application/json" "authorization: Bearer $BIG_KEY"
run "ofrep single big" "$HALYARD" -s "$WORK/ofrep-one.lua" "$BASE/ofrep/v1/evaluate/flags/feature_42"

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "halyard / ceiling (req/s, and req/s per CPU from CPU time per request):"
awk -F'|' '{rps[$1] = $2; cpu[$1] = $3} END {
  split("small 200 identity|small 200 br|small 304|big 200 identity|big 200 br|big 304", names, "|")
  for (i = 1; i <= 6; i++) {
    h = "halyard " names[i]; c = "ceiling " names[i]
    if (rps[h] != "" && rps[c] != "")
      printf "  %-18s %4.0f%%  %4.0f%%\n", names[i], 100 * rps[h] / rps[c], 100 * cpu[h] / cpu[c]
  }
}' "$WORK/results"
