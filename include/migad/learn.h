/*
 * Training options of the two learned detectors of seed paper 2:
 *   svm  RBF-kernel C-SVC through libsvm (src/lib/svm.c), trained on
 *        labelled rows (gt column), score = decision value, attack side up
 *   ae   fully connected autoencoder (src/lib/ae.c) trained on the normal
 *        rows, score = reconstruction error
 *
 * They hang off struct migad_train_opts as `learn`; NULL there means every
 * default below.  migad_learn_opts_init() sets the defaults.
 */
#ifndef MIGAD_LEARN_H
#define MIGAD_LEARN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MIGAD_AE_MAX_LAYERS 16 /* hidden layers at most */
#define MIGAD_AE_MAX_UNITS 4096 /* units per hidden layer at most */

struct migad_learn_opts {
    /* svm */
    double C;               /* > 0; 0 = chosen by cross-validation (default) */
    double gamma;           /* > 0; 0 = chosen by cross-validation (default) */
    unsigned folds;         /* cross-validation folds (5) */
    int balanced;           /* class weights n / (2 n_class) (default off) */
    double weight_normal;   /* class weight of gt = 0 rows (1), unless balanced */
    double weight_attack;   /* class weight of gt != 0 rows (1), unless balanced */
    double svm_eps;         /* libsvm stopping tolerance (1e-3, as scikit-learn) */
    /* ae */
    size_t layers[MIGAD_AE_MAX_LAYERS]; /* hidden layer widths */
    size_t nlayers;         /* 0 = default: ceil(d/2), ceil(d/4) (>= 1 unit), ceil(d/2) */
    int relu;               /* hidden activation: 0 tanh (default), 1 relu */
    double lambda;          /* L2 weight penalty (1e-4) */
    double lr, beta1, beta2, eps; /* Adam (1e-3, 0.9, 0.999, 1e-8) */
    size_t batch;           /* mini-batch rows (32) */
    unsigned epochs;        /* at most (200) */
    unsigned patience;      /* early stopping: epochs without improvement (10) */
    double val_frac;        /* validation split of the normal rows (0.1) */
};

void migad_learn_opts_init(struct migad_learn_opts *o);

#ifdef __cplusplus
}
#endif

#endif
