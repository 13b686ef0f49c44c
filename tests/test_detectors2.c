/*
 * The learned detectors of seed paper 2, svm (libsvm) and ae
 * (autoencoder): the svm's kernel blocks against libm's exp (rbf.h); the
 * svm's decision function recomputed by hand from its described support
 * vectors, attack side up, and a row's score independent of the other rows
 * scored with it; labelled-row errors; planted
 * anomalies ranked above normal rows on fresh rows; the autoencoder's
 * analytic gradient against central finite differences on tiny nets (tanh
 * and relu); model round trips with identical scores, every single-byte
 * flip and every truncation refused, same seed -> same bytes.
 */
#include <float.h>
#include <stdlib.h>

#include "ae_impl.h"
#include "check.h"
#include "det_helpers.h"
#include "model_damage.h"
#include "rbf.h"
#include "migad/detector.h"
#include "migad/learn.h"
#include "migad/rng.h"
#include "migad/table.h"

static char err[MIGAD_ERRBUF_SIZE];

/*
 * Rows in 3 features: normal rows near the line t (1, 1, 1), t in two
 * clusters around -3 and 3; attack rows on a sphere of radius 5 to 6
 * around the origin, away from the line (their direction's component
 * along (1, 1, 1) removed).
 */
static char *rows_csv(uint64_t seed, int normal, int attack)
{
    struct migad_rng r;
    migad_rng_seed(&r, seed);
    size_t cap = 64 * (size_t)(normal + attack + 2), len = 0;
    char *buf = malloc(cap);
    len += (size_t)snprintf(buf + len, cap - len, "a,b,c,gt\n");
    for (int i = 0; i < normal; i++) {
        double t = (i % 2 ? 3 : -3) + 0.3 * migad_rng_normal(&r);
        len += (size_t)snprintf(buf + len, cap - len, "%.6f,%.6f,%.6f,0\n",
                                t + 0.1 * migad_rng_normal(&r), t + 0.1 * migad_rng_normal(&r),
                                t + 0.1 * migad_rng_normal(&r));
    }
    for (int i = 0; i < attack; i++) {
        double u[3], m = 0, nn = 0;
        for (int j = 0; j < 3; j++)
            m += (u[j] = migad_rng_normal(&r)) / 3;
        for (int j = 0; j < 3; j++)
            nn += (u[j] - m) * (u[j] - m);
        double rad = 5 + migad_rng_uniform(&r);
        len += (size_t)snprintf(buf + len, cap - len, "%.6f,%.6f,%.6f,1\n",
                                rad * (u[0] - m) / sqrt(nn), rad * (u[1] - m) / sqrt(nn),
                                rad * (u[2] - m) / sqrt(nn));
    }
    return buf;
}

static int table_of(struct migad_table *t, uint64_t seed, int normal, int attack)
{
    char *csv = rows_csv(seed, normal, attack);
    int ok = det_parse(t, csv, NULL);
    free(csv);
    return ok;
}

/* Every attack row (gt != 0) scores above every normal row. */
static void check_separated(const char *what, const struct migad_table *t, const double *s)
{
    double maxn = -HUGE_VAL, mina = HUGE_VAL;
    for (size_t i = 0; i < t->nrows; i++) {
        if (t->gt[i] != 0)
            mina = fmin(mina, s[i]);
        else
            maxn = fmax(maxn, s[i]);
    }
    CHECK(mina > maxn);
    if (!(mina > maxn))
        fprintf(stderr, "  %s: min attack %g <= max normal %g\n", what, mina, maxn);
}

/* ---- svm ---------------------------------------------------------------- */

