/*
 * WGAN-GP class balancing (src/lib/gan.c, seed paper 2 section 3.2): the
 * critic's and the generator's exact gradients against central finite
 * differences on tiny networks (gradient penalty, Wasserstein term, both,
 * and the gradient with respect to the rows), the penalty by hand on a
 * linear critic, generated rows with the mean and covariance of a 2-D
 * attack cluster, and `balance = gan` through migad_model_train: the
 * generated row count, refusals, model files (version 2 only when
 * balanced), same seed -> same bytes.
 */
#include <stdlib.h>

#include "check.h"
#include "gan.h"
#include "model_damage.h"
#include "migad/detector.h"
#include "migad/learn.h"
#include "migad/rng.h"
#include "migad/table.h"

static char err[MIGAD_ERRBUF_SIZE];

/* ---- exact gradients ----------------------------------------------------- */

/* Worst relative error between grad and central differences of f over the
 * n values v (h = 1e-5, relative to max(|numeric|, |analytic|, floor)). */
struct fd {
    double (*f)(void *ctx);
    void *ctx;
};

static double fd_worst(struct fd fn, double *v, size_t n, const double *grad, double floor_,
                       size_t *nonzero)
{
    double worst = 0;
    *nonzero = 0;
    for (size_t k = 0; k < n; k++) {
        double keep = v[k], h = 1e-5;
        v[k] = keep + h;
        double up = fn.f(fn.ctx);
        v[k] = keep - h;
        double down = fn.f(fn.ctx);
        v[k] = keep;
        double num = (up - down) / (2 * h), den = fmax(fabs(num), fabs(grad[k]));
        *nonzero += den > floor_;
        worst = fmax(worst, fabs(num - grad[k]) / fmax(den, floor_));
    }
    return worst;
}

struct critic_ctx {
    struct gan_net *D;
    double *x;
    size_t n;
    const double *c, *w;
};

static double critic_f(void *p)
{
    struct critic_ctx *k = p;
    return gan_critic_objective(k->D, k->x, k->n, k->c, k->w, NULL, NULL);
}

/* d -> 4 -> 3 -> 1 critic, n rows, coefficients c and penalty weights w
 * (either NULL): dJ/dparams and dJ/dx against central differences. */
static void critic_check(const char *what, int with_c, int with_w)
{
    enum { N = 5, Dm = 3 };
    size_t widths[] = { Dm, 4, 3, 1 };
    struct migad_rng r;
    migad_rng_seed(&r, 11);
    struct gan_net *D = gan_net_create(widths, 4, &r);
    size_t np = gan_net_nparams(D);
    double *p = gan_net_params(D), x[N * Dm], c[N], w[N], gx[N * Dm];
    for (size_t k = 0; k < np; k++) /* biases away from 0 too */
        p[k] += 0.3 * migad_rng_normal(&r);
    for (size_t i = 0; i < N * Dm; i++)
        x[i] = migad_rng_normal(&r);
    for (size_t i = 0; i < N; i++) {
        c[i] = migad_rng_normal(&r);
        w[i] = 10 * migad_rng_uniform(&r) + 0.5; /* lambda / b, scaled */
    }
    struct critic_ctx k = { D, x, N, with_c ? c : NULL, with_w ? w : NULL };
    double *g = malloc(np * sizeof *g);
    double J = gan_critic_objective(D, x, N, k.c, k.w, g, gx);
    CHECK(isfinite(J));
    size_t nz;
    double worst = fd_worst((struct fd){ critic_f, &k }, p, np, g, 1e-8, &nz);
    CHECK(nz > np / 2);
    CHECK(worst < 1e-6);
    if (!(worst < 1e-6))
        fprintf(stderr, "  %s: d/dparams worst relative error %g\n", what, worst);
    worst = fd_worst((struct fd){ critic_f, &k }, x, N * Dm, gx, 1e-8, &nz);
    CHECK(nz == N * Dm);
    CHECK(worst < 1e-6);
    if (!(worst < 1e-6))
        fprintf(stderr, "  %s: d/dx worst relative error %g\n", what, worst);
    /* the gradient does not change the value */
    CHECK(gan_critic_objective(D, x, N, k.c, k.w, NULL, NULL) == J);
    free(g);
    gan_net_destroy(D);
}

