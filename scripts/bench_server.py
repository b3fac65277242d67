#!/usr/bin/env python3
"""Benchmark: `flow server` against a do-nothing server answering canned responses, side by side in one run.

Usage: bench_server.py FLOW_BINARY [--threads 8] [--seconds 10] [--load-nice N]

boto3 from THREADS client threads, each in a loop: StartExecution of a three-state Pass machine, then
DescribeExecution until it has ended. Against (a) `flow server` (build it with `swift build -c release`) on a fresh
store and (b) a do-nothing server (a few lines of Python in its own process, with TCP_NODELAY) answering each call
with a canned valid response: the clients' own ceiling on this machine. Prints one JSON line per target and one
comparing them: completed executions per second, calls per second, StartExecution latency p50/p99 in milliseconds,
and for flow the server's CPU time (user + system) per completed execution.

The boto3 threads share one interpreter (the GIL), so their latencies include the client's own queueing (tens of
milliseconds on 2 cores even against the canned server). Alongside them, a probe in its own process sends one raw
HTTP StartExecution (keep-alive, unsigned: the benchmark's server has no keys) every 20 ms and reports its
p50/p99 (`probe_start_p50_ms`, `probe_start_p99_ms`): the server's StartExecution latency under that load, as a
light client sees it.

On a small machine the load shares the server's cores: `--load-nice N` runs the boto3 threads (not the probe, not
either server) at CPU priority N (nice), so they take what the server leaves, as clients on other hosts would, while
still keeping it busy. Both targets are measured alike; the output says which priority the load had.
"""
import http.client
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing import Process, Queue

import boto3
from botocore.config import Config

PASS3 = json.dumps({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "B"},
    "B": {"Type": "Pass", "Result": 2, "ResultPath": "$.b", "Next": "C"},
    "C": {"Type": "Pass", "Result": 3, "ResultPath": "$.c", "End": True}}})
MACHINE = "arn:aws:states:local:000000000000:stateMachine:bench"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process=None):
    for _ in range(300):
        if process is not None and process.poll() is not None:
            sys.exit("the server exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on {port}")


class Canned(BaseHTTPRequestHandler):
    """Answers every Step Functions call with a canned valid response."""
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm on, the body waits for the client's delayed
    # ACK (40 ms), and the "ceiling" measured that instead of the clients.
    disable_nagle_algorithm = True

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        action = self.headers.get("X-Amz-Target", "").split(".")[-1]
        now = time.time()
        if action == "CreateStateMachine":
            body = {"stateMachineArn": MACHINE, "creationDate": now}
        elif action == "StartExecution":
            body = {"executionArn": "arn:aws:states:local:000000000000:execution:bench:x", "startDate": now}
        else:
            body = {"executionArn": "arn:aws:states:local:000000000000:execution:bench:x", "stateMachineArn": MACHINE,
                    "status": "SUCCEEDED", "startDate": now, "stopDate": now, "input": "{}", "output": "{}"}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def serve_canned(port):
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", port), Canned).serve_forever()