static void test_svm_errors(void)
{
    struct migad_table t;
    struct migad_train_opts o;
    struct migad_model *m = NULL;
    migad_train_opts_init(&o);
    o.detector = "svm";
    CHECK(det_parse(&t, "a,b\n1,2\n3,4\n5,6\n", NULL));
    CHECK(migad_model_train(&t, &o, &m, err) == MIGAD_EINVAL && !m);
    CHECK_STR(err, "svm: needs labelled rows: the input has no gt column");
    migad_table_release(&t);
    CHECK(det_parse(&t, "a,b,gt\n1,2,0\n3,4,0\n5,6,0\n", NULL));
    CHECK(migad_model_train(&t, &o, &m, err) == MIGAD_EINVAL && !m);
    CHECK(strstr(err, "both normal") != NULL);
    migad_table_release(&t);
    /* too few rows of a class for 5 folds, fine with C and gamma given */
    CHECK(det_parse(&t, "a,b,gt\n1,2,0\n3,4,0\n5,6,1\n0,1,0\n", NULL));
    CHECK(migad_model_train(&t, &o, &m, err) == MIGAD_EINVAL && !m);
    CHECK(strstr(err, "give --C and --gamma") != NULL);
    struct migad_learn_opts lo;
    migad_learn_opts_init(&lo);
    lo.C = 1;
    lo.gamma = 0.5;
    o.learn = &lo;
    CHECK(migad_model_train(&t, &o, &m, err) == MIGAD_OK && m);
    migad_model_free(m);
    migad_table_release(&t);
    /* attack rows first or last: either way the attack side scores higher */
    static const char *const orders[] = {
        "a,b,gt\n5,5,1\n0,0,0\n0,1,0\n1,0,0\n5,6,1\n",
        "a,b,gt\n0,0,0\n0,1,0\n5,5,1\n1,0,0\n5,6,1\n",
    };
    for (int k = 0; k < 2; k++) {
        CHECK(det_parse(&t, orders[k], NULL));
        m = det_train(&t, &o);
        double *s = det_score_all(m, &t);
        for (size_t i = 0; i < t.nrows; i++)
            CHECK((s[i] > 0) == (t.gt[i] != 0));
        free(s);
        migad_model_free(m);
        migad_table_release(&t);
    }
}

/*
 * rbf_block against libm: exp(-gamma sum_j (x_j - v_j)^2), the sum in the
 * same order, so only exp may differ.  Tolerance 4 DBL_EPSILON relative:
 * glibc's vector exp was measured within 3 ulp of libm's (rbf.h), and an
 * ulp is at most DBL_EPSILON relative.  Exact where exp is: a row equal to
 * the vector gives 1, a far one +0 (argument below RBF_ZERO_BELOW), NaN
 * stays NaN.  The same row and vector give the same bits in every lane and
 * whatever the number of vectors.
 */
static void test_rbf_block(void)
{
    enum { D = 5, NV = 37 };
    struct migad_rng r;
    migad_rng_seed(&r, 4);
    double xt[D * RBF_ROWS], v[NV * D], k[NV * RBF_ROWS], k1[RBF_ROWS];
    for (size_t i = 0; i < NV * D; i++)
        v[i] = 2 * migad_rng_normal(&r);
    for (size_t i = 0; i < D * RBF_ROWS; i++)
        xt[i] = 2 * migad_rng_normal(&r);
    for (size_t j = 0; j < D; j++) {
        xt[j * RBF_ROWS + 1] = v[3 * D + j];    /* row 1 = vector 3 */
        xt[j * RBF_ROWS + 2] = 40 + v[j];       /* row 2 far from every vector */
        xt[j * RBF_ROWS + RBF_ROWS - 1] = xt[j * RBF_ROWS]; /* last row = row 0 */
    }
    xt[3 * RBF_ROWS + 4] = NAN; /* row 4 */
    double gamma = 0.3, worst = 0;
    rbf_block(xt, v, NV, D, gamma, k);
    for (size_t s = 0; s < NV; s++) {
        for (size_t row = 0; row < RBF_ROWS; row++) {
            double sum = 0;
            for (size_t j = 0; j < D; j++) {
                double t = xt[j * RBF_ROWS + row] - v[s * D + j];
                sum += t * t;
            }
            double want = exp(-gamma * sum), got = k[s * RBF_ROWS + row];
            if (row == 4)
                CHECK(isnan(got));
            else if (row == 2)
                CHECK(got == 0 && !signbit(got) && -gamma * sum < RBF_ZERO_BELOW);
            else
                worst = fmax(worst, fabs(got - want) / want);
        }
        CHECK(k[s * RBF_ROWS + RBF_ROWS - 1] == k[s * RBF_ROWS]);
    }
    CHECK(k[3 * RBF_ROWS + 1] == 1);
    CHECK(worst <= 4 * DBL_EPSILON);
    if (worst > 4 * DBL_EPSILON)
        fprintf(stderr, "  rbf_block: relative difference %g from libm\n", worst);
    rbf_block(xt, v + 5 * D, 1, D, gamma, k1); /* one vector alone */
    CHECK(memcmp(k1, k + 5 * RBF_ROWS, sizeof k1) == 0);
}

