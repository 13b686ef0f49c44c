/*
 * Counting tables for exact distinct-value statistics of one bin.
 *
 * ctab: keys of 1 to 5 64-bit words (an address, a flow) with a count each.
 * Open addressing with linear probing in a power-of-two table kept at most
 * half full; a slot holds its key words and then its count, so a probe
 * touches one cache line.  The slots in use are also listed in insertion
 * order, so iterating and clearing cost the number of distinct keys, not the
 * table size.  A table is reused bin after bin: clear() forgets the keys but
 * keeps the memory (bounded by the busiest bin, not by the trace length).
 *
 * dtab: the same for 16-bit values (ports, most packet lengths) indexed
 * directly, no hashing at all; values of 65536 and more (jumbo frames, TSO
 * captures) go to an overflow ctab.
 *
 * Memory latency, not arithmetic, is what these tables cost; the prefetch
 * helpers let the caller start the loads for a packet a few packets early.
 *
 * The one- and two-word adds are the hot path of feature extraction, so they
 * are inline here, with a multiply-based hash whose top bits pick the slot.
 */
#ifndef MIGAD_CTAB_H
#define MIGAD_CTAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CTAB_MAX_WORDS 5

struct ctab {
    uint64_t *slots;   /* cap * (words + 1): key words, then count (0 = empty) */
    uint32_t *used;    /* slot indices in insertion order, n entries */
    uint32_t cap;      /* power of two, or 0 before the first add */
    uint32_t shift;    /* 64 - log2(cap) */
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

/* Double the table (used by the inline adds). */
int ctab_grow(struct ctab *t);

/* Sum over keys of c * log2(c) (what the entropy needs of a table). */
double ctab_clogc(const struct ctab *t);

/* Shannon entropy in bits of the counted distribution:
 * H = log2(N) - (1/N) * sum_i c_i log2 c_i, N = total; 0 when empty. */
double ctab_entropy(const struct ctab *t);

#define CTAB_K1 UINT64_C(0x9e3779b97f4a7c15)
#define CTAB_K2 UINT64_C(0xc2b2ae3d27d4eb4f)

static inline uint64_t ctab_hash1(uint64_t k)
{
    return (k ^ (k >> 29)) * CTAB_K1;
}

static inline uint64_t ctab_hash2(uint64_t k0, uint64_t k1)
{
    uint64_t h = (k0 * CTAB_K1) ^ ((k1 ^ (k1 >> 31)) * CTAB_K2);
    return (h ^ (h >> 32)) * CTAB_K1;
}

/* Hash of a key of w >= 3 words (the flow keys). */
static inline uint64_t ctab_hashn(const uint64_t *k, unsigned w)
{
    uint64_t h = 0;
    for (unsigned i = 0; i < w; i++)
        h = (h ^ k[i] ^ (k[i] >> 31)) * CTAB_K2;
    return (h ^ (h >> 32)) * CTAB_K1;
}

static inline int ctab_add1(struct ctab *t, uint64_t key)
{
    if ((t->n + 1) * 2 > t->cap && ctab_grow(t) != 0)
        return -1;
    uint32_t mask = t->cap - 1, j = (uint32_t)(ctab_hash1(key) >> t->shift);
    for (;;) {
        uint64_t *s = t->slots + 2 * (size_t)j;
        if (!s[1]) {
            s[0] = key;
            s[1] = 1;
            t->used[t->n++] = j;
            t->total++;
            return 1;
        }
        if (s[0] == key) {
            s[1]++;
            t->total++;
            return 0;
        }
        j = (j + 1) & mask;
    }
}

static inline int ctab_add2(struct ctab *t, uint64_t k0, uint64_t k1)
{
    if ((t->n + 1) * 2 > t->cap && ctab_grow(t) != 0)
        return -1;
    uint32_t mask = t->cap - 1, j = (uint32_t)(ctab_hash2(k0, k1) >> t->shift);
    for (;;) {
        uint64_t *s = t->slots + 3 * (size_t)j;
        if (!s[2]) {
            s[0] = k0;
            s[1] = k1;
            s[2] = 1;
            t->used[t->n++] = j;
            t->total++;
            return 1;
        }
        if (s[0] == k0 && s[1] == k1) {
            s[2]++;
            t->total++;
            return 0;
        }
        j = (j + 1) & mask;
    }
}

/* ctab_add for a table of five-word keys (the flows that are not IPv4). */
static inline int ctab_add5(struct ctab *t, const uint64_t *k)
{
    if ((t->n + 1) * 2 > t->cap && ctab_grow(t) != 0)
        return -1;
    uint32_t mask = t->cap - 1, j = (uint32_t)(ctab_hashn(k, 5) >> t->shift);
    for (;;) {
        uint64_t *s = t->slots + 6 * (size_t)j;
        if (!s[5]) {
            memcpy(s, k, 5 * sizeof *k);
            s[5] = 1;
            t->used[t->n++] = j;
            t->total++;
            return 1;
        }
        if (s[0] == k[0] && s[1] == k[1] && s[2] == k[2] && s[3] == k[3] && s[4] == k[4]) {
            s[5]++;
            t->total++;
            return 0;
        }
        j = (j + 1) & mask;
    }
}

/* ---- dtab -------------------------------------------------------------- */

#define DTAB_SIZE 65536u

/* Counts are 32-bit to halve the cache footprint (256 KiB per table); the
 * rare wrap past 2^32 in one bin is carried into `wraps`. */
struct dtab {
    uint32_t *counts;  /* DTAB_SIZE, allocated on the first add */
    uint32_t *used;    /* values in insertion order */
    uint32_t n;
    uint64_t total;
    int hashed;        /* set by the owner: count every value in `big` (when
                          many tables are alive, 256 KiB each is too much) */
    struct ctab big;   /* values >= DTAB_SIZE, or all of them when hashed */
    struct ctab wraps; /* value -> times its 32-bit count wrapped */
};

/* Initialise (no memory until the first add); hashed: see the field. */
void dtab_init(struct dtab *t, int hashed);
void dtab_release(struct dtab *t);
void dtab_clear(struct dtab *t);
int dtab_alloc(struct dtab *t);
int dtab_wrap(struct dtab *t, uint32_t v);
double dtab_entropy(const struct dtab *t);
static inline uint32_t dtab_distinct(const struct dtab *t)
{
    return t->n + t->big.n;
}

static inline int dtab_add(struct dtab *t, uint32_t v)
{
    if (v >= DTAB_SIZE || t->hashed)
        return ctab_add1(&t->big, v);
    if (!t->counts && dtab_alloc(t) != 0)
        return -1;
    t->total++;
    uint32_t c = t->counts[v]++;
    if (c == 0) {
        t->used[t->n++] = v;
        return 1;
    }
    if (c == UINT32_MAX)
        return dtab_wrap(t, v) < 0 ? -1 : 0;
    return 0;
}

/* Tables of up to this many slots (1 MiB of 16-byte slots, a typical L2
 * cache) mostly stay in the near caches between packets: prefetching their
 * slots is not worth the hashing and the branches. */
#define CTAB_PREFETCH_MIN (1u << 16)

/* Prefetch the first slot a one- or two-word key would probe. */
static inline void ctab_prefetch1(const struct ctab *t, uint64_t key)
{
    if (t->cap)
        __builtin_prefetch(t->slots + 2 * (size_t)(ctab_hash1(key) >> t->shift), 0, 3);
}

/* ---- kset2 -------------------------------------------------------------- */

/*
 * A set of two-word keys, for distinct counts that need no per-key count
 * (the IPv4 flows of a bin).  Without counts a slot is 16 bytes instead of
 * ctab's 24, so the same memory holds the table at most a quarter full,
 * which shortens the probe sequences and the mispredicted branches they
 * cost.  The first key word must leave bit 63 free: a slot in use has it
 * set, an empty slot is all zero.
 */
struct kset2 {
    uint64_t *slots;   /* cap * 2 words */
    uint32_t *used;    /* slot indices in insertion order, n entries */
    uint32_t cap;      /* power of two, or 0 before the first add */
    uint32_t shift;    /* 64 - log2(cap) */
    uint32_t n;        /* keys */
};

#define KSET2_USED (UINT64_C(1) << 63)

void kset2_release(struct kset2 *t);
void kset2_clear(struct kset2 *t);
int kset2_grow(struct kset2 *t);

/* Add key (k0 < 2^63); returns 1 if it is new, 0 if it was there, -1 if
 * memory ran out. */
static inline int kset2_add(struct kset2 *t, uint64_t k0, uint64_t k1)
{
    if ((t->n + 1) * 4 > t->cap && kset2_grow(t) != 0)
        return -1;
    uint64_t w0 = k0 | KSET2_USED;
    uint32_t mask = t->cap - 1, j = (uint32_t)(ctab_hash2(k0, k1) >> t->shift);
    for (;;) {
        uint64_t *s = t->slots + 2 * (size_t)j;
        if (s[0] == w0 && s[1] == k1)
            return 0;
        if (!s[0]) {
            s[0] = w0;
            s[1] = k1;
            t->used[t->n++] = j;
            return 1;
        }
        j = (j + 1) & mask;
    }
}

static inline void kset2_prefetch(const struct kset2 *t, uint64_t k0, uint64_t k1)
{
    if (t->cap)
        __builtin_prefetch(t->slots + 2 * (size_t)(ctab_hash2(k0, k1) >> t->shift), 0, 3);
}

/* Count of a one-word key, 0 when absent. */
uint64_t ctab_get1(const struct ctab *t, uint64_t key);

#endif
