/*
 * gan: class balancing with a Wasserstein GAN with gradient penalty
 * (WGAN-GP), seed paper 2 (Chakravarthi et al., CMC 2022), section 3.2:
 * the attack rows are few, so a generator learns their distribution and
 * new attack rows are drawn from it before the svm is fitted.  The paper
 * gives the method but not the equations or settings; they are those of
 * Gulrajani et al., "Improved Training of Wasserstein GANs" (NIPS 2017),
 * Algorithm 1: lambda = 10, 5 critic steps per generator step, Adam.
 *
 * Networks (struct gan_net): fully connected, tanh hidden units, linear
 * output.  The generator G maps noise z ~ N(0, I) (gan_latent dimensions)
 * to a row; the critic D maps a row to a real number.  No batch
 * normalisation in the critic: it would make each row's gradient depend
 * on the other rows of the batch, which the penalty assumes it does not
 * (Gulrajani et al., section 4).  tanh because the penalty's gradient
 * needs the second derivative of the activation.
 *
 * Critic step, on a batch of b real rows x, b generated rows x~ = G(z) and
 * b mixtures x^ = e x + (1 - e) x~, e ~ U[0, 1) per row:
 *     L_D = 1/b sum D(x~) - 1/b sum D(x) + lambda/b sum (||grad_x D(x^)|| - 1)^2
 * Generator step, on b new noise rows: L_G = -1/b sum D(G(z)).
 * The rows are then drawn from the generator whose weights are the mean
 * of its weights over the second half of the steps (Polyak-Ruppert
 * averaging, as Yazici et al., "The Unusual Effectiveness of Averaging in
 * GAN Training", ICLR 2019): at the WGAN-GP equilibrium the critic keeps
 * fitting the noise of each batch and the last generator wanders around
 * the target (by a third of a standard deviation in the mean of a 2-D
 * Gaussian, in our tests); the average does not.
 *
 * Exact gradients (checked against central differences by the tests).
 * Forward, per layer l (W_l out x in, a_0 = x, D = z_{L-1}):
 *     z_l = W_l a_l + b_l,  a_{l+1} = tanh(z_l)
 * The input gradient is one backward pass:
 *     delta_{L-1} = 1,  u_l = W_l^T delta_l,  delta_{l-1} = u_l * s'_{l-1},
 *     grad_x D = u_0,   with s'_l = 1 - a_{l+1}^2 = tanh'(z_l).
 * The penalty P = w (||u_0|| - 1)^2 is a function of that backward pass,
 * so its gradient is reverse mode through it ("double backpropagation"),
 * starting from ubar_0 = 2 w (||u_0|| - 1) u_0 / ||u_0||, for l = 0, 1, ...:
 *     dP/dW_l += delta_l ubar_l^T            (from u_l = W_l^T delta_l)
 *     dbar_l   = W_l ubar_l
 *     ubar_{l+1} = dbar_l * s'_l,  zinj_l = dbar_l * u_{l+1} * s''_l
 * (from delta_l = u_{l+1} * s'_l; s''_l = -2 a_{l+1} s'_l), then ordinary
 * backpropagation through the forward pass, the adjoint of each z_l
 * receiving zinj_l on top of what comes from above.  The Wasserstein term's
 * gradient is the same backpropagation started with adjoint c_i at the
 * output, so one pass serves both; and as x enters only through z_0, the
 * same pass gives dJ/dx exactly, which the generator step backpropagates
 * through G.  Products over a batch are cblas_dgemm calls.
 *
 * The GAN is trained on the attack rows standardised by their own mean and
 * standard deviation (the networks then see values of order 1 whatever
 * the detector's scaling); generated rows are mapped back, and a column
 * constant over the attack rows is generated as that constant.  All
 * randomness (weights, batches, noise, mixtures) comes, in a fixed order,
 * from migad_rng_derive(seed, GAN_STREAM): same seed, same rows (on one
 * machine and BLAS, as for ae).
 */
