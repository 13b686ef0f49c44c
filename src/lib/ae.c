/*
 * ae: a fully connected autoencoder, the unsupervised detector of seed
 * paper 2 (section 3.3).  Score = reconstruction error, the mean squared
 * difference between a row and its reconstruction over the d features.
 *
 * Network: d -> h_1 -> ... -> h_k -> d (hidden widths from --layers,
 * default ceil(d/2), ceil(d/4), ceil(d/2)); hidden units tanh or relu, the
 * output layer linear.  Layer l computes a_{l+1} = f(a_l W_l^T + b_l) on a
 * batch of rows at once (cblas_dgemm, the CBLAS of Debian's libblas).
 *
 * Loss, the paper's two terms (reconstruction, and a penalty against
 * overfitting weighted by lambda):
 *     L = 1/(n d) sum_i ||x_i - f(x_i)||^2 + lambda sum_l ||W_l||_F^2
 * Gradient by backpropagation, exact (a unit test checks it against
 * central differences):
 *     G_k = 2/(n d) (f(x) - x);  dZ_l = G_{l+1} * f'(a_{l+1}) (1 at the output),
 *     dW_l = dZ_l^T a_l + 2 lambda W_l,  db_l = 1^T dZ_l,  G_l = dZ_l W_l.
 *
 * Training on the normal rows (gt == 0, migration rows included; every row
 * when there is no gt column): a validation split (val_frac, shuffled with
 * migad_rng_derive(seed, 0)) held out, Glorot-uniform weights from stream
 * 1, mini-batches reshuffled each epoch from stream 2, Adam (Kingma & Ba
 * 2015, bias-corrected).  After each epoch the reconstruction error of the
 * validation rows (training rows when the split is empty) is measured; the
 * best parameters are kept and training stops after `patience` epochs
 * without improvement, or after `epochs`.
 *
 * Same seed, same bytes on one machine and BLAS (checked with OpenBLAS at
 * 1 and 2 threads); another BLAS (Debian's netlib alternative) may sum in
 * another order and give other low-order bits.
 */
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ae_impl.h"
#include "detector_impl.h"
#include "nn.h"

#define AE_MAXW (MIGAD_AE_MAX_LAYERS + 2)
#define AE_CHUNK 256 /* rows per forward pass when scoring */

struct ae {
    size_t nl;            /* weight layers = hidden layers + 1 */
    size_t w[AE_MAXW];    /* widths: w[0] = w[nl] = d */
    size_t off[AE_MAXW];  /* offset of layer l's weights in p; biases follow */
    size_t np;
    int relu;
    double *p;
    /* training record (model file, describe) */
    double lambda, best_loss;
    uint64_t epochs;
};

size_t ae_nparams(const struct ae *a) { return a->np; }
double *ae_params(struct ae *a) { return a->p; }

void ae_destroy(struct ae *a)
{
    if (!a)
        return;
    free(a->p);
    free(a);
}

static void ae_free_state(void *state) { ae_destroy(state); }

static struct ae *ae_alloc(size_t d, const size_t *hidden, size_t nh, int relu)
{
    if (nh > MIGAD_AE_MAX_LAYERS)
        return NULL;
    struct ae *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->nl = nh + 1;
    a->relu = relu;
    a->w[0] = a->w[a->nl] = d;
    for (size_t l = 0; l < nh; l++)
        a->w[l + 1] = hidden[l];
    for (size_t l = 0; l < a->nl; l++) {
        a->off[l] = a->np;
        a->np += a->w[l + 1] * a->w[l] + a->w[l + 1];
    }
    a->p = calloc(a->np, sizeof *a->p);
    if (!a->p) {
        free(a);
        return NULL;
    }
    return a;
}

struct ae *ae_create(size_t d, const size_t *hidden, size_t nh, int relu, uint64_t seed)
{
    struct ae *a = ae_alloc(d, hidden, nh, relu);
    if (!a)
        return NULL;
    struct migad_rng rng;
    migad_rng_derive(&rng, seed, 1);
    for (size_t l = 0; l < a->nl; l++)
        nn_glorot(a->p + a->off[l], a->w[l + 1], a->w[l], &rng);
    return a;
}

static size_t max_width(const struct ae *a)
{
    size_t m = 0;
    for (size_t l = 0; l <= a->nl; l++)
        m = a->w[l] > m ? a->w[l] : m;
    return m;
}

/* Forward pass of n rows: act[l] (n x w[l]) for l = 1..nl; act[0] = x. */
static void forward(const struct ae *a, const double *x, size_t n, double **act)
{
    act[0] = (double *)x; /* read only */
    for (size_t l = 0; l < a->nl; l++) {
        size_t in = a->w[l], out = a->w[l + 1];
        const double *W = a->p + a->off[l];
        enum nn_act f = l + 1 < a->nl ? (a->relu ? NN_RELU : NN_TANH) : NN_LINEAR;
        nn_dense(act[l], n, in, W, W + out * in, out, f, act[l + 1]);
    }
}

