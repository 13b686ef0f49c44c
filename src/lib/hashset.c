#include <math.h>
#include <stdlib.h>

#include "ctab.h"

#define CTAB_INIT_CAP 64u

int ctab_init(struct ctab *t, unsigned words)
{
    memset(t, 0, sizeof *t);
    if (words < 1 || words > CTAB_MAX_WORDS)
        return -1;
    t->words = words;
    return 0;
}

void ctab_release(struct ctab *t)
{
    free(t->slots);
    free(t->used);
    unsigned w = t->words;
    memset(t, 0, sizeof *t);
    t->words = w;
}

void ctab_clear(struct ctab *t)
{
    size_t stride = t->words + 1;
    for (uint32_t i = 0; i < t->n; i++)
        t->slots[(size_t)t->used[i] * stride + t->words] = 0;
    t->n = 0;
    t->total = 0;
}

void kset2_release(struct kset2 *t)
{
    free(t->slots);
    free(t->used);
    memset(t, 0, sizeof *t);
}

void kset2_clear(struct kset2 *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        t->slots[2 * (size_t)t->used[i]] = 0;
    t->n = 0;
}

int kset2_grow(struct kset2 *t)
{
    if (t->cap > (UINT32_MAX >> 2))
        return -1;
    uint32_t ncap = t->cap ? t->cap * 2 : CTAB_INIT_CAP;
    uint32_t nshift = 64;
    for (uint32_t c = ncap; c > 1; c >>= 1)
        nshift--;
    uint64_t *nslots = calloc((size_t)ncap * 2, sizeof *nslots);
    uint32_t *nused = malloc((size_t)(ncap / 4 + 1) * sizeof *nused);
    if (!nslots || !nused) {
        free(nslots);
        free(nused);
        return -1;
    }
    uint32_t mask = ncap - 1;
    for (uint32_t i = 0; i < t->n; i++) {
        const uint64_t *s = t->slots + 2 * (size_t)t->used[i];
        uint32_t j = (uint32_t)(ctab_hash2(s[0] & ~KSET2_USED, s[1]) >> nshift);
        while (nslots[2 * (size_t)j])
            j = (j + 1) & mask;
        nslots[2 * (size_t)j] = s[0];
        nslots[2 * (size_t)j + 1] = s[1];
        nused[i] = j;
    }
    free(t->slots);
    free(t->used);
    t->slots = nslots;
    t->used = nused;
    t->cap = ncap;
    t->shift = nshift;
    return 0;
}

/* Slot of a key in a table of 2^(64-shift) slots: the same hashes as the
 * inline adds, so a key lands in the same place whichever adds it. */
static inline uint32_t slot_of(const uint64_t *k, unsigned words, uint32_t shift)
{
    uint64_t h;
    if (words == 1) {
        h = ctab_hash1(k[0]);
    } else if (words == 2) {
        h = ctab_hash2(k[0], k[1]);
    } else {
        h = ctab_hashn(k, words);
    }
    return (uint32_t)(h >> shift);
}

int ctab_grow(struct ctab *t)
{
    if (t->cap > (UINT32_MAX >> 2))
        return -1;
    uint32_t ncap = t->cap ? t->cap * 2 : CTAB_INIT_CAP;
    uint32_t nshift = 64;
    for (uint32_t c = ncap; c > 1; c >>= 1)
        nshift--;
    unsigned w = t->words;
    size_t stride = w + 1;
    uint64_t *nslots = calloc((size_t)ncap * stride, sizeof *nslots);
    uint32_t *nused = malloc((size_t)(ncap / 2 + 1) * sizeof *nused);
    if (!nslots || !nused) {
        free(nslots);
        free(nused);
        return -1;
    }
    uint32_t mask = ncap - 1;
    for (uint32_t i = 0; i < t->n; i++) {
        const uint64_t *s = t->slots + (size_t)t->used[i] * stride;
        uint32_t j = slot_of(s, w, nshift);
        while (nslots[(size_t)j * stride + w])
            j = (j + 1) & mask;
        memcpy(nslots + (size_t)j * stride, s, stride * sizeof *s);
        nused[i] = j;
    }
    free(t->slots);
    free(t->used);
    t->slots = nslots;
    t->used = nused;
    t->cap = ncap;
    t->shift = nshift;
    return 0;
}

