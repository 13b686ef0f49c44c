/*
 * gmm: negative log-likelihood under a Gaussian mixture with full
 * covariances, the third detector of the thesis behind seed paper 1.
 *
 * Model: p(x) = sum_j w_j N(x | mu_j, S_j), with
 *     log N(x | mu, S) = -1/2 ( d log(2 pi) + log det S + ||L^-1 (x - mu)||^2 ),
 * S = L L^T its Cholesky factorisation (LAPACKE_dpotrf), log det S =
 * 2 sum_i log L_ii.  Score = -log p(x), summed stably (log-sum-exp).
 *
 * Fit: expectation-maximisation (Dempster, Laird & Rubin 1977), as
 * scikit-learn's GaussianMixture does it:
 *   init   k-means (k-means++ seeding from migad_rng_derive(seed, r), Lloyd
 *          to convergence), one-hot responsibilities from its clusters;
 *   M step n_j = sum_i r_ij + 10 eps, w_j = n_j / n, mu_j = sum_i r_ij x_i / n_j,
 *          S_j = sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T / n_j + reg_covar I
 *          (reg_covar 1e-6 by default, as sklearn);
 *   E step r_ij = w_j N(x_i | mu_j, S_j) / p(x_i), and the mean
 *          log-likelihood L = (1/n) sum_i log p(x_i);
 *   stop   when L changes by less than tol (1e-3) between E steps, or
 *          after max_iter (100) iterations.
 * With several restarts the fit with the highest final L is kept.
 */
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector_impl.h"

struct gmm {
    size_t k, d;
    double *w;      /* k weights */
    double *mu;     /* k x d means */
    double *cov;    /* k x d x d covariances */
    double *chol;   /* k x d x d lower Cholesky factors (derived) */
    double *logdet; /* k log-determinants (derived) */
    double *terms;  /* k x 2: log w_j and d log(2 pi) + log det S_j (derived) */
    double loglik;  /* mean training log-likelihood of the fit */
};

static void gmm_free(void *state)
{
    struct gmm *g = state;
    if (!g)
        return;
    free(g->w);
    free(g->mu);
    free(g->cov);
    free(g->chol);
    free(g->logdet);
    free(g->terms);
    free(g);
}

static struct gmm *gmm_new(size_t k, size_t d)
{
    struct gmm *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->k = k;
    g->d = d;
    g->w = calloc(k, sizeof *g->w);
    g->mu = calloc(k * d, sizeof *g->mu);
    g->cov = calloc(k * d * d, sizeof *g->cov);
    g->chol = calloc(k * d * d, sizeof *g->chol);
    g->logdet = calloc(k, sizeof *g->logdet);
    g->terms = calloc(2 * k, sizeof *g->terms);
    if (!g->w || !g->mu || !g->cov || !g->chol || !g->logdet || !g->terms) {
        gmm_free(g);
        return NULL;
    }
    return g;
}

/* Cholesky factors and log-determinants of every covariance, and the
 * per-component terms of component_logp; -1 when one is not positive
 * definite. */
static int factorize(struct gmm *g)
{
    size_t d = g->d;
    for (size_t j = 0; j < g->k; j++) {
        double *L = g->chol + j * d * d;
        memcpy(L, g->cov + j * d * d, d * d * sizeof *L);
        if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)d, L, (lapack_int)d) != 0)
            return -1;
        double ld = 0;
        for (size_t a = 0; a < d; a++) {
            for (size_t b = a + 1; b < d; b++)
                L[a * d + b] = 0; /* dpotrf leaves the upper triangle as it was */
            ld += log(L[a * d + a]);
        }
        g->logdet[j] = 2 * ld;
        g->terms[2 * j] = log(g->w[j]);
        g->terms[2 * j + 1] = (double)d * log(2 * M_PI) + g->logdet[j];
    }
    return 0;
}

/* log w_j + log N(x | mu_j, S_j) for every component into lp (k); tmp
 * holds 2 d doubles.  Components are taken two at a time: two independent
 * chains of the same arithmetic (the divisions of the forward
 * substitution wait on each other within a component, not across). */