/* Activations for n rows: one block, act[1..nl] pointing into it. */
static double *act_alloc(const struct ae *a, size_t n, double **act)
{
    size_t total = 0;
    for (size_t l = 1; l <= a->nl; l++)
        total += n * a->w[l];
    double *block = malloc(total * sizeof *block);
    if (!block)
        return NULL;
    for (size_t l = 1, at = 0; l <= a->nl; l++) {
        act[l] = block + at;
        at += n * a->w[l];
    }
    return block;
}

double ae_loss_grad(const struct ae *a, const double *x, size_t n, double lambda, double *grad)
{
    double *act[AE_MAXW];
    size_t d = a->w[0], mw = max_width(a);
    double *block = act_alloc(a, n, act);
    double *g = malloc(2 * n * mw * sizeof *g);
    if (!block || !g) {
        free(block);
        free(g);
        return NAN;
    }
    forward(a, x, n, act);
    double rec = 0, pen = 0, scale = 1.0 / ((double)n * (double)d);
    double *G = g, *dZ = g + n * mw; /* G: dL/d act[l+1]; dZ: dL/d pre-activation */
    const double *y = act[a->nl];
    for (size_t k = 0; k < n * d; k++) {
        double e = y[k] - x[k];
        rec += e * e;
        G[k] = 2 * scale * e;
    }
    for (size_t l = 0; l < a->nl; l++) {
        const double *W = a->p + a->off[l];
        for (size_t k = 0; k < a->w[l + 1] * a->w[l]; k++)
            pen += W[k] * W[k];
    }
    for (size_t l = a->nl; grad && l-- > 0;) {
        size_t in = a->w[l], out = a->w[l + 1];
        const double *W = a->p + a->off[l], *al = act[l + 1];
        double *gW = grad + a->off[l], *gb = gW + out * in;
        for (size_t k = 0; k < n * out; k++) {
            double dz = G[k];
            if (l + 1 < a->nl)
                dz *= a->relu ? (al[k] > 0 ? 1.0 : 0.0) : 1 - al[k] * al[k];
            dZ[k] = dz;
        }
        memcpy(gW, W, out * in * sizeof *gW);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)n, 1.0,
                    dZ, (int)out, act[l], (int)in, 2 * lambda, gW, (int)in);
        for (size_t j = 0; j < out; j++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += dZ[i * out + j];
            gb[j] = s;
        }
        if (l > 0)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)in, (int)out,
                        1.0, dZ, (int)out, W, (int)in, 0.0, G, (int)in);
    }
    free(block);
    free(g);
    return rec * scale + lambda * pen;
}

/* Per-row reconstruction error of n rows into out; 0 or -1 (memory). */
static int reconstruction_errors(const struct ae *a, const double *x, size_t n, double *out)
{
    double *act[AE_MAXW];
    size_t d = a->w[0];
    double *block = act_alloc(a, n < AE_CHUNK ? n : AE_CHUNK, act);
    if (!block)
        return -1;
    for (size_t i0 = 0; i0 < n; i0 += AE_CHUNK) {
        size_t m = n - i0 < AE_CHUNK ? n - i0 : AE_CHUNK;
        const double *xc = x + i0 * d;
        forward(a, xc, m, act);
        for (size_t i = 0; i < m; i++) {
            double s = 0;
            for (size_t j = 0; j < d; j++) {
                double e = act[a->nl][i * d + j] - xc[i * d + j];
                s += e * e;
            }
            s /= (double)d;
            out[i0 + i] = s < DBL_MAX ? s : DBL_MAX; /* overflow, NaN: most anomalous */
        }
    }
    free(block);
    return 0;
}

static double mean_error(const struct ae *a, const double *x, size_t n, double *tmp)
{
    if (reconstruction_errors(a, x, n, tmp) != 0)
        return NAN;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += tmp[i];
    return s / (double)n;
}

static void shuffle(size_t *v, size_t n, struct migad_rng *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)migad_rng_below(rng, i), t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

static void gather(const struct det_input *in, const size_t *idx, size_t m, double *out)
{
    for (size_t k = 0; k < m; k++)
        memcpy(out + k * in->d, in->x + idx[k] * in->d, in->d * sizeof *out);
}