int ctab_add(struct ctab *t, const uint64_t *key)
{
    unsigned w = t->words;
    if (w == 1)
        return ctab_add1(t, key[0]);
    if (w == 2)
        return ctab_add2(t, key[0], key[1]);
    if (w == 5)
        return ctab_add5(t, key);
    if ((t->n + 1) * 2 > t->cap && ctab_grow(t) != 0)
        return -1;
    size_t stride = w + 1;
    uint32_t mask = t->cap - 1;
    uint32_t j = slot_of(key, w, t->shift);
    for (;;) {
        uint64_t *s = t->slots + (size_t)j * stride;
        if (!s[w]) {
            memcpy(s, key, w * sizeof *key);
            s[w] = 1;
            t->used[t->n++] = j;
            t->total++;
            return 1;
        }
        if (memcmp(s, key, w * sizeof *key) == 0) {
            s[w]++;
            t->total++;
            return 0;
        }
        j = (j + 1) & mask;
    }
}

double ctab_clogc(const struct ctab *t)
{
    size_t stride = t->words + 1;
    double sum = 0.0;
    for (uint32_t i = 0; i < t->n; i++) {
        uint64_t c = t->slots[(size_t)t->used[i] * stride + t->words];
        if (c > 1)
            sum += (double)c * log2((double)c);
    }
    return sum;
}

static double entropy_of(uint64_t total, uint32_t distinct, double clogc)
{
    if (total == 0 || distinct <= 1)
        return 0.0;
    double n = (double)total;
    double h = log2(n) - clogc / n;
    return h < 0 ? 0.0 : h;
}

double ctab_entropy(const struct ctab *t)
{
    return entropy_of(t->total, t->n, t->n > 1 ? ctab_clogc(t) : 0.0);
}

uint64_t ctab_get1(const struct ctab *t, uint64_t key)
{
    if (!t->cap)
        return 0;
    uint32_t mask = t->cap - 1, j = (uint32_t)(ctab_hash1(key) >> t->shift);
    for (;;) {
        const uint64_t *s = t->slots + 2 * (size_t)j;
        if (!s[1])
            return 0;
        if (s[0] == key)
            return s[1];
        j = (j + 1) & mask;
    }
}

/* ---- dtab ---------------------------------------------------------------- */

void dtab_init(struct dtab *t, int hashed)
{
    memset(t, 0, sizeof *t);
    t->hashed = hashed;
    ctab_init(&t->big, 1);
    ctab_init(&t->wraps, 1);
}

int dtab_alloc(struct dtab *t)
{
    t->counts = calloc(DTAB_SIZE, sizeof *t->counts);
    t->used = malloc(DTAB_SIZE * sizeof *t->used);
    if (!t->counts || !t->used) {
        free(t->counts);
        free(t->used);
        t->counts = NULL;
        t->used = NULL;
        return -1;
    }
    return 0;
}

int dtab_wrap(struct dtab *t, uint32_t v)
{
    return ctab_add1(&t->wraps, v);
}

void dtab_release(struct dtab *t)
{
    free(t->counts);
    free(t->used);
    ctab_release(&t->big);
    ctab_release(&t->wraps);
    dtab_init(t, t->hashed);
}

void dtab_clear(struct dtab *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        t->counts[t->used[i]] = 0;
    t->n = 0;
    t->total = 0;
    ctab_clear(&t->big);
    ctab_clear(&t->wraps);
}

double dtab_entropy(const struct dtab *t)
{
    uint32_t distinct = dtab_distinct(t);
    if (distinct <= 1)
        return 0.0;
    double sum = ctab_clogc(&t->big);
    for (uint32_t i = 0; i < t->n; i++) {
        uint32_t v = t->used[i];
        uint64_t c = t->counts[v];
        if (t->wraps.n)
            c += ctab_get1(&t->wraps, v) << 32;
        if (c > 1)
            sum += (double)c * log2((double)c);
    }
    return entropy_of(t->total + t->big.total, distinct, sum);
}