#include "gan.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "nn.h"

#define GAN_MAXW (MIGAD_GAN_MAX_LAYERS + 2)
#define GAN_STREAM UINT64_C(0x67616e) /* "gan": apart from every detector's streams */
#define GAN_MAX_ROWS ((size_t)1 << 28) /* generated rows at most */

struct gan_net {
    size_t nl;           /* weight layers */
    size_t w[GAN_MAXW];  /* widths w[0..nl] */
    size_t off[GAN_MAXW]; /* offset of layer l's weights in p; biases follow */
    size_t np;
    double *p;
};

size_t gan_net_nparams(const struct gan_net *net) { return net->np; }
double *gan_net_params(struct gan_net *net) { return net->p; }

void gan_net_destroy(struct gan_net *net)
{
    if (!net)
        return;
    free(net->p);
    free(net);
}

struct gan_net *gan_net_create(const size_t *widths, size_t nw, struct migad_rng *rng)
{
    if (nw < 2 || nw > GAN_MAXW)
        return NULL;
    for (size_t l = 0; l < nw; l++)
        if (widths[l] == 0 || widths[l] > MIGAD_GAN_MAX_UNITS)
            return NULL;
    struct gan_net *net = calloc(1, sizeof *net);
    if (!net)
        return NULL;
    net->nl = nw - 1;
    memcpy(net->w, widths, nw * sizeof *widths);
    for (size_t l = 0; l < net->nl; l++) {
        net->off[l] = net->np;
        net->np += net->w[l + 1] * net->w[l] + net->w[l + 1];
    }
    net->p = calloc(net->np, sizeof *net->p);
    if (!net->p) {
        free(net);
        return NULL;
    }
    for (size_t l = 0; l < net->nl; l++)
        nn_glorot(net->p + net->off[l], net->w[l + 1], net->w[l], rng);
    return net;
}

static size_t width_sum(const struct gan_net *net)
{
    size_t s = 0;
    for (size_t l = 0; l <= net->nl; l++)
        s += net->w[l];
    return s;
}

static size_t max_width(const struct gan_net *net)
{
    size_t m = 0;
    for (size_t l = 0; l <= net->nl; l++)
        m = net->w[l] > m ? net->w[l] : m;
    return m;
}

/* Carve arrays v[l] of n x w[l + shift] doubles, l in [from, to], out of
 * ws; returns the doubles used. */
static size_t carve(const struct gan_net *net, size_t n, size_t from, size_t to, size_t shift,
                    double *ws, double **v)
{
    size_t at = 0;
    for (size_t l = from; l <= to; l++) {
        v[l] = ws + at;
        at += n * net->w[l + shift];
    }
    return at;
}

/* Forward pass of n rows: act[l] (n x w[l]) for l = 1..nl (set by the
 * caller); act[0] = x. */
static void forward(const struct gan_net *net, const double *x, size_t n, double **act)
{
    act[0] = (double *)x; /* read only */
    for (size_t l = 0; l < net->nl; l++) {
        size_t in = net->w[l], out = net->w[l + 1];
        const double *W = net->p + net->off[l];
        nn_dense(act[l], n, in, W, W + out * in, out, l + 1 < net->nl ? NN_TANH_EXP : NN_LINEAR,
                 act[l + 1]);
    }
}

/*
 * Backpropagation through a forward pass (act from forward()): gout
 * (n x w[nl]) is the adjoint of the output; inj[l], when inj is not NULL,
 * an extra adjoint of layer l's pre-activation z_l (n x w[l+1]) for
 * l < nl - 1.  Adds dW_l and db_l to grad when not NULL; the adjoint of
 * the input into gin (n x w[0]) when not NULL.  buf: 2 n max_width.
 */
