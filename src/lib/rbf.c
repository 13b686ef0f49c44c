/*
 * RBF kernel values of a block of rows (rbf.h).  The rows are held
 * feature-major so that the loops over the RBF_ROWS rows of a block
 * vectorise: per vector v, per feature j, one subtraction, one
 * multiplication and one addition for each row, in the same order as the
 * scalar sum; then -gamma times the sums, then exp.  With AVX2, four rows
 * to a register and each group's exp as soon as its sums are done; else
 * the arguments in plain C, then exp over them all.
 */
#include "rbf.h"

#include <math.h>

/* The sums must not be fused into fma (a different rounding); GCC does not
 * fuse in ISO C mode, Clang does within an expression unless told. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* -DRBF_NO_LIBMVEC: libm's exp() only (then the values are libsvm's bit
 * for bit). */
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__GLIBC_PREREQ) && \
    !defined(RBF_NO_LIBMVEC)
#if __GLIBC_PREREQ(2, 22)
#define RBF_LIBMVEC 1
#endif
#endif

#ifdef RBF_LIBMVEC
#include <immintrin.h>

/* libmvec's entry points (the x86-64 vector function ABI's names for exp:
 * 'b' = SSE2, 'd' = AVX2; N2/N4 lanes, v = one vector argument). */
__m128d _ZGVbN2v_exp(__m128d x);
__attribute__((target("avx2"))) __m256d _ZGVdN4v_exp(__m256d x);

/* Lanes below RBF_ZERO_BELOW are computed as exp(0) and replaced by +0. */
__attribute__((target("avx2"))) static __m256d exp_avx2(__m256d x)
{
    __m256d under = _mm256_cmp_pd(x, _mm256_set1_pd(RBF_ZERO_BELOW), _CMP_LT_OQ);
    return _mm256_andnot_pd(under, _ZGVdN4v_exp(_mm256_andnot_pd(under, x)));
}

/* No "fma" in the target: the compiler may not fuse t * t into the sum. */
__attribute__((target("avx2"))) static void block_avx2(const double *xt, const double *v,
                                                       size_t nv, size_t d, double gamma,
                                                       double *k)
{
    __m256d ng = _mm256_set1_pd(-gamma);
    for (size_t s = 0; s < nv; s++, v += d, k += RBF_ROWS) {
        __m256d sum[RBF_ROWS / 4];
        for (int q = 0; q < RBF_ROWS / 4; q++)
            sum[q] = _mm256_setzero_pd();
        for (size_t j = 0; j < d; j++) {
            __m256d vj = _mm256_set1_pd(v[j]);
            for (int q = 0; q < RBF_ROWS / 4; q++) {
                __m256d t = _mm256_sub_pd(_mm256_loadu_pd(xt + j * RBF_ROWS + 4 * q), vj);
                sum[q] = _mm256_add_pd(sum[q], _mm256_mul_pd(t, t));
            }
        }
        for (int q = 0; q < RBF_ROWS / 4; q++)
            _mm256_storeu_pd(k + 4 * q, exp_avx2(_mm256_mul_pd(ng, sum[q])));
    }
}
#endif

/* k = exp(k), n values, n even. */
static void exp_all(double *k, size_t n)
{
#ifdef RBF_LIBMVEC
    __m128d lo = _mm_set1_pd(RBF_ZERO_BELOW);
    for (size_t i = 0; i < n; i += 2) {
        __m128d x = _mm_loadu_pd(k + i), under = _mm_cmplt_pd(x, lo);
        _mm_storeu_pd(k + i, _mm_andnot_pd(under, _ZGVbN2v_exp(_mm_andnot_pd(under, x))));
    }
#else
    for (size_t i = 0; i < n; i++)
        k[i] = k[i] < RBF_ZERO_BELOW ? 0.0 : exp(k[i]);
#endif
}

void rbf_block(const double *xt, const double *v, size_t nv, size_t d, double gamma, double *k)
{
#ifdef RBF_LIBMVEC
    if (__builtin_cpu_supports("avx2")) {
        block_avx2(xt, v, nv, d, gamma, k);
        return;
    }
#endif
    double *out = k;
    for (size_t s = 0; s < nv; s++, v += d, out += RBF_ROWS) {
        double sum[RBF_ROWS] = { 0 };
        for (size_t j = 0; j < d; j++) {
            for (int r = 0; r < RBF_ROWS; r++) {
                double t = xt[j * RBF_ROWS + r] - v[j];
                sum[r] += t * t;
            }
        }
        for (int r = 0; r < RBF_ROWS; r++)
            out[r] = -gamma * sum[r];
    }
    exp_all(k, nv * RBF_ROWS);
}