def probe(port, seconds, results):
    """StartExecution over one raw keep-alive connection every 20 ms; puts the sorted latencies (s) in `results`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"stateMachineArn": MACHINE, "input": "{}"})
    headers = {"X-Amz-Target": "AWSStepFunctions.StartExecution", "Content-Type": "application/x-amz-json-1.0"}
    latencies, failures = [], 0
    stop_at = time.perf_counter() + seconds
    while time.perf_counter() < stop_at:
        began = time.perf_counter()
        connection.request("POST", "/", body, headers)
        response = connection.getresponse()
        response.read()
        if response.status == 200:
            latencies.append(time.perf_counter() - began)
        else:
            failures += 1
        time.sleep(max(0.0, 0.02 - (time.perf_counter() - began)))
    results.put((sorted(latencies), failures))


def run_clients(url, threads, seconds, load_nice=0):
    clients = [boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1", aws_access_key_id="AKIDBENCH",
                            aws_secret_access_key="bench", config=Config(retries={"max_attempts": 1},
                                                                         max_pool_connections=threads))
               for _ in range(threads)]
    clients[0].create_state_machine(name="bench", definition=PASS3, roleArn="arn:aws:iam::000000000000:role/bench")
    starts, counts, errors = [], [0] * threads, []
    calls = [0] * threads
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def loop(index):
        sfn = clients[index]
        if load_nice:
            # Linux: a thread's own priority (the process's other threads, and the probe, keep theirs).
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), load_nice)
        mine = []
        try:
            while time.perf_counter() < stop_at:
                began = time.perf_counter()
                arn = sfn.start_execution(stateMachineArn=MACHINE, input="{}")["executionArn"]
                mine.append(time.perf_counter() - began)
                calls[index] += 1
                while True:
                    calls[index] += 1
                    status = sfn.describe_execution(executionArn=arn)["status"]
                    if status != "RUNNING":
                        break
                if status != "SUCCEEDED":
                    raise RuntimeError(f"{arn} ended {status}")
                counts[index] += 1
        except Exception as error:  # reported, not hidden
            errors.append(repr(error))
        with lock:
            starts.extend(mine)

    began = time.perf_counter()
    probed = Queue()
    prober = Process(target=probe, args=(int(url.rsplit(":", 1)[1]), seconds, probed), daemon=True)
    prober.start()
    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - began
    probes, probe_failures = probed.get(timeout=60)
    prober.join(timeout=10)
    starts.sort()

    def pct(values, p):
        return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 2) if values else None

    return {"executions_per_second": round(sum(counts) / elapsed, 1), "calls_per_second": round(sum(calls) / elapsed, 1),
            "executions": sum(counts), "start_p50_ms": pct(starts, 0.50), "start_p99_ms": pct(starts, 0.99),
            "probe_starts": len(probes), "probe_start_p50_ms": pct(probes, 0.50), "probe_start_p99_ms": pct(probes, 0.99),
            "errors": errors[:3] + ([f"{probe_failures} probe calls failed"] if probe_failures else [])}


def server_cpu_seconds(pid):
    """The CPU time (user + system) a process has used so far, from /proc (None where there is none)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("flow")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--load-nice", type=int, default=0, help="CPU priority (nice) of the boto3 load threads")
    args = parser.parse_args()
    results = {}

    port = free_port()
    canned = Process(target=serve_canned, args=(port,), daemon=True)
    canned.start()
    wait_for_port(port)
    results["canned"] = run_clients(f"http://127.0.0.1:{port}", args.threads, args.seconds, args.load_nice)
    canned.terminate()
    print(json.dumps({"target": "canned", "threads": args.threads, "load_nice": args.load_nice, **results["canned"]}), flush=True)

    work = tempfile.mkdtemp(prefix="flow-bench-server-")
    port = free_port()
    env = dict(os.environ, FLOW_SERVER_ACCESS_KEY_ID="", FLOW_SERVER_SECRET_ACCESS_KEY="", NO_COLOR="1")
    env.pop("FLOW_STORE", None)
    server = subprocess.Popen([os.path.abspath(args.flow), "server", "--port", str(port), "--store",
                               os.path.join(work, "flow.db"), "--workers", "16", "--quiet"], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "server.log"), "wb"))
    try:
        wait_for_port(port, server)
        results["flow"] = run_clients(f"http://127.0.0.1:{port}", args.threads, args.seconds, args.load_nice)
        cpu = server_cpu_seconds(server.pid)
        if cpu is not None and results["flow"]["executions"]:
            results["flow"]["server_cpu_ms_per_execution"] = round(cpu * 1000 / results["flow"]["executions"], 2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps({"target": "flow", "threads": args.threads, "load_nice": args.load_nice, **results["flow"]}), flush=True)
    ratio = results["flow"]["calls_per_second"] / max(results["canned"]["calls_per_second"], 1e-9)
    executions = results["flow"]["executions_per_second"] / max(results["canned"]["executions_per_second"], 1e-9)
    p99 = results["flow"]["probe_start_p99_ms"]
    print(json.dumps({"flow_calls_vs_ceiling": round(ratio, 3), "flow_executions_vs_ceiling": round(executions, 3),
                      "goal_half_ceiling": ratio >= 0.5, "flow_start_p99_ms_boto3": results["flow"]["start_p99_ms"],
                      "flow_start_p99_ms_probe": p99, "goal_p99_under_10ms": p99 is not None and p99 < 10}), flush=True)


if __name__ == "__main__":
    main()
