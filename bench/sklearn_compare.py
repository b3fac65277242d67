#!/usr/bin/env python3
"""Fit scikit-learn's counterparts of flow's models on the same CSV files and splits.

Reads data/digits.csv and bench/out/synthetic.csv (written by flow-train-bench), and the train/test
row indices flow-train-bench wrote to bench/out/<dataset>.split.json, standardizes the features on
the training rows exactly as flow does, and prints one JSON object per model:
{"dataset", "model", "tool": "sklearn", "threads", "fit_seconds", "test_accuracy", "test_log_loss"}.
SVC runs with probability=True (Platt scaling with internal 5-fold cross-validation), as flow's svm does.

Usage: python3 bench/sklearn_compare.py [--threads 2] [--datasets digits,synthetic] [--models svm,mlp] [--repeat N]
"""
import argparse
import json
import os
import sys
import time
import warnings

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--datasets", default="digits,synthetic")
parser.add_argument("--models", default="logistic_regression,gradient_boosting,random_forest,mlp,knn,svm")
parser.add_argument("--repeat", type=int, default=None, help="fits per model, fastest counts (default: 3 on digits, 1 otherwise)")
args = parser.parse_args()

# Thread limits must be set before NumPy loads its BLAS.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import log_loss  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
# Models whose cost grows with n² use the first rows of the split, as flow-train-bench does.
SUBSET = {"knn": 10_000, "svm": 10_000}


def models(threads):
    return {
        "logistic_regression": lambda: LogisticRegression(),
        "gradient_boosting": lambda: HistGradientBoostingClassifier(random_state=0),
        "random_forest": lambda: RandomForestClassifier(n_jobs=threads, random_state=0),
        "mlp": lambda: MLPClassifier(random_state=0),
        "knn": lambda: KNeighborsClassifier(n_jobs=threads),
        "svm": lambda: SVC(probability=True, random_state=0),
    }


def load(name):
    path = os.path.join(ROOT, "data", "digits.csv") if name == "digits" else os.path.join(OUT, f"{name}.csv")
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    target = header.index("target")
    y = data[:, target].astype(np.int64)
    X = np.delete(data, target, axis=1)
    with open(os.path.join(OUT, f"{name}.split.json")) as f:
        split = json.load(f)
    train, test = np.array(split["train"]), np.array(split["test"])
    scaler = StandardScaler().fit(X[train])
    return scaler.transform(X[train]), y[train], scaler.transform(X[test]), y[test]


def main():
    wanted = args.models.split(",")
    results = []
    with threadpool_limits(limits=args.threads):
        for name in args.datasets.split(","):
            Xtr, ytr, Xte, yte = load(name)
            print(f"\n== {name}: {len(ytr)} train / {len(yte)} test rows (scikit-learn)", file=sys.stderr)
            for model_name, make in models(args.threads).items():
                if model_name not in wanted:
                    continue
                dataset, a, b, c, d = name, Xtr, ytr, Xte, yte
                limit = SUBSET.get(model_name)
                if limit and (len(b) > limit or len(d) > limit):
                    dataset = f"{name}-{min(limit, len(b)) // 1000}k"
                    a, b, c, d = a[:limit], b[:limit], c[:limit], d[:limit]
                fit_seconds = float("inf")
                for _ in range(args.repeat or (3 if name == "digits" else 1)):
                    model = make()
                    start = time.perf_counter()
                    model.fit(a, b)
                    fit_seconds = min(fit_seconds, time.perf_counter() - start)
                accuracy = float((model.predict(c) == d).mean())
                loss = float(log_loss(d, model.predict_proba(c), labels=model.classes_))
                print(f"  {model_name:22s} fit {fit_seconds:8.3f} s   test accuracy {accuracy:.4f}   log loss {loss:.4f}", file=sys.stderr)
                results.append({"dataset": dataset, "model": model_name, "tool": "sklearn", "threads": args.threads,
                                "fit_seconds": round(fit_seconds, 4), "test_accuracy": round(accuracy, 4),
                                "test_log_loss": round(loss, 4)})
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
