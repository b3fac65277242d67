#!/usr/bin/env python3
"""The serving benchmark's baseline: scikit-learn's LogisticRegression on the digits data behind FastAPI.

  python3 bench/fastapi_server.py serve --port 8091       # uvicorn, one worker, POST /invocations (text/csv)
  python3 bench/fastapi_server.py export MODEL.json       # the same fitted model as a flow model artifact

Both modes fit the same model: StandardScaler then LogisticRegression(C=1, max_iter=1000) on the training
rows of data/digits.csv (bench/out/digits.split.json when flow-train-bench has written it, else every row),
so `flow serve` and this server answer with the same weights. The answer has flow's shape:
{"predictions": [{"label": "3", "probabilities": {"0": …}}], "model": "digits", "version": "sklearn"}.
"""
import argparse
import hashlib
import json
import os
import sys
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fit():
    path = os.path.join(ROOT, "data", "digits.csv")
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    x, y = data[:, :-1], data[:, -1].astype(int)
    split = os.path.join(ROOT, "bench", "out", "digits.split.json")
    if os.path.exists(split):
        with open(split) as f:
            train = json.load(f)["train"]
        x, y = x[train], y[train]
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=1.0, max_iter=1000, tol=1e-4).fit(scaler.transform(x), y)
    return header[:-1], header[-1], scaler, model, len(y)


def export(path):
    features, target, scaler, model, rows = fit()
    classes = [str(c) for c in model.classes_]
    specs = [{"name": name, "type": "numeric"} for name in features]
    scale = [float(s) if s > 1e-12 else 1.0 for s in np.sqrt(scaler.var_)]
    transforms = [{"numeric": {"fill": float(m), "center": float(m), "scale": s}} for m, s in zip(scaler.mean_, scale)]
    binary = len(classes) == 2
    artifact = {
        "format": "flow-model",
        "format_version": 1,
        "algorithm": "logistic_regression",
        "task": "classification",
        "hyperparameters": {"C": 1.0, "max_iter": 1000, "tol": 0.0001, "fit_intercept": True},
        "features": specs,
        "target": {"name": target, "classes": classes},
        "preprocessing": {"features": specs, "transforms": transforms, "options": {"imputation": "mean", "standardize": True}},
        "training_data": {"rows": rows, "sha256": hashlib.sha256(b"exported from scikit-learn").hexdigest()},
        "metrics": {},
        "model": {"kind": "logistic_regression", "state": {
            "weights": [float(w) for w in model.coef_.reshape(-1)],
            "intercepts": [float(b) for b in model.intercept_],
            "classCount": len(classes),
            "featureCount": len(features),
        }},
    }
    assert binary or model.coef_.shape == (len(classes), len(features))
    with open(path, "w") as f:
        json.dump(artifact, f)


def serve(port):
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse
    import uvicorn

    features, _, scaler, model, _ = fit()
    classes = [str(c) for c in model.classes_]
    app = FastAPI()

    @app.get("/ping")
    def ping():
        return {"status": "ok"}

    @app.post("/invocations")
    async def invocations(request: Request):
        body = (await request.body()).decode()
        try:
            rows = np.array([[float(v) for v in line.split(",")] for line in body.splitlines() if line.strip()])
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        if rows.ndim != 2 or rows.shape[1] != len(features):
            return JSONResponse({"error": f"expected {len(features)} features"}, status_code=400)
        probabilities = model.predict_proba(scaler.transform(rows))
        predictions = [{"label": classes[int(p.argmax())], "probabilities": dict(zip(classes, map(float, p)))}
                       for p in probabilities]
        return {"predictions": predictions, "model": "digits", "version": "sklearn"}

    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    serve_parser = sub.add_parser("serve")
    serve_parser.add_argument("--port", type=int, default=8091)
    export_parser = sub.add_parser("export")
    export_parser.add_argument("path")
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.port)
    else:
        export(args.path)
