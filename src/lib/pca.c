/*
 * pca: the subspace method of Lakhina, Crovella and Diot ("Diagnosing
 * network-wide traffic anomalies", SIGCOMM 2004), as used by seed paper 1
 * (Shirazi et al., CloudNet 2014, section III-A).
 *
 * Fit: mean mu and sample covariance C = Xc^T Xc / (n - 1) of the (scaled)
 * training rows, eigendecomposition C = V diag(lambda) V^T through LAPACK
 * (LAPACKE_dsyev), eigenvalues sorted descending (each eigenvector's sign
 * fixed so that its largest-magnitude component is positive).  The normal
 * subspace is spanned by the first k principal axes, with k
 *   - given (--components K, 0 <= K < d), or
 *   - the 3-sigma rule (Lakhina 2004, sec. 4.1): axes are examined in order;
 *     the first axis i on which the projection of some training row lies
 *     more than 3 standard deviations of that projection from its mean
 *     ends the normal subspace, k = i (0-based); when no axis has such a
 *     row, k = d - 1; or
 *   - by default, the smallest k whose axes hold a fraction >= --variance
 *     (0.95) of the total variance, capped at d - 1.
 *
 * Score: the squared prediction error, the squared norm of the row's
 * projection on the residual subspace,
 *     SPE(x) = || (I - P P^T)(x - mu) ||^2 = sum_{i >= k} (v_i . (x - mu))^2.
 *
 * Threshold at alpha (Jackson & Mudholkar, Technometrics 1979, as in
 * Lakhina 2004): with phi_h = sum_{i >= k} lambda_i^h (h = 1, 2, 3),
 * h0 = 1 - 2 phi1 phi3 / (3 phi2^2) and c_alpha the (1 - alpha) quantile
 * of the standard normal,
 *     Q_alpha = phi1 [ c_alpha sqrt(2 phi2 h0^2) / phi1 + 1
 *                      + phi2 h0 (h0 - 1) / phi1^2 ]^(1 / h0).
 * (h0 is kept >= 1e-6; an empty or zero-variance residual gives Q = 0.)
 */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector_impl.h"

struct pca {
    size_t d, k;
    double *mean;   /* d */
    double *lambda; /* d eigenvalues, descending */
    double *vec;    /* d x d: row i = principal axis i */
};

static void pca_free(void *state)
{
    struct pca *p = state;
    if (!p)
        return;
    free(p->mean);
    free(p->lambda);
    free(p->vec);
    free(p);
}

static struct pca *pca_new(size_t d)
{
    struct pca *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->d = d;
    p->mean = calloc(d, sizeof *p->mean);
    p->lambda = calloc(d, sizeof *p->lambda);
    p->vec = calloc(d * d, sizeof *p->vec);
    if (!p->mean || !p->lambda || !p->vec) {
        pca_free(p);
        return NULL;
    }
    return p;
}

/* Mean and sample covariance (n - 1 denominator) into cov (d x d). */
static void covariance(const struct det_input *in, double *mean, double *cov)
{
    size_t n = in->n, d = in->d;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            mean[j] += in->x[i * d + j];
    for (size_t j = 0; j < d; j++)
        mean[j] /= (double)n;
    for (size_t i = 0; i < n; i++) {
        const double *r = in->x + i * d;
        for (size_t a = 0; a < d; a++)
            for (size_t b = a; b < d; b++)
                cov[a * d + b] += (r[a] - mean[a]) * (r[b] - mean[b]);
    }
    for (size_t a = 0; a < d; a++)
        for (size_t b = a; b < d; b++)
            cov[b * d + a] = cov[a * d + b] /= (double)(n - 1);
}

/* Eigendecomposition of cov (destroyed) into p->lambda / p->vec, descending. */
static int eigen(struct pca *p, double *cov)
{
    size_t d = p->d;
    double *w = malloc(d * sizeof *w);
    if (!w)
        return -1;
    lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)d, cov,
                                    (lapack_int)d, w);
    if (info != 0) {
        free(w);
        return -1;
    }
    for (size_t i = 0; i < d; i++) {
        size_t src = d - 1 - i; /* ascending -> descending */
        p->lambda[i] = w[src] > 0 ? w[src] : 0;
        size_t big = 0;
        for (size_t j = 0; j < d; j++)
            if (fabs(cov[j * d + src]) > fabs(cov[big * d + src]))
                big = j;
        double sign = cov[big * d + src] < 0 ? -1 : 1;
        for (size_t j = 0; j < d; j++)
            p->vec[i * d + j] = sign * cov[j * d + src];
    }
    free(w);
    return 0;
}

static double dot_centered(const struct pca *p, size_t axis, const double *x)
{
    double s = 0;
    for (size_t j = 0; j < p->d; j++)
        s += p->vec[axis * p->d + j] * (x[j] - p->mean[j]);
    return s;
}

/* Lakhina's 3-sigma rule (see the top of the file). */
static size_t three_sigma_k(const struct pca *p, const struct det_input *in)
{
    for (size_t a = 0; a + 1 < p->d; a++) {
        double sd = sqrt(p->lambda[a]); /* projections have mean 0, variance lambda */
        for (size_t i = 0; i < in->n; i++)
            if (fabs(dot_centered(p, a, in->x + i * in->d)) > 3 * sd)
                return a;
    }
    return p->d - 1;
}

static size_t variance_k(const struct pca *p, double fraction)
{
    double total = 0, cum = 0;
    for (size_t i = 0; i < p->d; i++)
        total += p->lambda[i];
    size_t k = 0;
    while (k + 1 < p->d && cum < fraction * total)
        cum += p->lambda[k++];
    return k;
}