/* f(x) = sum_i coef_i exp(-gamma |sv_i - x|^2) - rho from the described
 * model, oriented by the described labels, against the scores. */
static void test_svm_by_hand(void)
{
    struct migad_table t;
    CHECK(table_of(&t, 11, 60, 12));
    struct migad_train_opts o;
    struct migad_learn_opts lo;
    migad_train_opts_init(&o);
    migad_learn_opts_init(&lo);
    o.detector = "svm";
    o.scale = MIGAD_SCALE_NONE;
    o.learn = &lo;
    lo.C = 2;
    lo.gamma = 0.25;
    struct migad_model *m = det_train(&t, &o);
    double *s = det_score_all(m, &t);
    char *desc = model_describe_text(m);
    double C, gamma, labels[2], rho, cv, nsv[2];
    CHECK(det_described(desc, "svm.C", 0, &C, 1) == 1 && C == 2);
    CHECK(det_described(desc, "svm.gamma", 0, &gamma, 1) == 1 && gamma == 0.25);
    CHECK(det_described(desc, "svm.cv_score", 0, &cv, 1) == 1 && cv == -1);
    CHECK(det_described(desc, "svm.labels", 0, labels, 2) == 2);
    CHECK(det_described(desc, "svm.nsv", 0, nsv, 2) == 2);
    CHECK(det_described(desc, "svm.rho", 0, &rho, 1) == 1);
    size_t l = (size_t)(nsv[0] + nsv[1]);
    double *coef = malloc(l * sizeof *coef), (*sv)[3] = malloc(l * sizeof *sv);
    CHECK(l > 0 && det_described(desc, "svm.coef", 0, coef, l) == l);
    double sum[2] = { 0, 0 };
    for (size_t i = 0; i < l; i++) {
        CHECK(det_described(desc, "svm.sv", (int)i, sv[i], 3) == 3);
        sum[i >= nsv[0]] += coef[i];
    }
    CHECK_NEAR(sum[0] + sum[1], 0, 1e-9); /* sum_i alpha_i y_i = 0 */
    double worst = 0;
    for (size_t r = 0; r < t.nrows; r++) {
        double f = -rho;
        for (size_t i = 0; i < l; i++) {
            double d2 = 0;
            for (size_t j = 0; j < 3; j++)
                d2 += (sv[i][j] - t.x[r * 3 + j]) * (sv[i][j] - t.x[r * 3 + j]);
            f += coef[i] * exp(-gamma * d2);
        }
        f = labels[0] == 1 ? f : -f;
        worst = fmax(worst, fabs(f - s[r]));
    }
    CHECK(worst < 1e-9);
    /* the rows from the second on, scored without the first (each in
     * another place of its block of rows): the same bits */
    struct migad_table u = t;
    u.nrows--;
    u.x += 3;
    u.meta++;
    u.gt++;
    u.imi = t.imi ? t.imi + 1 : NULL;
    double *s1 = calloc(u.nrows, sizeof *s1);
    CHECK(migad_model_score(m, &u, "mem.csv", s1, NULL, err) == MIGAD_OK);
    CHECK(memcmp(s1, s + 1, u.nrows * sizeof *s1) == 0);
    free(s1);
    /* separable rows: every training row on its side */
    int wrong = 0;
    for (size_t r = 0; r < t.nrows; r++)
        wrong += (s[r] > 0) != (t.gt[r] != 0);
    CHECK_INT(wrong, 0);
    free(coef);
    free(sv);
    free(desc);
    free(s);
    migad_model_free(m);
    migad_table_release(&t);
}

