/*
 * xoshiro256** 1.0 and splitmix64, from the public-domain description by
 * D. Blackman and S. Vigna ("Scrambled linear pseudorandom number
 * generators", ACM TOMS 2021).  Written from the paper's definitions.
 */
#include "migad/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void migad_rng_seed(struct migad_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

void migad_rng_derive(struct migad_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed;
    uint64_t a = splitmix64(&x);
    x = a ^ (stream * UINT64_C(0xd1342543de82ef95));
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t migad_rng_u64(struct migad_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t migad_rng_below(struct migad_rng *r, uint64_t n)
{
    /* rejection: accept x below the largest multiple of n */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = migad_rng_u64(r);
    while (x >= limit);
    return x % n;
}

double migad_rng_uniform(struct migad_rng *r)
{
    return (double)(migad_rng_u64(r) >> 11) * 0x1.0p-53;
}

double migad_rng_normal(struct migad_rng *r)
{
    double u, v, s;
    do {
        u = 2.0 * migad_rng_uniform(r) - 1.0;
        v = 2.0 * migad_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}

double migad_rng_exponential(struct migad_rng *r, double mean)
{
    return -mean * log1p(-migad_rng_uniform(r));
}

double migad_rng_pareto(struct migad_rng *r, double xm, double alpha)
{
    return xm / pow(1.0 - migad_rng_uniform(r), 1.0 / alpha);
}

double migad_rng_lognormal(struct migad_rng *r, double mu, double sigma)
{
    return exp(mu + sigma * migad_rng_normal(r));
}
