/*
 * The generator against the reference values of xoshiro256** and splitmix64
 * (computed by hand-checked independent code below), determinism, and the
 * moments of the deviates.
 */
#include "check.h"
#include "migad/rng.h"

/* An independent transcription of splitmix64 + xoshiro256** for checking. */
static uint64_t ref_sm(uint64_t *x)
{
    uint64_t z = *x + 0x9e3779b97f4a7c15ull;
    *x = z;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void test_reference(void)
{
    /* splitmix64 from 0: the published first output is 0xe220a8397b1dcdaf */
    uint64_t x = 0;
    CHECK(ref_sm(&x) == 0xe220a8397b1dcdafull);
    struct migad_rng r;
    migad_rng_seed(&r, 0);
    CHECK(r.s[0] == 0xe220a8397b1dcdafull);
    /* xoshiro256** first output: rotl(s1 * 5, 7) * 9 */
    uint64_t s1 = r.s[1] * 5;
    uint64_t want = ((s1 << 7) | (s1 >> 57)) * 9;
    CHECK(migad_rng_u64(&r) == want);
}

static void test_determinism(void)
{
    struct migad_rng a, b, c;
    migad_rng_seed(&a, 42);
    migad_rng_seed(&b, 42);
    migad_rng_seed(&c, 43);
    int same = 1, differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = migad_rng_u64(&a), y = migad_rng_u64(&b), z = migad_rng_u64(&c);
        same &= x == y;
        differ += x != z;
    }
    CHECK(same);
    CHECK(differ > 990);
    struct migad_rng d1, d2;
    migad_rng_derive(&d1, 42, 1);
    migad_rng_derive(&d2, 42, 2);
    CHECK(migad_rng_u64(&d1) != migad_rng_u64(&d2));
}

static void test_moments(void)
{
    struct migad_rng r;
    migad_rng_seed(&r, 7);
    const int n = 200000;
    double su = 0, sn = 0, sn2 = 0, se = 0;
    int below[10] = { 0 };
    for (int i = 0; i < n; i++) {
        double u = migad_rng_uniform(&r);
        CHECK(u >= 0 && u < 1);
        su += u;
        double z = migad_rng_normal(&r);
        sn += z;
        sn2 += z * z;
        se += migad_rng_exponential(&r, 2.5);
        below[migad_rng_below(&r, 10)]++;
    }
    /* standard errors: uniform 0.29/sqrt(n) = 6.5e-4, normal 2.2e-3,
     * exponential 2.5/sqrt(n) = 5.6e-3; tolerances are ~5 standard errors */
    CHECK_NEAR(su / n, 0.5, 0.0035);
    CHECK_NEAR(sn / n, 0.0, 0.012);
    CHECK_NEAR(sn2 / n, 1.0, 0.02);
    CHECK_NEAR(se / n, 2.5, 0.03);
    for (int k = 0; k < 10; k++)
        CHECK_NEAR(below[k], n / 10.0, 700); /* sd = sqrt(n*0.09) = 134 */
    /* Pareto(xm=1, alpha=3): mean alpha*xm/(alpha-1) = 1.5, never below xm */
    double sp = 0, minp = 1e9;
    for (int i = 0; i < n; i++) {
        double p = migad_rng_pareto(&r, 1.0, 3.0);
        sp += p;
        minp = p < minp ? p : minp;
    }
    CHECK(minp >= 1.0);
    CHECK_NEAR(sp / n, 1.5, 0.02);
}

int main(void)
{
    RUN(test_reference);
    RUN(test_determinism);
    RUN(test_moments);
    return check_finish();
}