static void test_svm_planted(void)
{
    struct migad_table t, q;
    CHECK(table_of(&t, 42, 200, 30));
    CHECK(table_of(&q, 43, 100, 10)); /* fresh rows, same distributions */
    struct migad_train_opts o;
    migad_train_opts_init(&o);
    o.detector = "svm";
    struct migad_model *m = det_train(&t, &o);
    double *s = det_score_all(m, &q);
    check_separated("svm (cross-validated)", &q, s);
    char *desc = model_describe_text(m);
    double cv;
    CHECK(det_described(desc, "svm.cv_score", 0, &cv, 1) == 1 && cv > 0.95 && cv <= 1);
    free(desc);
    free(s);
    migad_model_free(m);
    /* balanced class weights */
    struct migad_learn_opts lo;
    migad_learn_opts_init(&lo);
    lo.balanced = 1;
    o.learn = &lo;
    m = det_train(&t, &o);
    s = det_score_all(m, &q);
    check_separated("svm (balanced)", &q, s);
    desc = model_describe_text(m);
    double w[2];
    CHECK(det_described(desc, "svm.weights", 0, w, 2) == 2);
    CHECK_NEAR(w[0], 230.0 / 400, 1e-15);
    CHECK_NEAR(w[1], 230.0 / 60, 1e-15);
    free(desc);
    free(s);
    migad_model_free(m);
    migad_table_release(&t);
    migad_table_release(&q);
}

/* ---- ae ----------------------------------------------------------------- */

static void gradient_check(int relu, double lambda)
{
    size_t hidden[] = { 4, 2, 3 };
    struct ae *a = ae_create(3, hidden, 3, relu, 5);
    struct migad_rng r;
    migad_rng_seed(&r, 9);
    double x[6 * 3];
    for (size_t i = 0; i < 18; i++)
        x[i] = migad_rng_normal(&r);
    size_t np = ae_nparams(a);
    double *p = ae_params(a), *g = malloc(np * sizeof *g);
    for (size_t k = 0; k < np; k++) /* biases away from 0: relu kinks, zero grads */
        p[k] += 0.1 * migad_rng_normal(&r);
    double loss = ae_loss_grad(a, x, 6, lambda, g);
    CHECK(isfinite(loss) && loss > 0);
    double worst = 0;
    size_t nonzero = 0;
    for (size_t k = 0; k < np; k++) {
        double keep = p[k], h = 1e-5;
        p[k] = keep + h;
        double up = ae_loss_grad(a, x, 6, lambda, NULL);
        p[k] = keep - h;
        double down = ae_loss_grad(a, x, 6, lambda, NULL);
        p[k] = keep;
        /* relative error; near-zero gradients (relu) against 1e-7 */
        double num = (up - down) / (2 * h), den = fmax(fabs(num), fabs(g[k]));
        nonzero += den > 1e-7;
        worst = fmax(worst, fabs(num - g[k]) / fmax(den, 1e-7));
    }
    CHECK(nonzero > np / 2);
    CHECK(worst < 1e-5);
    if (!(worst < 1e-5))
        fprintf(stderr, "  gradient check (%s): worst relative error %g\n",
                relu ? "relu" : "tanh", worst);
    CHECK(ae_loss_grad(a, x, 6, lambda, NULL) == loss);
    free(g);
    ae_destroy(a);
}

static void test_ae_gradient(void)
{
    gradient_check(0, 0.01);
    gradient_check(0, 0);
    gradient_check(1, 0.01);
}

/* The loss by hand on a 1-1-1 net with known weights. */
static void test_ae_loss_by_hand(void)
{
    size_t hidden[] = { 1 };
    struct ae *a = ae_create(1, hidden, 1, 0, 1);
    CHECK_INT(ae_nparams(a), 4);
    double *p = ae_params(a);
    p[0] = 0.5; p[1] = 0.1; /* W1, b1 */
    p[2] = 2.0; p[3] = -0.3; /* W2, b2 */
    double x[2] = { 1, -2 }, want = 0;
    for (int i = 0; i < 2; i++) {
        double y = 2.0 * tanh(0.5 * x[i] + 0.1) - 0.3;
        want += (y - x[i]) * (y - x[i]) / 2;
    }
    want += 0.1 * (0.25 + 4);
    CHECK_NEAR(ae_loss_grad(a, x, 2, 0.1, NULL), want, 1e-14);
    ae_destroy(a);
}

