#!/usr/bin/env python3
"""Benchmark: paging through a long execution history with GetExecutionHistory, and DescribeExecution meanwhile.

Usage: bench_history.py FLOW_BINARY [--loops 4000] [--runs 3]

Starts `flow server` (build it with `swift build -c release`) on a fresh store, runs one execution of a loop of a
Pass and a Choice state LOOPS times (4 events an iteration: 16,004 events for 4000), then pages through its history
with boto3's paginator, 100 events a page (AWS's default), forwards and with `reverseOrder`, RUNS times each, while
a second client calls DescribeExecution on it every 10 ms. Prints one JSON line per order with the median seconds
for the whole history, and one with DescribeExecution's p50 and maximum latency during the reads.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_server import free_port, wait_for_port  # noqa: E402


def client(port):
    return boto3.client("stepfunctions", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench",
                        config=Config(retries={"max_attempts": 1}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("flow")
    parser.add_argument("--loops", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="flow-bench-history-")
    port = free_port()
    env = dict(os.environ, FLOW_SERVER_ACCESS_KEY_ID="", FLOW_SERVER_SECRET_ACCESS_KEY="", NO_COLOR="1")
    env.pop("FLOW_STORE", None)
    server = subprocess.Popen([os.path.abspath(args.flow), "server", "--port", str(port), "--store",
                               os.path.join(work, "flow.db"), "--quiet"], cwd=work, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port, server)
        sfn = client(port)
        loop = {"StartAt": "Inc", "States": {
            "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "More"},
            "More": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": args.loops, "Next": "Inc"}],
                     "Default": "Done"},
            "Done": {"Type": "Succeed"}}}
        machine = sfn.create_state_machine(name="loop", definition=json.dumps(loop),
                                           roleArn="arn:aws:iam::000000000000:role/bench")["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"i": 0}))["executionArn"]
        while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
            time.sleep(0.2)

        describes, stop = [], threading.Event()

        def describe():
            other = client(port)
            while not stop.is_set():
                began = time.perf_counter()
                other.describe_execution(executionArn=execution)
                describes.append(time.perf_counter() - began)
                time.sleep(0.01)

        poller = threading.Thread(target=describe)
        poller.start()
        for reverse in (False, True):
            seconds, events = [], 0
            for _ in range(args.runs):
                began = time.perf_counter()
                events = sum(len(page["events"]) for page in sfn.get_paginator("get_execution_history").paginate(
                    executionArn=execution, reverseOrder=reverse, maxResults=100))
                seconds.append(time.perf_counter() - began)
            print(json.dumps({"reverseOrder": reverse, "events": events, "runs": args.runs,
                              "median_seconds": round(statistics.median(seconds), 2)}), flush=True)
        stop.set()
        poller.join()
        describes.sort()
        print(json.dumps({"describe_p50_ms": round(describes[len(describes) // 2] * 1000, 2),
                          "describe_max_ms": round(describes[-1] * 1000, 2), "describes": len(describes)}), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
