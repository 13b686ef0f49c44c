/*
 * Ground truth: the intervals of a run during which an attack or a live
 * migration took place, and the per-bin labels derived from them.
 *
 * The file format is specified in docs/groundtruth.md.  Every bin
 * [start, start + width) gets
 *   GT  = 1 if the bin overlaps an attack interval by a positive length, else 0
 *   IMI = the fraction of the bin covered by the union of the migration
 *         intervals ("instantaneous migration intensity", seed 000 sec. III),
 *         a number in [0, 1].
 */
#ifndef MIGAD_LABELS_H
#define MIGAD_LABELS_H

#include "migad/migad.h"

#ifdef __cplusplus
extern "C" {
#endif

enum migad_interval_kind {
    MIGAD_INTERVAL_ATTACK = 1,
    MIGAD_INTERVAL_MIGRATION = 2,
};

/* One interval, [start, end).  String fields are "" when absent. */
struct migad_interval {
    enum migad_interval_kind kind;
    migad_ns start;
    migad_ns end;
    char type[32];      /* attack: netscan, dos, ... (free text, no spaces) */
    char intensity[16]; /* attack: high, low, ... */
    char target[64];    /* attack: victim address or range */
    char source[64];    /* attack: attacker address */
    char nodes[64];     /* attack: nodes whose bridges carry it, "a,b"; "" = every node */
    char vm[64];        /* migration: the VM's name */
    char vm_mac[18];    /* migration: the VM's MAC, aa:bb:cc:dd:ee:ff */
    char vm_ip[46];     /* migration: the VM's address */
    char from[32];      /* migration: source node */
    char to[32];        /* migration: destination node */
};

struct migad_labels;

/* Read a ground-truth file.  On error returns non-OK, *out is NULL, and err
 * names the file, the line and the offending text. */
migad_status migad_labels_load(const char *path, struct migad_labels **out,
                               char err[MIGAD_ERRBUF_SIZE]);

/* Parse ground truth from memory; `name` is used in error messages. */
migad_status migad_labels_parse(const char *text, size_t len, const char *name,
                                struct migad_labels **out, char err[MIGAD_ERRBUF_SIZE]);

size_t migad_labels_count(const struct migad_labels *l);
const struct migad_interval *migad_labels_get(const struct migad_labels *l, size_t i);

/*
 * Label the bins of one node's bridge: from now on attack intervals whose
 * nodes= list does not name `node` are left out of GT (migration intervals
 * always count).  NULL counts every attack again (the default).  Fails only
 * when out of memory (the labels are then unchanged).
 */
migad_status migad_labels_select_node(struct migad_labels *l, const char *node);

/* Labels of the bin [start, start + width); width > 0. */
void migad_labels_bin(const struct migad_labels *l, migad_ns start, migad_ns width,
                      int *gt, double *imi);

/* Write the labels back in the file format (canonical form, sorted by start). */
migad_status migad_labels_write(const struct migad_labels *l, const char *path,
                                char err[MIGAD_ERRBUF_SIZE]);

void migad_labels_free(struct migad_labels *l);

#ifdef __cplusplus
}
#endif

#endif /* MIGAD_LABELS_H */