static void test_critic_gradient(void)
{
    critic_check("gradient penalty", 0, 1);
    critic_check("Wasserstein term", 1, 0);
    critic_check("both", 1, 1);
}

/* On a linear critic D(x) = W x + b the gradient is W for every row:
 * J = sum_i c_i (W x_i + b) + sum_i w_i (|W| - 1)^2, by hand. */
static void test_penalty_by_hand(void)
{
    size_t widths[] = { 2, 1 };
    struct migad_rng r;
    migad_rng_seed(&r, 1);
    struct gan_net *D = gan_net_create(widths, 2, &r);
    double *p = gan_net_params(D);
    p[0] = 3;
    p[1] = 4; /* |W| = 5 */
    p[2] = 0.5;
    double x[4] = { 1, 2, -1, 0.5 }, c[2] = { 0.25, -1 }, w[2] = { 2, 3 }, g[3];
    double want = 0.25 * (3 + 8 + 0.5) - (-3 + 2 + 0.5) + (2 + 3) * 16.0;
    CHECK_NEAR(gan_critic_objective(D, x, 2, c, w, g, NULL), want, 1e-12);
    /* dJ/dW = sum c_i x_i + sum w_i 2 (|W| - 1) W / |W|; dJ/db = sum c_i */
    CHECK_NEAR(g[0], 0.25 * 1 - 1 * -1 + 5 * 2 * 4 * 3 / 5.0, 1e-12);
    CHECK_NEAR(g[1], 0.25 * 2 - 1 * 0.5 + 5 * 2 * 4 * 4 / 5.0, 1e-12);
    CHECK_NEAR(g[2], 0.25 - 1, 1e-15);
    gan_net_destroy(D);
}

struct gen_ctx {
    struct gan_net *G, *D;
    double *z;
    size_t n;
};

static double gen_f(void *p)
{
    struct gen_ctx *k = p;
    return gan_generator_objective(k->G, k->D, k->z, k->n, NULL);
}

static void test_generator_gradient(void)
{
    enum { N = 6, L = 2 };
    size_t gw[] = { L, 4, 3, 3 }, dw[] = { 3, 5, 1 };
    struct migad_rng r;
    migad_rng_seed(&r, 12);
    struct gan_net *G = gan_net_create(gw, 4, &r), *D = gan_net_create(dw, 3, &r);
    size_t np = gan_net_nparams(G);
    double *p = gan_net_params(G), z[N * L];
    for (size_t k = 0; k < np; k++)
        p[k] += 0.3 * migad_rng_normal(&r);
    for (size_t k = 0; k < gan_net_nparams(D); k++)
        gan_net_params(D)[k] += 0.3 * migad_rng_normal(&r);
    for (size_t i = 0; i < N * L; i++)
        z[i] = migad_rng_normal(&r);
    struct gen_ctx k = { G, D, z, N };
    double *g = malloc(np * sizeof *g);
    double J = gan_generator_objective(G, D, z, N, g);
    CHECK(isfinite(J));
    /* J = -mean D(G(z)), by the two networks applied in turn */
    double xg[N * 3], dv[N], want = 0;
    CHECK(gan_net_apply(G, z, N, xg) == 0);
    CHECK(gan_net_apply(D, xg, N, dv) == 0);
    for (size_t i = 0; i < N; i++)
        want -= dv[i] / N;
    CHECK_NEAR(J, want, 1e-14);
    size_t nz;
    double worst = fd_worst((struct fd){ gen_f, &k }, p, np, g, 1e-8, &nz);
    CHECK(nz > np / 2);
    CHECK(worst < 1e-6);
    if (!(worst < 1e-6))
        fprintf(stderr, "  generator: worst relative error %g\n", worst);
    free(g);
    gan_net_destroy(G);
    gan_net_destroy(D);
}

/* ---- what it generates ---------------------------------------------------- */

