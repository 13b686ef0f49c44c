/*
 * Helpers of the detector tests: a feature table from CSV text, a model
 * trained and rows scored with the failure's message on stderr, and the
 * numbers of a line of a model's description.
 */
#ifndef MIGAD_TEST_DET_HELPERS_H
#define MIGAD_TEST_DET_HELPERS_H

#include <stddef.h>

#include "migad/detector.h"
#include "migad/table.h"

/* The table of CSV text csv, named "mem.csv"; 1, or 0 with the message
 * in err (on stderr when err is NULL). */
int det_parse(struct migad_table *t, const char *csv, char *err);

/* migad_model_train; NULL on failure (message on stderr). */
struct migad_model *det_train(const struct migad_table *t, const struct migad_train_opts *o);

/* The scores of every row of t (calloc'ed; zeros and a message on stderr
 * when m is NULL or scoring fails). */
double *det_score_all(const struct migad_model *m, const struct migad_table *t);

/* The numbers of the nth line (from 0) of the description desc that
 * starts with "key ", into v[0..max); how many were read. */
size_t det_described(const char *desc, const char *key, int nth, double *v, size_t max);

#endif
