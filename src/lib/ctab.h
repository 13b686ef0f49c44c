/*
 * ctab: a counting hash table for exact distinct-value statistics.
 *
 * Keys are fixed-size arrays of 1 to 5 64-bit words (a port, an address, a
 * flow's 5-tuple); each key has a 32-bit count.  Open addressing with linear
 * probing in a power-of-two table kept at most half full; the slots in use
 * are also listed in insertion order, so iterating and clearing cost the
 * number of distinct keys, not the table size.  A table is reused bin after
 * bin: clear() forgets the keys but keeps the memory (it never shrinks below
 * the largest bin seen, which bounds memory by the busiest bin, not by the
 * length of the trace).
 */
#ifndef MIGAD_CTAB_H
#define MIGAD_CTAB_H

#include <stddef.h>
#include <stdint.h>

#define CTAB_MAX_WORDS 5

struct ctab {
    uint64_t *keys;    /* cap * words */
    uint64_t *counts;  /* cap; 0 = empty slot */
    uint32_t *used;    /* slot indices in insertion order, n entries */
    uint32_t cap;      /* power of two */
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

/* Shannon entropy in bits of the counted distribution:
 * H = log2(N) - (1/N) * sum_i c_i log2 c_i, N = total; 0 when empty. */
double ctab_entropy(const struct ctab *t);

#endif
