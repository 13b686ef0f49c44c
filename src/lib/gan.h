/*
 * Inside the WGAN-GP class balancing (src/lib/gan.c): the networks, the
 * two training objectives with their exact gradients (for the unit tests'
 * finite-difference checks), the generator of rows, and the step that
 * adds generated attack rows to a detector's training input.  Not a
 * public header.
 */
#ifndef MIGAD_GAN_H
#define MIGAD_GAN_H

#include <stddef.h>
#include <stdint.h>

#include "detector_impl.h"
#include "migad/learn.h"
#include "migad/rng.h"

/* A fully connected network widths[0] -> ... -> widths[nw - 1]: tanh on
 * the hidden layers, the output layer linear. */
struct gan_net;

/* nw >= 2 widths (each 1..MIGAD_GAN_MAX_UNITS, at most
 * MIGAD_GAN_MAX_LAYERS hidden); weights Glorot-uniform from rng, biases 0.
 * NULL when out of memory or the widths are out of range. */
struct gan_net *gan_net_create(const size_t *widths, size_t nw, struct migad_rng *rng);
void gan_net_destroy(struct gan_net *net); /* accepts NULL */

/* The parameters as one flat vector: per layer its weights (out x in,
 * row-major), then its biases. */
size_t gan_net_nparams(const struct gan_net *net);
double *gan_net_params(struct gan_net *net);

/* out (n x widths[nw-1]) = net(x), x n x widths[0]; 0, or -1 (memory). */
int gan_net_apply(const struct gan_net *net, const double *x, size_t n, double *out);

/*
 * The critic's objective on n rows x (n x d), D a d -> ... -> 1 network:
 *     J = sum_i c[i] D(x_i) + sum_i w[i] (||grad_x D(x_i)||_2 - 1)^2
 * (the Wasserstein term with coefficients c, the gradient penalty with
 * weights w; either may be all zero).  When grad is not NULL, dJ/dparams
 * of D into it; when gx is not NULL, dJ/dx into it (n x d).  Both exact:
 * the penalty's derivative is a second backpropagation through the first
 * one (see gan.c).  NAN when out of memory.
 */
double gan_critic_objective(const struct gan_net *D, const double *x, size_t n, const double *c,
                            const double *w, double *grad, double *gx);

/*
 * The generator's objective on n noise rows z: J = -1/n sum_i D(G(z_i)),
 * dJ/dparams of G into grad when not NULL.  NAN when out of memory.
 */
double gan_generator_objective(const struct gan_net *G, const struct gan_net *D, const double *z,
                               size_t n, double *grad);

/*
 * Train a WGAN-GP on the m rows x (m x d, m >= 2) with the gan_* options
 * of lo and randomness from migad_rng_derive(seed, GAN_STREAM), then write
 * `count` generated rows to out (count x d).  MIGAD_OK, MIGAD_EINVAL (bad
 * options, fewer than 2 rows, or a loss that stopped being finite: the
 * learning rate is too large), or MIGAD_ENOMEM; message in err.
 */
migad_status gan_generate(const double *x, size_t m, size_t d, const struct migad_learn_opts *lo,
                          uint64_t seed, size_t count, double *out, char *err);

/*
 * Class balancing before a supervised fit: in has labels (gt); attack rows
 * (gt != 0) are topped up with generated rows to round(gan_ratio x normal
 * rows).  *out is in followed by the generated rows (gt 1, imi 0), its
 * arrays in *block (the caller frees it; NULL when nothing was added, *out
 * then equal to *in); *generated their number.
 */
migad_status gan_balance(const struct det_input *in, const struct migad_learn_opts *lo,
                         uint64_t seed, struct det_input *out, double **block, size_t *generated,
                         char *err);

#endif