static void mean_cov(const double *x, size_t n, double mean[2], double cov[3])
{
    mean[0] = mean[1] = cov[0] = cov[1] = cov[2] = 0;
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < 2; j++)
            mean[j] += x[2 * i + j] / (double)n;
    for (size_t i = 0; i < n; i++) {
        double a = x[2 * i] - mean[0], b = x[2 * i + 1] - mean[1];
        cov[0] += a * a / (double)n;
        cov[1] += a * b / (double)n;
        cov[2] += b * b / (double)n;
    }
}

/*
 * Attack rows ~ N((3, 3), 0.5^2 [[1, 0.6], [0.6, 1]]), 300 of them: the
 * generated rows' mean and covariance match the rows the GAN learned from
 * (the sample's own, so the tolerances bound the GAN's error, not the
 * sampling error).  Tolerances: mean within 0.1 (0.2 standard deviations),
 * each covariance entry within 0.08 (a third of the variance 0.25; the
 * correlation must show: covariance 0.15 +- 0.08, not 0).  With the default
 * options the largest errors over ten seeds (of the rows and of the GAN)
 * were 0.03 and 0.062, and 0.007 and 0.011 with the seeds here.  The GAN
 * learns the rows standardised by their own mean and deviation, so the
 * mean mostly checks the mapping back; the covariance and its correlation
 * are the GAN's work (after one step the generator gives variances near
 * 0.1 and no correlation: errors up to 0.2).
 */
static void test_gaussian_cluster(void)
{
    enum { M = 300, G = 4000 };
    double *x = malloc(M * 2 * sizeof *x), *out = malloc(G * 2 * sizeof *out);
    struct migad_rng r;
    migad_rng_seed(&r, 5);
    for (size_t i = 0; i < M; i++) {
        double a = migad_rng_normal(&r), b = migad_rng_normal(&r);
        x[2 * i] = 3 + 0.5 * a;
        x[2 * i + 1] = 3 + 0.5 * (0.6 * a + 0.8 * b);
    }
    struct migad_learn_opts lo;
    migad_learn_opts_init(&lo);
    CHECK(gan_generate(x, M, 2, &lo, 1, G, out, err) == MIGAD_OK);
    double mr[2], cr[3], mg[2], cg[3];
    mean_cov(x, M, mr, cr);
    mean_cov(out, G, mg, cg);
    for (int j = 0; j < 2; j++)
        CHECK_NEAR(mg[j], mr[j], 0.1);
    for (int j = 0; j < 3; j++)
        CHECK_NEAR(cg[j], cr[j], 0.08);
    printf("  real mean %.3f %.3f cov %.3f %.3f %.3f; generated mean %.3f %.3f cov %.3f %.3f %.3f\n",
           mr[0], mr[1], cr[0], cr[1], cr[2], mg[0], mg[1], cg[0], cg[1], cg[2]);
    /* same seed, same rows */
    double *again = malloc(G * 2 * sizeof *again);
    lo.gan_iters = 50;
    CHECK(gan_generate(x, M, 2, &lo, 9, G, out, err) == MIGAD_OK);
    CHECK(gan_generate(x, M, 2, &lo, 9, G, again, err) == MIGAD_OK);
    CHECK(memcmp(out, again, G * 2 * sizeof *out) == 0);
    CHECK(gan_generate(x, M, 2, &lo, 10, G, again, err) == MIGAD_OK);
    CHECK(memcmp(out, again, G * 2 * sizeof *out) != 0);
    /* a constant column is generated as that constant */
    for (size_t i = 0; i < M; i++)
        x[2 * i + 1] = 7;
    CHECK(gan_generate(x, M, 2, &lo, 9, 10, out, err) == MIGAD_OK);
    for (size_t i = 0; i < 10; i++)
        CHECK(out[2 * i + 1] == 7);
    CHECK(gan_generate(x, 1, 2, &lo, 9, 10, out, err) == MIGAD_EINVAL);
    CHECK_STR(err, "gan: needs at least 2 rows to learn from, have 1");
    lo.gan_lr = 0;
    CHECK(gan_generate(x, M, 2, &lo, 9, 10, out, err) == MIGAD_EINVAL);
    free(again);
    free(x);
    free(out);
}

/* ---- balancing through migad_model_train ---------------------------------- */

