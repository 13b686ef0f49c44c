/*
 * ctab: a counting hash table for exact distinct-value statistics.
 *
 * Keys are fixed-size arrays of 1 to 5 64-bit words (a port, an address, a
 * flow's 5-tuple); each key has a count.  Open addressing with linear
 * probing in a power-of-two table kept at most half full; the slots in use
 * are also listed in insertion order, so iterating and clearing cost the
 * number of distinct keys, not the table size.  A table is reused bin after
 * bin: clear() forgets the keys but keeps the memory (it never shrinks below
 * the largest bin seen, which bounds memory by the busiest bin, not by the
 * length of the trace).
 *
 * The one- and two-word cases are the hot path of feature extraction (ports,
 * sizes, IPv4 addresses and IPv4 flows), so they have inline versions with a
 * multiply-based hash; the general version handles the rest.
 */
#ifndef MIGAD_CTAB_H
#define MIGAD_CTAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CTAB_MAX_WORDS 5

struct ctab {
    uint64_t *keys;    /* cap * words */
    uint64_t *counts;  /* cap; 0 = empty slot */
    uint32_t *used;    /* slot indices in insertion order, n entries */
    uint32_t cap;      /* power of two, or 0 before the first add */
    uint32_t shift;    /* 64 - log2(cap): hash bits are the top ones */
    uint32_t n;        /* distinct keys */
    uint64_t total;    /* sum of counts */
    unsigned words;
};

/* Initialise for keys of `words` 64-bit words (1..CTAB_MAX_WORDS); memory
 * is allocated on the first add.  Returns 0, or -1 for a bad word count. */
int ctab_init(struct ctab *t, unsigned words);
void ctab_release(struct ctab *t);
void ctab_clear(struct ctab *t);

/* Count one occurrence of key; returns 1 if the key is new, 0 if it was
 * there, -1 if memory ran out. */
int ctab_add(struct ctab *t, const uint64_t *key);

/* Double the table (internal to the inline adds). */
int ctab_grow(struct ctab *t);

/* Sum over keys of c * log2(c) (the part of the entropy a table holds). */
double ctab_clogc(const struct ctab *t);

/* Shannon entropy in bits of the counted distribution:
 * H = log2(N) - (1/N) * sum_i c_i log2 c_i, N = total; 0 when empty. */
double ctab_entropy(const struct ctab *t);

#define CTAB_K1 UINT64_C(0x9e3779b97f4a7c15)
#define CTAB_K2 UINT64_C(0xc2b2ae3d27d4eb4f)

/* One-word key. */
static inline int ctab_add1(struct ctab *t, uint64_t key)
{
    if (t->cap == 0 || (t->n + 1) * 2 > t->cap) {
        if (ctab_grow(t) != 0)
            return -1;
    }
    uint64_t h = (key ^ (key >> 29)) * CTAB_K1;
    uint32_t mask = t->cap - 1, j = (uint32_t)(h >> t->shift);
    for (;;) {
        uint64_t c = t->counts[j];
        if (!c)
            break;
        if (t->keys[j] == key) {
            t->counts[j] = c + 1;
            t->total++;
            return 0;
        }
        j = (j + 1) & mask;
    }
    t->keys[j] = key;
    t->counts[j] = 1;
    t->used[t->n++] = j;
    t->total++;
    return 1;
}

/* Two-word key. */
static inline int ctab_add2(struct ctab *t, uint64_t k0, uint64_t k1)
{
    if (t->cap == 0 || (t->n + 1) * 2 > t->cap) {
        if (ctab_grow(t) != 0)
            return -1;
    }
    uint64_t h = (k0 * CTAB_K1) ^ ((k1 ^ (k1 >> 31)) * CTAB_K2);
    h = (h ^ (h >> 32)) * CTAB_K1;
    uint32_t mask = t->cap - 1, j = (uint32_t)(h >> t->shift);
    for (;;) {
        uint64_t c = t->counts[j];
        if (!c)
            break;
        if (t->keys[2 * (size_t)j] == k0 && t->keys[2 * (size_t)j + 1] == k1) {
            t->counts[j] = c + 1;
            t->total++;
            return 0;
        }
        j = (j + 1) & mask;
    }
    t->keys[2 * (size_t)j] = k0;
    t->keys[2 * (size_t)j + 1] = k1;
    t->counts[j] = 1;
    t->used[t->n++] = j;
    t->total++;
    return 1;
}

#endif
