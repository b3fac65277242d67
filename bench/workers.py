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
    """The benchmark's server: a database per store (flow's and DBOS's), each made from a queued template."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.parts = parts._replace(query="", fragment="")
        self.url = urllib.parse.urlunsplit(self.parts)

    def with_database(self, name):
        return urllib.parse.urlunsplit(self.parts._replace(path="/" + name))

    def connect(self, url=None):
        return psycopg.connect(url or self.url, autocommit=True)

    def create_database(self, name, template=None):
        self.drop_database(name)
        with self.connect() as db:
            db.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def drop_database(self, name):
        with self.connect() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class FlowStore:
    """Where one flow configuration keeps its executions, and how the driver reads their progress."""

    def __init__(self, kind, project, postgres, database=None):
        self.kind, self.project, self.postgres, self.database = kind, project, postgres, database
        if kind == "postgresql":
            self.argument = postgres.with_database(database) + "?sslmode=disable"
        else:
            self.argument = os.path.join(project, ".flow", "flow.db")

    def query(self, sql, params=()):
        if self.kind == "postgresql":
            with self.postgres.connect(self.postgres.with_database(self.database)) as db:
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

    def copy(self, out):
        """A fresh store (and project) holding exactly what this one holds: the same queued executions."""
        project = make_project(out)
        if self.kind == "postgresql":
            database = "flow_bench_" + uuid.uuid4().hex[:8]
            self.postgres.create_database(database, template=self.database)
            return FlowStore("postgresql", project, self.postgres, database)
        copy = FlowStore("sqlite", project, self.postgres)
        source, target = sqlite3.connect(self.argument), sqlite3.connect(copy.argument)
        source.backup(target)
        source.close()
        target.close()
        return copy

    def drop(self, keep=False):
        if self.kind == "postgresql":
            self.postgres.drop_database(self.database)
        if not keep:
            shutil.rmtree(self.project, ignore_errors=True)


def make_project(out):
    project = tempfile.mkdtemp(prefix="workers-", dir=out)
    os.makedirs(os.path.join(project, ".flow"))
    shutil.copy(PIPELINE, os.path.join(project, "workers-pipeline.yaml"))
    return project


def new_store(args, postgres, kind):
    """An empty store: a new database on the server, or a new SQLite file."""
    if kind == "postgresql":
        database = "flow_bench_" + uuid.uuid4().hex[:8]
        postgres.create_database(database)
        return FlowStore(kind, make_project(args.out), postgres, database)
    return FlowStore(kind, make_project(args.out), postgres)


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


def queue_template(args, postgres, kind, workload, delay):
    """A store with the workload's executions queued by `flow run --queue`; each measurement runs on a copy."""
    store = new_store(args, postgres, kind)
    seconds = queue_executions(args.flow, store, args.executions, delay, args.queue_parallelism)
    log(f"flow-{kind} {workload}: queued {args.executions} executions in {seconds:.1f} s "
        f"({args.queue_parallelism} `flow run --queue` at once)")
    return store, seconds


def measure_flow(args, template, workers, workload):
    (origin, queue_seconds) = template
    store = origin.copy(args.out)
    try:
        started = time.time()
        processes = [start_worker(args.flow, store, f"w{i + 1}", args.concurrency) for i in range(workers)]
        try:
            outcome = wait_until_done(store.progress, args.executions, args.timeout, processes)
        finally:
            stop(processes)
        row = result_row(f"flow-{store.kind}", workload, workers, args, started, outcome, queue_seconds)
        log(f"{row['system']} {workload} x{workers}: {row['steps_per_second']:,.1f} steps/s")
        return row
    finally:
        store.drop(args.keep)


def dbos_template(args, postgres, workload, delay):
    """A DBOS system database with the workload's workflows enqueued; each measurement runs on a copy."""
    database = f"dbos_template_{workload.split('-')[0]}"
    postgres.drop_database(database)
    started = time.time()
    subprocess.run([sys.executable, os.path.join(HERE, "workers_dbos.py"), "enqueue", postgres.with_database(database),
                    str(args.executions), str(delay), str(args.concurrency), str(args.dbos_poll)], check=True)
    seconds = time.time() - started
    log(f"dbos {workload}: enqueued {args.executions} workflows in {seconds:.1f} s")
    return database, seconds


def measure_dbos(args, postgres, template, workload):
    (origin, queue_seconds) = template
    database = "dbos_bench"
    postgres.create_database(database, template=origin)
    url = postgres.with_database(database)
    script = os.path.join(HERE, "workers_dbos.py")
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
    row = result_row("dbos-postgresql", workload, 1, args, started, outcome, queue_seconds)
    log(f"dbos-postgresql {workload}: {row['steps_per_second']:,.1f} steps/s")
    return row


def measure_death(args, postgres, other_host):
    """SIGKILLs a worker mid-step; returns the seconds from the kill to the execution's next event."""
    path = "other-host" if other_host else "same-host"
    store = new_store(args, postgres, "postgresql")
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
        store.drop(args.keep)


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

    # Queue once per workload and store kind; every measurement runs on a copy of that store (a PostgreSQL
    # database made with CREATE DATABASE … TEMPLATE, a SQLite backup), so 1,000 process spawns are paid once.
    workloads = [(f"sleep-{args.delay:g}", args.delay) if w == "sleep" else ("instant", 0)
                 for w in filter(None, args.workloads.split(","))]
    templates = {}
    try:
        for workload, delay in workloads:
            templates[("postgresql", workload)] = queue_template(args, postgres, "postgresql", workload, delay)
            if not args.skip_sqlite:
                templates[("sqlite", workload)] = queue_template(args, postgres, "sqlite", workload, delay)
            if not args.skip_dbos:
                templates[("dbos", workload)] = dbos_template(args, postgres, workload, delay)

        runs = []
        for run in range(args.runs):
            rows = []
            for workload, _ in workloads:
                for workers in args.workers:
                    rows.append(measure_flow(args, templates[("postgresql", workload)], workers, workload))
                if not args.skip_dbos:
                    rows.append(measure_dbos(args, postgres, templates[("dbos", workload)], workload))
                if not args.skip_sqlite:
                    rows.append(measure_flow(args, templates[("sqlite", workload)], 1, workload))
            if not args.skip_death:
                rows.append(measure_death(args, postgres, other_host=False))
                rows.append(measure_death(args, postgres, other_host=True))
            print_table(rows, f"run {run + 1} of {args.runs} (load average {os.getloadavg()[0]:.1f})")
            sys.stdout.flush()
            runs.append(rows)
    finally:
        for (kind, _), template in templates.items():
            if kind == "dbos":
                postgres.drop_database(template[0])
            else:
                template[0].drop(args.keep)

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
