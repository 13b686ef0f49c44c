/*
 * A feature table: the numeric matrix a detector is fitted on or scores,
 * read from a CSV with a header (the format `migad extract` writes,
 * docs/dataset.md, or any CSV whose feature columns are numbers).
 *
 * Feature columns are chosen by name; by default every column except the
 * row identifiers (trace, segment, bin, start) and the labels (gt, imi).
 * The identifier and label columns, when present, are kept alongside as the
 * exact text of the input so they can be carried through to scores.
 */
#ifndef MIGAD_TABLE_H
#define MIGAD_TABLE_H

#include "migad/migad.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Size caps: a larger file is refused with MIGAD_ENOMEM. */
#define MIGAD_TABLE_MAX_ROWS 10000000u
#define MIGAD_TABLE_MAX_COLS 4096u
#define MIGAD_TABLE_MAX_LINE (1u << 20)   /* bytes per line */

/* The carried-through columns, in the order of migad_table_meta(). */
enum migad_meta {
    MIGAD_META_TRACE,
    MIGAD_META_SEGMENT,
    MIGAD_META_BIN,
    MIGAD_META_START,
    MIGAD_META_GT,
    MIGAD_META_IMI,
    MIGAD_META_COUNT
};

/* A table: plain struct, released with migad_table_release(). */
struct migad_table {
    size_t nrows;
    size_t ncols;          /* number of feature columns */
    char **names;          /* ncols feature names, in selection order */
    double *x;             /* nrows * ncols values, row-major */
    int has_meta[MIGAD_META_COUNT]; /* 1 when the input has that column */
    char **meta;           /* nrows strings: the six meta fields, each NUL-terminated, in order */
    double *gt;            /* nrows parsed gt values, or NULL without a gt column */
    double *imi;           /* nrows parsed imi values, or NULL without an imi column */
};

/*
 * Read `path` ("-" = standard input).  `features` (nfeatures names, in the
 * order wanted) selects the feature columns; NULL selects the default set.
 * On error returns non-OK, leaves *t empty and puts in err a message naming
 * the file, the line and the offending text.
 */
migad_status migad_table_read(struct migad_table *t, const char *path,
                              const char *const *features, size_t nfeatures,
                              char err[MIGAD_ERRBUF_SIZE]);

/* The same from a memory buffer; `name` is used in messages. */
migad_status migad_table_parse(struct migad_table *t, const char *text, size_t len,
                               const char *name, const char *const *features,
                               size_t nfeatures, char err[MIGAD_ERRBUF_SIZE]);

/* One carried-through field of a row: "" when the column is absent. */
const char *migad_table_meta(const struct migad_table *t, size_t row, enum migad_meta which);

/* Name of a meta column ("trace", ..., "imi"). */
const char *migad_meta_name(enum migad_meta which);

/* Keep the rows with keep[r] != 0 (nrows flags), in order; the others are
 * dropped (the arrays are not shrunk). */
void migad_table_keep_rows(struct migad_table *t, const unsigned char *keep);

/* Free everything and leave an empty table; accepts an empty table. */
void migad_table_release(struct migad_table *t);

#ifdef __cplusplus
}
#endif

#endif
