/*
 * Building blocks of the fully connected networks (nn.h).
 */
#include "nn.h"

#include <cblas.h>
#include <math.h>

void nn_glorot(double *W, size_t out, size_t in, struct migad_rng *rng)
{
    double r = sqrt(6.0 / (double)(in + out));
    for (size_t k = 0; k < out * in; k++)
        W[k] = (2 * migad_rng_uniform(rng) - 1) * r;
}

void nn_dense(const double *x, size_t n, size_t in, const double *W, const double *b, size_t out,
              enum nn_act f, double *z)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)out, (int)in, 1.0, x,
                (int)in, W, (int)in, 0.0, z, (int)out);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < out; j++) {
            double v = z[i * out + j] + b[j];
            switch (f) {
            case NN_LINEAR: break;
            case NN_TANH: v = tanh(v); break;
            case NN_TANH_EXP: v = 1 - 2 / (exp(2 * v) + 1); break;
            case NN_RELU: v = v > 0 ? v : 0; break;
            }
            z[i * out + j] = v;
        }
    }
}

void nn_adam_step(struct nn_adam *a, double *p, const double *g, size_t np, double lr,
                  double beta1, double beta2, double eps)
{
    a->b1t *= beta1;
    a->b2t *= beta2;
    for (size_t k = 0; k < np; k++) {
        a->m[k] = beta1 * a->m[k] + (1 - beta1) * g[k];
        a->v[k] = beta2 * a->v[k] + (1 - beta2) * g[k] * g[k];
        p[k] -= lr * (a->m[k] / (1 - a->b1t)) / (sqrt(a->v[k] / (1 - a->b2t)) + eps);
    }
}
