#!/usr/bin/python3
"""scikit-learn's side of bench/detectors.sh, and the rows both sides read.

Usage: det_sklearn.py gen ROWS SEED OUT.csv
       det_sklearn.py run [--epochs N] [--folds FILE] CSV CASE

`gen` writes ROWS rows of migad's 8 paper features (docs/features.md), one
row per 1 s bin of a hypervisor bridge, deterministically from SEED (numpy's
default_rng): normal traffic with a daily cycle, a second normal mode (VM
migrations: few flows, large packets, imi = 1), and about 5 % labelled
attack rows (gt = 1) of three kinds (SYN flood with spoofed sources, port
scan, volumetric flood) of intensities from weak (overlapping normal rows)
to strong.

`run` reads CSV before starting the clock, then times fit + score of CASE
with the parameters migad's det_bench uses (bench/README.md lists them):
    pca       StandardScaler + PCA(4, svd_solver="full"); SPE per row
    kmeans    StandardScaler + KMeans(3, k-means++, n_init=10, max_iter=300,
              tol=0, lloyd); distance to the nearest centroid
    gmm       StandardScaler + GaussianMixture(2, full, tol=1e-3,
              max_iter=100, reg_covar=1e-6, init k-means); -score_samples
    svm       StandardScaler + SVC(rbf, C=4, gamma=0.125, tol=1e-3,
              cache 200 MB, shrinking); decision_function
    svm-whole the same (migad's side solves whole, not chunked)
    svm-grid  StandardScaler + GridSearchCV(SVC, C 2^-1..2^7, gamma
              2^-7..2^1, balanced accuracy, PredefinedSplit(--folds FILE),
              refit); decision_function
    ae        StandardScaler + MLPRegressor((4, 2, 4), tanh, adam lr 1e-3,
              batch 32, alpha 1e-4, max_iter --epochs (200), early stopping
              on a 0.1 validation split, n_iter_no_change 10, tol 0) fitted
              X -> X on the gt = 0 rows; per-row mean squared error
and prints one line like det_bench's:
    CASE rows=N fit=S score=S total=S cpu=S info="..."
(wall-clock seconds, and the process's CPU time over the same span)
"""
import sys
import time

import numpy as np

FEATURES = ["packets", "bytes", "flows", "h_srcip", "h_dstip", "h_sport", "h_dport",
            "h_pktsize"]


def gen(n, seed, path):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    day = 1 + 0.5 * np.sin(2 * np.pi * t / 86400.0)           # daily cycle
    kind = rng.random(n)
    mig = (kind >= 0.85) & (kind < 0.95)                      # VM migration (normal)
    att = kind >= 0.95                                        # attacks
    akind = rng.integers(0, 3, n)
    packets = rng.lognormal(np.log(2000 * day), 0.25)
    size = rng.normal(650, 90, n)
    flows = packets / rng.lognormal(np.log(15), 0.35)
    lf = np.log2(flows + 1)
    h_src = 0.55 * lf + rng.normal(0, 0.25, n)
    h_dst = 0.50 * lf + rng.normal(0, 0.25, n)
    h_sport = 0.90 * lf + rng.normal(0, 0.35, n)
    h_dport = 0.35 * lf + rng.normal(0, 0.30, n)
    h_size = rng.normal(5.5, 0.35, n)
    # migrations: a bulk TCP stream between two hosts on top of the traffic
    extra = rng.lognormal(np.log(40000), 0.2, n)
    packets = np.where(mig, packets + extra, packets)
    size = np.where(mig, (size * (packets - extra) + 1450 * extra) / packets, size)
    h_src = np.where(mig, h_src * 0.3, h_src)
    h_dst = np.where(mig, h_dst * 0.3, h_dst)
    h_sport = np.where(mig, h_sport * 0.4, h_sport)
    h_dport = np.where(mig, h_dport * 0.4, h_dport)
    h_size = np.where(mig, h_size * 0.35, h_size)
    # attacks: 0 SYN flood (spoofed sources, one port, 60-byte frames),
    # 1 port scan (many destination ports, small flows), 2 volumetric flood
    # (intensity a from 0.1 to 1: weak attacks overlap normal traffic)
    a0, a1, a2 = att & (akind == 0), att & (akind == 1), att & (akind == 2)
    a = rng.uniform(0.1, 1, n)
    boost = 1 + a * rng.lognormal(np.log(2), 0.3, n)
    packets = np.where(a0 | a2, packets * boost, packets)
    size = np.where(a0, (1 - 0.6 * a) * size + 0.6 * a * 60,
                    np.where(a2, (1 - 0.5 * a) * size + a * 600, size))
    flows = np.where(a0, flows + packets * 0.6 * a, np.where(a1, flows * (1 + 1.5 * a), flows))
    h_src = np.where(a0, h_src + a * (3 + rng.normal(0, 0.4, n)), h_src)
    h_dport = np.where(a0, h_dport * (1 - 0.5 * a),
                       np.where(a1, h_dport + a * (4 + rng.normal(0, 0.5, n)), h_dport))
    h_size = np.where(a0, h_size * (1 - 0.4 * a), np.where(a2, h_size * (1 - 0.2 * a), h_size))
    packets = np.maximum(np.rint(packets), 1)
    flows = np.clip(np.rint(flows), 1, packets)
    nbytes = np.rint(packets * np.clip(size, 60, 1514))
    cols = [packets, nbytes, flows] + [np.clip(h, 0, 16) for h in
                                       (h_src, h_dst, h_sport, h_dport, h_size)]
    with open(path, "w") as f:
        f.write("trace,segment,bin,start,%s,gt,imi\n" % ",".join(FEATURES))
        for i in range(n):
            f.write("bench,0,%d,%d.000000000,%d,%d,%d,%s,%d,%d\n" % (
                i, 1700000000 + i, cols[0][i], cols[1][i], cols[2][i],
                ",".join("%.6f" % c[i] for c in cols[3:]), int(att[i]), int(mig[i])))


