#!/usr/bin/env python3
"""A flow:exec step: profile one column of a CSV file.

Reads {"path": ..., "column": ...} as JSON on stdin and prints {"column", "count", "mean", "min", "max"} as JSON.
A column that is missing exits with status 2 and a message on stderr, which flow turns into a task error.
"""
import csv
import json
import sys

request = json.load(sys.stdin)
with open(request["path"], newline="") as f:
    rows = csv.DictReader(f)
    if request["column"] not in (rows.fieldnames or []):
        sys.exit(f"no column {request['column']!r} in {request['path']}")
    values = [float(row[request["column"]]) for row in rows]
json.dump({"column": request["column"], "count": len(values), "mean": round(sum(values) / len(values), 4),
           "min": min(values), "max": max(values)}, sys.stdout)