/* na attack rows around (3, 3, 3), nn normal rows around 0, gt column. */
static int table_of(struct migad_table *t, uint64_t seed, int nn, int na, int with_gt)
{
    struct migad_rng r;
    migad_rng_seed(&r, seed);
    size_t cap = 80 * (size_t)(nn + na + 2), len = 0;
    char *buf = malloc(cap);
    len += (size_t)snprintf(buf + len, cap - len, with_gt ? "a,b,c,gt,imi\n" : "a,b,c\n");
    for (int i = 0; i < nn + na; i++) {
        int att = i >= nn;
        double mu = att ? 3 : 0;
        len += (size_t)snprintf(buf + len, cap - len, "%.6f,%.6f,%.6f", mu + migad_rng_normal(&r),
                                mu + migad_rng_normal(&r), mu + 0.5 * migad_rng_normal(&r));
        len += (size_t)snprintf(buf + len, cap - len, with_gt ? ",%d,%d\n" : "\n", att,
                                i % 10 == 0);
    }
    int ok = migad_table_parse(t, buf, len, "mem.csv", NULL, 0, err) == MIGAD_OK;
    free(buf);
    return ok;
}

static char *encode(const struct migad_model *m, size_t *len)
{
    char *buf = NULL;
    *len = 0;
    if (m)
        CHECK(migad_model_encode(m, &buf, len) == MIGAD_OK);
    return buf;
}

/* FNV-1a 64 over buf[0..len): re-sign an edited model (docs/model-format.md). */
static char *resign(const char *payload)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    size_t n = strlen(payload);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)payload[i];
        h *= UINT64_C(0x100000001b3);
    }
    char *out = malloc(n + 40);
    snprintf(out, n + 40, "%schecksum fnv1a64 %016" PRIx64 "\n", payload, h);
    return out;
}

/* The model text with its first line replaced by `head` and the checksum
 * redone; decoded, the status returned. */
static migad_status decode_as(const char *buf, size_t len, const char *head)
{
    const char *nl = memchr(buf, '\n', len), *ck = strstr(buf, "checksum fnv1a64 ");
    size_t hl = strlen(head), body = (size_t)(ck - nl - 1);
    char *payload = malloc(hl + body + 2);
    memcpy(payload, head, hl);
    payload[hl] = '\n';
    memcpy(payload + hl + 1, nl + 1, body);
    payload[hl + 1 + body] = '\0';
    char *signed_ = resign(payload);
    struct migad_model *m = NULL;
    migad_status st = migad_model_decode(signed_, strlen(signed_), "v.model", &m, err);
    migad_model_free(m);
    free(payload);
    free(signed_);
    return st;
}

