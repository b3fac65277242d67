#!/usr/bin/env python3
"""bench/workers.sh's driver: flow workers on PostgreSQL and SQLite, and DBOS, on one workload; worker death.

  workers.py --flow BIN --postgres postgresql://user@host:port/db [--executions 1000] [--concurrency 8]
             [--delay 0.05] [--runs 3] [--lease 2] [--workers 1,2,4] [--skip-dbos] [--skip-death]

Each configuration gets a fresh store (a PostgreSQL schema, a SQLite file, or the `dbos_bench` database) and a
fresh project directory under --out. The executions are queued first (`flow run --queue`, several at once; DBOS:
`DBOS.enqueue_workflow` from a process that listens to no queue), then the workers start; the time is measured
from starting the workers (DBOS: from its launch's end or its first workflow's start, whichever came first) to the
last execution's stop time as the store recorded it. Worker death: a worker running an execution (steps of 1 s) is SIGKILLed, and the time from the kill to
the execution's next event (committed by the other worker) is measured, for a worker on this host (found dead by
its PID) and for one that looks like another host (`unshare --uts`, hostname `otherhost`: only its lease expiry
frees the execution). Prints a table per run, the medians, then one JSON line per configuration.
"""
import argparse
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg

HERE = os.path.dirname(os.path.abspath(__file__))
PIPELINE = os.path.join(HERE, "workers-pipeline.yaml")
STEPS = 5


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Postgres:
    """The benchmark's server: flow schemas in the URL's database, DBOS's system database beside it."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.parts = parts._replace(query="", fragment="")
        self.url = urllib.parse.urlunsplit(self.parts)

    def with_database(self, name):
        return urllib.parse.urlunsplit(self.parts._replace(path="/" + name))

    def flow_url(self, schema):
        return f"{self.url}?sslmode=disable&schema={schema}"

    def connect(self, url=None):
        return psycopg.connect(url or self.url, autocommit=True)

    def drop_schema(self, schema):
        with self.connect() as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def drop_database(self, name):
        with self.connect() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class FlowStore:
    """Where one flow configuration keeps its executions, and how the driver reads their progress."""

    def __init__(self, kind, project, postgres=None):
        self.kind, self.project, self.postgres = kind, project, postgres
        if kind == "postgresql":
            self.schema = "bench_" + uuid.uuid4().hex[:12]
            self.argument = postgres.flow_url(self.schema)
        else:
            self.argument = os.path.join(project, ".flow", "flow.db")

    def query(self, sql, params=()):
        if self.kind == "postgresql":
            with self.postgres.connect() as db:
                db.execute(f'SET search_path TO "{self.schema}"')
                return db.execute(sql.replace("?", "%s"), params).fetchall()
        if not os.path.exists(self.argument):
            return []
        db = sqlite3.connect(f"file:{self.argument}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def progress(self):
        """(succeeded, ended otherwise, last stop time)."""
        rows = self.query("SELECT "
                          "COALESCE(SUM(CASE WHEN status = 'SUCCEEDED' THEN 1 ELSE 0 END), 0), "
                          "COALESCE(SUM(CASE WHEN status NOT IN ('RUNNING', 'SUCCEEDED') THEN 1 ELSE 0 END), 0), "
                          "MAX(stop_time) FROM executions")
        return rows[0] if rows else (0, 0, None)

    def drop(self):
        if self.kind == "postgresql":
            self.postgres.drop_schema(self.schema)


def make_project(out):
    project = tempfile.mkdtemp(prefix="workers-", dir=out)
    os.makedirs(os.path.join(project, ".flow"))
    shutil.copy(PIPELINE, os.path.join(project, "workers-pipeline.yaml"))
    return project


def queue_executions(flow, store, count, delay, parallelism):
    """`flow run --queue` COUNT times, PARALLELISM at once; returns the seconds it took."""
    value = json.dumps({"DelaySeconds": delay} if delay > 0 else {})
    command = [flow, "run", "workers-pipeline.yaml", "--queue", "--quiet", "--input", value, "--store", store.argument]

    def one(_):
        result = subprocess.run(command, cwd=store.project, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"flow run --queue failed ({result.returncode}): {result.stderr.strip()}")

    started = time.time()
    with ThreadPoolExecutor(parallelism) as pool:
        list(pool.map(one, range(count)))
    return time.time() - started


def start_worker(flow, store, name, concurrency, env=None, other_host=False):
    command = [flow, "worker", "--concurrency", str(concurrency), "--name", name, "--store", store.argument]
    if other_host:
        # A new UTS namespace with another hostname: the owner `otherhost:PID:NAME` can't be checked by PID.
        command = ["unshare", "--uts", "sh", "-c", 'hostname otherhost && exec "$@"', "sh"] + command
    logfile = open(os.path.join(store.project, f"worker-{name}.log"), "w")
    return subprocess.Popen(command, cwd=store.project, stdout=logfile, stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})})


def stop(processes, grace=10):
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.time() + grace
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_done(progress, count, timeout, processes=()):
    """Polls PROGRESS() until COUNT executions succeeded; returns (succeeded, failed, last stop time)."""
    deadline = time.time() + timeout
    while True:
        succeeded, failed, last = progress()
        if succeeded + failed >= count or time.time() > deadline:
            return succeeded, failed, last
        if processes and all(p.poll() is not None for p in processes):
            log("every worker exited before the work was done")
            return succeeded, failed, last
        time.sleep(0.05)


def result_row(system, workload, workers, args, started, outcome, queue_seconds):
    succeeded, failed, last = outcome
    seconds = (last - started) if last else float("nan")
    row = {"benchmark": "workers", "system": system, "workload": workload, "workers": workers,
           "concurrency": args.concurrency, "executions": args.executions, "succeeded": succeeded, "failed": failed,
           "seconds": round(seconds, 3),
           "executions_per_second": round(succeeded / seconds, 1) if seconds > 0 else 0,
           "steps_per_second": round(STEPS * succeeded / seconds, 1) if seconds > 0 else 0,
           "queue_seconds": round(queue_seconds, 1)}
    if succeeded < args.executions:
        log(f"{system} {workload} x{workers}: only {succeeded} of {args.executions} succeeded ({failed} failed)")
    return row


def measure_flow(args, postgres, kind, workers, workload, delay):
    project = make_project(args.out)
    store = FlowStore(kind, project, postgres)
    try:
        queue_seconds = queue_executions(args.flow, store, args.executions, delay, args.queue_parallelism)
        log(f"flow-{kind} {workload} x{workers}: queued {args.executions} in {queue_seconds:.1f} s; starting the workers")
        started = time.time()
        processes = [start_worker(args.flow, store, f"w{i + 1}", args.concurrency) for i in range(workers)]
        try:
            outcome = wait_until_done(store.progress, args.executions, args.timeout, processes)
        finally:
            stop(processes)
        return result_row(f"flow-{kind}", workload, workers, args, started, outcome, queue_seconds)
    finally:
        store.drop()
        if not args.keep:
            shutil.rmtree(project, ignore_errors=True)


def measure_dbos(args, postgres, workload, delay):
    database = "dbos_bench"
    postgres.drop_database(database)
    url = postgres.with_database(database)
    script = os.path.join(HERE, "workers_dbos.py")
    started = time.time()
    subprocess.run([sys.executable, script, "enqueue", url, str(args.executions), str(delay), str(args.concurrency),
                    str(args.dbos_poll)], check=True)
    queue_seconds = time.time() - started
    log(f"dbos {workload}: enqueued {args.executions} in {queue_seconds:.1f} s; starting the worker")
    worker = subprocess.Popen([sys.executable, script, "work", url, str(args.concurrency), str(args.dbos_poll)],
                              stdout=subprocess.PIPE, text=True)
    try:
        launched = float(worker.stdout.readline())
        with postgres.connect(url) as db:
            (first,), = db.execute("SELECT MIN(started_at_epoch_ms) FROM dbos.workflow_status").fetchall()
        started = min(launched, first / 1000) if first else launched

        def progress():
            with postgres.connect(url) as db:
                succeeded, failed, last = db.execute(
                    "SELECT COUNT(*) FILTER (WHERE status = 'SUCCESS'), "
                    "COUNT(*) FILTER (WHERE status NOT IN ('SUCCESS', 'PENDING', 'ENQUEUED', 'DELAYED')), "
                    "MAX(updated_at) FILTER (WHERE status = 'SUCCESS') FROM dbos.workflow_status").fetchone()
            return succeeded, failed, last / 1000 if last else None

        outcome = wait_until_done(progress, args.executions, args.timeout, [worker])
    finally:
        stop([worker])
        postgres.drop_database(database)
    return result_row("dbos-postgresql", workload, 1, args, started, outcome, queue_seconds)


def measure_death(args, postgres, other_host):
    """SIGKILLs a worker mid-step; returns the seconds from the kill to the execution's next event."""
    path = "other-host" if other_host else "same-host"
    project = make_project(args.out)
    store = FlowStore("postgresql", project, postgres)
    env = {"FLOW_LEASE_SECONDS": str(args.lease)}
    processes = []
    try:
        victim = start_worker(args.flow, store, "victim", 1, env, other_host=other_host)
        processes.append(victim)
        time.sleep(0.5)
        queue_executions(args.flow, store, 1, 1.0, 1)
        deadline = time.time() + 60
        while not store.query("SELECT id FROM executions WHERE owner LIKE ?", ("%:victim",)):
            if time.time() > deadline or victim.poll() is not None:
                raise RuntimeError(f"{path}: the victim worker never claimed the execution")
            time.sleep(0.02)
        (execution,), = store.query("SELECT id FROM executions")
        processes.append(start_worker(args.flow, store, "survivor", 1, env))
        time.sleep(1.7)  # the survivor is up; the victim is inside its second 1-second step
        (owner, lease_until), = store.query("SELECT owner, lease_until FROM executions")
        killed = time.time()
        victim.kill()
        victim.wait()
        deadline = killed + args.lease + 30
        while True:
            (first,), = store.query("SELECT MIN(timestamp) FROM events WHERE execution_id = ? AND timestamp > ?",
                                    (execution, killed))
            if first is not None or time.time() > deadline:
                break
            time.sleep(0.01)
        outcome = wait_until_done(store.progress, 1, 60)
        (new_owner,), = store.query("SELECT owner FROM executions")
        seconds = (first - killed) if first is not None else float("nan")
        log(f"worker death ({path}): owner {owner} killed, next event after {seconds:.2f} s, "
            f"execution {'SUCCEEDED' if outcome[0] == 1 else 'NOT finished'}")
        return {"benchmark": "worker-death", "path": path, "lease_seconds": args.lease,
                "seconds_to_next_event": round(seconds, 3), "lease_left_at_kill": round(lease_until - killed, 3),
                "goal_seconds": args.lease + 1, "succeeded": outcome[0] == 1,
                "owner_before": owner, "owner_after": new_owner}
    finally:
        stop(processes)
        store.drop()
        if not args.keep:
            shutil.rmtree(project, ignore_errors=True)