static migad_status pca_fit(void **state, const struct det_input *in,
                            const struct migad_train_opts *o, char *err)
{
    if (o->k >= in->d && o->k > 0) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "pca: --components %zu must be below the %zu features",
                 o->k, in->d);
        return MIGAD_EINVAL;
    }
    if (!(o->variance > 0 && o->variance <= 1)) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "pca: --variance %g is not in (0, 1]", o->variance);
        return MIGAD_EINVAL;
    }
    struct pca *p = pca_new(in->d);
    double *cov = calloc(in->d * in->d, sizeof *cov);
    if (!p || !cov) {
        pca_free(p);
        free(cov);
        snprintf(err, MIGAD_ERRBUF_SIZE, "out of memory");
        return MIGAD_ENOMEM;
    }
    covariance(in, p->mean, cov);
    int bad = eigen(p, cov);
    free(cov);
    if (bad) {
        pca_free(p);
        snprintf(err, MIGAD_ERRBUF_SIZE, "pca: eigendecomposition failed (LAPACK dsyev)");
        return MIGAD_EINVAL;
    }
    p->k = o->k > 0 ? o->k : o->three_sigma ? three_sigma_k(p, in) : variance_k(p, o->variance);
    *state = p;
    return MIGAD_OK;
}

static int pca_score(const void *state, size_t d, const double *x, size_t n, double *out)
{
    const struct pca *p = state;
    for (size_t i = 0; i < n; i++) {
        double spe = 0;
        for (size_t a = p->k; a < d; a++) {
            double t = dot_centered(p, a, x + i * d);
            spe += t * t;
        }
        out[i] = spe;
    }
    return 0;
}

/* Inverse of the standard normal CDF: Acklam's rational approximation
 * (relative error 1.15e-9) refined by one Halley step with erfc. */
static double normal_quantile(double pr)
{
    static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
        -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01,
        2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
        -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01 };
    static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
        -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00,
        2.938163982698783e+00 };
    static const double e[] = { 7.784695709041462e-03, 3.224671290700398e-01,
        2.445134137142996e+00, 3.754408661907416e+00 };
    double q, x;
    if (pr < 0.02425 || pr > 1 - 0.02425) {
        q = sqrt(-2 * log(pr < 0.5 ? pr : 1 - pr));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((e[0] * q + e[1]) * q + e[2]) * q + e[3]) * q + 1);
        if (pr > 0.5)
            x = -x;
    } else {
        q = pr - 0.5;
        double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    double err = 0.5 * erfc(-x / sqrt(2)) - pr;
    double u = err * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

static migad_status pca_threshold(const void *state, double alpha, double *out, char *err)
{
    const struct pca *p = state;
    if (!(alpha > 0 && alpha < 1)) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "pca: --alpha %g is not in (0, 1)", alpha);
        return MIGAD_EINVAL;
    }
    double phi[4] = { 0 };
    for (size_t i = p->k; i < p->d; i++)
        for (int h = 1; h <= 3; h++)
            phi[h] += pow(p->lambda[i], h);
    if (phi[1] <= 0 || phi[2] <= 0) {
        *out = 0;
        return MIGAD_OK;
    }
    double h0 = 1 - 2 * phi[1] * phi[3] / (3 * phi[2] * phi[2]);
    if (h0 < 1e-6)
        h0 = 1e-6;
    double ca = normal_quantile(1 - alpha);
    double base = ca * sqrt(2 * phi[2] * h0 * h0) / phi[1] + 1 +
                  phi[2] * h0 * (h0 - 1) / (phi[1] * phi[1]);
    *out = base > 0 ? phi[1] * pow(base, 1 / h0) : 0;
    return MIGAD_OK;
}

static void pca_save(const void *state, size_t d, struct mw *w)
{
    const struct pca *p = state;
    mw_u64(w, "pca.k", p->k);
    mw_doubles(w, "pca.mean", p->mean, d);
    mw_doubles(w, "pca.lambda", p->lambda, d);
    for (size_t a = 0; a < d; a++)
        mw_doubles(w, "pca.axis", p->vec + a * d, d);
}

static int pca_load(void **state, size_t d, struct mr *r)
{
    struct pca *p = mr_fits(r, (uint64_t)d * (d + 2)) ? pca_new(d) : NULL;
    uint64_t k;
    if (!p)
        return -1;
    int bad = mr_u64(r, "pca.k", d - 1, &k) || mr_doubles(r, "pca.mean", p->mean, d) ||
              mr_doubles(r, "pca.lambda", p->lambda, d);
    for (size_t a = 0; a < d && !bad; a++)
        bad = mr_doubles(r, "pca.axis", p->vec + a * d, d);
    if (bad) {
        pca_free(p);
        return -1;
    }
    p->k = (size_t)k;
    *state = p;
    return 0;
}

static void pca_describe(const void *state, size_t d, FILE *fp)
{
    const struct pca *p = state;
    fprintf(fp, "pca.k %zu\n", p->k);
    desc_doubles(fp, "pca.mean", p->mean, d);
    desc_doubles(fp, "pca.explained_variance", p->lambda, d);
    for (size_t a = 0; a < d; a++)
        desc_doubles(fp, "pca.axis", p->vec + a * d, d);
}

const struct detector_ops detector_pca = {
    .name = "pca",
    .summary = "PCA subspace method (Lakhina 2004): squared prediction error",
    .fit = pca_fit,
    .score = pca_score,
    .save = pca_save,
    .load = pca_load,
    .describe = pca_describe,
    .threshold = pca_threshold,
    .free = pca_free,
};
