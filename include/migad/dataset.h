/*
 * Feature datasets as text: CSV (RFC 4180, one header line, read as is by
 * pandas, R and spreadsheets) or JSON lines.  The column layout is specified
 * in docs/dataset.md:
 *
 *   trace,segment,bin,start,<feature columns...>[,gt,imi]
 *
 * The writer writes to a stdio stream the caller owns; it reports write
 * errors (a full disk, a closed pipe) as MIGAD_EIO.
 */
#ifndef MIGAD_DATASET_H
#define MIGAD_DATASET_H

#include <stdio.h>

#include "migad/features.h"

#ifdef __cplusplus
extern "C" {
#endif

enum migad_format {
    MIGAD_FORMAT_CSV = 0,
    MIGAD_FORMAT_JSONL,
};

struct migad_writer;

/* Create a writer; with_labels adds the gt and imi columns.  The header (CSV)
 * is written by the first row, or by migad_writer_header(). */
migad_status migad_writer_create(struct migad_writer **out, FILE *fp, enum migad_format fmt,
                                 const struct migad_featset *fs, int with_labels);

migad_status migad_writer_header(struct migad_writer *w);

/* One row.  gt and imi are ignored without labels. */
migad_status migad_writer_row(struct migad_writer *w, const char *trace,
                              const struct migad_bin *bin, int gt, double imi);

void migad_writer_free(struct migad_writer *w);

/* Write s as one CSV field: quoted, quotes doubled, when it holds a comma,
 * a quote or a line break (RFC 4180 section 2.6); as is otherwise. */
void migad_csv_text(FILE *fp, const char *s);

/* Write s as a JSON string, quotes included (RFC 8259 section 7). */
void migad_json_text(FILE *fp, const char *s);

/* v as a dataset holds it once written and read back (counts whole, the
 * rest to 9 significant digits): a value computed live then scores as
 * its row in a dataset would. */
double migad_feature_as_written(enum migad_feature f, double v);

/* Format t (ns since the epoch) as seconds with nine decimals. */
void migad_format_time(migad_ns t, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