def key(row):
    if row["benchmark"] == "worker-death":
        return ("worker-death", row["path"])
    return (row["system"], row["workload"], row["workers"])


def print_table(rows, title):
    print(f"\n{title}")
    print(f"{'system':<18} {'workload':<12} {'workers':>7} {'seconds':>8} {'executions/s':>13} {'steps/s':>9}")
    for r in rows:
        if r["benchmark"] == "workers":
            print(f"{r['system']:<18} {r['workload']:<12} {r['workers']:>7} {r['seconds']:>8.2f} "
                  f"{r['executions_per_second']:>13,.1f} {r['steps_per_second']:>9,.1f}")
    for r in rows:
        if r["benchmark"] == "worker-death":
            print(f"worker death, {r['path']:<10}: next event {r['seconds_to_next_event']:.2f} s after SIGKILL "
                  f"(lease {r['lease_seconds']} s, {r['lease_left_at_kill']:.2f} s of it left; goal <= "
                  f"{r['goal_seconds']} s)")


def medians(runs):
    """One row per configuration: the median of each figure over the runs, with every run's value."""
    merged = {}
    for rows in runs:
        for row in rows:
            merged.setdefault(key(row), []).append(row)
    out = []
    for rows in merged.values():
        row = dict(rows[0])
        figure = "seconds_to_next_event" if row["benchmark"] == "worker-death" else "steps_per_second"
        for field in ("seconds", "executions_per_second", "steps_per_second", "queue_seconds", "seconds_to_next_event"):
            if field in row:
                row[field] = round(statistics.median(r[field] for r in rows), 3)
        row["runs"] = [r[figure] for r in rows]
        out.append(row)
    return out


