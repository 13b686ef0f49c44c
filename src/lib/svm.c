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
 * The search trains 81 x k models on subsets of the same rows.  When the
 * n x n kernel matrix fits in SVM_GRID_MAX_BYTES, it is computed once per
 * gamma and handed to libsvm as a PRECOMPUTED kernel shared by every C and
 * every fold; each value is computed exactly as libsvm's RBF kernel does
 * during training (Kernel::kernel_rbf: exp(-gamma (|u|^2 + |v|^2 - 2 u.v)),
 * the sums taken feature by feature in order), so the solver sees the same
 * numbers, takes the same steps and ends at the same coefficients as with
 * RBF rows.  A fold's model is then turned back into an RBF model (its
 * support vectors are rows) and scores the held-out rows through libsvm
 * exactly as before.  So the search chooses the same (C, gamma) with the
 * same score, only faster; the final model is an RBF model as always.
 * Larger inputs fall back to RBF rows per fold.
 *
 * The model file holds libsvm's model in full and exactly (hex floats):
 * labels, support-vector counts, rho, gamma, the coefficients and the
 * support vectors (dense, d values each).  Loading rebuilds the
 * struct svm_model; a trained model is converted to the same rebuilt form
 * before use, so scores before and after a round trip are identical.
 * libsvm's own text files (%.17g / %.8g) are not used.
 */
#include <float.h>
#include <libsvm/svm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "detector_impl.h"

#define SVM_MAX_SV ((uint64_t)1 << 26)
/* The search's precomputed kernel matrix, n (n + 2) libsvm nodes, at most. */
#define SVM_GRID_MAX_BYTES ((size_t)512 << 20)

struct svmdet {
    struct svm_model *model; /* rebuilt form: free_sv = 1, SV[0] owns every node */
    double C, gamma;
    double eps;              /* libsvm's stopping tolerance used */
    double weight[2];        /* class weights used: normal, attack */
    double cv_score;         /* balanced accuracy of the chosen (C, gamma); -1 = not searched */
    double sign;             /* +1 when label[0] is the attack class, else -1 */
};

/* libsvm prints progress through this hook; the library never prints. */
static void quiet(const char *s) { (void)s; }

static void svmdet_free(void *state)
{
    struct svmdet *s = state;
    if (!s)
        return;
    if (s->model)
        svm_free_and_destroy_model(&s->model);
    free(s);
}

/* An empty model in the rebuilt layout for l >= 1 support vectors of d values;
 * every part malloc'ed as svm_free_model_content expects. */
static struct svm_model *model_alloc(size_t l, size_t d)
{
    struct svm_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->free_sv = 1;
    m->nr_class = 2;
    m->l = (int)l;
    m->SV = calloc(l, sizeof *m->SV); /* l >= 1 */
    m->sv_coef = calloc(1, sizeof *m->sv_coef);
    m->rho = calloc(1, sizeof *m->rho);
    m->label = calloc(2, sizeof *m->label);
    m->nSV = calloc(2, sizeof *m->nSV);
    struct svm_node *space = calloc(l * (d + 1), sizeof *space);
    if (m->sv_coef)
        m->sv_coef[0] = calloc(l, sizeof **m->sv_coef);
    if (!m->SV || !m->sv_coef || !m->sv_coef[0] || !m->rho || !m->label || !m->nSV || !space) {
        free(space);
        m->l = 0; /* nothing in SV[0] to free */
        svm_free_and_destroy_model(&m);
        return NULL;
    }
    m->SV[0] = space; /* freed through SV[0] (free_sv) */
    for (size_t i = 0; i < l; i++) {
        m->SV[i] = space + i * (d + 1);
        for (size_t j = 0; j < d; j++)
            m->SV[i][j].index = (int)j + 1;
        m->SV[i][d].index = -1;
    }
    m->param.svm_type = C_SVC;
    m->param.kernel_type = RBF;
    return m;
}

/* Copy libsvm's trained model into the rebuilt layout (dense SVs).  With
 * `x` (n x d rows) the model was trained on a PRECOMPUTED kernel: its
 * support vectors are row numbers (node 0 holds row + 1), taken from x, and
 * `gamma` is the RBF kernel's. */
