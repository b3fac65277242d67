#!/usr/bin/env python3
"""bench/workers.sh's DBOS side: the workflow of bench/workers-pipeline.yaml as five `@DBOS.step()`s.

  workers_dbos.py enqueue URL COUNT DELAY CONCURRENCY POLL   # register the queue, enqueue COUNT workflows, exit
  workers_dbos.py work URL CONCURRENCY POLL                  # launch DBOS and run the queue until SIGTERM

`enqueue` runs in a process that listens to no queue, so nothing starts before the worker does (as `flow run
--queue` before `flow worker`). `work` writes the time when `DBOS.launch()` has returned on its first stdout line:
the driver measures from there or from the first workflow's start if that came earlier, so Python's imports and
DBOS's launch (seconds on a loaded machine) are left out of DBOS's time.
"""
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from dbos import DBOS

QUEUE = "workers_bench"


@DBOS.step()
def step(value: dict) -> dict:
    delay = value.get("DelaySeconds")
    if delay:
        time.sleep(delay)
    return value


@DBOS.workflow()
def pipeline(value: dict) -> dict:
    for _ in range(5):
        value = step(value)
    return value


def configure(url: str) -> None:
    DBOS(config={"name": "workers-bench", "system_database_url": url, "log_level": "WARNING",
                 "sys_db_pool_size": 20})


def register(concurrency: int, poll: float) -> None:
    DBOS.register_queue(QUEUE, worker_concurrency=concurrency, polling_interval_sec=poll, on_conflict="always_update")


def main() -> None:
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "enqueue":
        count, delay, concurrency, poll = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
        configure(url)
        DBOS.listen_queues([])
        DBOS.launch()
        register(concurrency, poll)
        value = {"DelaySeconds": delay} if delay > 0 else {}
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: DBOS.enqueue_workflow(QUEUE, pipeline, value), range(count)))
        DBOS.destroy()
    elif mode == "work":
        concurrency, poll = int(sys.argv[3]), float(sys.argv[4])
        configure(url)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        DBOS.launch()
        register(concurrency, poll)
        print(time.time(), flush=True)
        while True:
            time.sleep(1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