/* Adam state and the training loop; 0, or -1 when out of memory. */
static int train(struct ae *a, const struct det_input *in, const size_t *tr, size_t ntr,
                 const size_t *va, size_t nva, const struct migad_learn_opts *lo, uint64_t seed)
{
    size_t d = in->d, np = a->np, bs = lo->batch < ntr ? lo->batch : ntr;
    size_t *order = malloc(ntr * sizeof *order);
    struct nn_adam adam = { calloc(np, sizeof(double)), calloc(np, sizeof(double)), 1, 1 };
    double *g = malloc(np * sizeof *g);
    double *best = malloc(np * sizeof *best), *xb = malloc(bs * d * sizeof *xb);
    size_t nev = nva ? nva : ntr;
    double *xe = malloc(nev * d * sizeof *xe), *tmp = malloc(nev * sizeof *tmp);
    int rc = order && adam.m && adam.v && g && best && xb && xe && tmp ? 0 : -1;
    if (rc == 0) {
        memcpy(order, tr, ntr * sizeof *order);
        gather(in, nva ? va : tr, nev, xe);
        memcpy(best, a->p, np * sizeof *best);
        a->best_loss = mean_error(a, xe, nev, tmp);
        rc = isnan(a->best_loss) ? -1 : 0;
    }
    struct migad_rng rng;
    migad_rng_derive(&rng, seed, 2);
    unsigned wait = 0;
    a->epochs = 0;
    for (unsigned ep = 0; rc == 0 && ep < lo->epochs && wait < lo->patience; ep++) {
        shuffle(order, ntr, &rng);
        for (size_t i0 = 0; i0 < ntr && rc == 0; i0 += bs) {
            size_t nb = ntr - i0 < bs ? ntr - i0 : bs;
            gather(in, order + i0, nb, xb);
            if (isnan(ae_loss_grad(a, xb, nb, lo->lambda, g))) {
                rc = -1;
                break;
            }
            nn_adam_step(&adam, a->p, g, np, lo->lr, lo->beta1, lo->beta2, lo->eps);
        }
        double e = rc == 0 ? mean_error(a, xe, nev, tmp) : NAN;
        if (isnan(e)) {
            rc = -1;
            break;
        }
        a->epochs = ep + 1;
        if (e < a->best_loss) {
            a->best_loss = e;
            memcpy(best, a->p, np * sizeof *best);
            wait = 0;
        } else {
            wait++;
        }
    }
    if (rc == 0)
        memcpy(a->p, best, np * sizeof *best);
    free(order);
    free(adam.m);
    free(adam.v);
    free(g);
    free(best);
    free(xb);
    free(xe);
    free(tmp);
    return rc;
}

static migad_status ae_fit(void **state, const struct det_input *in,
                           const struct migad_train_opts *o, char *err)
{
    struct migad_learn_opts dflt;
    const struct migad_learn_opts *lo = learn_opts(o, &dflt);
    size_t d = in->d, hidden[MIGAD_AE_MAX_LAYERS], nh = lo->nlayers;
    if (nh == 0) {
        hidden[0] = hidden[2] = (d + 1) / 2;
        hidden[1] = (d + 3) / 4;
        nh = 3;
    } else {
        memcpy(hidden, lo->layers, nh * sizeof *hidden);
    }
    int bad = nh > MIGAD_AE_MAX_LAYERS || !(lo->lambda >= 0) || !(lo->lr > 0) ||
              !(lo->beta1 >= 0 && lo->beta1 < 1) || !(lo->beta2 >= 0 && lo->beta2 < 1) ||
              !(lo->eps > 0) || lo->batch == 0 || lo->epochs == 0 || lo->patience == 0 ||
              !(lo->val_frac >= 0 && lo->val_frac < 1) || d > MIGAD_AE_MAX_UNITS;
    for (size_t l = 0; l < nh && !bad; l++)
        bad = hidden[l] == 0 || hidden[l] > MIGAD_AE_MAX_UNITS;
    if (bad) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "ae: invalid parameters");
        return MIGAD_EINVAL;
    }
    size_t *rows = malloc(in->n * sizeof *rows), m = 0;
    if (!rows) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "out of memory");
        return MIGAD_ENOMEM;
    }
    for (size_t i = 0; i < in->n; i++)
        if (!in->gt || in->gt[i] == 0)
            rows[m++] = i;
    if (m < 2) {
        free(rows);
        snprintf(err, MIGAD_ERRBUF_SIZE, "ae: needs at least 2 normal (gt = 0) rows, have %zu",
                 m);
        return MIGAD_EINVAL;
    }
    struct migad_rng rng;
    migad_rng_derive(&rng, o->seed, 0);
    shuffle(rows, m, &rng);
    size_t nva = (size_t)floor(lo->val_frac * (double)m);
    if (nva >= m)
        nva = 0;
    struct ae *a = ae_create(d, hidden, nh, lo->relu, o->seed);
    int rc = a ? train(a, in, rows + nva, m - nva, rows, nva, lo, o->seed) : -1;
    free(rows);
    if (rc != 0) {
        ae_destroy(a);
        snprintf(err, MIGAD_ERRBUF_SIZE, "out of memory");
        return MIGAD_ENOMEM;
    }
    a->lambda = lo->lambda;
    *state = a;
    return MIGAD_OK;
}