static struct svm_model *model_copy(const struct svm_model *t, size_t d, const double *x,
                                    double gamma)
{
    struct svm_model *m = model_alloc((size_t)t->l, d);
    if (!m)
        return NULL;
    m->param.gamma = x ? gamma : t->param.gamma;
    m->rho[0] = t->rho[0];
    for (int c = 0; c < 2; c++) {
        m->label[c] = t->label[c];
        m->nSV[c] = t->nSV[c];
    }
    for (int i = 0; i < t->l; i++) {
        m->sv_coef[0][i] = t->sv_coef[0][i];
        if (x) {
            const double *row = x + ((size_t)t->SV[i][0].value - 1) * d;
            for (size_t j = 0; j < d; j++)
                m->SV[i][j].value = row[j];
        } else {
            for (const struct svm_node *p = t->SV[i]; p->index != -1; p++)
                m->SV[i][p->index - 1].value = p->value;
        }
    }
    return m;
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

/*
 * Decision value of one row (d values), oriented "attack up".  It is what
 * libsvm's svm_predict_values computes, bit for bit, for a model whose
 * support vectors have all d nodes (ours always do): Kernel::k_function's
 * RBF kernel exp(-gamma * sum_j (x_j - sv_j)^2), summed feature by feature
 * from the first, then f = sum_i coef_i K_i in support-vector order, minus
 * rho; here without libsvm's three allocations per call and its sparse
 * index matching.  Overflow (rows or model values near DBL_MAX) is
 * clamped: +-inf to +-DBL_MAX, NaN to DBL_MAX (anomalous), so scores are
 * always finite.
 */
static double decision(const struct svm_model *m, const double *x, size_t d)
{
    const double *coef = m->sv_coef[0], gamma = m->param.gamma;
    double dec = 0;
    for (int i = 0; i < m->l; i++) {
        const struct svm_node *sv = m->SV[i];
        double sum = 0;
        for (size_t j = 0; j < d; j++) {
            double t = x[j] - sv[j].value;
            sum += t * t;
        }
        dec += coef[i] * exp(-gamma * sum);
    }
    dec -= m->rho[0];
    dec = m->label[0] == 1 ? dec : -dec;
    return isnan(dec) ? DBL_MAX : dec > DBL_MAX ? DBL_MAX : dec < -DBL_MAX ? -DBL_MAX : dec;
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
    size_t n;
};

/* 0, or -1 when the matrix is too large (fall back to RBF rows) or memory
 * is short. */
static int kmatrix_init(struct kmatrix *km, const struct det_input *in)
{
    size_t n = in->n, d = in->d, w = n + 2;
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
    if (!km->space || !km->sq) {
        free(km->space);
        free(km->sq);
        return -1;
    }
    km->n = n;
    for (size_t i = 0; i < n; i++) {
        struct svm_node *r = km->space + i * w;
        const double *xi = in->x + i * d;
        double sq = 0; /* Kernel::dot(x_i, x_i) */
        for (size_t j = 0; j < d; j++)
            sq += xi[j] * xi[j];
        km->sq[i] = sq;
        r[0].index = 0;
        r[0].value = (double)(i + 1);
        for (size_t j = 1; j <= n; j++)
            r[j].index = (int)j;
        r[n + 1].index = -1;
    }
    return 0;
}

static void kmatrix_release(struct kmatrix *km)
{
    free(km->space);
    free(km->sq);
    memset(km, 0, sizeof *km);
}

/* Fill the values for gamma: exactly libsvm's Kernel::kernel_rbf,
 * exp(-gamma * (sq_i + sq_j - 2 * dot(x_i, x_j))), the dot product summed
 * feature by feature from 0.  It is symmetric bit for bit (each product
 * commutes, the sums run in the same order), so half of it is computed. */
static void kmatrix_fill(struct kmatrix *km, const struct det_input *in, double gamma)
{
    size_t n = km->n, d = in->d, w = n + 2;
    for (size_t i = 0; i < n; i++) {
        const double *xi = in->x + i * d;
        struct svm_node *r = km->space + i * w;
        for (size_t j = i; j < n; j++) {
            const double *xj = in->x + j * d;
            double dot = 0;
            for (size_t t = 0; t < d; t++)
                dot += xi[t] * xj[t];
            double v = exp(-gamma * (km->sq[i] + km->sq[j] - 2 * dot));
            r[j + 1].value = v;
            km->space[j * w + i + 1].value = v;
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
 */
static double cross_validate(const struct det_input *in, const size_t *fold, unsigned k,
                             struct svm_parameter *param, const struct kmatrix *km,
                             double bar, int tie_loses)
{
    size_t n = in->n, *tr = malloc(n * sizeof *tr), *te = malloc(n * sizeof *te);
    double hit[2] = { 0, 0 }, tot[2] = { 0, 0 }, all[2] = { 0, 0 };
    int ok = tr && te;
    for (size_t i = 0; i < n; i++) /* every row is tested in exactly one fold */
        all[in->gt[i] != 0]++;
    for (unsigned f = 0; f < k && ok; f++) {
        double best0 = hit[0] + (all[0] - tot[0]), best1 = hit[1] + (all[1] - tot[1]);
        double ub = 0.5 * (best0 / (all[0] > 0 ? all[0] : 1) + best1 / (all[1] > 0 ? all[1] : 1));
        if (ub < bar || (ub == bar && tie_loses)) {
            free(tr);
            free(te);
            return -INFINITY;
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
        struct svm_model *m = NULL;
        if (km) {
            struct svm_parameter pp = *param;
            pp.kernel_type = PRECOMPUTED;
            pr.p.l = (int)ntr;
            pr.p.y = malloc(ntr * sizeof *pr.p.y);
            pr.p.x = malloc(ntr * sizeof *pr.p.x);
            ok = pr.p.y && pr.p.x;
            for (size_t t = 0; ok && t < ntr; t++) {
                pr.p.x[t] = km->space + tr[t] * (km->n + 2);
                pr.p.y[t] = in->gt[tr[t]] != 0 ? 1 : -1;
            }
            struct svm_model *pm = ok ? svm_train(&pr.p, &pp) : NULL;
            m = pm ? model_copy(pm, in->d, in->x, param->gamma) : NULL;
            if (pm)
                svm_free_and_destroy_model(&pm);
        } else {
            ok = problem_make(&pr, in, tr, ntr) == 0;
            m = ok ? svm_train(&pr.p, param) : NULL;
        }
        ok = ok && m;
        for (size_t t = 0; ok && t < nte; t++) {
            size_t i = te[t];
            int c = in->gt[i] != 0;
            double f_ = decision(m, in->x + i * in->d, in->d);
            tot[c]++;
            hit[c] += c ? f_ > 0 : f_ <= 0;
        }
        if (m)
            svm_free_and_destroy_model(&m);
        problem_release(&pr);
    }
    free(tr);
    free(te);
    if (!ok)
        return NAN;
    return 0.5 * (hit[0] / (tot[0] > 0 ? tot[0] : 1) + hit[1] / (tot[1] > 0 ? tot[1] : 1));
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
        if (!fold || make_folds(in, k, o->seed, fold) != 0)
            st = MIGAD_ENOMEM;
        struct kmatrix km;
        int have_km = st == MIGAD_OK && kmatrix_init(&km, in) == 0;
        for (int gi = ng - 1; gi >= 0 && st == MIGAD_OK; gi--) {
            double g = lo->gamma ? lo->gamma : ldexp(1, gi - 7);
            if (have_km)
                kmatrix_fill(&km, in, g);
            for (int ci = nc - 1; ci >= 0 && st == MIGAD_OK; ci--) {
                double C = lo->C ? lo->C : ldexp(1, ci - 1);
                set_param(&param, C, g, lo->svm_eps, wlabel, s->weight);
                /* the best so far comes first in (C, gamma) order when its C
                 * is smaller, or the same with a smaller gamma */
                int first = bc < ci || (bc == ci && bg < gi);
                acc[ci][gi] = cross_validate(in, fold, k, &param, have_km ? &km : NULL,
                                             bar, first);
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
    }
    struct problem pr = { 0 };
    struct svm_model *t = NULL;
    if (st == MIGAD_OK && problem_make(&pr, in, NULL, in->n) != 0)
        st = MIGAD_ENOMEM;
    if (st == MIGAD_OK) {
        set_param(&param, s->C, s->gamma, lo->svm_eps, wlabel, s->weight);
        const char *why = svm_check_parameter(&pr.p, &param);
        if (why) {
            snprintf(err, MIGAD_ERRBUF_SIZE, "svm: libsvm: %s", why);
            st = MIGAD_EINVAL;
        } else if (!(t = svm_train(&pr.p, &param))) {
            st = MIGAD_ENOMEM;
        } else if (t->l == 0) {
            snprintf(err, MIGAD_ERRBUF_SIZE, "svm: the fit has no support vectors");
            st = MIGAD_EINVAL;
        } else if (!(s->model = model_copy(t, in->d, NULL, 0))) {
            st = MIGAD_ENOMEM;
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
    s->sign = s->model->label[0] == 1 ? 1 : -1;
    *state = s;
    return MIGAD_OK;
}

static int svm_score(const void *state, size_t d, const double *x, size_t n, double *out)
{
    const struct svmdet *s = state;
    for (size_t i = 0; i < n; i++)
        out[i] = decision(s->model, x + i * d, d);
    return 0;
}

static void svm_save(const void *state, size_t d, struct mw *w)
{
    const struct svmdet *s = state;
    const struct svm_model *m = s->model;
    double labels[2] = { m->label[0], m->label[1] };
    mw_doubles(w, "svm.C", &s->C, 1);
    mw_doubles(w, "svm.gamma", &m->param.gamma, 1);
    mw_doubles(w, "svm.eps", &s->eps, 1);
    mw_doubles(w, "svm.weights", s->weight, 2);
    mw_doubles(w, "svm.cv_score", &s->cv_score, 1);
    mw_doubles(w, "svm.labels", labels, 2);
    mw_u64(w, "svm.nsv0", (uint64_t)m->nSV[0]);
    mw_u64(w, "svm.nsv1", (uint64_t)m->nSV[1]);
    mw_doubles(w, "svm.rho", m->rho, 1);
    mw_doubles(w, "svm.coef", m->sv_coef[0], (size_t)m->l);
    double *v = malloc((d ? d : 1) * sizeof *v); /* one support vector at a time */
    if (!v) {
        w->failed = 1;
        return;
    }
    for (int i = 0; i < m->l; i++) {
        for (size_t j = 0; j < d; j++)
            v[j] = m->SV[i][j].value;
        mw_doubles(w, "svm.sv", v, d);
    }
    free(v);
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
    struct svm_model *m = s ? model_alloc(l, d) : NULL;
    if (!m) {
        free(s);
        return -1;
    }
    s->model = m;
    s->C = C;
    s->gamma = gamma;
    s->eps = eps;
    s->weight[0] = weight[0];
    s->weight[1] = weight[1];
    s->cv_score = cv;
    m->param.gamma = gamma;
    m->label[0] = (int)labels[0];
    m->label[1] = (int)labels[1];
    m->nSV[0] = (int)n0;
    m->nSV[1] = (int)n1;
    double *v = malloc((d > l ? d : l ? l : 1) * sizeof *v);
    int bad = !v || mr_doubles(r, "svm.rho", m->rho, 1) ||
              mr_doubles(r, "svm.coef", m->sv_coef[0], l);
    for (size_t i = 0; i < l && !bad; i++) {
        bad = mr_doubles(r, "svm.sv", v, d);
        for (size_t j = 0; j < d && !bad; j++)
            m->SV[i][j].value = v[j];
    }
    free(v);
    if (bad) {
        svmdet_free(s);
        return -1;
    }
    s->sign = m->label[0] == 1 ? 1 : -1;
    *state = s;
    return 0;
}

static void svm_describe(const void *state, size_t d, FILE *fp)
{
    const struct svmdet *s = state;
    const struct svm_model *m = s->model;
    double labels[2] = { m->label[0], m->label[1] };
    desc_doubles(fp, "svm.C", &s->C, 1);
    desc_doubles(fp, "svm.gamma", &m->param.gamma, 1);
    desc_doubles(fp, "svm.eps", &s->eps, 1);
    desc_doubles(fp, "svm.weights", s->weight, 2);
    desc_doubles(fp, "svm.cv_score", &s->cv_score, 1);
    desc_doubles(fp, "svm.labels", labels, 2);
    fprintf(fp, "svm.nsv %d %d\n", m->nSV[0], m->nSV[1]);
    desc_doubles(fp, "svm.rho", m->rho, 1);
    desc_doubles(fp, "svm.coef", m->sv_coef[0], (size_t)m->l);
    double *v = malloc((d ? d : 1) * sizeof *v);
    for (int i = 0; v && i < m->l; i++) {
        for (size_t j = 0; j < d; j++)
            v[j] = m->SV[i][j].value;
        desc_doubles(fp, "svm.sv", v, d);
    }
    free(v);
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