static void component_logp(const struct gmm *g, const double *x, double *lp, double *tmp)
{
    size_t d = g->d, j = 0;
    for (; j + 2 <= g->k; j += 2) {
        const double *L0 = g->chol + j * d * d, *L1 = L0 + d * d;
        const double *mu0 = g->mu + j * d, *mu1 = mu0 + d;
        double *t0 = tmp, *t1 = tmp + d, q0 = 0, q1 = 0;
        for (size_t a = 0; a < d; a++) { /* forward substitution: L z = x - mu */
            double s0 = x[a] - mu0[a], s1 = x[a] - mu1[a];
            for (size_t b = 0; b < a; b++) {
                s0 -= L0[a * d + b] * t0[b];
                s1 -= L1[a * d + b] * t1[b];
            }
            t0[a] = s0 / L0[a * d + a];
            t1[a] = s1 / L1[a * d + a];
            q0 += t0[a] * t0[a];
            q1 += t1[a] * t1[a];
        }
        /* log w_j - 0.5 (d log(2 pi) + log det S_j + q), the constant
         * terms summed once in factorize() in the same order */
        lp[j] = g->terms[2 * j] - 0.5 * (g->terms[2 * j + 1] + q0);
        lp[j + 1] = g->terms[2 * j + 2] - 0.5 * (g->terms[2 * j + 3] + q1);
    }
    for (; j < g->k; j++) {
        const double *L = g->chol + j * d * d, *mu = g->mu + j * d;
        double q = 0;
        for (size_t a = 0; a < d; a++) {
            double s = x[a] - mu[a];
            for (size_t b = 0; b < a; b++)
                s -= L[a * d + b] * tmp[b];
            tmp[a] = s / L[a * d + a];
            q += tmp[a] * tmp[a];
        }
        lp[j] = g->terms[2 * j] - 0.5 * (g->terms[2 * j + 1] + q);
    }
}

/* exp(x), skipping libm's underflow path (which also sets errno) where
 * the result is +0 anyway: exp(x) < 2^-1075 for x < -745.2, so it rounds
 * to 0.  Far-apart components make this the common case in the E step. */
static double exp_(double x)
{
    return x < -746 ? 0.0 : exp(x);
}

static double logsumexp(const double *v, size_t n)
{
    double mx = v[0];
    for (size_t i = 1; i < n; i++)
        mx = v[i] > mx ? v[i] : mx;
    if (!isfinite(mx))
        return mx;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += exp_(v[i] - mx);
    return mx + log(s);
}

/* E step: responsibilities (n x k) and the mean log-likelihood. */
static double e_step(const struct gmm *g, const struct det_input *in, double *resp, double *tmp)
{
    double total = 0;
    for (size_t i = 0; i < in->n; i++) {
        double *r = resp + i * g->k;
        component_logp(g, in->x + i * in->d, r, tmp);
        double lse = logsumexp(r, g->k);
        for (size_t j = 0; j < g->k; j++)
            r[j] = exp_(r[j] - lse);
        total += lse;
    }
    return total / (double)in->n;
}

/* M step from responsibilities (tmp: 2 d doubles of scratch); -1 when a
 * covariance is not positive definite even with reg_covar. */
static int m_step(struct gmm *g, const struct det_input *in, const double *resp, double reg,
                  double *tmp)
{
    size_t d = g->d, n = in->n;
    for (size_t j = 0; j < g->k; j++) {
        double nk = 10 * DBL_EPSILON, *mu = g->mu + j * d, *S = g->cov + j * d * d;
        memset(mu, 0, d * sizeof *mu);
        memset(S, 0, d * d * sizeof *S);
        for (size_t i = 0; i < n; i++) {
            nk += resp[i * g->k + j];
            for (size_t a = 0; a < d; a++)
                mu[a] += resp[i * g->k + j] * in->x[i * d + a];
        }
        for (size_t a = 0; a < d; a++)
            mu[a] /= nk;
        for (size_t i = 0; i < n; i++) {
            /* S_ab += r (x_a - mu_a) (x_b - mu_b), the factors formed once
             * per row; the same products in the same order */
            double r = resp[i * g->k + j], *diff = tmp, *rd = tmp + d;
            const double *x = in->x + i * d;
            for (size_t a = 0; a < d; a++) {
                diff[a] = x[a] - mu[a];
                rd[a] = r * diff[a];
            }
            for (size_t a = 0; a < d; a++)
                for (size_t b = 0; b <= a; b++)
                    S[a * d + b] += rd[a] * diff[b];
        }
        for (size_t a = 0; a < d; a++) {
            for (size_t b = 0; b <= a; b++)
                S[b * d + a] = S[a * d + b] /= nk;
            S[a * d + a] += reg;
        }
        g->w[j] = nk / (double)n;
    }
    return factorize(g);
}

/* One EM run from a k-means initialisation; the fitted mixture or NULL. */
static struct gmm *em_run(const struct det_input *in, const struct migad_train_opts *o,
                          size_t k, unsigned restart, int *singular)
{
    size_t n = in->n, d = in->d;
    struct gmm *g = gmm_new(k, d);
    double *resp = calloc(n * k, sizeof *resp), *tmp = malloc(2 * d * sizeof *tmp);
    double *c = malloc(k * d * sizeof *c);
    size_t *assign = malloc(n * sizeof *assign);
    int ok = g && resp && tmp && c && assign;
    if (ok) {
        struct migad_rng rng;
        migad_rng_derive(&rng, o->seed, restart);
        ok = kmeans_pp(in->x, n, d, k, &rng, c) == 0 &&
             !isnan(kmeans_lloyd(in->x, n, d, k, c, 300, assign));
    }
    for (size_t i = 0; ok && i < n; i++)
        resp[i * k + assign[i]] = 1;
    if (ok && m_step(g, in, resp, o->reg_covar, tmp) != 0)
        ok = 0, *singular = 1;
    unsigned max_iter = o->max_iter ? o->max_iter : 100;
    double prev = -HUGE_VAL;
    for (unsigned it = 0; ok && it < max_iter; it++) {
        double ll = e_step(g, in, resp, tmp);
        if (m_step(g, in, resp, o->reg_covar, tmp) != 0) {
            ok = 0, *singular = 1;
            break;
        }
        if (fabs(ll - prev) < o->tol)
            break;
        prev = ll;
    }
    if (ok)
        g->loglik = e_step(g, in, resp, tmp);
    free(resp);
    free(tmp);
    free(c);
    free(assign);
    if (!ok) {
        gmm_free(g);
        return NULL;
    }
    return g;
}