def ratios(rows, args):
    by = {key(r): r for r in rows}
    sleep = f"sleep-{args.delay:g}"
    lines = []

    def steps(system, workload, workers):
        row = by.get((system, workload, workers))
        return row["steps_per_second"] if row else None

    for workload in ("instant", sleep):
        dbos = steps("dbos-postgresql", workload, 1)
        one = steps("flow-postgresql", workload, 1)
        best = max((steps("flow-postgresql", workload, w) or 0) for w in args.workers)
        if dbos and one:
            lines.append(f"flow-on-PostgreSQL / DBOS steps/s, {workload}: 1 worker {one / dbos:.1f}x, "
                         f"best of {args.workers} workers {best / dbos:.1f}x (goal >= 5x: "
                         f"{'met' if one / dbos >= 5 else 'NOT met'} with 1 worker)")
    one, two = steps("flow-postgresql", sleep, 1), steps("flow-postgresql", sleep, 2)
    if one and two:
        lines.append(f"2 workers / 1 worker, {sleep}: {two / one:.2f}x (goal >= 1.6x: "
                     f"{'met' if two / one >= 1.6 else 'NOT met'})")
    one, two = steps("flow-postgresql", "instant", 1), steps("flow-postgresql", "instant", 2)
    if one and two:
        lines.append(f"2 workers / 1 worker, instant: {two / one:.2f}x")
    for path in ("same-host", "other-host"):
        row = by.get(("worker-death", path))
        if row:
            lines.append(f"worker death -> resumed, {path}: {row['seconds_to_next_event']:.2f} s "
                         f"(goal <= lease + 1 = {row['goal_seconds']} s: "
                         f"{'met' if row['seconds_to_next_event'] <= row['goal_seconds'] else 'NOT met'})")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flow", required=True, help="the flow binary (a release build)")
    parser.add_argument("--postgres", required=True, help="postgresql://user@host:port/database")
    parser.add_argument("--out", default="bench/out")
    parser.add_argument("--executions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8, help="executions at once per worker (flow and DBOS)")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds each step sleeps in the I/O-bound workload")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lease", type=float, default=2, help="FLOW_LEASE_SECONDS for the worker-death runs")
    parser.add_argument("--workers", default="1,2,4", help="worker counts for flow on PostgreSQL")
    parser.add_argument("--workloads", default="instant,sleep")
    parser.add_argument("--queue-parallelism", type=int, default=4, help="`flow run --queue` processes at once")
    parser.add_argument("--dbos-poll", type=float, default=0.1, help="the DBOS queue's polling_interval_sec")
    parser.add_argument("--timeout", type=float, default=900, help="seconds one configuration may take")
    parser.add_argument("--skip-dbos", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-death", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the project directories and worker logs")
    args = parser.parse_args()
    args.workers = [int(w) for w in args.workers.split(",")]
    args.out = os.path.abspath(args.out)
    os.makedirs(args.out, exist_ok=True)
    postgres = Postgres(args.postgres)
    with postgres.connect() as db:
        settings = dict(db.execute("SELECT name, setting FROM pg_settings WHERE name IN "
                                   "('fsync', 'synchronous_commit', 'server_version')").fetchall())
    log(f"PostgreSQL {settings.get('server_version')}: fsync={settings.get('fsync')}, "
        f"synchronous_commit={settings.get('synchronous_commit')}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}")

    runs = []
    for run in range(args.runs):
        rows = []
        for workload in filter(None, args.workloads.split(",")):
            delay = args.delay if workload == "sleep" else 0
            name = f"sleep-{args.delay:g}" if workload == "sleep" else "instant"
            for workers in args.workers:
                rows.append(measure_flow(args, postgres, "postgresql", workers, name, delay))
            if not args.skip_dbos:
                rows.append(measure_dbos(args, postgres, name, delay))
            if not args.skip_sqlite:
                rows.append(measure_flow(args, postgres, "sqlite", 1, name, delay))
        if not args.skip_death:
            rows.append(measure_death(args, postgres, other_host=False))
            rows.append(measure_death(args, postgres, other_host=True))
        print_table(rows, f"run {run + 1} of {args.runs} (load average {os.getloadavg()[0]:.1f})")
        sys.stdout.flush()
        runs.append(rows)

    summary = medians(runs)
    if args.runs > 1:
        print_table(summary, f"medians of {args.runs} runs")
    print()
    for line in ratios(summary, args):
        print(line)
    print()
    for row in summary:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
