/*
 * The svm's chunked solver (src/lib/svm.c, "Large problems") against an
 * independent reading of its result.  A solution is checked the way
 * libsvm decides to stop (Solver::select_working_set), recomputed here
 * from the model's description alone, on every training row, in long
 * double: the support vectors found back among the rows (exact values:
 * no scaling, 17 digits), alpha = |coef|, f0 = sum_i coef_i K(sv_i, x),
 * and then
 *     Gmax  = max of  y - f0  over {y = +1, a < C_t} u {y = -1, a > 0}
 *     Gmax2 = max of  f0 - y  over {y = +1, a > 0} u {y = -1, a < C_t}
 * with y = +1 for libsvm's label[0]; libsvm stops when Gmax + Gmax2 <
 * eps.  The chunked solution must pass that test on all the rows, as the
 * whole solve does, and agree with the whole solve as two solutions to
 * that tolerance do: the same dual objective to 1e-4 (relative), the same
 * side for all but a few rows near the boundary.  Cross-validation with
 * chunked folds (which index rows through the folds) chooses what the
 * whole solver's folds choose; a problem that needs most of its rows falls
 * back to the whole solve (same bytes); the automatic choice switches at
 * MIGAD_SVM_CHUNK_MIN_ROWS rows; same seed, same bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "det_helpers.h"
#include "model_damage.h"
#include "migad/detector.h"
#include "migad/learn.h"
#include "migad/rng.h"
#include "migad/table.h"

#define D 4

/*
 * n rows of D features: normal rows from N(0, I), attack rows (a fraction
 * `share`) from N(mu, I) with mu = shift (1, 0.6, 0, 0): the classes
 * overlap, so the solution has free and bounded support vectors and most
 * rows beyond their margin.
 */
static int table_of(struct migad_table *t, uint64_t seed, size_t n, double share, double shift)
{
    struct migad_rng r;
    migad_rng_seed(&r, seed);
    size_t cap = 128 * (n + 1), len = 0;
    char *csv = malloc(cap);
    if (!csv)
        return 0;
    len += (size_t)snprintf(csv + len, cap - len, "a,b,c,d,gt\n");
    static const double mu[D] = { 1, 0.6, 0, 0 };
    for (size_t i = 0; i < n; i++) {
        int attack = migad_rng_uniform(&r) < share;
        for (int j = 0; j < D; j++)
            len += (size_t)snprintf(csv + len, cap - len, "%.17g,",
                                    migad_rng_normal(&r) + (attack ? shift * mu[j] : 0));
        len += (size_t)snprintf(csv + len, cap - len, "%d\n", attack);
    }
    int ok = det_parse(t, csv, NULL);
    free(csv);
    return ok;
}

static void opts(struct migad_train_opts *o, struct migad_learn_opts *lo, double C,
                 double gamma, enum migad_svm_solver how)
{
    migad_train_opts_init(o);
    migad_learn_opts_init(lo);
    o->detector = "svm";
    o->scale = MIGAD_SCALE_NONE;
    o->learn = lo;
    lo->C = C;
    lo->gamma = gamma;
    lo->svm_solver = how;
}

/* What the test reads back of a model. */
struct sol {
    double C, gamma, eps, weight[2], labels[2], rho, nsv[2];
    size_t l;
    double *coef, *sv; /* l, l x D */
};

static int sol_read(const struct migad_model *m, struct sol *s)
{
    memset(s, 0, sizeof *s);
    char *desc = m ? model_describe_text(m) : NULL;
    int ok = desc && det_described(desc, "svm.C", 0, &s->C, 1) == 1 &&
             det_described(desc, "svm.gamma", 0, &s->gamma, 1) == 1 &&
             det_described(desc, "svm.eps", 0, &s->eps, 1) == 1 &&
             det_described(desc, "svm.weights", 0, s->weight, 2) == 2 &&
             det_described(desc, "svm.labels", 0, s->labels, 2) == 2 &&
             det_described(desc, "svm.rho", 0, &s->rho, 1) == 1 &&
             det_described(desc, "svm.nsv", 0, s->nsv, 2) == 2;
    if (ok) {
        s->l = (size_t)(s->nsv[0] + s->nsv[1]);
        s->coef = malloc((s->l ? s->l : 1) * sizeof *s->coef);
        s->sv = malloc((s->l ? s->l : 1) * D * sizeof *s->sv);
        ok = s->l > 0 && s->coef && s->sv && det_described(desc, "svm.coef", 0, s->coef, s->l) == s->l;
        for (size_t i = 0; ok && i < s->l; i++)
            ok = det_described(desc, "svm.sv", (int)i, s->sv + i * D, D) == D;
    }
    free(desc);
    return ok;
}