static void test_ae_planted(void)
{
    struct migad_table t, q;
    CHECK(table_of(&t, 42, 200, 30)); /* attack rows are not trained on */
    CHECK(table_of(&q, 43, 100, 10));
    struct migad_train_opts o;
    struct migad_learn_opts lo;
    migad_train_opts_init(&o);
    migad_learn_opts_init(&lo);
    o.detector = "ae";
    o.learn = &lo;
    lo.lr = 0.01;
    struct migad_model *m = det_train(&t, &o);
    double *s = det_score_all(m, &q);
    check_separated("ae (tanh)", &q, s);
    free(s);
    migad_model_free(m);
    lo.relu = 1;
    lo.layers[0] = 6;
    lo.layers[1] = 2;
    lo.layers[2] = 6;
    lo.nlayers = 3;
    m = det_train(&t, &o);
    s = det_score_all(m, &q);
    check_separated("ae (relu 6,2,6)", &q, s);
    char *desc = model_describe_text(m);
    CHECK(strstr(desc, "ae.layers 3 6 2 6 3\nae.activation relu\n") != NULL);
    free(desc);
    free(s);
    migad_model_free(m);
    migad_table_release(&t);
    migad_table_release(&q);
}

/* ---- model files -------------------------------------------------------- */

/* Save -> load -> same scores and same bytes; damaged copies refused;
 * same seed -> same bytes, another seed -> other bytes. */
static void check_model_file(const char *detector, const struct migad_learn_opts *lo)
{
    struct migad_table t;
    CHECK(table_of(&t, 42, 100, 20));
    struct migad_train_opts o;
    migad_train_opts_init(&o);
    o.detector = detector;
    o.learn = lo;
    o.seed = 7;
    struct migad_model *m = det_train(&t, &o), *m2 = det_train(&t, &o), *back = NULL;
    o.seed = 8;
    struct migad_model *m3 = det_train(&t, &o);
    char *buf, *buf2, *buf3, *buf4;
    size_t len, len2, len3, len4;
    CHECK(migad_model_encode(m, &buf, &len) == MIGAD_OK);
    CHECK(migad_model_encode(m2, &buf2, &len2) == MIGAD_OK);
    CHECK(migad_model_encode(m3, &buf4, &len4) == MIGAD_OK);
    CHECK(len == len2 && memcmp(buf, buf2, len) == 0); /* determinism */
    if (strcmp(detector, "ae") == 0) /* svm: both seeds may pick the same (C, gamma) */
        CHECK(len != len4 || memcmp(buf, buf4, len) != 0);
    CHECK(migad_model_decode(buf, len, "m.model", &back, err) == MIGAD_OK);
    CHECK(migad_model_encode(back, &buf3, &len3) == MIGAD_OK);
    CHECK(len == len3 && memcmp(buf, buf3, len) == 0);
    double *s1 = det_score_all(m, &t), *s2 = det_score_all(back, &t);
    CHECK(memcmp(s1, s2, t.nrows * sizeof *s1) == 0);
    /* every single-byte flip and every truncation is refused */
    CHECK_INT(model_damage_accepted(buf, len, "m.model", err), 0);
    CHECK(strstr(err, "m.model") != NULL);
    free(s1);
    free(s2);
    free(buf);
    free(buf2);
    free(buf3);
    free(buf4);
    migad_model_free(m);
    migad_model_free(m2);
    migad_model_free(m3);
    migad_model_free(back);
    migad_table_release(&t);
}

static void test_model_files(void)
{
    struct migad_learn_opts lo;
    migad_learn_opts_init(&lo);
    check_model_file("svm", NULL); /* cross-validated: the folds depend on the seed */
    lo.epochs = 20;
    lo.layers[0] = 4;
    lo.layers[1] = 2;
    lo.nlayers = 2;
    check_model_file("ae", &lo);
}

int main(void)
{
    RUN(test_rbf_block);
    RUN(test_svm_errors);
    RUN(test_svm_by_hand);
    RUN(test_svm_planted);
    RUN(test_ae_gradient);
    RUN(test_ae_loss_by_hand);
    RUN(test_ae_planted);
    RUN(test_model_files);
    return check_finish();
}
