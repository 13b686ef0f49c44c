/*
 * svm: RBF-kernel C-support-vector classifier through libsvm (Chang & Lin,
 * "LIBSVM: a library for support vector machines", ACM TIST 2011), the
 * supervised detector of seed paper 2 (section 3.4).
 *
 * Rows are labelled y = +1 (gt != 0, attack) or -1 (gt == 0); libsvm
 * solves the C-SVC dual with the kernel K(u, v) = exp(-gamma ||u - v||^2)
 * and the decision function
 *     f(x) = sum_i sv_coef_i K(sv_i, x) - rho,
 * positive for the class libsvm lists first (label[0]: the class of the
 * first training row, not a fixed one).  Score = f(x) when label[0] is +1,
 * -f(x) otherwise: higher always means "attack".
 *
 * C and gamma, when not given, are chosen on the grid C = 2^-1 .. 2^7,
 * gamma = 2^-7 .. 2^1 by k-fold cross-validation (default 5 folds).  The
 * folds are ours, not libsvm's svm_cross_validation (which draws them with
 * libc rand()): the rows of each class are shuffled with
 * migad_rng_derive(seed, 0) and dealt round-robin to the folds, so every
 * fold holds both classes in proportion.  Criterion: balanced accuracy
 * (mean of the recall of the two classes; the sign of f decides), ties to
 * the smaller C, then the smaller gamma.  The final model is then trained
 * on all rows.
 *
 * libsvm solves a training set whole, or, from MIGAD_SVM_CHUNK_MIN_ROWS
 * rows on (or when asked), on a working set of its rows that grows until
 * every row meets libsvm's stopping rule ("Large problems" below): the
 * same tolerance on the same problem, 2.6 times faster than a whole
 * solve on the benchmark's 86,400 rows (5.4 s against 14.1 s), whose
 * support vectors are 3 % of them.
 *
 * The search trains 81 x k models on subsets of the same rows.  When the
 * n x n kernel matrix fits in SVM_GRID_MAX_BYTES, it is computed once per
 * gamma and handed to libsvm as a PRECOMPUTED kernel shared by every C and
 * every fold; each value is computed exactly as libsvm's RBF kernel does
 * during training (Kernel::kernel_rbf: exp(-gamma (|u|^2 + |v|^2 - 2 u.v)),
 * the sums taken feature by feature in order, libm's exp), so the solver
 * sees the same numbers, takes the same steps and ends at the same
 * coefficients as with RBF rows.  A fold's model (its support vectors are
 * rows) then scores the held-out rows with the decision function below.
 * Larger inputs fall back to RBF rows per fold.  The folds of a (C, gamma)
 * are trained in the order of the errors they gave the (C, gamma) tried
 * before, the largest first, so that one that cannot win is found out
 * early (cross_validate); the order changes neither the accuracy nor the
 * choice.
 *
 * Scoring (svm_fn_eval) computes f densely: rows in blocks against blocks
 * of support vectors, the squared distances summed feature by feature from
 * the first as libsvm's svm_predict_values does, exp of a whole block at
 * once (rbf.h: glibc's vector exp, within 3 ulp of libm's), then f summed
 * in support-vector order.  So a score differs from libsvm's only through
 * the rounding of exp: measured at most 8e-16 of sum_i |coef_i K_i|
 * (bench/README.md).
 *
 * The model file holds libsvm's model in full and exactly (hex floats):
 * labels, support-vector counts, rho, gamma, the coefficients and the
 * support vectors (dense, d values each).  A fitted or loaded model keeps
 * them as dense arrays (struct svmdet), so scores before and after a round
 * trip are identical.  libsvm's own text files (%.17g / %.8g) are not used.
 */
#include <float.h>
#include <libsvm/svm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "detector_impl.h"
#include "rbf.h"

/* The kernel matrix must be libsvm's bit for bit: no sum fused into fma
 * (GCC does not fuse in ISO C mode, Clang does within an expression unless
 * told). */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define SVM_MAX_SV ((uint64_t)1 << 26)
/* The search's precomputed kernel matrix, n (n + 2) libsvm nodes, at most. */
#define SVM_GRID_MAX_BYTES ((size_t)512 << 20)

struct svmdet {
    double C, gamma;
    double eps;        /* libsvm's stopping tolerance used */
    double weight[2];  /* class weights used: normal, attack */
    double cv_score;   /* balanced accuracy of the chosen (C, gamma); -1 = not searched */
    int label[2];      /* libsvm's class order: +1 -1 or -1 +1 */
    size_t nsv[2];     /* support vectors of label[0], label[1] */
    double rho;
    double *coef;      /* nsv[0] + nsv[1] coefficients y_i alpha_i */
    double *sv;        /* the support vectors, (nsv[0] + nsv[1]) x d, row-major */
};

/* libsvm prints progress through this hook; the library never prints. */
static void quiet(const char *s) { (void)s; }

static void svmdet_free(void *state)
{
    struct svmdet *s = state;
    if (!s)
        return;
    free(s->coef);
    free(s->sv);
    free(s);
}

/* Room for l >= 1 support vectors of d values; 0, or -1 when out of memory. */
static int svmdet_alloc(struct svmdet *s, size_t l, size_t d)
{
    s->coef = malloc(l * sizeof *s->coef);
    s->sv = malloc((l * d > 0 ? l * d : 1) * sizeof *s->sv);
    return s->coef && s->sv ? 0 : -1;
}

/* The support vectors of libsvm's trained model t into sv (t->l x d).  With
 * `x` (n x d rows) t was trained on a PRECOMPUTED kernel: its support
 * vectors are row numbers (node 0 holds row + 1), taken from x; otherwise
 * they are libsvm rows of all d nodes (problem_make). */
static void sv_copy(const struct svm_model *t, size_t d, const double *x, double *sv)
{
    for (int i = 0; i < t->l; i++) {
        double *v = sv + (size_t)i * d;
        if (x) {
            memcpy(v, x + ((size_t)t->SV[i][0].value - 1) * d, d * sizeof *v);
        } else {
            for (size_t j = 0; j < d; j++)
                v[j] = 0;
            for (const struct svm_node *p = t->SV[i]; p->index != -1; p++)
                v[p->index - 1] = p->value;
        }
    }
}

/* The training problem: dense nodes for rows idx[0..m) (all rows when idx
 * is NULL). */
struct problem {
    struct svm_problem p;
    struct svm_node *space;
};