static void sol_release(struct sol *s)
{
    free(s->coef);
    free(s->sv);
}

/* exp(-gamma |u - v|^2) in long double */
static long double kern(double gamma, const double *u, const double *v)
{
    long double d2 = 0;
    for (int j = 0; j < D; j++)
        d2 += ((long double)u[j] - v[j]) * ((long double)u[j] - v[j]);
    return expl(-(long double)gamma * d2);
}

/* What the check found. */
struct kkt {
    double gap;       /* Gmax + Gmax2 over every row */
    double objective; /* the dual's 1/2 a'Qa - e'a */
    int unmatched;    /* support vectors not found among the rows */
    long double *f;   /* decision value of every row, attack side up */
};

static void kkt_check(const struct migad_table *t, const struct sol *s, struct kkt *k)
{
    size_t n = t->nrows;
    double *alpha = calloc(n, sizeof *alpha);
    k->f = malloc(n * sizeof *k->f);
    k->unmatched = 0;
    for (size_t i = 0; i < s->l; i++) { /* the row each support vector is */
        size_t r = 0;
        while (r < n && memcmp(t->x + r * D, s->sv + i * D, D * sizeof(double)) != 0)
            r++;
        if (r == n)
            k->unmatched++;
        else
            alpha[r] = fabs(s->coef[i]);
    }
    long double gmax = -INFINITY, gmax2 = -INFINITY, quad = 0, lin = 0;
    for (size_t r = 0; r < n; r++) {
        long double f0 = 0;
        for (size_t i = 0; i < s->l; i++)
            f0 += s->coef[i] * kern(s->gamma, s->sv + i * D, t->x + r * D);
        int lab = t->gt[r] != 0 ? 1 : -1, y = lab == (int)s->labels[0] ? 1 : -1;
        double c = s->C * s->weight[lab == 1];
        long double a = alpha[r];
        if ((y == 1 && a < c) || (y == -1 && a > 0))
            gmax = fmaxl(gmax, y - f0);
        if ((y == 1 && a > 0) || (y == -1 && a < c))
            gmax2 = fmaxl(gmax2, f0 - y);
        k->f[r] = s->labels[0] == 1 ? f0 - s->rho : s->rho - f0;
        lin += a;
    }
    for (size_t i = 0; i < s->l; i++)
        for (size_t j = 0; j < s->l; j++)
            quad += (long double)s->coef[i] * s->coef[j] * kern(s->gamma, s->sv + i * D, s->sv + j * D);
    k->gap = (double)(gmax + gmax2);
    k->objective = (double)(quad / 2 - lin);
    free(alpha);
}

static int same_bytes(const struct migad_model *a, const struct migad_model *b)
{
    char *x = NULL, *y = NULL;
    size_t lx = 0, ly = 0;
    int same = a && b && migad_model_encode(a, &x, &lx) == MIGAD_OK &&
               migad_model_encode(b, &y, &ly) == MIGAD_OK && lx == ly && memcmp(x, y, lx) == 0;
    free(x);
    free(y);
    return same;
}

/* Trained on t with (C, gamma, how): its solution, checked on all of t. */
static struct migad_model *solve(const struct migad_table *t, double C, double gamma,
                                 enum migad_svm_solver how, uint64_t seed, struct sol *s,
                                 struct kkt *k)
{
    struct migad_train_opts o;
    struct migad_learn_opts lo;
    opts(&o, &lo, C, gamma, how);
    o.seed = seed;
    struct migad_model *m = det_train(t, &o);
    CHECK(m != NULL);
    CHECK(sol_read(m, s));
    kkt_check(t, s, k);
    CHECK_INT(k->unmatched, 0);
    CHECK(k->gap < s->eps + 1e-9);
    if (!(k->gap < s->eps + 1e-9))
        fprintf(stderr, "  solver %d: Gmax + Gmax2 = %.9g, eps %g\n", (int)how, k->gap, s->eps);
    return m;
}

