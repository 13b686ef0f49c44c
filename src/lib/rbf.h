/*
 * RBF kernel values exp(-gamma |x - v|^2) of a block of rows against a
 * block of vectors, for the svm's decision function (svm.c).  Internal to
 * libmigad.
 *
 * The squared distance is summed feature by feature from the first, as
 * libsvm's prediction does (Kernel::k_function), and multiplied by -gamma;
 * only exp differs from libm's: on x86-64 with glibc it is glibc's vector
 * math library (libmvec, part of the C library since glibc 2.22):
 * _ZGVdN4v_exp, four values at a time, when the CPU has AVX2, else
 * _ZGVbN2v_exp, two at a time (SSE2, every x86-64 CPU); elsewhere libm's
 * exp() one by one.  libmvec's exp is within a few ulp of libm's (which is
 * within about 0.5 ulp): measured here (glibc 2.36, its AVX2 and SSE4.1
 * variants), 43 % of 8 million results for arguments in [-700, 0] differ
 * from libm's, by at most 3 ulp (relative difference at most 3.8e-16).
 *
 * Every value depends on its own row and vector only, and the code path on
 * the CPU alone, so the same input gives the same bits on the same machine.
 * Arguments below RBF_ZERO_BELOW give +0 without a call to exp, as libm's
 * exp() does there (exp(x) < 2^-1076 rounds to +0); libmvec takes a slow
 * path for them (measured: 24 ns a value instead of 1).  NaN gives NaN.
 */
#ifndef MIGAD_RBF_H
#define MIGAD_RBF_H

#include <stddef.h>

#define RBF_ROWS 16            /* rows per block */
#define RBF_ZERO_BELOW (-746.0)

/*
 * k[s * RBF_ROWS + r] = exp(-gamma * sum_j (xt[j * RBF_ROWS + r] - v[s * d + j])^2)
 * for s < nv, r < RBF_ROWS: xt holds the block's RBF_ROWS rows of d values
 * transposed (feature-major), v the nv vectors row-major.
 */
void rbf_block(const double *xt, const double *v, size_t nv, size_t d, double gamma, double *k);

#endif
