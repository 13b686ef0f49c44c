/*
 * Anomaly detectors behind one interface, and their model files.
 *
 * A model is a fitted detector plus everything needed to score new rows the
 * same way: the feature names it expects (in order), the per-feature
 * scaling fitted on the training rows, the detector's parameters and an
 * operating threshold.  Scores are "higher = more anomalous"; a row raises
 * an alarm when its score is above the threshold.
 *
 * Detectors (the table is in src/lib/detector.c; one file each):
 *   pca     Lakhina's subspace method: squared prediction error
 *   kmeans  distance to the nearest k-means centroid
 *   gmm     negative log-likelihood under a Gaussian mixture fitted by EM
 *   svm     RBF-kernel SVM decision value, attack side up (needs gt)
 *   ae      autoencoder reconstruction error (options: migad/learn.h)
 * svm can be fitted on rows topped up with WGAN-GP generated attack rows
 * (class balancing, migad/learn.h).
 *
 * Model files are specified in docs/model-format.md: text, a magic and a
 * version, doubles as exact hexadecimal floats, an FNV-1a 64-bit checksum.
 * Same seed and same rows give a byte-identical file.
 */
#ifndef MIGAD_DETECTOR_H
#define MIGAD_DETECTOR_H

#include <stdint.h>
#include <stdio.h>

#include "migad/learn.h"
#include "migad/migad.h"
#include "migad/table.h"

#ifdef __cplusplus
extern "C" {
#endif

enum migad_scale {
    MIGAD_SCALE_NONE = 0,
    MIGAD_SCALE_ZSCORE, /* (x - mean) / std, population std; std 0 -> 1 */
    MIGAD_SCALE_MINMAX, /* (x - min) / (max - min); range 0 -> 1 */
};

/* Training options; migad_train_opts_init() sets the defaults. */
struct migad_train_opts {
    const char *detector;   /* "pca", "kmeans", "gmm" */
    enum migad_scale scale; /* default zscore */
    int log1p;              /* log(1 + x) before scaling (values must be > -1) */
    uint64_t seed;          /* default 1 */
    double fpr;             /* false-alarm rate of the threshold on training rows (0.01) */
    double alpha;           /* pca: > 0 = Q-statistic threshold at this alpha instead */
    size_t k;               /* pca: components (0 = choose); kmeans: clusters (3); gmm: components (2) */
    double variance;        /* pca: variance fraction of the normal subspace (0.95) */
    int three_sigma;        /* pca: choose k by Lakhina's 3-sigma rule */
    unsigned restarts;      /* kmeans, gmm: independent initialisations (kmeans 10, gmm 1) */
    unsigned max_iter;      /* kmeans: Lloyd (300); gmm: EM (100) */
    int init_classes;       /* kmeans: initial centroids drawn from each class (needs gt) */
    double reg_covar;       /* gmm: added to covariance diagonals (1e-6) */
    double tol;             /* gmm: EM stops when the mean log-likelihood gains less (1e-3) */
    const struct migad_learn_opts *learn; /* svm, ae: migad/learn.h; NULL = defaults */
};

void migad_train_opts_init(struct migad_train_opts *o);

/* The registered detectors. */
size_t migad_detector_count(void);
const char *migad_detector_name(size_t i);
const char *migad_detector_summary(size_t i);

struct migad_model;

/*
 * Fit a model on every row of t.  The threshold is taken on the rows with
 * gt == 0 when t has a gt column (and such rows exist), else on every row.
 */
migad_status migad_model_train(const struct migad_table *t, const struct migad_train_opts *o,
                               struct migad_model **out, char err[MIGAD_ERRBUF_SIZE]);

/*
 * Check that t's feature columns are the model's (same names, same order).
 * `name` (the table's file) is used in the message.
 */
migad_status migad_model_check(const struct migad_model *m, const struct migad_table *t,
                               const char *name, char err[MIGAD_ERRBUF_SIZE]);

/*
 * Score every row of t (checked first with migad_model_check): scores[i]
 * and, when alarms is not NULL, alarms[i] = scores[i] > threshold.
 */
migad_status migad_model_score(const struct migad_model *m, const struct migad_table *t,
                               const char *name, double *scores, int *alarms,
                               char err[MIGAD_ERRBUF_SIZE]);

/*
 * Score n rows given as n * migad_model_nfeatures(m) values, row-major, in
 * the model's feature order (migad_model_feature), as migad_model_score
 * does the rows of a table: for a caller that computes the features itself
 * (a live monitor).  `name` is used in messages (a value --log1p cannot
 * take).
 */
migad_status migad_model_score_rows(const struct migad_model *m, const double *rows, size_t n,
                                    const char *name, double *scores, int *alarms,
                                    char err[MIGAD_ERRBUF_SIZE]);

/* Encode into a malloc'ed buffer (*buf, *len); the caller frees it. */
migad_status migad_model_encode(const struct migad_model *m, char **buf, size_t *len);
/* Write to a file (whole file or nothing: written to PATH.tmp, renamed). */
migad_status migad_model_save(const struct migad_model *m, const char *path,
                              char err[MIGAD_ERRBUF_SIZE]);

/* Decode a model; `name` (the file) is used in messages. */
migad_status migad_model_decode(const char *buf, size_t len, const char *name,
                                struct migad_model **out, char err[MIGAD_ERRBUF_SIZE]);
migad_status migad_model_load(const char *path, struct migad_model **out,
                              char err[MIGAD_ERRBUF_SIZE]);

void migad_model_free(struct migad_model *m); /* accepts NULL */

const char *migad_model_detector(const struct migad_model *m);
size_t migad_model_nfeatures(const struct migad_model *m);
const char *migad_model_feature(const struct migad_model *m, size_t i);
double migad_model_threshold(const struct migad_model *m);
/* The class balancing used in training (migad/learn.h) and, when not
 * NULL, *generated = the rows it generated (not kept in the model). */
enum migad_balance migad_model_balance(const struct migad_model *m, uint64_t *generated);

/*
 * Write a description of the model to fp, one "key value..." line each,
 * numbers with 17 significant digits (the tests feed it to an independent
 * implementation): detector, features, scaling, threshold, then the
 * detector's own parameters.  Returns MIGAD_EIO on a write error.
 */
migad_status migad_model_describe(const struct migad_model *m, FILE *fp);

#ifdef __cplusplus
}
#endif

#endif
