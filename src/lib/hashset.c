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
    free(t->keys);
    free(t->counts);
    free(t->used);
    unsigned w = t->words;
    memset(t, 0, sizeof *t);
    t->words = w;
}

void ctab_clear(struct ctab *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        t->counts[t->used[i]] = 0;
    t->n = 0;
    t->total = 0;
}

/* Slot of a key in a table of 2^(64-shift) slots.  The same functions as the
 * inline adds in ctab.h, so a key lands in the same place whichever adds it. */
static inline uint32_t slot_of(const uint64_t *k, unsigned words, uint32_t shift)
{
    uint64_t h;
    if (words == 1) {
        h = (k[0] ^ (k[0] >> 29)) * CTAB_K1;
    } else if (words == 2) {
        h = (k[0] * CTAB_K1) ^ ((k[1] ^ (k[1] >> 31)) * CTAB_K2);
        h = (h ^ (h >> 32)) * CTAB_K1;
    } else {
        h = 0;
        for (unsigned i = 0; i < words; i++)
            h = (h ^ k[i] ^ (k[i] >> 31)) * CTAB_K2;
        h = (h ^ (h >> 32)) * CTAB_K1;
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
        uint32_t j = slot_of(k, w, nshift);
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
    if (t->cap == 0 || (t->n + 1) * 2 > t->cap) {
        if (ctab_grow(t) != 0)
            return -1;
    }
    uint32_t mask = t->cap - 1;
    uint32_t j = slot_of(key, w, t->shift);
    for (;;) {
        uint64_t c = t->counts[j];
        if (!c)
            break;
        if (memcmp(t->keys + (size_t)j * w, key, w * sizeof *key) == 0) {
            t->counts[j] = c + 1;
            t->total++;
            return 0;
        }
        j = (j + 1) & mask;
    }
    memcpy(t->keys + (size_t)j * w, key, w * sizeof *key);
    t->counts[j] = 1;
    t->used[t->n++] = j;
    t->total++;
    return 1;
}

double ctab_clogc(const struct ctab *t)
{
    double sum = 0.0;
    for (uint32_t i = 0; i < t->n; i++) {
        uint64_t c = t->counts[t->used[i]];
        if (c > 1)
            sum += (double)c * log2((double)c);
    }
    return sum;
}

double ctab_entropy(const struct ctab *t)
{
    if (t->total == 0 || t->n <= 1)
        return 0.0;
    double n = (double)t->total;
    double h = log2(n) - ctab_clogc(t) / n;
    return h < 0 ? 0.0 : h;
}