static int problem_make(struct problem *pr, const struct det_input *in, const size_t *idx,
                        size_t m)
{
    size_t d = in->d;
    pr->p.l = (int)m;
    pr->p.y = malloc((m ? m : 1) * sizeof *pr->p.y);
    pr->p.x = malloc((m ? m : 1) * sizeof *pr->p.x);
    pr->space = malloc((m * (d + 1) + 1) * sizeof *pr->space);
    if (!pr->p.y || !pr->p.x || !pr->space)
        return -1;
    for (size_t k = 0; k < m; k++) {
        size_t i = idx ? idx[k] : k;
        struct svm_node *row = pr->space + k * (d + 1);
        for (size_t j = 0; j < d; j++) {
            row[j].index = (int)j + 1;
            row[j].value = in->x[i * d + j];
        }
        row[d].index = -1;
        pr->p.x[k] = row;
        pr->p.y[k] = in->gt[i] != 0 ? 1 : -1;
    }
    return 0;
}

static void problem_release(struct problem *pr)
{
    free(pr->p.y);
    free(pr->p.x);
    free(pr->space);
}

static void set_param(struct svm_parameter *p, double C, double gamma, double eps,
                      int *wlabel, double *weight)
{
    memset(p, 0, sizeof *p);
    p->svm_type = C_SVC;
    p->kernel_type = RBF;
    p->gamma = gamma;
    p->C = C;
    p->eps = eps;
    p->cache_size = 200;
    p->shrinking = 1;
    p->nr_weight = 2;
    p->weight_label = wlabel;
    p->weight = weight;
}

/* A decision function f(x) = sum_i coef_i exp(-gamma |x - sv_i|^2) - rho,
 * its arrays borrowed from a model. */
struct svm_fn {
    const double *coef; /* l */
    const double *sv;   /* l x d, row-major */
    size_t l;
    double gamma, rho;
    int label0;         /* libsvm's label[0]: the class f > 0 stands for */
};

#define SVM_SB 64 /* support vectors per block of svm_fn_eval */

/*
 * out[t] = f of row t, oriented "attack up" (-f when label0 is -1), for the
 * rows x + idx[t] * d (x + t * d when idx is NULL), t < n; 0, or -1 when
 * out of memory.
 *
 * Rows in blocks of RBF_ROWS (held transposed) against blocks of SVM_SB
 * support vectors: the kernel values of a block (rbf_block: the squared
 * distance summed feature by feature from the first, glibc's vector exp),
 * then added to each row's f in support-vector order.  That is libsvm's
 * svm_predict_values's arithmetic (Kernel::k_function's RBF branch, then
 * sum_i coef_i K_i - rho) but for exp (rbf.h: within 3 ulp of libm's).
 * Overflow (rows or model values near DBL_MAX) is clamped: +-inf to
 * +-DBL_MAX, NaN to DBL_MAX (anomalous), so scores are always finite.  A
 * row's score depends on its own values only, not on the other rows or its
 * place in a block.
 */
static int svm_fn_eval(const struct svm_fn *f, size_t d, const double *x, const size_t *idx,
                       size_t n, double *out)
{
    double *xt = malloc((d ? d : 1) * RBF_ROWS * sizeof *xt);
    double *kb = malloc(SVM_SB * RBF_ROWS * sizeof *kb);
    if (!xt || !kb) {
        free(xt);
        free(kb);
        return -1;
    }
    for (size_t r0 = 0; r0 < n; r0 += RBF_ROWS) {
        size_t nr = n - r0 < RBF_ROWS ? n - r0 : RBF_ROWS;
        double acc[RBF_ROWS] = { 0 };
        for (size_t r = 0; r < RBF_ROWS; r++) { /* rows past n: zeros, unused */
            const double *row = r < nr ? x + (idx ? idx[r0 + r] : r0 + r) * d : NULL;
            for (size_t j = 0; j < d; j++)
                xt[j * RBF_ROWS + r] = row ? row[j] : 0;
        }
        for (size_t s0 = 0; s0 < f->l; s0 += SVM_SB) {
            size_t ns = f->l - s0 < SVM_SB ? f->l - s0 : SVM_SB;
            rbf_block(xt, f->sv + s0 * d, ns, d, f->gamma, kb);
            for (size_t s = 0; s < ns; s++) {
                double c = f->coef[s0 + s];
                for (size_t r = 0; r < RBF_ROWS; r++)
                    acc[r] += c * kb[s * RBF_ROWS + r];
            }
        }
        for (size_t r = 0; r < nr; r++) {
            double dec = acc[r] - f->rho;
            dec = f->label0 == 1 ? dec : -dec;
            out[r0 + r] = isnan(dec) ? DBL_MAX : dec > DBL_MAX ? DBL_MAX
                        : dec < -DBL_MAX ? -DBL_MAX : dec;
        }
    }
    free(xt);
    free(kb);
    return 0;
}

