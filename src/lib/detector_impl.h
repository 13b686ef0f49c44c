/*
 * Inside the detector interface: the table of operations every detector
 * implements and the model-file line reader/writer they use to save and
 * load their parameters.  Not a public header.
 */
#ifndef MIGAD_DETECTOR_IMPL_H
#define MIGAD_DETECTOR_IMPL_H

#include <stdio.h>

#include "migad/detector.h"
#include "migad/rng.h"

/* The rows a detector is fitted on: already scaled, row-major n x d. */
struct det_input {
    const double *x;
    size_t n, d;
    const double *gt;  /* n labels or NULL */
    const double *imi; /* n labels or NULL */
};

/* Growable text buffer for model files. */
struct mw {
    char *buf;
    size_t len, cap;
    int failed; /* an allocation failed: the buffer is incomplete */
};

/* Line cursor over a model file's payload (checksum already verified). */
struct mr {
    const char *p, *end;
    const char *name; /* file name for messages */
    size_t lineno;
    char *err;
    int failed;
};

/* "key v\n" with v an unsigned integer. */
void mw_u64(struct mw *w, const char *key, uint64_t v);
/* "key v1 v2 ...\n" with exact hexadecimal floats. */
void mw_doubles(struct mw *w, const char *key, const double *v, size_t n);
/* "key text\n"; text has no line breaks. */
void mw_text(struct mw *w, const char *key, const char *text);

/* Read "key v" (v <= max); 0, or -1 with r->err set. */
int mr_u64(struct mr *r, const char *key, uint64_t max, uint64_t *v);
/* Read "key" followed by exactly n doubles. */
int mr_doubles(struct mr *r, const char *key, double *v, size_t n);
/* Read "key text" into a malloc'ed string. */
int mr_text(struct mr *r, const char *key, char **text);

/* 1 when `count` more numbers could still be in the payload (each takes
 * at least two bytes): a bound on allocations before reading them. */
int mr_fits(const struct mr *r, uint64_t count);

/* Describe helpers: "key v1 v2 ...\n" with %.17g. */
void desc_doubles(FILE *fp, const char *key, const double *v, size_t n);

/* The svm/ae options of a training: o->learn, or the defaults (put in
 * *dflt) when it is NULL. */
static inline const struct migad_learn_opts *learn_opts(const struct migad_train_opts *o,
                                                        struct migad_learn_opts *dflt)
{
    if (o->learn)
        return o->learn;
    migad_learn_opts_init(dflt);
    return dflt;
}

struct detector_ops {
    const char *name;
    const char *summary;
    /* Fit on the scaled rows; *state is owned by the model afterwards. */
    migad_status (*fit)(void **state, const struct det_input *in,
                        const struct migad_train_opts *o, char *err);
    /* out[i] = anomaly score of row i (higher = more anomalous); 0, or -1
     * when out of memory. */
    int (*score)(const void *state, size_t d, const double *x, size_t n, double *out);
    void (*save)(const void *state, size_t d, struct mw *w);
    /* Read what save wrote; on error returns -1 (r->err set), *state NULL. */
    int (*load)(void **state, size_t d, struct mr *r);
    void (*describe)(const void *state, size_t d, FILE *fp);
    /* Optional: a threshold from the detector's own statistics at alpha. */
    migad_status (*threshold)(const void *state, double alpha, double *out, char *err);
    void (*free)(void *state);
};

extern const struct detector_ops detector_pca;
extern const struct detector_ops detector_kmeans;
extern const struct detector_ops detector_gmm;
extern const struct detector_ops detector_svm;
extern const struct detector_ops detector_ae;

/* Shared by kmeans and gmm (kmeans.c): k-means++ seeding, and Lloyd
 * iterations from the centroids given (k x d, updated in place), the
 * final inertia returned (NaN when out of memory). */
double kmeans_lloyd(const double *x, size_t n, size_t d, size_t k, double *centroids,
                    unsigned max_iter, size_t *assign);
int kmeans_pp(const double *x, size_t n, size_t d, size_t k, struct migad_rng *rng,
              double *centroids); /* 0, or -1 when out of memory */

#endif
