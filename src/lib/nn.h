/*
 * Building blocks shared by the fully connected networks of ae.c (the
 * autoencoder) and gan.c (the WGAN-GP's generator and critic): Glorot
 * initialisation, one dense layer's forward pass over a batch of rows, and
 * an Adam step.  Internal to libmigad.
 */
#ifndef MIGAD_NN_H
#define MIGAD_NN_H

#include <stddef.h>

#include "migad/rng.h"

enum nn_act {
    NN_LINEAR,
    NN_TANH,     /* libm's tanh() */
    NN_TANH_EXP, /* 1 - 2 / (exp(2v) + 1): tanh within a few units in the last
                  * place of 1, about three times faster than glibc's tanh() */
    NN_RELU,
};

/* W (out x in) ~ U(-r, r), r = sqrt(6 / (in + out)) (Glorot & Bengio 2010),
 * drawn in row-major order from rng. */
void nn_glorot(double *W, size_t out, size_t in, struct migad_rng *rng);

/* z (n x out) = f(x W^T + b): x n x in, W out x in, both row-major; b out
 * values.  One cblas_dgemm. */
void nn_dense(const double *x, size_t n, size_t in, const double *W, const double *b, size_t out,
              enum nn_act f, double *z);

/* Adam (Kingma & Ba 2015, bias-corrected): the moments m and v (np each,
 * zero at the start) and the running powers of the betas (1 at the start). */
struct nn_adam {
    double *m, *v;
    double b1t, b2t;
};

/* One step on the np parameters p with gradient g. */
void nn_adam_step(struct nn_adam *a, double *p, const double *g, size_t np, double lr,
                  double beta1, double beta2, double eps);

#endif