static migad_status gmm_fit(void **state, const struct det_input *in,
                            const struct migad_train_opts *o, char *err)
{
    size_t k = o->k ? o->k : 2;
    unsigned restarts = o->restarts ? o->restarts : 1;
    if (k > in->n) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "gmm: %zu components but only %zu rows", k, in->n);
        return MIGAD_EINVAL;
    }
    if (!(o->reg_covar >= 0) || !(o->tol > 0)) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "gmm: --reg-covar must be >= 0 and tol > 0");
        return MIGAD_EINVAL;
    }
    struct gmm *best = NULL;
    int singular = 0;
    for (unsigned r = 0; r < restarts; r++) {
        struct gmm *g = em_run(in, o, k, r, &singular);
        if (!g)
            break;
        if (!best || g->loglik > best->loglik) {
            gmm_free(best);
            best = g;
        } else {
            gmm_free(g);
        }
    }
    if (!best || singular) {
        gmm_free(best);
        snprintf(err, MIGAD_ERRBUF_SIZE, singular ?
                 "gmm: a covariance matrix is not positive definite (raise --reg-covar)" :
                 "out of memory");
        return singular ? MIGAD_EINVAL : MIGAD_ENOMEM;
    }
    *state = best;
    return MIGAD_OK;
}

static int gmm_score(const void *state, size_t d, const double *x, size_t n, double *out)
{
    const struct gmm *g = state;
    double *lp = malloc(g->k * sizeof *lp), *tmp = malloc(2 * d * sizeof *tmp);
    int ok = lp && tmp;
    for (size_t i = 0; ok && i < n; i++) {
        component_logp(g, x + i * d, lp, tmp);
        out[i] = -logsumexp(lp, g->k);
    }
    free(lp);
    free(tmp);
    return ok ? 0 : -1;
}

static void gmm_save(const void *state, size_t d, struct mw *w)
{
    const struct gmm *g = state;
    mw_u64(w, "gmm.k", g->k);
    mw_doubles(w, "gmm.loglik", &g->loglik, 1);
    mw_doubles(w, "gmm.weights", g->w, g->k);
    for (size_t j = 0; j < g->k; j++)
        mw_doubles(w, "gmm.mean", g->mu + j * d, d);
    for (size_t j = 0; j < g->k; j++)
        mw_doubles(w, "gmm.cov", g->cov + j * d * d, d * d);
}

#define GMM_MAX_K 4096

static int gmm_load(void **state, size_t d, struct mr *r)
{
    uint64_t k;
    if (mr_u64(r, "gmm.k", GMM_MAX_K, &k) != 0)
        return -1;
    struct gmm *g = k && mr_fits(r, k * (1 + d + d * d)) ? gmm_new((size_t)k, d) : NULL;
    if (!g)
        return -1;
    int bad = mr_doubles(r, "gmm.loglik", &g->loglik, 1) ||
              mr_doubles(r, "gmm.weights", g->w, g->k);
    for (size_t j = 0; j < k && !bad; j++)
        bad = mr_doubles(r, "gmm.mean", g->mu + j * d, d);
    for (size_t j = 0; j < k && !bad; j++)
        bad = mr_doubles(r, "gmm.cov", g->cov + j * d * d, d * d);
    for (size_t j = 0; j < k && !bad; j++)
        bad = !(g->w[j] > 0);
    if (bad || factorize(g) != 0) {
        gmm_free(g);
        return -1;
    }
    *state = g;
    return 0;
}

static void gmm_describe(const void *state, size_t d, FILE *fp)
{
    const struct gmm *g = state;
    fprintf(fp, "gmm.k %zu\n", g->k);
    desc_doubles(fp, "gmm.loglik", &g->loglik, 1);
    desc_doubles(fp, "gmm.weights", g->w, g->k);
    for (size_t j = 0; j < g->k; j++)
        desc_doubles(fp, "gmm.mean", g->mu + j * d, d);
    for (size_t j = 0; j < g->k; j++)
        desc_doubles(fp, "gmm.cov", g->cov + j * d * d, d * d);
}

const struct detector_ops detector_gmm = {
    .name = "gmm",
    .summary = "Gaussian mixture fitted by EM: negative log-likelihood",
    .fit = gmm_fit,
    .score = gmm_score,
    .save = gmm_save,
    .load = gmm_load,
    .describe = gmm_describe,
    .threshold = NULL,
    .free = gmm_free,
};
