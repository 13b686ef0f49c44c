#!/usr/bin/python3
"""Independent check of migad's detectors against scikit-learn / SciPy.

Usage: oracle_sklearn.py gen DATA.csv
       oracle_sklearn.py check WORK_DIR

`gen` writes deterministic rows (numpy seed 1): 600 rows of 5 features in
three correlated clusters.  `check` reads what test_sklearn_oracle.sh left
in WORK_DIR (migad's `score --describe` output and scores for each model)
and compares, printing one "ok NAME" or "FAIL NAME: detail" line each:

  pca      sklearn PCA explained_variance_ (all axes) and the squared
           prediction error of the rows (X - inverse_transform(transform(X)))
           with migad's number of components; raw and z-scored rows
           (StandardScaler).
  kmeans   sklearn KMeans(init=<migad's initial centroids>, n_init=1,
           algorithm="lloyd", tol=0): inertia and centroids.
  gmm      per-row log-likelihood of migad's fitted weights, means and
           covariances, by scipy.stats.multivariate_normal + logsumexp and
           by sklearn GaussianMixture.score_samples with those parameters,
           against migad's score (= -log-likelihood).
Tolerance: 1e-6 relative (scaled by the largest magnitude for vectors).
"""
import sys

import numpy as np

RTOL = 1e-6
results = []


def report(name, ok, detail=""):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))


def close(name, got, want, rtol=RTOL):
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        report(name, False, "shape %s, want %s" % (got.shape, want.shape))
        return
    scale = max(np.max(np.abs(want)), 1e-300)
    err = np.max(np.abs(got - want)) / scale
    report(name, bool(err <= rtol), "max relative error %.3g" % err)


def gen(path):
    rng = np.random.default_rng(1)
    centres = np.array([[0, 0, 0, 0, 0], [6, 2, -3, 1, 4], [-4, 5, 2, -2, 1]], float)
    mix = rng.normal(size=(5, 5))
    rows = []
    for i in range(600):
        c = centres[i % 3]
        rows.append(c + rng.normal(size=5) @ mix * 0.7)
    with open(path, "w") as f:
        f.write("trace,segment,bin,start,f1,f2,f3,f4,f5\n")
        for i, r in enumerate(rows):
            f.write("t,0,%d,%d.000000000,%s\n" % (i, 1700000000 + i, ",".join("%.9f" % v for v in r)))


def load_rows(work):
    data = np.genfromtxt(work + "/data.csv", delimiter=",", skip_header=1)
    return data[:, 4:]


def describe(path):
    """`migad score --describe` output as {key: [list of float lists]}."""
    out = {}
    with open(path) as f:
        for line in f:
            key, _, rest = line.rstrip("\n").partition(" ")
            try:
                vals = [float(v) for v in rest.split()]
            except ValueError:
                vals = rest.split()
            out.setdefault(key, []).append(vals)
    return out


def scores(path):
    return np.genfromtxt(path, delimiter=",", skip_header=1)[:, 4]


def check_pca(work, X, tag, scale):
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler
    d = describe("%s/%s.desc" % (work, tag))
    Z = StandardScaler().fit_transform(X) if scale else X
    k = int(d["pca.k"][0][0])
    close(tag + ": explained variances", d["pca.explained_variance"][0],
          PCA().fit(Z).explained_variance_)
    p = PCA(n_components=k).fit(Z)
    spe = np.sum((Z - p.inverse_transform(p.transform(Z))) ** 2, axis=1)
    close(tag + ": SPE of every row (k=%d)" % k, scores("%s/%s.scores" % (work, tag)), spe)


def check_kmeans(work, X):
    from sklearn.cluster import KMeans
    d = describe(work + "/kmeans.desc")
    init = np.array(d["kmeans.init"])
    km = KMeans(n_clusters=len(init), init=init, n_init=1, algorithm="lloyd", tol=0,
                max_iter=1000).fit(X)
    close("kmeans: inertia from migad's initial centroids", d["kmeans.inertia"][0][0], km.inertia_)
    close("kmeans: centroids", np.array(d["kmeans.centroid"]), km.cluster_centers_)
    dist = np.sqrt(((X[:, None, :] - km.cluster_centers_[None]) ** 2).sum(axis=2).min(axis=1))
    close("kmeans: distance to the nearest centroid", scores(work + "/kmeans.scores"), dist)


def check_gmm(work, X):
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal
    from sklearn.mixture import GaussianMixture
    d = describe(work + "/gmm.desc")
    w = np.array(d["gmm.weights"][0])
    mu = np.array(d["gmm.mean"])
    dim = X.shape[1]
    cov = np.array(d["gmm.cov"]).reshape(len(w), dim, dim)
    lp = np.stack([np.log(w[j]) + multivariate_normal(mu[j], cov[j]).logpdf(X)
                   for j in range(len(w))], axis=1)
    ll = logsumexp(lp, axis=1)
    got = -scores(work + "/gmm.scores")
    close("gmm: log-likelihood (scipy)", got, ll)
    gm = GaussianMixture(n_components=len(w), covariance_type="full")
    gm.weights_, gm.means_, gm.covariances_ = w, mu, cov
    gm.precisions_cholesky_ = np.stack(
        [np.linalg.inv(np.linalg.cholesky(c)).T for c in cov])
    close("gmm: log-likelihood (sklearn score_samples)", got, gm.score_samples(X))
    close("gmm: mean training log-likelihood", d["gmm.loglik"][0][0], ll.mean())


def main():
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
        return 0
    work = sys.argv[2]
    X = load_rows(work)
    check_pca(work, X, "pca", False)
    check_pca(work, X, "pca-zscore", True)
    check_kmeans(work, X)
    check_gmm(work, X)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
