#!/usr/bin/python3
"""Independent check of `migad eval` against scikit-learn.

Usage: oracle_eval.py gen WORK_DIR
       oracle_eval.py check WORK_DIR

`gen` writes score CSVs in migad score's layout (numpy seed 5):
  cont.csv   1000 rows, continuous scores, 20 % attacks, a migration
             period (imi > 0) that raises the scores of normal rows
  ties.csv   600 rows, scores rounded to one decimal (many ties)
  small.csv  9 rows, two attack rows
`check` reads what test_eval_oracle.sh left in WORK_DIR for each NAME
(NAME-M.json from `migad eval --json --max-fpr M`, NAME-roc.csv from
--roc) and compares, one "ok NAME" or "FAIL NAME: detail" line each:
  roc       sklearn roc_curve(drop_intermediate=False): fpr, tpr and the
            thresholds after the first (sklearn 1.2 writes max + 1 first,
            1.3+ inf; migad writes inf); all rows and rows with imi == 0
  auc       roc_auc_score; pauc: roc_auc_score(max_fpr=M)
  tpr       largest TPR of sklearn's ROC points with FPR <= target
  best_f1   f1_score over sklearn's thresholds (y_pred = score >= t, the
            first maximum): threshold, precision_score, recall_score,
            accuracy_score, f1_score, G-mean from confusion_matrix
  alarm     the same four metrics of the alarm column
  effect    AUC with - without; migration-only false-alarm rate
Tolerance 1e-12 absolute.
"""
import csv
import json
import math
import sys

import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, precision_score,
                             recall_score, roc_auc_score, roc_curve)

TOL = 1e-12
NAMES = ["cont", "ties", "small"]
MAX_FPRS = ["0.05", "0.1", "0.37", "1"]
FPRS = [0.01, 0.05, 0.1, 0.25]
results = []


def report(name, ok, detail=""):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))


def close(name, got, want):
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        report(name, False, "shape %s, want %s" % (got.shape, want.shape))
        return
    err = float(np.max(np.abs(got - want))) if got.size else 0.0
    report(name, err <= TOL, "max error %.3g" % err)


def write(path, score, gt, imi, alarm):
    with open(path, "w") as f:
        f.write("trace,segment,bin,start,score,alarm,gt,imi\n")
        for i in range(len(score)):
            f.write("t,0,%d,%d.000000000,%.17g,%d,%d,%.17g\n"
                    % (i, 1700000000 + i, score[i], alarm[i], gt[i], imi[i]))


def gen(work):
    rng = np.random.default_rng(5)
    n = 1000
    gt = (rng.random(n) < 0.2).astype(int)
    imi = np.zeros(n)
    imi[300:380] = 1.0
    imi[380] = 0.4
    s = rng.normal(size=n) + 1.5 * gt + 1.2 * (imi > 0)
    write(work + "/cont.csv", s, gt, imi, (s > 1.0).astype(int))
    n = 600
    gt = (rng.random(n) < 0.3).astype(int)
    imi = np.zeros(n)
    imi[100:150] = 1.0
    s = np.round(rng.random(n) * 0.7 + 0.3 * gt + 0.2 * (imi > 0), 1)
    write(work + "/ties.csv", s, gt, imi, (s >= 0.6).astype(int))
    s = np.array([0.3, 0.1, 0.9, 0.3, 0.5, 0.8, 0.2, 0.3, 0.7])
    gt = np.array([0, 0, 1, 1, 0, 0, 0, 1, 0])
    imi = np.array([0, 0, 0, 0, 1, 1, 0, 0, 0.5])
    write(work + "/small.csv", s, gt, imi, (s >= 0.5).astype(int))


def load(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    s = np.array([float(r["score"]) for r in rows])
    gt = np.array([int(r["gt"]) for r in rows])
    imi = np.array([float(r["imi"]) for r in rows])
    al = np.array([int(r["alarm"]) for r in rows])
    return s, gt, imi, al


def load_roc(path, which):
    with open(path) as f:
        rows = [r for r in csv.DictReader(f) if r["set"] == which]
    return (np.array([float(r["fpr"]) for r in rows]), np.array([float(r["tpr"]) for r in rows]),
            np.array([float(r["threshold"]) for r in rows]))


def op_check(tag, m, y, pred):
    cm = confusion_matrix(y, pred, labels=[0, 1])
    tn, fp, fn, tp = cm.ravel()
    gmean = math.sqrt(tp / (tp + fn) * tn / (tn + fp))
    got = [m["precision"], m["recall"], m["accuracy"], m["f1"], m["gmean"], m["tp"], m["fp"]]
    want = [precision_score(y, pred, zero_division=0), recall_score(y, pred),
            accuracy_score(y, pred), f1_score(y, pred, zero_division=0), gmean, tp, fp]
    close(tag, got, want)


def check_set(tag, res, roc, s, y, al, max_fpr):
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    mf = float(max_fpr)
    want = roc_auc_score(y, s) if mf == 1 else roc_auc_score(y, s, max_fpr=mf)
    close(tag + " pauc", res["pauc"], want)
    if roc is None:
        return  # the rest does not depend on max_fpr: checked once
    gf, gt_, gth = roc
    close(tag + " roc fpr", gf, fpr)
    close(tag + " roc tpr", gt_, tpr)
    ok = len(gth) == len(thr) and math.isinf(gth[0]) and np.array_equal(gth[1:], thr[1:])
    report(tag + " roc thresholds", ok, "%s vs %s" % (gth[:4], thr[:4]))
    close(tag + " auc", res["auc"], roc_auc_score(y, s))
    close(tag + " tpr at fpr", res["tpr"], [tpr[fpr <= t].max() for t in FPRS])
    best, bt = -1, None
    for t in thr[1:]:
        f = f1_score(y, (s >= t).astype(int))
        if f > best:
            best, bt = f, t
    report(tag + " best-F1 threshold", res["best_f1"]["threshold"] == bt,
           "%r, want %r" % (res["best_f1"]["threshold"], bt))
    op_check(tag + " best-F1 metrics", res["best_f1"], y, (s >= bt).astype(int))
    op_check(tag + " alarm metrics", res["alarm"], y, al)


def check(work):
    for name in NAMES:
        s, y, imi, al = load(work + "/" + name + ".csv")
        wo = imi == 0
        for m in MAX_FPRS:
            with open("%s/%s-%s.json" % (work, name, m)) as f:
                g = json.load(f)["groups"][-1]
            roc_w = load_roc("%s/%s-roc.csv" % (work, name), "with") if m == "0.1" else None
            roc_wo = load_roc("%s/%s-roc.csv" % (work, name), "without") if m == "0.1" else None
            check_set("%s max_fpr=%s with" % (name, m), g["with"], roc_w, s, y, al, m)
            check_set("%s max_fpr=%s without" % (name, m), g["without"], roc_wo, s[wo], y[wo],
                      al[wo], m)
            if m != "0.1":
                continue
            close("%s effect auc" % name, g["effect"]["auc"],
                  roc_auc_score(y, s) - roc_auc_score(y[wo], s[wo]))
            mo = (imi > 0) & (y == 0)
            close("%s migration-only false-alarm rate" % name, g["migration_only"]["far"],
                  al[mo].mean())
    return 0 if all(results) and results else 1


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("gen", "check"):
        sys.exit(__doc__)
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