static void test_chunked_solution(void)
{
    struct migad_table t;
    CHECK(table_of(&t, 5, 8000, 0.15, 3));
    struct sol sw, sc, sc2;
    struct kkt kw, kc, kc2;
    struct migad_model *w = solve(&t, 4, 0.5, MIGAD_SVM_SOLVER_WHOLE, 1, &sw, &kw);
    struct migad_model *c = solve(&t, 4, 0.5, MIGAD_SVM_SOLVER_CHUNKED, 1, &sc, &kc);
    /* a solution of its own, not the whole solve's */
    CHECK(!same_bytes(w, c));
    CHECK(sc.l < t.nrows / 4 && sc.nsv[0] > 0 && sc.nsv[1] > 0);
    CHECK(sc.labels[0] == sw.labels[0]); /* libsvm's class order kept */
    CHECK_NEAR(kc.objective, kw.objective, 1e-4 * fabs(kw.objective));
    size_t sides = 0;
    long double worst = 0;
    for (size_t r = 0; r < t.nrows; r++) {
        sides += (kc.f[r] > 0) != (kw.f[r] > 0);
        worst = fmaxl(worst, fabsl(kc.f[r] - kw.f[r]));
    }
    CHECK(sides * 1000 <= t.nrows); /* at most 1 row in 1000 */
    CHECK(worst < 0.05);
    fprintf(stderr, "  whole: %zu sv, objective %.9g, gap %.3g; chunked: %zu sv, objective "
            "%.9g, gap %.3g; %zu rows change side, |df| <= %.3Lg\n", sw.l, kw.objective,
            kw.gap, sc.l, kc.objective, kc.gap, sides, worst);
    /* same seed, same bytes; another seed draws another first working set
     * and still ends at a solution */
    struct migad_model *c1 = solve(&t, 4, 0.5, MIGAD_SVM_SOLVER_CHUNKED, 1, &sc2, &kc2);
    CHECK(same_bytes(c, c1));
    sol_release(&sc2);
    free(kc2.f);
    migad_model_free(c1);
    c1 = solve(&t, 4, 0.5, MIGAD_SVM_SOLVER_CHUNKED, 9, &sc2, &kc2);
    CHECK(!same_bytes(c, c1));
    CHECK_NEAR(kc2.objective, kw.objective, 1e-4 * fabs(kw.objective));
    /* class weights: each class's C is its own bound */
    sol_release(&sc2);
    free(kc2.f);
    migad_model_free(c1);
    struct migad_train_opts o;
    struct migad_learn_opts lo;
    opts(&o, &lo, 2, 0.5, MIGAD_SVM_SOLVER_CHUNKED);
    lo.balanced = 1;
    c1 = det_train(&t, &o);
    CHECK(sol_read(c1, &sc2));
    CHECK(sc2.weight[1] > 2 * sc2.weight[0]);
    kkt_check(&t, &sc2, &kc2);
    CHECK_INT(kc2.unmatched, 0);
    CHECK(kc2.gap < sc2.eps + 1e-9);
    sol_release(&sc2);
    free(kc2.f);
    migad_model_free(c1);

    sol_release(&sw);
    sol_release(&sc);
    free(kw.f);
    free(kc.f);
    migad_model_free(w);
    migad_model_free(c);
    migad_table_release(&t);
}

/* Problems that need most of their rows: the chunked solver solves all
 * of them at once, as the whole solver does (the same bytes).  Classes
 * drawn from one distribution: nearly every row a support vector, so
 * already most of the first sample; overlapping classes, 30 % attack:
 * about a third of the rows support vectors, fewer in the first sample,
 * but the first round's rows to add make the working set more than half
 * of the rows. */