/*
 * Large problems: libsvm on a working set ("chunking": Osuna, Freund &
 * Girosi, "An improved training algorithm for support vector machines",
 * NNSP 1997), checked by libsvm's own stopping rule.
 *
 * The dual's solution is sparse: most rows lie beyond their margin with
 * alpha = 0 and do not enter f.  So libsvm solves the problem restricted to
 * a working set W of the rows (alpha = 0 held outside W), and the solution,
 * extended by zeros, is checked on all the rows against the rule libsvm
 * stops by (Solver::select_working_set; libsvm's internal labels, y = +1
 * for label[0]):
 *     f0_t = sum_j coef_j K(sv_j, x_t),  G_t = y_t f0_t - 1
 *     Gmax  = max of  y_t - f0_t  over I_up  = {y = +1, a < C_t} u {y = -1, a > 0}
 *     Gmax2 = max of  f0_t - y_t  over I_low = {y = +1, a > 0} u {y = -1, a < C_t}
 *     stop when Gmax + Gmax2 < eps.
 * A row outside W (a = 0) is in I_up when y = +1 and in I_low when y = -1,
 * with the value 1 - y_t f0_t in both cases.  When no row outside W raises
 * W's Gmax or Gmax2, the maxima over all the rows are W's, which libsvm
 * brought below eps: the extended solution is one at which libsvm itself
 * would stop on all the rows.  (So is it when the maxima over all the rows
 * still sum below eps.)  Otherwise the rows outside W that raise a maximum
 * or lie on the wrong side of their margin (y_t (f0_t - rho) < 1) join W,
 * and W is solved again, from scratch (libsvm cannot start from a given
 * alpha).
 *
 * W grows: the rows it held stay in it, so each round adds rows and this
 * ends; once W would hold more than half of the rows, all of them are
 * solved at once instead, as they are at once when more than a third of
 * the first sample (1 / CHUNK_FIRST_SV_DIV) are support vectors (measured
 * on 30,000 bins of 20 ms of a simulated flood, half of them support
 * vectors: 12.5-13.5 s, as the whole solve).  The exception is a tail:
 * when fewer than one row in CHUNK_TAIL_SV support vectors raises a
 * maximum, the solution is nearly there, and W becomes its support
 * vectors and those rows; the rows of W with alpha 0, most of it, would
 * make that solve about ten times dearer (measured on the benchmark's
 * 86,400 rows: 1.7 s with them, 0.17 s without).  A tail that goes wrong
 * returns to every row W ever held; at most CHUNK_TAILS_MAX tails are
 * tried, so the rounds still end.
 *
 * Checking costs one f0 per row and support vector, the bulk of the time;
 * a tail's rows need not all be computed again.  Between two solutions,
 * f0 moves by <dw, phi(x)> in the kernel's feature space, and |phi(x)| = 1
 * for the RBF kernel, so by at most |dw| = sqrt(dc' K dc) (Cauchy-Schwarz;
 * dc: the change of the coefficients, on few rows in a tail, as bounded
 * support vectors keep theirs, exactly C).  A row outside W whose last f0
 * plus the moves since cannot raise a maximum keeps that bound, and is
 * computed only when it might (chunk_drift); the rows of W always are.
 *
 * The first W is a stratified sample of CHUNK_FIRST_MIN + m / CHUNK_FIRST_DIV
 * of the m rows, drawn with migad_rng_derive(seed, 1), plus the first row,
 * so that libsvm's class order (the class of the first training row first)
 * is the one of a whole solve; W is handed to libsvm in row order.  The
 * result is a solution of the whole problem to libsvm's tolerance, not the
 * one libsvm's path on all the rows would end at: two solutions within eps
 * differ as tests/test_svm_solver.c measures (the same dual objective to
 * 1e-7, |f| within 0.005, no row changing side on its rows).
 */
#define CHUNK_FIRST_MIN 2000
#define CHUNK_FIRST_DIV 40
#define CHUNK_FIRST_SV_DIV 3
#define CHUNK_TAIL_SV 32
#define CHUNK_TAILS_MAX 4

/* Forget a solve: its model and its problem (pr emptied for the next). */
static void drop_solve(struct problem *pr, struct svm_model **model)
{
    svm_free_and_destroy_model(model);
    problem_release(pr);
    memset(pr, 0, sizeof *pr);
}

/* 0 done (*model trained on pr), -1 out of memory. */
static int train_whole(struct problem *pr, struct svm_model **model, const struct det_input *in,
                       const size_t *idx, size_t m, const struct svm_parameter *param)
{
    if (problem_make(pr, in, idx, m) != 0)
        return -1;
    *model = svm_train(&pr->p, param);
    return *model ? 0 : -1;
}

/* The class weight of libsvm's C for a row of label y (set_param's order). */
static double class_c(const struct svm_parameter *p, int y)
{
    for (int i = 0; i < p->nr_weight; i++)
        if (p->weight_label[i] == y)
            return p->C * p->weight[i];
    return p->C;
}

/* train_chunked's row states: in the working set now; ever in one; in
 * the one just solved (while the next is made) */
#define CH_W 1
#define CH_E 2
#define CH_SOLVED 4

/* A stratified sample of about `want` of the m rows into state[] (rows
 * row(t) = idx ? idx[t] : t), plus row 0. */
static int chunk_first(const struct det_input *in, const size_t *idx, size_t m, size_t want,
                       uint64_t seed, unsigned char *state)
{
    size_t *pos = malloc(m * sizeof *pos);
    if (!pos)
        return -1;
    struct migad_rng rng;
    migad_rng_derive(&rng, seed, 1);
    for (int c = 0; c < 2; c++) {
        size_t k = 0;
        for (size_t t = 0; t < m; t++)
            if ((in->gt[idx ? idx[t] : t] != 0) == c)
                pos[k++] = t;
        /* this class's share of `want`, rounded up: both classes present */
        size_t take = (size_t)ceil((double)want * (double)k / (double)m);
        take = take < k ? take : k;
        for (size_t i = 0; i < take; i++) { /* partial Fisher-Yates */
            size_t j = i + (size_t)migad_rng_below(&rng, k - i), t = pos[i];
            pos[i] = pos[j];
            pos[j] = t;
            state[pos[i]] = CH_W | CH_E;
        }
    }
    state[0] = CH_W | CH_E;
    free(pos);
    return 0;
}

/* The working set's bookkeeping, over positions r < m of the rows
 * row(r) = idx ? idx[r] : r of the problem. */
struct chunk {
    const struct det_input *in;
    const size_t *idx;
    size_t m, d;
    const struct svm_parameter *param;
    unsigned char *state; /* CH_W, CH_E */
    int *lab;             /* +1 attack, -1 normal */
    int *y;               /* libsvm's internal label: +1 for label[0] (row 0's class) */
    double *f0;           /* f0 of the solution when drift is 0, else of an earlier one */
    double *drift;        /* bound on |f0 now - f0[r]| */
    double *c, *cprev;    /* coefficient of each row in this and the previous solution */
    int have_prev;
    size_t *rows;         /* row numbers of W, in order */
    size_t *pos;          /* positions of the rows to evaluate */
    size_t *ids;          /* scratch: their row numbers (chunk_eval), the rows
                           * whose coefficient changed (chunk_drift) */
    double *alpha;        /* alpha of W's rows, in W's order */
    double *sv;           /* support vectors, dense */
    double *buf;          /* m values */
};

static size_t chunk_row(const struct chunk *ch, size_t r)
{
    return ch->idx ? ch->idx[r] : r;
}

/* f0 of the solution fn at the positions pos[0..np) into ch->f0 (drift 0);
 * 0, or -1 when out of memory. */
static int chunk_eval(struct chunk *ch, const struct svm_fn *fn, size_t np)
{
    for (size_t k = 0; k < np; k++)
        ch->ids[k] = chunk_row(ch, ch->pos[k]);
    if (svm_fn_eval(fn, ch->d, ch->in->x, ch->ids, np, ch->buf) != 0)
        return -1;
    for (size_t k = 0; k < np; k++) {
        ch->f0[ch->pos[k]] = ch->buf[k];
        ch->drift[ch->pos[k]] = 0;
    }
    return 0;
}

/*
 * |dw|, the most f0 can have moved at any row since the previous solution
 * ("Large problems"), over the rows whose coefficient changed, padded for
 * rounding; INFINITY when there is no previous solution or when the bound
 * would cost more than it can save.  Then cprev = c.
 */
