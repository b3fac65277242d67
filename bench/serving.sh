#!/usr/bin/env bash
# Serving benchmark: single-row predictions of a digits model by `flow serve` and by a minimal
# FastAPI + uvicorn server (one worker) wrapping scikit-learn's LogisticRegression, both loaded the
# same way by wrk from a second process on 127.0.0.1, in the same run.
#
#   bench/serving.sh [--duration 15] [--threads 2] [--connections 16]
#
# Both servers answer with the same model: bench/fastapi_server.py fits StandardScaler +
# LogisticRegression on the digits training rows and exports it as a flow model artifact, which
# `flow serve` loads (set MODEL=path to serve another flow artifact, e.g. one `flow run
# pipelines/digits.yaml` trained). Needs wrk (Debian package `wrk`) and python3; installs fastapi,
# uvicorn and scikit-learn with pip when missing. Set FLOW_BIN to use an already built `flow`.
# Prints a table, then one JSON line per server: {"server", "requests_per_second", "p50_ms", "p99_ms"}.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=15 THREADS=2 CONNECTIONS=16
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    *) echo "usage: bench/serving.sh [--duration SECONDS] [--threads N] [--connections N]" >&2; exit 2 ;;
  esac
done
FLOW_PORT=${FLOW_PORT:-8090} FASTAPI_PORT=${FASTAPI_PORT:-8091}
OUT=bench/out
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 1; }
if ! python3 -c "import fastapi, uvicorn, sklearn" 2>/dev/null; then
  echo "installing fastapi, uvicorn and scikit-learn with pip (only this script needs them)" >&2
  python3 -m pip install --quiet fastapi uvicorn scikit-learn >&2
fi
if [ -z "${FLOW_BIN:-}" ]; then
  swift build -c release --product flow >&2
  FLOW_BIN="$(swift build -c release --show-bin-path)/flow"
fi

# The request rows: the digits test rows when flow-train-bench wrote the split, else every row; no target.
python3 - "$OUT/serving-rows.csv" <<'PY'
import json, os, sys
lines = open("data/digits.csv").read().splitlines()[1:]
split = "bench/out/digits.split.json"
if os.path.exists(split):
    lines = [lines[i] for i in json.load(open(split))["test"]]
open(sys.argv[1], "w").write("".join(line.rsplit(",", 1)[0] + "\n" for line in lines))
PY
MODEL=${MODEL:-$OUT/serving-digits-model.json}
[ -f "$MODEL" ] && [ "$MODEL" != "$OUT/serving-digits-model.json" ] || python3 bench/fastapi_server.py export "$MODEL"

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_for() {  # URL
  for _ in $(seq 1 300); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "no answer from $1" >&2; exit 1
}

"$FLOW_BIN" serve --model "digits=$MODEL" --port "$FLOW_PORT" --quiet > "$OUT/serving-flow.log" 2>&1 &
PIDS+=($!)
python3 bench/fastapi_server.py serve --port "$FASTAPI_PORT" > "$OUT/serving-fastapi.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$FLOW_PORT/ping"
wait_for "http://127.0.0.1:$FASTAPI_PORT/ping"

# Same model, same answers: compare the labels of the first 200 rows.
python3 - "$FLOW_PORT" "$FASTAPI_PORT" "$OUT/serving-rows.csv" <<'PY'
import json, sys, urllib.request
def labels(port, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/invocations", data=body.encode(), headers={"Content-Type": "text/csv"})
    return [p["label"] for p in json.load(urllib.request.urlopen(request))["predictions"]]
body = "".join(open(sys.argv[3]).readlines()[:200])
flow, fastapi = labels(sys.argv[1], body), labels(sys.argv[2], body)
agree = sum(a == b for a, b in zip(flow, fastapi))
print(f"labels agree on {agree}/{len(flow)} rows", file=sys.stderr)
PY

measure() {  # NAME PORT
  echo "== $1: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, single-row text/csv POST /invocations" >&2
  curl -sf -H 'Content-Type: text/csv' --data-binary @<(head -1 "$OUT/serving-rows.csv") "http://127.0.0.1:$2/invocations" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d2s -s bench/serving_load.lua "http://127.0.0.1:$2" >/dev/null  # warm-up
  ROWS_FILE="$OUT/serving-rows.csv" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/serving_load.lua \
    "http://127.0.0.1:$2" | tee "$OUT/serving-$1.wrk" >&2
  tail -1 "$OUT/serving-$1.wrk" | python3 -c "import json,sys; r=json.load(sys.stdin); r['server']='$1'; print(json.dumps(r))"
}
RESULTS=$( { measure flow "$FLOW_PORT"; measure fastapi "$FASTAPI_PORT"; } )

python3 - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(line) for line in sys.argv[1].splitlines() if line.strip()]
by = {r["server"]: r for r in rows}
print()
print(f"{'server':<10} {'requests/s':>12} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7}")
for r in rows:
    print(f"{r['server']:<10} {r['requests_per_second']:>12,.0f} {r['p50_ms']:>9.3f} {r['p99_ms']:>9.3f} {r['errors']:>7}")
if "flow" in by and "fastapi" in by and by["fastapi"]["requests_per_second"] > 0:
    ratio = by["flow"]["requests_per_second"] / by["fastapi"]["requests_per_second"]
    goal = "met" if ratio >= 5 and by["flow"]["p99_ms"] < 5 else "NOT met"
    print(f"\nflow/fastapi throughput: {ratio:.1f}x, flow p99 {by['flow']['p99_ms']:.2f} ms (goal: >= 5x and p99 < 5 ms: {goal})")
print()
for r in rows:
    print(json.dumps({"server": r["server"], "requests_per_second": round(r["requests_per_second"], 1),
                      "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"]}))
PY
