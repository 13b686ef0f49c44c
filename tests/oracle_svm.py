#!/usr/bin/python3
"""Independent check of migad's svm detector against scikit-learn's SVC.

Usage: oracle_svm.py gen DATA.csv
       oracle_svm.py check WORK_DIR

`gen` writes deterministic rows (numpy seed 2): 300 rows of 4 features,
two overlapping classes (gt 1 for a quarter of them), so the fit has
bounded and free support vectors.  `check` reads what test_svm_oracle.sh
left in WORK_DIR (for each model TAG: TAG.desc from `migad score
--describe`, TAG.scores) and fits sklearn.svm.SVC(kernel="rbf", C, gamma,
class_weight, tol = migad's svm.eps) on the same rows (scaled as migad's describe says:
(x - shift) / factor) with migad's C, gamma and class weights, and compares
SVC.decision_function (positive = class 1 = attack) with migad's scores,
printing one "ok NAME" or "FAIL NAME: detail" line each.
Tolerance: 1e-4 relative to the largest magnitude.  The models are trained
with a tight solver tolerance (--svm-eps 1e-8): at libsvm's default 1e-3
the two solvers (libsvm 3.24 and scikit-learn's fork) stop at points whose
decision values differ by a few 1e-4.
"""
import csv
import sys

import numpy as np
from sklearn.svm import SVC

RTOL = 1e-4
TAGS = ["svm-raw", "svm-zscore", "svm-weights", "svm-cv"]
results = []


def report(name, ok, detail=""):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))


def gen(path):
    rng = np.random.default_rng(2)
    with open(path, "w") as f:
        f.write("trace,segment,bin,start,f1,f2,f3,f4,gt\n")
        for i in range(300):
            gt = 1 if i % 4 == 3 else 0
            x = rng.normal(size=4) + (np.array([1.5, 1.0, -0.5, 2.0]) if gt else 0)
            x[1] = x[1] * 3 + 10  # a column on another scale
            f.write("t,0,%d,%d.000000000,%s,%d\n" % (i, 1700000000 + i,
                                                     ",".join("%.9f" % v for v in x), gt))


def read_rows(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[k]) for k in ("f1", "f2", "f3", "f4")] for r in rows])
    y = np.array([int(float(r["gt"])) for r in rows])
    return x, y


def described(path):
    d = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            d.setdefault(parts[0], parts[1:])
    return d


def check(work):
    x, y = read_rows(work + "/data.csv")
    for tag in TAGS:
        try:
            d = described("%s/%s.desc" % (work, tag))
            with open("%s/%s.scores" % (work, tag)) as f:
                got = np.array([float(r["score"]) for r in csv.DictReader(f)])
        except (OSError, KeyError, ValueError) as e:
            report(tag, False, "cannot read migad's output: %s" % e)
            continue
        shift = np.array([float(v) for v in d["shift"]])
        factor = np.array([float(v) for v in d["factor"]])
        C = float(d["svm.C"][0])
        gamma = float(d["svm.gamma"][0])
        w = [float(v) for v in d["svm.weights"]]
        tol = float(d["svm.eps"][0])
        xs = (x - shift) / factor
        svc = SVC(C=C, kernel="rbf", gamma=gamma, tol=tol, class_weight={0: w[0], 1: w[1]},
                  cache_size=200, shrinking=True)
        svc.fit(xs, y)
        want = svc.decision_function(xs)
        scale = max(np.max(np.abs(want)), 1e-300)
        err = np.max(np.abs(got - want)) / scale
        report("%s: decision values (C %g, gamma %g, weights %g,%g)" % (tag, C, gamma, w[0], w[1]),
               bool(err <= RTOL), "max relative error %.3g" % err)
        nsv = sum(int(v) for v in d.get("svm.nsv", [])) if "svm.nsv" in d else -1
        report("%s: number of support vectors" % tag, nsv == int(np.sum(svc.n_support_)),
               "migad %d, sklearn %d" % (nsv, int(np.sum(svc.n_support_))))
    return 0 if all(results) else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