static double chunk_drift(struct chunk *ch, size_t nsv, int *oom)
{
    double bound = INFINITY, all = 0;
    size_t nu = 0;
    for (size_t r = 0; r < ch->m; r++) {
        all += fabs(ch->c[r]) + fabs(ch->cprev[r]);
        ch->buf[r] = ch->c[r] - ch->cprev[r];
        if (ch->buf[r] != 0)
            ch->ids[nu++] = r;
    }
    if (ch->have_prev && nu * nu <= ch->m * nsv / 4) {
        double *dc = malloc((nu ? nu : 1) * sizeof *dc), *g = malloc((nu ? nu : 1) * sizeof *g);
        double *u = malloc((nu * ch->d > 0 ? nu * ch->d : 1) * sizeof *u);
        if (!dc || !g || !u) {
            *oom = 1;
        } else {
            double q = 0, abs = 0;
            for (size_t k = 0; k < nu; k++) {
                dc[k] = ch->buf[ch->ids[k]];
                memcpy(u + k * ch->d, ch->in->x + chunk_row(ch, ch->ids[k]) * ch->d,
                       ch->d * sizeof *u);
                abs += fabs(dc[k]);
            }
            struct svm_fn fn = { dc, u, nu, ch->param->gamma, 0.0, 1 };
            if (svm_fn_eval(&fn, ch->d, u, NULL, nu, g) != 0) {
                *oom = 1;
            } else {
                for (size_t k = 0; k < nu; k++)
                    q += dc[k] * g[k];
                /* each kernel value is within a few ulp: the error of q
                 * is far below 1e-12 (sum |dc|)^2, and that of each f0
                 * (the old and the new) below 1e-12 sum |c| */
                bound = sqrt(fmax(q, 0) + 1e-12 * abs * abs) + 1e-12 * all;
            }
        }
        free(dc);
        free(g);
        free(u);
    }
    memcpy(ch->cprev, ch->c, ch->m * sizeof *ch->c);
    ch->have_prev = 1;
    return bound;
}

static int train_chunked(struct problem *pr, struct svm_model **model,
                         const struct det_input *in, const size_t *idx, size_t m,
                         const struct svm_parameter *param, uint64_t seed)
{
    size_t d = in->d, want = CHUNK_FIRST_MIN + m / CHUNK_FIRST_DIV;
    if (want * 2 > m)
        return train_whole(pr, model, in, idx, m, param);
    struct chunk ch = { .in = in, .idx = idx, .m = m, .d = d, .param = param };
    ch.state = calloc(m, 1);
    ch.lab = malloc(m * sizeof *ch.lab);
    ch.y = malloc(m * sizeof *ch.y);
    ch.f0 = calloc(m, sizeof *ch.f0);
    ch.drift = malloc(m * sizeof *ch.drift);
    ch.c = calloc(m, sizeof *ch.c);
    ch.cprev = calloc(m, sizeof *ch.cprev);
    ch.rows = malloc(m * sizeof *ch.rows);
    ch.pos = malloc(m * sizeof *ch.pos);
    ch.ids = malloc(m * sizeof *ch.ids);
    ch.alpha = malloc(m * sizeof *ch.alpha);
    ch.sv = malloc(m * (d ? d : 1) * sizeof *ch.sv);
    ch.buf = malloc(m * sizeof *ch.buf);
    int rc = -1, oom = 0;
    unsigned tails = 0;
    *model = NULL;
    if (!ch.state || !ch.lab || !ch.y || !ch.f0 || !ch.drift || !ch.c || !ch.cprev ||
        !ch.rows || !ch.pos || !ch.ids || !ch.alpha || !ch.sv || !ch.buf ||
        chunk_first(in, idx, m, want, seed, ch.state) != 0)
        goto out;
    for (size_t r = 0; r < m; r++) {
        ch.lab[r] = in->gt[chunk_row(&ch, r)] != 0 ? 1 : -1;
        ch.drift[r] = INFINITY;
    }
    for (;;) {
        size_t nw = 0;
        for (size_t r = 0; r < m; r++)
            if (ch.state[r] & CH_W)
                ch.rows[nw++] = chunk_row(&ch, r);
        if (nw * 2 > m) {
            rc = train_whole(pr, model, in, idx, m, param);
            goto out;
        }
        if (train_whole(pr, model, in, ch.rows, nw, param) != 0)
            goto out;
        const struct svm_model *t = *model;
        if (!ch.have_prev && (size_t)t->l * CHUNK_FIRST_SV_DIV > nw) {
            /* a third of the sample are support vectors: so will be a
             * third of the rows, and with the rows near their margin W
             * would soon hold half of them and end in a whole solve */
            drop_solve(pr, model);
            rc = train_whole(pr, model, in, idx, m, param);
            goto out;
        }
        /* row 0 is in every W: libsvm's label[0] is its class each round */
        for (size_t r = 0; r < m; r++)
            ch.y[r] = ch.lab[r] == t->label[0] ? 1 : -1;
        /* alpha and coefficients of the rows of W: libsvm's sv_indices
         * count from 1 in its training rows (W's order) */
        for (size_t k = 0; k < nw; k++)
            ch.alpha[k] = 0;
        for (size_t r = 0, k = 0; r < m; r++) {
            if (ch.state[r] & CH_W)
                ch.pos[k++] = r; /* position of W's k-th row */
            ch.c[r] = 0;
        }
        for (int i = 0; i < t->l; i++) {
            ch.alpha[t->sv_indices[i] - 1] = fabs(t->sv_coef[0][i]);
            ch.c[ch.pos[t->sv_indices[i] - 1]] = t->sv_coef[0][i];
        }
        double move = chunk_drift(&ch, (size_t)t->l, &oom);
        if (oom)
            goto out;
        sv_copy(t, d, NULL, ch.sv);
        struct svm_fn fn = { t->sv_coef[0], ch.sv, (size_t)t->l, param->gamma, 0.0, 1 };
        /* W's rows exactly (ch.pos still holds their positions), and their
         * maxima */
        if (chunk_eval(&ch, &fn, nw) != 0)
            goto out;
        double gmax = -INFINITY, gmax2 = -INFINITY;
        for (size_t k = 0, r = 0; r < m; r++) {
            if (!(ch.state[r] & CH_W))
                continue;
            double a = ch.alpha[k++], cc = class_c(param, ch.lab[r]);
            int y = ch.y[r];
            if ((y == 1 && a < cc) || (y == -1 && a > 0))
                gmax = fmax(gmax, y - ch.f0[r]);
            if ((y == 1 && a > 0) || (y == -1 && a < cc))
                gmax2 = fmax(gmax2, ch.f0[r] - y);
        }
        /* the rows outside W: exactly where the bound on their value
         * 1 - y f0 could raise W's maximum, else by the bound */
        size_t np = 0;
        for (size_t r = 0; r < m; r++) {
            if (ch.state[r] & CH_W)
                continue;
            ch.drift[r] += move;
            if (!(1 - ch.y[r] * ch.f0[r] + ch.drift[r] <= (ch.y[r] == 1 ? gmax : gmax2)))
                ch.pos[np++] = r; /* also when never computed (drift infinite) */
        }
        if (chunk_eval(&ch, &fn, np) != 0)
            goto out;
        double omax = -INFINITY, omax2 = -INFINITY;
        size_t raised = 0;
        for (size_t r = 0; r < m; r++) {
            if (ch.state[r] & CH_W)
                continue;
            double v = 1 - ch.y[r] * ch.f0[r], ub = v + ch.drift[r];
            if (ch.y[r] == 1)
                omax = fmax(omax, ub);
            else
                omax2 = fmax(omax2, ub);
            raised += v > (ch.y[r] == 1 ? gmax : gmax2);
        }
        if (raised == 0 || fmax(gmax, omax) + fmax(gmax2, omax2) < param->eps) {
            rc = 0;
            goto out;
        }
        /* The next W.  Few rows raising a maximum (a tail): the solution
         * is nearly there, and solving again with the rows that do not
         * enter it (alpha 0), most of W, would cost ten times more than
         * without: W becomes the support vectors.  Otherwise back to every
         * row W ever held. */
        int tail = raised * CHUNK_TAIL_SV <= (size_t)t->l && tails < CHUNK_TAILS_MAX;
        tails += (unsigned)tail;
        double rho = t->rho[0];
        for (size_t k = 0, r = 0; r < m; r++) {
            if (ch.state[r] & CH_W) {
                if (tail && ch.alpha[k] == 0 && r != 0)
                    ch.state[r] &= (unsigned char)~CH_W;
                ch.state[r] |= CH_SOLVED;
                k++;
            } else if (!tail && (ch.state[r] & CH_E)) {
                ch.state[r] |= CH_W;
            }
        }
        /* and the rows outside the W just solved that raise a maximum or,
         * known exactly, lie on the wrong side of their margin */
        for (size_t r = 0; r < m; r++) {
            if (ch.state[r] & CH_SOLVED) {
                ch.state[r] &= (unsigned char)~CH_SOLVED;
                continue;
            }
            double v = 1 - ch.y[r] * ch.f0[r];
            if (ch.drift[r] == 0 && (v > (ch.y[r] == 1 ? gmax : gmax2) ||
                                     ch.y[r] * (ch.f0[r] - rho) < 1))
                ch.state[r] = CH_W | CH_E;
        }
        drop_solve(pr, model);
    }
out:
    if (rc != 0 && *model)
        svm_free_and_destroy_model(model);
    free(ch.state);
    free(ch.lab);
    free(ch.y);
    free(ch.f0);
    free(ch.drift);
    free(ch.c);
    free(ch.cprev);
    free(ch.rows);
    free(ch.pos);
    free(ch.ids);
    free(ch.alpha);
    free(ch.sv);
    free(ch.buf);
    return rc;
}