static void backprop(const struct gan_net *net, double *const *act, size_t n, const double *gout,
                     double *const *inj, double *grad, double *gin, double *buf)
{
    size_t mw = max_width(net);
    double *zb = buf, *next = buf + n * mw;
    memcpy(zb, gout, n * net->w[net->nl] * sizeof *zb);
    for (size_t l = net->nl; l-- > 0;) {
        size_t in = net->w[l], out = net->w[l + 1];
        const double *W = net->p + net->off[l];
        if (grad) {
            double *gW = grad + net->off[l], *gb = gW + out * in;
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)n, 1.0,
                        zb, (int)out, act[l], (int)in, 1.0, gW, (int)in);
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < out; j++)
                    gb[j] += zb[i * out + j];
        }
        if (l == 0 && !gin)
            break;
        double *dst = l > 0 ? next : gin;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)in, (int)out, 1.0,
                    zb, (int)out, W, (int)in, 0.0, dst, (int)in);
        if (l > 0) {
            const double *a = act[l], *extra = inj ? inj[l - 1] : NULL;
            for (size_t k = 0; k < n * in; k++)
                dst[k] = dst[k] * (1 - a[k] * a[k]) + (extra ? extra[k] : 0);
            next = zb;
            zb = dst;
        }
    }
}

/* ---- the critic's objective ---------------------------------------------- */

static size_t critic_ws_len(const struct gan_net *D, size_t n)
{
    return n * (4 * width_sum(D) + 5 * max_width(D));
}

static double critic_run(const struct gan_net *D, const double *x, size_t n, const double *c,
                         const double *w, double *grad, double *gx, double *ws)
{
    size_t nl = D->nl, mw = max_width(D);
    double *act[GAN_MAXW], *u[GAN_MAXW], *dl[GAN_MAXW], *inj[GAN_MAXW];
    size_t at = carve(D, n, 1, nl, 0, ws, act);
    at += carve(D, n, 0, nl - 1, 0, ws + at, u);   /* u_l: n x w[l] */
    at += carve(D, n, 0, nl - 1, 1, ws + at, dl);  /* delta_l: n x w[l+1] */
    at += carve(D, n, 0, nl - 1, 1, ws + at, inj); /* zinj_l: n x w[l+1] */
    double *ub = ws + at, *ub2 = ub + n * mw, *db = ub2 + n * mw, *bp = db + n * mw;

    int pen = 0;
    for (size_t i = 0; w && i < n; i++)
        pen |= w[i] != 0;
    forward(D, x, n, act);
    for (size_t i = 0; pen && i < n; i++)
        dl[nl - 1][i] = 1;
    for (size_t l = nl; pen && l-- > 0;) { /* grad_x D: only the penalty needs it */
        size_t in = D->w[l], out = D->w[l + 1];
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)in, (int)out, 1.0,
                    dl[l], (int)out, D->p + D->off[l], (int)in, 0.0, u[l], (int)in);
        if (l > 0)
            for (size_t k = 0; k < n * in; k++)
                dl[l - 1][k] = u[l][k] * (1 - act[l][k] * act[l][k]);
    }
    double J = 0;
    size_t d = D->w[0];
    for (size_t i = 0; i < n; i++) {
        J += c ? c[i] * act[nl][i] : 0;
        if (!pen)
            continue;
        double s = 0;
        for (size_t j = 0; j < d; j++)
            s += u[0][i * d + j] * u[0][i * d + j];
        s = sqrt(s);
        /* (s - 1)^2 is not differentiable in u_0 at s = 0: no gradient there */
        double f = s > 0 ? 2 * w[i] * (s - 1) / s : 0;
        J += w[i] * (s - 1) * (s - 1);
        for (size_t j = 0; j < d; j++)
            ub[i * d + j] = f * u[0][i * d + j];
    }
    if (!grad && !gx)
        return J;
    if (grad)
        memset(grad, 0, D->np * sizeof *grad);
    for (size_t l = 0; pen && l < nl; l++) { /* reverse mode through the backward pass */
        size_t in = D->w[l], out = D->w[l + 1];
        const double *W = D->p + D->off[l];
        if (grad)
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)n, 1.0,
                        dl[l], (int)out, ub, (int)in, 1.0, grad + D->off[l], (int)in);
        if (l + 1 == nl)
            break;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)out, (int)in, 1.0, ub,
                    (int)in, W, (int)in, 0.0, db, (int)out);
        const double *a = act[l + 1], *un = u[l + 1];
        for (size_t k = 0; k < n * out; k++) {
            double s1 = 1 - a[k] * a[k];
            ub2[k] = db[k] * s1;
            inj[l][k] = db[k] * un[k] * (-2 * a[k] * s1);
        }
        double *t = ub;
        ub = ub2;
        ub2 = t;
    }
    double *cz = db; /* the output adjoint: c_i, 0 when c is NULL */
    for (size_t i = 0; i < n; i++)
        cz[i] = c ? c[i] : 0;
    backprop(D, act, n, cz, pen ? inj : NULL, grad, gx, bp);
    return J;
}

