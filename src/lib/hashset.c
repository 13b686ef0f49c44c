#include "ctab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    free(t->keys);
    free(t->counts);
    free(t->used);
    memset(t, 0, sizeof *t);
}

void ctab_clear(struct ctab *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        t->counts[t->used[i]] = 0;
    t->n = 0;
    t->total = 0;
}

/* A 64-bit mixer (the finaliser of MurmurHash3) folded over the words. */
static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

static inline uint64_t hash_key(const uint64_t *key, unsigned words)
{
    uint64_t h = key[0];
    for (unsigned i = 1; i < words; i++)
        h = mix64(h) ^ key[i];
    return mix64(h);
}

static inline int key_eq(const uint64_t *a, const uint64_t *b, unsigned words)
{
    for (unsigned i = 0; i < words; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static int grow(struct ctab *t)
{
    if (t->cap > (UINT32_MAX >> 2))
        return -1;
    uint32_t ncap = t->cap ? t->cap * 2 : CTAB_INIT_CAP;
    unsigned w = t->words;
    uint64_t *nkeys = malloc((size_t)ncap * w * sizeof *nkeys);
    uint64_t *ncounts = calloc(ncap, sizeof *ncounts);
    uint32_t *nused = malloc((size_t)(ncap / 2 + 1) * sizeof *nused);
    if (!nkeys || !ncounts || !nused) {
        free(nkeys);
        free(ncounts);
        free(nused);
        return -1;
    }
    uint32_t mask = ncap - 1;
    for (uint32_t i = 0; i < t->n; i++) {
        uint32_t s = t->used[i];
        const uint64_t *k = t->keys + (size_t)s * w;
        uint32_t j = (uint32_t)hash_key(k, w) & mask;
        while (ncounts[j])
            j = (j + 1) & mask;
        memcpy(nkeys + (size_t)j * w, k, w * sizeof *k);
        ncounts[j] = t->counts[s];
        nused[i] = j;
    }
    free(t->keys);
    free(t->counts);
    free(t->used);
    t->keys = nkeys;
    t->counts = ncounts;
    t->used = nused;
    t->cap = ncap;
    return 0;
}

int ctab_add(struct ctab *t, const uint64_t *key)
{
    unsigned w = t->words;
    if (t->cap == 0 && grow(t) != 0)
        return -1;
    uint32_t mask = t->cap - 1;
    uint32_t j = (uint32_t)hash_key(key, w) & mask;
    for (;;) {
        uint64_t c = t->counts[j];
        if (!c)
            break;
        if (key_eq(t->keys + (size_t)j * w, key, w)) {
            t->counts[j] = c + 1;
            t->total++;
            return 0;
        }
        j = (j + 1) & mask;
    }
    if ((t->n + 1) * 2 > t->cap) {
        if (grow(t) != 0)
            return -1;
        return ctab_add(t, key);
    }
    memcpy(t->keys + (size_t)j * w, key, w * sizeof *key);
    t->counts[j] = 1;
    t->used[t->n++] = j;
    t->total++;
    return 1;
}

double ctab_entropy(const struct ctab *t)
{
    if (t->total == 0 || t->n <= 1)
        return 0.0;
    double sum = 0.0;
    for (uint32_t i = 0; i < t->n; i++) {
        double c = t->counts[t->used[i]];
        if (c > 1)
            sum += c * log2(c);
    }
    double n = t->total;
    double h = log2(n) - sum / n;
    return h < 0 ? 0.0 : h;
}
