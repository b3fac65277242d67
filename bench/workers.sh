#!/usr/bin/env bash
# Workers benchmark: flow on PostgreSQL with 1, 2 and 4 `flow worker` processes, the same workload on DBOS with its
# system database on the same PostgreSQL server, flow on SQLite with one worker, and the time from a worker's
# SIGKILL to the resumed execution's next event, all in one run (bench/workers.py does the work).
#
#   bench/workers.sh [--executions 1000] [--concurrency 8] [--delay 0.05] [--runs 3] [--lease 2] [--skip-dbos]
#
# The workload is 1,000 executions of bench/workers-pipeline.yaml (five flow:echo Task steps), queued with
# `flow run --queue` before the workers start, in two flavours: steps that return at once, and steps that sleep
# --delay seconds (I/O-bound). PostgreSQL: FLOW_BENCH_POSTGRES_URL (postgresql://user@host:port/db; the benchmark
# makes schemas and a `dbos_bench` database there), else a throw-away cluster started here as .ci/postgres-cluster.sh
# does, but with PostgreSQL's default durability (fsync=on, synchronous_commit=on), as a real server runs.
# DBOS is installed with pip into BENCH_VENV (default bench/.venv, gitignored). Set FLOW_BIN to use an already built
# `flow`. Prints a table per run, the medians over the runs, then one JSON line per configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"

VENV=${BENCH_VENV:-bench/.venv}
if ! "$VENV/bin/python" -c "import dbos, psycopg" 2>/dev/null; then
  echo "installing dbos (and psycopg) with pip into $VENV (only this benchmark needs them)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet dbos "psycopg[binary]" >&2
fi
if [ -z "${FLOW_BIN:-}" ]; then
  swift build -c release --product flow >&2
  FLOW_BIN="$(swift build -c release --show-bin-path)/flow"
fi

if [ -z "${FLOW_BENCH_POSTGRES_URL:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$pg_bin" ] || { echo "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
  pg_dir=$(mktemp -d /tmp/flow-bench-pg.XXXXXX)
  chown postgres: "$pg_dir"
  pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  stop_pg() {
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  }
  trap stop_pg EXIT
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; exit 1; }
  # Only what a benchmark needs beyond the defaults: room for the connections. fsync and synchronous_commit stay on.
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
    || { cat "$pg_dir/server.log" >&2; exit 1; }
  runuser -u postgres -- "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres flowbench
  FLOW_BENCH_POSTGRES_URL="postgresql://postgres@127.0.0.1:$pg_port/flowbench"
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') at $FLOW_BENCH_POSTGRES_URL (fsync=on, synchronous_commit=on)" >&2
fi

"$VENV/bin/python" bench/workers.py --flow "$FLOW_BIN" --postgres "$FLOW_BENCH_POSTGRES_URL" --out "$OUT" "$@"