double gan_critic_objective(const struct gan_net *D, const double *x, size_t n, const double *c,
                            const double *w, double *grad, double *gx)
{
    double *ws = malloc(critic_ws_len(D, n) * sizeof *ws);
    if (!ws)
        return NAN;
    double J = critic_run(D, x, n, c, w, grad, gx, ws);
    free(ws);
    return J;
}

/* ---- the generator ------------------------------------------------------- */

static size_t apply_ws_len(const struct gan_net *net, size_t n)
{
    return n * width_sum(net);
}

/* out = net(x) on n rows; ws: apply_ws_len doubles. */
static void apply_run(const struct gan_net *net, const double *x, size_t n, double *out,
                      double *ws)
{
    double *act[GAN_MAXW];
    carve(net, n, 1, net->nl, 0, ws, act);
    forward(net, x, n, act);
    memcpy(out, act[net->nl], n * net->w[net->nl] * sizeof *out);
}

int gan_net_apply(const struct gan_net *net, const double *x, size_t n, double *out)
{
    double *ws = malloc(apply_ws_len(net, n) * sizeof *ws);
    if (!ws)
        return -1;
    apply_run(net, x, n, out, ws);
    free(ws);
    return 0;
}

static size_t generator_ws_len(const struct gan_net *G, const struct gan_net *D, size_t n)
{
    return n * (width_sum(G) + 2 * max_width(G) + 2 * G->w[G->nl]) + critic_ws_len(D, n);
}

static double generator_run(const struct gan_net *G, const struct gan_net *D, const double *z,
                            size_t n, double *grad, double *ws)
{
    double *act[GAN_MAXW];
    size_t d = G->w[G->nl], at = carve(G, n, 1, G->nl, 0, ws, act);
    double *c = ws + at, *gx = c + n * d, *bp = gx + n * d, *cws = bp + 2 * n * max_width(G);
    forward(G, z, n, act);
    for (size_t i = 0; i < n; i++)
        c[i] = -1.0 / (double)n;
    double J = critic_run(D, act[G->nl], n, c, NULL, NULL, grad ? gx : NULL, cws);
    if (grad) {
        memset(grad, 0, G->np * sizeof *grad);
        backprop(G, act, n, gx, NULL, grad, NULL, bp);
    }
    return J;
}

double gan_generator_objective(const struct gan_net *G, const struct gan_net *D, const double *z,
                               size_t n, double *grad)
{
    double *ws = malloc(generator_ws_len(G, D, n) * sizeof *ws);
    if (!ws)
        return NAN;
    double J = generator_run(G, D, z, n, grad, ws);
    free(ws);
    return J;
}

/* ---- training ------------------------------------------------------------ */

