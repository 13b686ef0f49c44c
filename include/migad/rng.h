/*
 * The project's one source of randomness: xoshiro256** (Blackman & Vigna,
 * 2018) seeded through splitmix64.  Same seed, same stream, on every
 * platform: no libc rand(), no time-based seeds anywhere in migad.
 *
 * A generator is a plain struct owned by its user; independent streams for
 * independent parts (one per simulated host, say) come from
 * migad_rng_derive(), so adding a part never shifts another part's stream.
 */
#ifndef MIGAD_RNG_H
#define MIGAD_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct migad_rng {
    uint64_t s[4];
};

/* Seed a generator. */
void migad_rng_seed(struct migad_rng *r, uint64_t seed);

/* A generator for sub-stream `stream` of `seed` (e.g. one per host). */
void migad_rng_derive(struct migad_rng *r, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
uint64_t migad_rng_u64(struct migad_rng *r);

/* Uniform integer in [0, n), without modulo bias; n > 0. */
uint64_t migad_rng_below(struct migad_rng *r, uint64_t n);

/* Uniform double in [0, 1) with 53 random bits. */
double migad_rng_uniform(struct migad_rng *r);

/* Standard normal deviate (Marsaglia polar method). */
double migad_rng_normal(struct migad_rng *r);

/* Exponential deviate with the given mean (> 0). */
double migad_rng_exponential(struct migad_rng *r, double mean);

/* Pareto deviate: scale xm > 0, shape alpha > 0 (heavy tail). */
double migad_rng_pareto(struct migad_rng *r, double xm, double alpha);

/* Log-normal deviate with parameters mu, sigma of the underlying normal. */
double migad_rng_lognormal(struct migad_rng *r, double mu, double sigma);

#ifdef __cplusplus
}
#endif

#endif
