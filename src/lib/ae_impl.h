/*
 * Inside the ae detector (src/lib/ae.c), for its unit tests: the network,
 * its parameters as one flat vector, and the training loss with its exact
 * gradient.  Not a public header.
 */
#ifndef MIGAD_AE_IMPL_H
#define MIGAD_AE_IMPL_H

#include <stddef.h>
#include <stdint.h>

struct ae;

/* A d -> hidden[0] -> ... -> hidden[nh-1] -> d network, weights drawn
 * Glorot-uniform from migad_rng_derive(seed, 1), biases 0; NULL when out
 * of memory. */
struct ae *ae_create(size_t d, const size_t *hidden, size_t nh, int relu, uint64_t seed);
void ae_destroy(struct ae *a); /* accepts NULL */

/* The parameters, one flat vector: for each layer its weights (out x in,
 * row-major) then its biases. */
size_t ae_nparams(const struct ae *a);
double *ae_params(struct ae *a);

/*
 * The loss of paper 2 (section 3.3) on rows x (n x d):
 *     L = 1/(n d) sum_i ||x_i - f(x_i)||^2 + lambda sum_layers ||W||_F^2
 * (biases not penalised); when grad is not NULL, dL/dparams into it
 * (ae_nparams values).  NAN when out of memory.
 */
double ae_loss_grad(const struct ae *a, const double *x, size_t n, double lambda, double *grad);

#endif