/* libsvm trained on rows idx[0..m) (all the rows when idx is NULL), by the
 * solver `how` asks for: 0 (*model trained on pr; the caller releases
 * both), -1 out of memory. */
static int train_rows(struct problem *pr, struct svm_model **model, const struct det_input *in,
                      const size_t *idx, size_t m, const struct svm_parameter *param,
                      enum migad_svm_solver how, uint64_t seed)
{
    memset(pr, 0, sizeof *pr);
    *model = NULL;
    if (how == MIGAD_SVM_SOLVER_CHUNKED ||
        (how == MIGAD_SVM_SOLVER_AUTO && m >= MIGAD_SVM_CHUNK_MIN_ROWS))
        return train_chunked(pr, model, in, idx, m, param, seed);
    return train_whole(pr, model, in, idx, m, param);
}

/*
 * The search's kernel matrix for one gamma: row i is libsvm's PRECOMPUTED
 * form {0: i + 1}, {1: K(x_i, x_1)}, ..., {n: K(x_i, x_n)}, {-1}, so any
 * subset of the rows is a training problem whose kernel lookups
 * (x[i][id of j]) land on the right values.
 */
struct kmatrix {
    struct svm_node *space; /* n rows of n + 2 nodes */
    double *sq;             /* |x_i|^2 as libsvm sums it */
    double *xt;             /* the rows transposed: d x nt, zeros past n */
    size_t n, nt, d;        /* rows, rows rounded up to KM_B, features */
};

#define KM_B 32 /* rows per block of kmatrix_fill */

static void kmatrix_release(struct kmatrix *km)
{
    free(km->space);
    free(km->sq);
    free(km->xt);
    memset(km, 0, sizeof *km);
}

/* 0, or -1 when the matrix is too large (fall back to RBF rows) or memory
 * is short. */
static int kmatrix_init(struct kmatrix *km, const struct det_input *in)
{
    size_t n = in->n, d = in->d, w = n + 2, nt = (n + KM_B - 1) / KM_B * KM_B;
    memset(km, 0, sizeof *km);
    if (n > SVM_GRID_MAX_BYTES / sizeof(struct svm_node) / w)
        return -1;
    /* The solver reads one node from every row per kernel column: with
     * 4 KiB pages that is a TLB miss each, so ask for huge pages. */
    size_t bytes = n * w * sizeof *km->space, align = (size_t)2 << 20;
    void *space = NULL;
    if (posix_memalign(&space, align, (bytes + align - 1) / align * align) != 0)
        space = NULL;
#ifdef MADV_HUGEPAGE
    if (space)
        madvise(space, (bytes + align - 1) / align * align, MADV_HUGEPAGE);
#endif
    km->space = space;
    km->sq = malloc((n ? n : 1) * sizeof *km->sq);
    km->xt = calloc(d * nt > 0 ? d * nt : 1, sizeof *km->xt);
    if (!km->space || !km->sq || !km->xt) {
        kmatrix_release(km);
        return -1;
    }
    km->n = n;
    km->nt = nt;
    km->d = d;
    for (size_t i = 0; i < n; i++) {
        struct svm_node *r = km->space + i * w;
        const double *xi = in->x + i * d;
        double sq = 0; /* Kernel::dot(x_i, x_i) */
        for (size_t j = 0; j < d; j++) {
            sq += xi[j] * xi[j];
            km->xt[j * nt + i] = xi[j];
        }
        km->sq[i] = sq;
        r[0].index = 0;
        r[0].value = (double)(i + 1);
        for (size_t j = 1; j <= n; j++)
            r[j].index = (int)j;
        r[n + 1].index = -1;
    }
    return 0;
}