static void test_chunked_fallback(void)
{
    static const struct { uint64_t seed; double share, shift, C; size_t sv_min; } cases[] = {
        { 6, 0.5, 0, 1, 2500 },
        { 2, 0.3, 2, 4, 2000 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct migad_table t;
        CHECK(table_of(&t, cases[k].seed, k ? 8000 : 5000, cases[k].share, cases[k].shift));
        struct migad_train_opts o;
        struct migad_learn_opts lo;
        opts(&o, &lo, cases[k].C, 0.5, MIGAD_SVM_SOLVER_WHOLE);
        struct migad_model *w = det_train(&t, &o);
        lo.svm_solver = MIGAD_SVM_SOLVER_CHUNKED;
        struct migad_model *c = det_train(&t, &o);
        struct sol s;
        CHECK(sol_read(w, &s) && s.l >= cases[k].sv_min);
        CHECK(same_bytes(w, c));
        sol_release(&s);
        migad_model_free(w);
        migad_model_free(c);
        migad_table_release(&t);
    }
}

/* auto: whole below MIGAD_SVM_CHUNK_MIN_ROWS rows, chunked from there on */
static void test_auto(void)
{
    struct migad_table t;
    CHECK(table_of(&t, 7, MIGAD_SVM_CHUNK_MIN_ROWS, 0.1, 3));
    struct migad_train_opts o;
    struct migad_learn_opts lo;
    opts(&o, &lo, 4, 0.5, MIGAD_SVM_SOLVER_AUTO);
    struct migad_model *a = det_train(&t, &o);
    lo.svm_solver = MIGAD_SVM_SOLVER_CHUNKED;
    struct migad_model *c = det_train(&t, &o);
    CHECK(same_bytes(a, c));
    migad_model_free(a);
    migad_model_free(c);
    t.nrows--; /* one row fewer: the whole solve */
    lo.svm_solver = MIGAD_SVM_SOLVER_AUTO;
    a = det_train(&t, &o);
    lo.svm_solver = MIGAD_SVM_SOLVER_WHOLE;
    struct migad_model *w = det_train(&t, &o);
    CHECK(same_bytes(a, w));
    t.nrows++;
    migad_model_free(a);
    migad_model_free(w);
    migad_table_release(&t);
}

/*
 * gamma by 2-fold cross-validation on rows too many for the search's
 * precomputed kernel (about 5,800), so each fold is solved on its rows
 * through the fold's row numbers: chunked folds choose the gamma whole
 * folds choose, with a balanced accuracy within 2 rows of each class.
 */
static void test_chunked_folds(void)
{
    struct migad_table t;
    CHECK(table_of(&t, 8, 8400, 0.15, 3));
    struct migad_train_opts o;
    struct migad_learn_opts lo;
    opts(&o, &lo, 4, 0, MIGAD_SVM_SOLVER_WHOLE);
    lo.folds = 2;
    struct migad_model *w = det_train(&t, &o);
    lo.svm_solver = MIGAD_SVM_SOLVER_CHUNKED;
    struct migad_model *c = det_train(&t, &o);
    char *dw = w ? model_describe_text(w) : NULL, *dc = c ? model_describe_text(c) : NULL;
    double gw = 0, gc = -1, cw = 0, cc = -1;
    CHECK(dw && dc);
    CHECK(det_described(dw, "svm.gamma", 0, &gw, 1) == 1 &&
          det_described(dc, "svm.gamma", 0, &gc, 1) == 1);
    CHECK(det_described(dw, "svm.cv_score", 0, &cw, 1) == 1 &&
          det_described(dc, "svm.cv_score", 0, &cc, 1) == 1);
    CHECK(gw == gc);
    size_t na = 0;
    for (size_t r = 0; r < t.nrows; r++)
        na += t.gt[r] != 0;
    CHECK(fabs(cw - cc) <= (double)1 / (double)na + (double)1 / (double)(t.nrows - na));
    fprintf(stderr, "  folds: whole gamma %g cv %.6f, chunked gamma %g cv %.6f\n", gw, cw, gc, cc);
    free(dw);
    free(dc);
    migad_model_free(w);
    migad_model_free(c);
    migad_table_release(&t);
}

int main(void)
{
    RUN(test_chunked_solution);
    RUN(test_chunked_fallback);
    RUN(test_auto);
    RUN(test_chunked_folds);
    return check_finish();
}