static int ae_score(const void *state, size_t d, const double *x, size_t n, double *out)
{
    (void)d;
    return reconstruction_errors(state, x, n, out);
}

static void ae_save(const void *state, size_t d, struct mw *w)
{
    const struct ae *a = state;
    (void)d;
    mw_u64(w, "ae.hidden", a->nl - 1);
    for (size_t l = 1; l < a->nl; l++)
        mw_u64(w, "ae.width", a->w[l]);
    mw_text(w, "ae.activation", a->relu ? "relu" : "tanh");
    mw_doubles(w, "ae.lambda", &a->lambda, 1);
    mw_u64(w, "ae.epochs", a->epochs);
    mw_doubles(w, "ae.val_error", &a->best_loss, 1);
    for (size_t l = 0; l < a->nl; l++) {
        const double *W = a->p + a->off[l];
        mw_doubles(w, "ae.weights", W, a->w[l + 1] * a->w[l]);
        mw_doubles(w, "ae.bias", W + a->w[l + 1] * a->w[l], a->w[l + 1]);
    }
}

static int ae_load(void **state, size_t d, struct mr *r)
{
    uint64_t nh, wd, epochs;
    size_t hidden[MIGAD_AE_MAX_LAYERS];
    if (d > MIGAD_AE_MAX_UNITS || mr_u64(r, "ae.hidden", MIGAD_AE_MAX_LAYERS, &nh) != 0)
        return -1;
    uint64_t np = 0, prev = d;
    for (size_t l = 0; l < nh; l++) {
        if (mr_u64(r, "ae.width", MIGAD_AE_MAX_UNITS, &wd) != 0 || wd == 0)
            return -1;
        hidden[l] = (size_t)wd;
        np += prev * wd + wd;
        prev = wd;
    }
    np += prev * d + d;
    char *act = NULL;
    if (mr_text(r, "ae.activation", &act) != 0)
        return -1;
    int relu = strcmp(act, "relu") == 0, tanh_ = strcmp(act, "tanh") == 0;
    free(act);
    if ((!relu && !tanh_) || !mr_fits(r, np))
        return -1;
    struct ae *a = ae_alloc(d, hidden, (size_t)nh, relu);
    if (!a)
        return -1;
    int bad = mr_doubles(r, "ae.lambda", &a->lambda, 1) ||
              mr_u64(r, "ae.epochs", UINT32_MAX, &epochs) ||
              mr_doubles(r, "ae.val_error", &a->best_loss, 1);
    a->epochs = bad ? 0 : epochs;
    for (size_t l = 0; l < a->nl && !bad; l++) {
        double *W = a->p + a->off[l];
        bad = mr_doubles(r, "ae.weights", W, a->w[l + 1] * a->w[l]) ||
              mr_doubles(r, "ae.bias", W + a->w[l + 1] * a->w[l], a->w[l + 1]);
    }
    if (bad) {
        ae_destroy(a);
        return -1;
    }
    *state = a;
    return 0;
}

static void ae_describe(const void *state, size_t d, FILE *fp)
{
    const struct ae *a = state;
    (void)d;
    fprintf(fp, "ae.layers");
    for (size_t l = 0; l <= a->nl; l++)
        fprintf(fp, " %zu", a->w[l]);
    fprintf(fp, "\nae.activation %s\n", a->relu ? "relu" : "tanh");
    desc_doubles(fp, "ae.lambda", &a->lambda, 1);
    fprintf(fp, "ae.epochs %llu\n", (unsigned long long)a->epochs);
    desc_doubles(fp, "ae.val_error", &a->best_loss, 1);
    for (size_t l = 0; l < a->nl; l++) {
        const double *W = a->p + a->off[l];
        desc_doubles(fp, "ae.weights", W, a->w[l + 1] * a->w[l]);
        desc_doubles(fp, "ae.bias", W + a->w[l + 1] * a->w[l], a->w[l + 1]);
    }
}

const struct detector_ops detector_ae = {
    .name = "ae",
    .summary = "autoencoder on normal rows (Adam, early stopping): reconstruction error",
    .fit = ae_fit,
    .score = ae_score,
    .save = ae_save,
    .load = ae_load,
    .describe = ae_describe,
    .threshold = NULL,
    .free = ae_free_state,
};