static int bad_options(const struct migad_learn_opts *lo)
{
    int bad = lo->gan_iters == 0 || lo->gan_critic == 0 || !(lo->gan_lambda >= 0) ||
              lo->gan_latent == 0 || lo->gan_latent > MIGAD_GAN_MAX_UNITS ||
              lo->gan_nlayers > MIGAD_GAN_MAX_LAYERS || !(lo->gan_lr > 0) ||
              !(lo->gan_beta1 >= 0 && lo->gan_beta1 < 1) ||
              !(lo->gan_beta2 >= 0 && lo->gan_beta2 < 1) || !(lo->eps > 0) ||
              lo->gan_batch == 0 || lo->gan_batch > ((size_t)1 << 24) ||
              !(lo->gan_ratio > 0 && lo->gan_ratio <= 1000);
    for (size_t l = 0; l < lo->gan_nlayers && !bad; l++)
        bad = lo->gan_layers[l] == 0 || lo->gan_layers[l] > MIGAD_GAN_MAX_UNITS;
    return bad;
}

/* The two networks: latent -> hidden -> d and d -> hidden -> 1. */
static int make_nets(size_t d, const struct migad_learn_opts *lo, struct migad_rng *rng,
                     struct gan_net **G, struct gan_net **D)
{
    size_t gw[GAN_MAXW], dw[GAN_MAXW], nh = lo->gan_nlayers;
    static const size_t dflt[] = { 32, 32 };
    const size_t *hidden = nh ? lo->gan_layers : dflt;
    if (!nh)
        nh = sizeof dflt / sizeof dflt[0];
    gw[0] = lo->gan_latent;
    dw[0] = d;
    for (size_t l = 0; l < nh; l++)
        gw[l + 1] = dw[l + 1] = hidden[l];
    gw[nh + 1] = d;
    dw[nh + 1] = 1;
    *G = gan_net_create(gw, nh + 2, rng);
    *D = gan_net_create(dw, nh + 2, rng);
    return *G && *D ? 0 : -1;
}

static void normals(struct migad_rng *rng, double *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        v[k] = migad_rng_normal(rng);
}

/* One critic step on a fresh batch; buf holds 3 b rows (real, generated,
 * mixed) then the noise (b x latent).  Returns L_D. */