/*
 * Fill the values for gamma: exactly libsvm's Kernel::kernel_rbf,
 * exp(-gamma * (sq_i + sq_j - 2 * dot(x_i, x_j))), the dot product summed
 * feature by feature from 0, libm's exp.  It is symmetric bit for bit (each
 * product commutes, the sums run in the same order), so half of it is
 * computed: for a block of KM_B rows i, each row j >= the block's first,
 * the block's dot products side by side (the same sums, vectorised across
 * i), written to row i and row j.  exp is skipped where its argument is
 * below RBF_ZERO_BELOW: it would return +0 there (rbf.h).
 */
static void kmatrix_fill(struct kmatrix *km, double gamma)
{
    size_t n = km->n, nt = km->nt, w = n + 2;
    double ng = -gamma;
    for (size_t i0 = 0; i0 < n; i0 += KM_B) {
        size_t nb = n - i0 < KM_B ? n - i0 : KM_B;
        for (size_t j = i0; j < n; j++) {
            double dot[KM_B] = { 0 };
            for (size_t t = 0; t < km->d; t++) {
                const double *restrict xb = km->xt + t * nt + i0;
                double xj = km->xt[t * nt + j];
                for (size_t b = 0; b < KM_B; b++)
                    dot[b] += xb[b] * xj;
            }
            for (size_t b = 0; b < nb && i0 + b <= j; b++) {
                size_t i = i0 + b;
                double a = ng * (km->sq[i] + km->sq[j] - 2 * dot[b]);
                double v = a < RBF_ZERO_BELOW ? 0.0 : exp(a);
                km->space[i * w + j + 1].value = v;
                km->space[j * w + i + 1].value = v;
            }
        }
    }
}

/*
 * Balanced accuracy of (C, gamma) over the folds; NAN when out of memory.
 * With km (filled for param->gamma), the folds train on its precomputed
 * kernel; without, on RBF rows.
 *
 * `bar` is the best accuracy found so far (-1: none), `tie_loses` 1 when
 * that best comes first in (C, gamma) order, so that equalling it is not
 * enough.  Before each fold, the accuracy this (C, gamma) would reach if
 * every row not yet tested were right is an upper bound of its final
 * accuracy (the same formula, monotone in the counts also in floating
 * point); when it cannot beat the bar, the remaining folds are skipped and
 * -INFINITY returned: this (C, gamma) cannot be chosen, and the choice and
 * its score are those of the full search.
 *
 * ferr[f] is the balanced-accuracy weight of the errors fold f gave the
 * (C, gamma) tried before (updated here).  The folds are trained from the
 * largest ferr down (ties: lower fold first): the folds hardest for the
 * others are the likeliest to show early that this one cannot win.  The
 * counts are whole numbers, exact in any order, so the order changes
 * nothing but the work.
 */
/* hit / tot, 0 when tot is 0 */
static double ratio(double hit, double tot)
{
    return hit / (tot > 0 ? tot : 1);
}

static double cross_validate(const struct det_input *in, const size_t *fold, unsigned k,
                             struct svm_parameter *param, const struct kmatrix *km,
                             enum migad_svm_solver how, uint64_t seed,
                             double bar, int tie_loses, double *ferr)
{
    size_t n = in->n, d = in->d;
    size_t *tr = malloc(n * sizeof *tr), *te = malloc(n * sizeof *te);
    unsigned *order = malloc(k * sizeof *order);
    double *sv = malloc((n * d > 0 ? n * d : 1) * sizeof *sv), *f_ = malloc(n * sizeof *f_);
    double hit[2] = { 0, 0 }, tot[2] = { 0, 0 }, all[2] = { 0, 0 };
    int ok = tr && te && order && sv && f_;
    double result = NAN;
    for (size_t i = 0; i < n; i++) /* every row is tested in exactly one fold */
        all[in->gt[i] != 0]++;
    for (unsigned f = 0; ok && f < k; f++) { /* insertion sort, stable */
        unsigned t = f;
        for (; t > 0 && ferr[order[t - 1]] < ferr[f]; t--)
            order[t] = order[t - 1];
        order[t] = f;
    }
    for (unsigned o = 0; o < k && ok; o++) {
        unsigned f = order[o];
        double best0 = hit[0] + (all[0] - tot[0]), best1 = hit[1] + (all[1] - tot[1]);
        double ub = 0.5 * (ratio(best0, all[0]) + ratio(best1, all[1]));
        if (ub < bar || (ub == bar && tie_loses)) {
            result = -INFINITY;
            goto out;
        }
        size_t ntr = 0, nte = 0;
        for (size_t i = 0; i < n; i++) {
            if (fold[i] == f)
                te[nte++] = i;
            else
                tr[ntr++] = i;
        }
        if (!nte)
            continue;
        struct problem pr = { 0 };
        struct svm_parameter pp = *param;
        struct svm_model *m = NULL;
        if (km) {
            pp.kernel_type = PRECOMPUTED;
            pr.p.l = (int)ntr;
            pr.p.y = malloc(ntr * sizeof *pr.p.y);
            pr.p.x = malloc(ntr * sizeof *pr.p.x);
            ok = pr.p.y && pr.p.x;
            for (size_t t = 0; ok && t < ntr; t++) {
                pr.p.x[t] = km->space + tr[t] * (km->n + 2);
                pr.p.y[t] = in->gt[tr[t]] != 0 ? 1 : -1;
            }
            m = ok ? svm_train(&pr.p, &pp) : NULL;
        } else {
            ok = train_rows(&pr, &m, in, tr, ntr, &pp, how, seed) == 0;
        }
        ok = ok && m;
        if (ok) {
            sv_copy(m, d, km ? in->x : NULL, sv);
            struct svm_fn fn = { m->sv_coef[0], sv, (size_t)m->l, param->gamma, m->rho[0],
                                 m->label[0] };
            ok = svm_fn_eval(&fn, d, in->x, te, nte, f_) == 0;
        }
        double h[2] = { 0, 0 }, c[2] = { 0, 0 };
        for (size_t t = 0; ok && t < nte; t++) {
            int y = in->gt[te[t]] != 0;
            c[y]++;
            h[y] += y ? f_[t] > 0 : f_[t] <= 0;
        }
        if (m)
            svm_free_and_destroy_model(&m);
        problem_release(&pr);
        for (int y = 0; y < 2; y++) {
            hit[y] += h[y];
            tot[y] += c[y];
        }
        ferr[f] += ratio(c[0] - h[0], all[0]) + ratio(c[1] - h[1], all[1]);
    }
    if (ok)
        result = 0.5 * (ratio(hit[0], tot[0]) + ratio(hit[1], tot[1]));
out:
    free(tr);
    free(te);
    free(order);
    free(sv);
    free(f_);
    return result;
}