def read(path):
    import csv
    with open(path) as f:
        r = csv.reader(f)
        head = next(r)
        rows = [row for row in r]
    idx = [head.index(c) for c in FEATURES]
    x = np.array([[float(row[i]) for i in idx] for row in rows])
    gt = np.array([float(row[head.index("gt")]) != 0 for row in rows], dtype=int)
    return x, gt


def run(path, case, epochs, folds):
    from sklearn.preprocessing import StandardScaler
    x, gt = read(path)
    if case == "svm-grid":
        from sklearn.model_selection import PredefinedSplit
        fold = np.loadtxt(folds, dtype=int)
        split = PredefinedSplit(fold)
    c0 = time.process_time()
    t0 = time.perf_counter()
    xs = StandardScaler().fit_transform(x)
    if case == "pca":
        from sklearn.decomposition import PCA
        m = PCA(n_components=4, svd_solver="full").fit(xs)
        t1 = time.perf_counter()
        r = xs - m.inverse_transform(m.transform(xs))
        s = np.sum(r * r, axis=1)
        info = "k 4"
    elif case == "kmeans":
        from sklearn.cluster import KMeans
        m = KMeans(n_clusters=3, init="k-means++", n_init=10, max_iter=300, tol=0,
                   algorithm="lloyd", random_state=1).fit(xs)
        t1 = time.perf_counter()
        s = m.transform(xs).min(axis=1)
        info = "inertia %.17g, iterations %d" % (m.inertia_, m.n_iter_)
    elif case == "gmm":
        from sklearn.mixture import GaussianMixture
        m = GaussianMixture(n_components=2, covariance_type="full", tol=1e-3, max_iter=100,
                            reg_covar=1e-6, n_init=1, init_params="kmeans",
                            random_state=1).fit(xs)
        t1 = time.perf_counter()
        s = -m.score_samples(xs)
        info = "loglik %.17g, iterations %d" % (m.lower_bound_, m.n_iter_)
    elif case in ("svm", "svm-whole"):  # svm-whole: migad's whole solve, the same SVC
        from sklearn.svm import SVC
        m = SVC(C=4, kernel="rbf", gamma=0.125, tol=1e-3, cache_size=200,
                shrinking=True).fit(xs, gt)
        t1 = time.perf_counter()
        s = m.decision_function(xs)
        info = "nsv %d %d C 4 gamma 0.125" % tuple(m.n_support_)
    elif case == "svm-grid":
        from sklearn.model_selection import GridSearchCV
        from sklearn.svm import SVC
        grid = {"C": [2.0 ** e for e in range(-1, 8)], "gamma": [2.0 ** e for e in range(-7, 2)]}
        g = GridSearchCV(SVC(kernel="rbf", tol=1e-3, cache_size=200, shrinking=True), grid,
                         scoring="balanced_accuracy", cv=split, refit=True).fit(xs, gt)
        t1 = time.perf_counter()
        s = g.decision_function(xs)
        m = g.best_estimator_
        info = "nsv %d %d C %g gamma %g, cv %.6f" % (m.n_support_[0], m.n_support_[1],
                                                      g.best_params_["C"],
                                                      g.best_params_["gamma"], g.best_score_)
    elif case == "ae":
        from sklearn.neural_network import MLPRegressor
        xn = xs[gt == 0]
        m = MLPRegressor(hidden_layer_sizes=(4, 2, 4), activation="tanh", solver="adam",
                         alpha=1e-4, batch_size=32, learning_rate_init=1e-3, beta_1=0.9,
                         beta_2=0.999, epsilon=1e-8, max_iter=epochs, shuffle=True,
                         early_stopping=True, validation_fraction=0.1, n_iter_no_change=10,
                         tol=0, random_state=1).fit(xn, xn)
        t1 = time.perf_counter()
        r = xs - m.predict(xs)
        s = np.mean(r * r, axis=1)
        info = "epochs %d" % m.n_iter_
    else:
        sys.exit("det_sklearn: unknown case %r" % case)
    normal = s[gt == 0]
    np.quantile(normal, 0.99)  # the operating threshold, as migad sets one
    t2 = time.perf_counter()
    c2 = time.process_time()
    print('%s rows=%d fit=%.6f score=%.6f total=%.6f cpu=%.6f info="%s, mean score %.6g"' % (
        case, len(x), t1 - t0, t2 - t1, t2 - t0, c2 - c0, info, np.mean(s)))


def main(argv):
    if len(argv) == 5 and argv[1] == "gen":
        gen(int(argv[2]), int(argv[3]), argv[4])
        return 0
    if len(argv) >= 4 and argv[1] == "run":
        epochs, folds, args = 200, None, argv[2:]
        while args and args[0].startswith("--"):
            if args[0] == "--epochs":
                epochs = int(args[1])
            elif args[0] == "--folds":
                folds = args[1]
            else:
                break
            args = args[2:]
        if len(args) == 2:
            run(args[0], args[1], epochs, folds)
            return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