static double critic_step(const struct gan_net *G, struct gan_net *D, const double *xs, size_t m,
                          size_t b, struct migad_rng *rng, double *buf, const double *c,
                          const double *w, double *grad, double *ws)
{
    size_t d = D->w[0];
    double *real = buf, *fake = buf + b * d, *mix = fake + b * d, *z = mix + b * d;
    for (size_t i = 0; i < b; i++)
        memcpy(real + i * d, xs + migad_rng_below(rng, m) * d, d * sizeof *real);
    normals(rng, z, b * G->w[0]);
    apply_run(G, z, b, fake, ws);
    for (size_t i = 0; i < b; i++) {
        double e = migad_rng_uniform(rng);
        for (size_t j = 0; j < d; j++)
            mix[i * d + j] = e * real[i * d + j] + (1 - e) * fake[i * d + j];
    }
    return critic_run(D, buf, 3 * b, c, w, grad, NULL, ws);
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* The training loop and the generation; MIGAD_OK, MIGAD_ENOMEM, or
 * MIGAD_EINVAL when a loss stopped being finite. */
static migad_status train_generate(struct gan_net *G, struct gan_net *D, const double *xs,
                                   size_t m, const struct migad_learn_opts *lo,
                                   struct migad_rng *rng, size_t count, double *out, char *err)
{
    size_t d = D->w[0], b = lo->gan_batch, L = lo->gan_latent;
    size_t wsn = max_size(critic_ws_len(D, 3 * b), generator_ws_len(G, D, b));
    wsn = max_size(wsn, apply_ws_len(G, b));
    double *ws = malloc(wsn * sizeof *ws);
    double *buf = malloc((3 * b * d + b * L) * sizeof *buf);
    double *cw = malloc(6 * b * sizeof *cw);
    double *gD = malloc(D->np * sizeof *gD), *gG = malloc(G->np * sizeof *gG);
    double *avg = calloc(G->np, sizeof *avg);
    struct nn_adam aD = { calloc(D->np, sizeof(double)), calloc(D->np, sizeof(double)), 1, 1 };
    struct nn_adam aG = { calloc(G->np, sizeof(double)), calloc(G->np, sizeof(double)), 1, 1 };
    migad_status st = ws && buf && cw && gD && gG && avg && aD.m && aD.v && aG.m && aG.v
                          ? MIGAD_OK : MIGAD_ENOMEM;
    if (st != MIGAD_OK)
        migad_seterr(err, "out of memory");
    double *c = cw, *w = cw + 3 * b;
    for (size_t i = 0; st == MIGAD_OK && i < 3 * b; i++) {
        c[i] = i < b ? -1.0 / (double)b : i < 2 * b ? 1.0 / (double)b : 0;
        w[i] = i < 2 * b ? 0 : lo->gan_lambda / (double)b;
    }
    for (unsigned it = 0; st == MIGAD_OK && it < lo->gan_iters; it++) {
        double J = 0;
        for (unsigned k = 0; k < lo->gan_critic && isfinite(J); k++) {
            J = critic_step(G, D, xs, m, b, rng, buf, c, w, gD, ws);
            nn_adam_step(&aD, D->p, gD, D->np, lo->gan_lr, lo->gan_beta1, lo->gan_beta2, lo->eps);
        }
        if (isfinite(J)) {
            normals(rng, buf, b * L);
            J = generator_run(G, D, buf, b, gG, ws);
            nn_adam_step(&aG, G->p, gG, G->np, lo->gan_lr, lo->gan_beta1, lo->gan_beta2, lo->eps);
            if (it >= lo->gan_iters / 2) { /* running mean over the second half */
                double t = (double)(it - lo->gan_iters / 2 + 1);
                for (size_t k = 0; k < G->np; k++)
                    avg[k] += (G->p[k] - avg[k]) / t;
            }
        }
        if (!isfinite(J)) {
            migad_seterr(err, "gan: training diverged at generator step %u (loss not finite); "
                         "try a smaller learning rate", it + 1);
            st = MIGAD_EINVAL;
        }
    }
    if (st == MIGAD_OK)
        memcpy(G->p, avg, G->np * sizeof *avg); /* the averaged generator */
    for (size_t i0 = 0; st == MIGAD_OK && i0 < count; i0 += b) {
        size_t nb = count - i0 < b ? count - i0 : b;
        normals(rng, buf, nb * L);
        apply_run(G, buf, nb, out + i0 * d, ws);
    }
    free(ws);
    free(buf);
    free(cw);
    free(gD);
    free(gG);
    free(avg);
    free(aD.m);
    free(aD.v);
    free(aG.m);
    free(aG.v);
    return st;
}

migad_status gan_generate(const double *x, size_t m, size_t d, const struct migad_learn_opts *lo,
                          uint64_t seed, size_t count, double *out, char *err)
{
    if (bad_options(lo) || d == 0 || d > MIGAD_GAN_MAX_UNITS) {
        migad_seterr(err, "gan: invalid parameters");
        return MIGAD_EINVAL;
    }
    if (m < 2) {
        migad_seterr(err, "gan: needs at least 2 rows to learn from, have %zu", m);
        return MIGAD_EINVAL;
    }
    double *xs = malloc(m * d * sizeof *xs), *mu = calloc(2 * d, sizeof *mu), *sd = mu + d;
    if (!xs || !mu) {
        free(xs);
        free(mu);
        migad_seterr(err, "out of memory");
        return MIGAD_ENOMEM;
    }
    for (size_t j = 0; j < d; j++) { /* standardise by the rows' own mean and sd */
        int constant = 1;
        for (size_t i = 0; i < m; i++) {
            mu[j] += x[i * d + j];
            constant &= x[i * d + j] == x[j];
        }
        mu[j] = constant ? x[j] : mu[j] / (double)m;
        for (size_t i = 0; i < m && !constant; i++)
            sd[j] += (x[i * d + j] - mu[j]) * (x[i * d + j] - mu[j]);
        sd[j] = sqrt(sd[j] / (double)m);
        for (size_t i = 0; i < m; i++)
            xs[i * d + j] = sd[j] > 0 ? (x[i * d + j] - mu[j]) / sd[j] : 0;
    }
    struct migad_rng rng;
    migad_rng_derive(&rng, seed, GAN_STREAM);
    struct gan_net *G = NULL, *D = NULL;
    migad_status st = MIGAD_ENOMEM;
    if (make_nets(d, lo, &rng, &G, &D) != 0)
        migad_seterr(err, "out of memory");
    else
        st = train_generate(G, D, xs, m, lo, &rng, count, out, err);
    for (size_t i = 0; st == MIGAD_OK && i < count; i++)
        for (size_t j = 0; j < d; j++)
            out[i * d + j] = sd[j] > 0 ? mu[j] + sd[j] * out[i * d + j] : mu[j];
    gan_net_destroy(G);
    gan_net_destroy(D);
    free(xs);
    free(mu);
    return st;
}

/* ---- balancing a detector's training rows -------------------------------- */

migad_status gan_balance(const struct det_input *in, const struct migad_learn_opts *lo,
                         uint64_t seed, struct det_input *out, double **block, size_t *generated,
                         char *err)
{
    *out = *in;
    *block = NULL;
    *generated = 0;
    if (!in->gt) {
        migad_seterr(err, "--balance gan: needs labelled rows: the input has no gt column");
        return MIGAD_EINVAL;
    }
    if (bad_options(lo)) {
        migad_seterr(err, "gan: invalid parameters");
        return MIGAD_EINVAL;
    }
    size_t n = in->n, d = in->d, na = 0;
    for (size_t i = 0; i < n; i++)
        na += in->gt[i] != 0;
    double want = floor(lo->gan_ratio * (double)(n - na) + 0.5);
    if (want <= (double)na)
        return MIGAD_OK; /* attack rows are not the minority: nothing to add */
    if (na < 2) {
        migad_seterr(err, "--balance gan: needs at least 2 attack (gt != 0) rows to learn "
                     "from, have %zu", na);
        return MIGAD_EINVAL;
    }
    if (want - (double)na > (double)GAN_MAX_ROWS) {
        migad_seterr(err, "--balance gan: too many rows to generate (%.0f, at most %zu)",
                     want - (double)na, GAN_MAX_ROWS);
        return MIGAD_ENOMEM;
    }
    size_t g = (size_t)want - na, total = n + g, cols = d + 2; /* x, gt, imi */
    double *blk = malloc(total * cols * sizeof *blk), *xa = malloc(na * d * sizeof *xa);
    if (!blk || !xa) {
        free(blk);
        free(xa);
        migad_seterr(err, "out of memory");
        return MIGAD_ENOMEM;
    }
    double *x = blk, *gt = x + total * d, *imi = gt + total;
    for (size_t i = 0, k = 0; i < n; i++)
        if (in->gt[i] != 0)
            memcpy(xa + k++ * d, in->x + i * d, d * sizeof *xa);
    migad_status st = gan_generate(xa, na, d, lo, seed, g, x + n * d, err);
    free(xa);
    if (st != MIGAD_OK) {
        free(blk);
        return st;
    }
    memcpy(x, in->x, n * d * sizeof *x);
    memcpy(gt, in->gt, n * sizeof *gt);
    for (size_t i = 0; i < n; i++)
        imi[i] = in->imi ? in->imi[i] : 0;
    for (size_t i = n; i < total; i++) {
        gt[i] = 1;
        imi[i] = 0;
    }
    *out = (struct det_input){ x, total, d, gt, in->imi ? imi : NULL };
    *block = blk;
    *generated = g;
    return MIGAD_OK;
}