/* Stratified fold of every row: each class shuffled, dealt round-robin. */
static int make_folds(const struct det_input *in, unsigned k, uint64_t seed, size_t *fold)
{
    size_t *rows = malloc(in->n * sizeof *rows);
    if (!rows)
        return -1;
    struct migad_rng rng;
    migad_rng_derive(&rng, seed, 0);
    for (int c = 0; c < 2; c++) {
        size_t m = 0;
        for (size_t i = 0; i < in->n; i++)
            if ((in->gt[i] != 0) == c)
                rows[m++] = i;
        for (size_t i = m; i > 1; i--) { /* Fisher-Yates */
            size_t j = (size_t)migad_rng_below(&rng, i), t = rows[i - 1];
            rows[i - 1] = rows[j];
            rows[j] = t;
        }
        for (size_t i = 0; i < m; i++)
            fold[rows[i]] = i % k;
    }
    free(rows);
    return 0;
}

static migad_status svm_fit(void **state, const struct det_input *in,
                            const struct migad_train_opts *o, char *err)
{
    struct migad_learn_opts dflt;
    const struct migad_learn_opts *lo = learn_opts(o, &dflt);
    if (!in->gt) {
        snprintf(err, MIGAD_ERRBUF_SIZE,
                 "svm: needs labelled rows: the input has no gt column");
        return MIGAD_EINVAL;
    }
    size_t count[2] = { 0, 0 };
    for (size_t i = 0; i < in->n; i++)
        count[in->gt[i] != 0]++;
    if (!count[0] || !count[1]) {
        snprintf(err, MIGAD_ERRBUF_SIZE,
                 "svm: needs both normal (gt = 0) and attack (gt != 0) rows, have %zu and %zu",
                 count[0], count[1]);
        return MIGAD_EINVAL;
    }
    if (in->n > (size_t)INT32_MAX / 2 || lo->C < 0 || lo->gamma < 0 || !(lo->svm_eps > 0) ||
        !(lo->weight_normal > 0) || !(lo->weight_attack > 0)) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "svm: invalid parameters or too many rows");
        return MIGAD_EINVAL;
    }
    unsigned k = lo->folds ? lo->folds : 5;
    if ((lo->C == 0 || lo->gamma == 0) && (k < 2 || count[0] < k || count[1] < k)) {
        snprintf(err, MIGAD_ERRBUF_SIZE,
                 "svm: %u-fold cross-validation needs at least %u rows of each class "
                 "(have %zu normal, %zu attack); give --C and --gamma", k, k < 2 ? 2 : k,
                 count[0], count[1]);
        return MIGAD_EINVAL;
    }
    struct svmdet *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "out of memory");
        return MIGAD_ENOMEM;
    }
    svm_set_print_string_function(quiet);
    int wlabel[2] = { -1, 1 };
    if (lo->balanced) {
        s->weight[0] = (double)in->n / (2.0 * (double)count[0]);
        s->weight[1] = (double)in->n / (2.0 * (double)count[1]);
    } else {
        s->weight[0] = lo->weight_normal;
        s->weight[1] = lo->weight_attack;
    }
    s->C = lo->C;
    s->gamma = lo->gamma;
    s->eps = lo->svm_eps;
    s->cv_score = -1;
    struct svm_parameter param;
    migad_status st = MIGAD_OK;
    if (lo->C == 0 || lo->gamma == 0) {
        /* acc[ci][gi] for C = 2^(ci - 1), gamma = 2^(gi - 7) (or the given
         * one at index 0); computed gamma by gamma so that one kernel matrix
         * serves every C, then chosen in (C, gamma) order: the first best.
         * A (C, gamma) that cannot win is cut short (cross_validate).  The
         * order of the computation does not change the choice; from the
         * largest gamma and C down was measured to cut more work short (a
         * high bar is reached early) on the benchmark rows. */
        double acc[9][9], bar = -1; /* the best so far: acc[bc][bg] */
        int nc = lo->C ? 1 : 9, ng = lo->gamma ? 1 : 9, bc = 9, bg = 9;
        size_t *fold = malloc(in->n * sizeof *fold);
        double *ferr = calloc(k, sizeof *ferr); /* cross_validate's fold order */
        if (!fold || !ferr || make_folds(in, k, o->seed, fold) != 0)
            st = MIGAD_ENOMEM;
        struct kmatrix km;
        int have_km = st == MIGAD_OK && kmatrix_init(&km, in) == 0;
        for (int gi = ng - 1; gi >= 0 && st == MIGAD_OK; gi--) {
            double g = lo->gamma ? lo->gamma : ldexp(1, gi - 7);
            if (have_km)
                kmatrix_fill(&km, g);
            for (int ci = nc - 1; ci >= 0 && st == MIGAD_OK; ci--) {
                double C = lo->C ? lo->C : ldexp(1, ci - 1);
                set_param(&param, C, g, lo->svm_eps, wlabel, s->weight);
                /* the best so far comes first in (C, gamma) order when its C
                 * is smaller, or the same with a smaller gamma */
                int first = bc < ci || (bc == ci && bg < gi);
                acc[ci][gi] = cross_validate(in, fold, k, &param, have_km ? &km : NULL,
                                             lo->svm_solver, o->seed, bar, first, ferr);
                if (isnan(acc[ci][gi]))
                    st = MIGAD_ENOMEM;
                else if (acc[ci][gi] > bar || (acc[ci][gi] == bar && !first)) {
                    bar = acc[ci][gi];
                    bc = ci;
                    bg = gi;
                }
            }
        }
        for (int ci = 0; ci < nc && st == MIGAD_OK; ci++) {
            for (int gi = 0; gi < ng; gi++) {
                if (acc[ci][gi] > s->cv_score) {
                    s->cv_score = acc[ci][gi];
                    s->C = lo->C ? lo->C : ldexp(1, ci - 1);
                    s->gamma = lo->gamma ? lo->gamma : ldexp(1, gi - 7);
                }
            }
        }
        if (have_km)
            kmatrix_release(&km);
        free(fold);
        free(ferr);
    }
    struct problem pr = { 0 };
    struct svm_model *t = NULL;
    if (st == MIGAD_OK) {
        set_param(&param, s->C, s->gamma, lo->svm_eps, wlabel, s->weight);
        /* libsvm's checks of the parameters look at the problem only for
         * nu-SVC; one row stands for all */
        struct svm_problem one = { 1, (double[]){ 1 }, NULL };
        const char *why = svm_check_parameter(&one, &param);
        if (why) {
            snprintf(err, MIGAD_ERRBUF_SIZE, "svm: libsvm: %s", why);
            st = MIGAD_EINVAL;
        } else if (train_rows(&pr, &t, in, NULL, in->n, &param, lo->svm_solver, o->seed) != 0) {
            st = MIGAD_ENOMEM;
        } else if (t->l == 0) {
            snprintf(err, MIGAD_ERRBUF_SIZE, "svm: the fit has no support vectors");
            st = MIGAD_EINVAL;
        } else if (svmdet_alloc(s, (size_t)t->l, in->d) != 0) {
            st = MIGAD_ENOMEM;
        } else {
            for (int c = 0; c < 2; c++) {
                s->label[c] = t->label[c];
                s->nsv[c] = (size_t)t->nSV[c];
            }
            s->rho = t->rho[0];
            memcpy(s->coef, t->sv_coef[0], (size_t)t->l * sizeof *s->coef);
            sv_copy(t, in->d, NULL, s->sv);
        }
    }
    if (t)
        svm_free_and_destroy_model(&t);
    problem_release(&pr);
    if (st != MIGAD_OK) {
        if (st == MIGAD_ENOMEM)
            snprintf(err, MIGAD_ERRBUF_SIZE, "out of memory");
        svmdet_free(s);
        return st;
    }
    *state = s;
    return MIGAD_OK;
}