static void test_balance_svm(void)
{
    struct migad_table t;
    CHECK(table_of(&t, 3, 150, 12, 1));
    struct migad_train_opts o;
    struct migad_learn_opts lo;
    migad_train_opts_init(&o);
    migad_learn_opts_init(&lo);
    o.detector = "svm";
    o.learn = &lo;
    o.seed = 4;
    lo.C = 1;
    lo.gamma = 0.5;
    struct migad_model *plain = NULL, *m = NULL, *m2 = NULL, *m3 = NULL, *back = NULL;
    CHECK(migad_model_train(&t, &o, &plain, err) == MIGAD_OK);
    lo.balance = MIGAD_BALANCE_GAN;
    lo.gan_iters = 200;
    CHECK(migad_model_train(&t, &o, &m, err) == MIGAD_OK);
    CHECK(migad_model_train(&t, &o, &m2, err) == MIGAD_OK);
    o.seed = 5;
    CHECK(migad_model_train(&t, &o, &m3, err) == MIGAD_OK);
    size_t l0, l1, l2, l3, l4;
    char *b0 = encode(plain, &l0), *b1 = encode(m, &l1), *b2 = encode(m2, &l2);
    char *b3 = encode(m3, &l3);
    CHECK(b0 && strncmp(b0, "migad-model 1\n", 14) == 0); /* unbalanced: version 1 as before */
    CHECK(b1 && strncmp(b1, "migad-model 2\n", 14) == 0);
    CHECK(b1 && strstr(b1, "\nthreshold ") && strstr(b1, "\nbalance gan 138\nsvm.C "));
    CHECK(l1 == l2 && memcmp(b1, b2, l1) == 0); /* same seed, same bytes */
    CHECK(l1 != l3 || memcmp(b1, b3, l1) != 0); /* another seed, other rows */
    CHECK(b0 && b1 && (l0 != l1 || memcmp(b0, b1, l0) != 0));
    char *desc = m ? model_describe_text(m) : NULL;
    CHECK(desc && strstr(desc, "\nbalance gan 138\n") != NULL);
    free(desc);
    desc = plain ? model_describe_text(plain) : NULL;
    CHECK(desc && strstr(desc, "\nbalance none\n") != NULL);
    free(desc);
    /* round trip; damage refused; versions */
    CHECK(migad_model_decode(b1, l1, "m.model", &back, err) == MIGAD_OK);
    char *b4 = encode(back, &l4);
    CHECK(l4 == l1 && memcmp(b1, b4, l1) == 0);
    CHECK_INT(model_damage_accepted(b1, l1, "m.model", err), 0);
    CHECK_INT(decode_as(b0, l0, "migad-model 2"), MIGAD_EFORMAT); /* no balance line */
    CHECK(strstr(err, "expected 'balance'") != NULL);
    CHECK_INT(decode_as(b1, l1, "migad-model 1"), MIGAD_EFORMAT); /* balance line in v1 */
    CHECK_INT(decode_as(b1, l1, "migad-model 3"), MIGAD_EUNSUP);
    CHECK(strstr(err, "versions 1 to 2") != NULL);
    CHECK_INT(decode_as(b1, l1, "migad-model 2"), MIGAD_OK);
    free(b0);
    free(b1);
    free(b2);
    free(b3);
    free(b4);
    migad_model_free(plain);
    migad_model_free(m);
    migad_model_free(m2);
    migad_model_free(m3);
    migad_model_free(back);

    /* ratio 0.5: 75 attack rows wanted, 63 generated; more attack rows than
     * wanted: nothing generated */
    lo.gan_ratio = 0.5;
    CHECK(migad_model_train(&t, &o, &m, err) == MIGAD_OK);
    desc = m ? model_describe_text(m) : NULL;
    CHECK(desc && strstr(desc, "\nbalance gan 63\n") != NULL);
    free(desc);
    migad_model_free(m);
    lo.gan_ratio = 0.05;
    CHECK(migad_model_train(&t, &o, &m, err) == MIGAD_OK);
    desc = m ? model_describe_text(m) : NULL;
    CHECK(desc && strstr(desc, "\nbalance gan 0\n") != NULL);
    free(desc);
    migad_model_free(m);
    lo.gan_ratio = 1;

    /* refused: unsupervised detectors, no gt, too few attack rows */
    const char *unsup[] = { "pca", "kmeans", "gmm", "ae" };
    for (size_t i = 0; i < 4; i++) {
        o.detector = unsup[i];
        CHECK_INT(migad_model_train(&t, &o, &m, err), MIGAD_EINVAL);
        CHECK(m == NULL);
        CHECK(strstr(err, "--balance gan: only for the supervised detector svm") != NULL);
    }
    o.detector = "svm";
    struct migad_table u;
    CHECK(table_of(&u, 3, 50, 0, 0));
    CHECK_INT(migad_model_train(&u, &o, &m, err), MIGAD_EINVAL);
    CHECK_STR(err, "--balance gan: needs labelled rows: the input has no gt column");
    migad_table_release(&u);
    CHECK(table_of(&u, 3, 50, 1, 1));
    CHECK_INT(migad_model_train(&u, &o, &m, err), MIGAD_EINVAL);
    CHECK_STR(err, "--balance gan: needs at least 2 attack (gt != 0) rows to learn from, have 1");
    migad_table_release(&u);
    lo.gan_batch = 0;
    CHECK_INT(migad_model_train(&t, &o, &m, err), MIGAD_EINVAL);
    CHECK_STR(err, "gan: invalid parameters");
    migad_table_release(&t);
}

int main(void)
{
    RUN(test_critic_gradient);
    RUN(test_penalty_by_hand);
    RUN(test_generator_gradient);
    RUN(test_gaussian_cluster);
    RUN(test_balance_svm);
    return check_finish();
}
