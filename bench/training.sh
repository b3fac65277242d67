#!/usr/bin/env bash
# Benchmark FlowTraining against scikit-learn on the same CSV files and the same train/test split.
#
#   bench/training.sh [--rows N] [--models a,b,...] [--datasets digits,synthetic] [--repeat N]
#
# Builds flow-train-bench in release mode, runs it (it writes bench/out/synthetic.csv and the split
# files), runs bench/sklearn_compare.py on two threads (installing scikit-learn with pip if it is
# missing), prints both side by side, and ends with one JSON object per line:
#   {"dataset", "model", "tool": "flow"|"sklearn", "threads", "fit_seconds", "test_accuracy", "test_log_loss"}
# Set FLOW_TRAIN_BENCH_BIN to use an already built flow-train-bench binary.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=2
FLOW_ARGS=()
PY_ARGS=(--threads "$THREADS")
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) FLOW_ARGS+=(--rows "$2"); shift 2 ;;
    --models|--datasets|--repeat) FLOW_ARGS+=("$1" "$2"); PY_ARGS+=("$1" "$2"); shift 2 ;;
    *) echo "usage: bench/training.sh [--rows N] [--models a,b] [--datasets digits,synthetic] [--repeat N]" >&2; exit 2 ;;
  esac
done
mkdir -p bench/out

if [ -z "${FLOW_TRAIN_BENCH_BIN:-}" ]; then
  swift build -c release --product flow-train-bench >&2
  FLOW_TRAIN_BENCH_BIN="$(swift build -c release --show-bin-path)/flow-train-bench"
fi
echo "== flow (FlowTraining, release build)" >&2
"$FLOW_TRAIN_BENCH_BIN" "${FLOW_ARGS[@]}" >&2

if ! python3 -c "import sklearn, threadpoolctl" 2>/dev/null; then
  echo "installing scikit-learn with pip (only this script needs it)" >&2
  python3 -m pip install --quiet scikit-learn >&2
fi
echo "== scikit-learn $(python3 -c 'import sklearn; print(sklearn.__version__)'), $THREADS threads" >&2
python3 bench/sklearn_compare.py "${PY_ARGS[@]}" > bench/out/sklearn-results.jsonl

python3 - <<'PY'
import json
rows = [json.loads(l) for f in ("bench/out/flow-results.jsonl", "bench/out/sklearn-results.jsonl") for l in open(f) if l.strip()]
table = {}
for r in rows:
    table.setdefault((r["dataset"], r["model"]), {})[r["tool"]] = r
print()
print(f"{'dataset':16} {'model':20} {'flow fit s':>11} {'sklearn fit s':>14} {'speed-up':>9} {'flow acc':>9} {'sklearn acc':>12} {'flow logloss':>13} {'sklearn logloss':>16}")
for (dataset, model), tools in table.items():
    f, s = tools.get("flow"), tools.get("sklearn")
    fs = f"{f['fit_seconds']:.3f}" if f else "-"
    ss = f"{s['fit_seconds']:.3f}" if s else "-"
    speed = f"{s['fit_seconds'] / max(f['fit_seconds'], 1e-4):.2f}x" if f and s else "-"
    fa = f"{f['test_accuracy']:.4f}" if f else "-"
    sa = f"{s['test_accuracy']:.4f}" if s else "-"
    fl = f"{f['test_log_loss']:.4f}" if f and "test_log_loss" in f else "-"
    sl = f"{s['test_log_loss']:.4f}" if s and "test_log_loss" in s else "-"
    print(f"{dataset:16} {model:20} {fs:>11} {ss:>14} {speed:>9} {fa:>9} {sa:>12} {fl:>13} {sl:>16}")
print()
for r in rows:
    print(json.dumps(r))
PY