static int svm_score(const void *state, size_t d, const double *x, size_t n, double *out)
{
    const struct svmdet *s = state;
    struct svm_fn fn = { s->coef, s->sv, s->nsv[0] + s->nsv[1], s->gamma, s->rho, s->label[0] };
    return svm_fn_eval(&fn, d, x, NULL, n, out);
}

static void svm_save(const void *state, size_t d, struct mw *w)
{
    const struct svmdet *s = state;
    double labels[2] = { s->label[0], s->label[1] };
    mw_doubles(w, "svm.C", &s->C, 1);
    mw_doubles(w, "svm.gamma", &s->gamma, 1);
    mw_doubles(w, "svm.eps", &s->eps, 1);
    mw_doubles(w, "svm.weights", s->weight, 2);
    mw_doubles(w, "svm.cv_score", &s->cv_score, 1);
    mw_doubles(w, "svm.labels", labels, 2);
    mw_u64(w, "svm.nsv0", (uint64_t)s->nsv[0]);
    mw_u64(w, "svm.nsv1", (uint64_t)s->nsv[1]);
    mw_doubles(w, "svm.rho", &s->rho, 1);
    mw_doubles(w, "svm.coef", s->coef, s->nsv[0] + s->nsv[1]);
    for (size_t i = 0; i < s->nsv[0] + s->nsv[1]; i++)
        mw_doubles(w, "svm.sv", s->sv + i * d, d);
}

static int svm_load(void **state, size_t d, struct mr *r)
{
    double C, gamma, eps, weight[2], cv, labels[2];
    uint64_t n0, n1;
    if (mr_doubles(r, "svm.C", &C, 1) || mr_doubles(r, "svm.gamma", &gamma, 1) ||
        mr_doubles(r, "svm.eps", &eps, 1) || mr_doubles(r, "svm.weights", weight, 2) || mr_doubles(r, "svm.cv_score", &cv, 1) ||
        mr_doubles(r, "svm.labels", labels, 2) || mr_u64(r, "svm.nsv0", SVM_MAX_SV, &n0) ||
        mr_u64(r, "svm.nsv1", SVM_MAX_SV, &n1))
        return -1;
    /* labels are +1 and -1 in some order */
    if (!(gamma > 0) || !(C > 0) || !(labels[0] * labels[1] == -1) || fabs(labels[0]) != 1 ||
        n0 + n1 == 0 || !mr_fits(r, (n0 + n1) * (d + 1)))
        return -1;
    size_t l = (size_t)(n0 + n1);
    struct svmdet *s = calloc(1, sizeof *s);
    if (!s || svmdet_alloc(s, l, d) != 0) {
        svmdet_free(s);
        return -1;
    }
    s->C = C;
    s->gamma = gamma;
    s->eps = eps;
    s->weight[0] = weight[0];
    s->weight[1] = weight[1];
    s->cv_score = cv;
    s->label[0] = (int)labels[0];
    s->label[1] = (int)labels[1];
    s->nsv[0] = (size_t)n0;
    s->nsv[1] = (size_t)n1;
    int bad = mr_doubles(r, "svm.rho", &s->rho, 1) || mr_doubles(r, "svm.coef", s->coef, l);
    for (size_t i = 0; i < l && !bad; i++)
        bad = mr_doubles(r, "svm.sv", s->sv + i * d, d);
    if (bad) {
        svmdet_free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static void svm_describe(const void *state, size_t d, FILE *fp)
{
    const struct svmdet *s = state;
    double labels[2] = { s->label[0], s->label[1] };
    desc_doubles(fp, "svm.C", &s->C, 1);
    desc_doubles(fp, "svm.gamma", &s->gamma, 1);
    desc_doubles(fp, "svm.eps", &s->eps, 1);
    desc_doubles(fp, "svm.weights", s->weight, 2);
    desc_doubles(fp, "svm.cv_score", &s->cv_score, 1);
    desc_doubles(fp, "svm.labels", labels, 2);
    fprintf(fp, "svm.nsv %zu %zu\n", s->nsv[0], s->nsv[1]);
    desc_doubles(fp, "svm.rho", &s->rho, 1);
    desc_doubles(fp, "svm.coef", s->coef, s->nsv[0] + s->nsv[1]);
    for (size_t i = 0; i < s->nsv[0] + s->nsv[1]; i++)
        desc_doubles(fp, "svm.sv", s->sv + i * d, d);
}

const struct detector_ops detector_svm = {
    .name = "svm",
    .summary = "RBF-kernel SVM (libsvm), supervised: decision value, attack side up",
    .fit = svm_fit,
    .score = svm_score,
    .save = svm_save,
    .load = svm_load,
    .describe = svm_describe,
    .threshold = NULL,
    .free = svmdet_free,
};
