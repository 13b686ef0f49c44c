/*
 * Training options of the two learned detectors of seed paper 2:
 *   svm  RBF-kernel C-SVC through libsvm (src/lib/svm.c), trained on
 *        labelled rows (gt column), score = decision value, attack side up
 *   ae   fully connected autoencoder (src/lib/ae.c) trained on the normal
 *        rows, score = reconstruction error
 * and the class balancing of the same paper (section 3.2), for svm only:
 *   balance = MIGAD_BALANCE_GAN trains a WGAN-GP (src/lib/gan.c) on the
 *        attack rows (gt != 0) after scaling and adds generated attack rows
 *        (gt 1, imi 0) to the rows the svm is fitted on, until there are
 *        gan_ratio x (normal rows) attack rows.  The generated rows are
 *        not kept; the model records how many there were.  The scaling and
 *        the threshold use the real rows only.  Refused (MIGAD_EINVAL) for
 *        the other detectors, which do not learn from attack rows (ae
 *        fits on the normal rows, kmeans uses gt only to seed centroids).
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
#define MIGAD_GAN_MAX_LAYERS 8  /* hidden layers of the GAN's networks at most */
#define MIGAD_GAN_MAX_UNITS 4096 /* units per hidden layer, latent dimensions at most */

/* How libsvm is run on a training set (src/lib/svm.c, "Large problems"). */
enum migad_svm_solver {
    MIGAD_SVM_SOLVER_AUTO = 0, /* chunked from MIGAD_SVM_CHUNK_MIN_ROWS rows on, else whole */
    MIGAD_SVM_SOLVER_WHOLE,    /* one libsvm solve on all the rows */
    MIGAD_SVM_SOLVER_CHUNKED,  /* libsvm on a growing working set until all the rows
                                * meet its stopping rule */
};
#define MIGAD_SVM_CHUNK_MIN_ROWS 20000

enum migad_balance {
    MIGAD_BALANCE_NONE = 0, /* fit on the rows as given (default) */
    MIGAD_BALANCE_GAN,      /* add WGAN-GP generated attack rows (svm) */
};

struct migad_learn_opts {
    /* svm */
    double C;               /* > 0; 0 = chosen by cross-validation (default) */
    double gamma;           /* > 0; 0 = chosen by cross-validation (default) */
    unsigned folds;         /* cross-validation folds (5) */
    int balanced;           /* class weights n / (2 n_class) (default off) */
    double weight_normal;   /* class weight of gt = 0 rows (1), unless balanced */
    double weight_attack;   /* class weight of gt != 0 rows (1), unless balanced */
    double svm_eps;         /* libsvm stopping tolerance (1e-3, as scikit-learn) */
    enum migad_svm_solver svm_solver; /* MIGAD_SVM_SOLVER_AUTO (default) */
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
    /* class balancing (svm): WGAN-GP, Gulrajani et al. 2017, Algorithm 1 */
    enum migad_balance balance; /* MIGAD_BALANCE_NONE (default) */
    double gan_ratio;       /* attack rows wanted = ratio x normal rows, (0, 1000] (1) */
    unsigned gan_iters;     /* generator steps (1000) */
    unsigned gan_critic;    /* critic steps per generator step (5) */
    double gan_lambda;      /* gradient-penalty weight (10) */
    size_t gan_latent;      /* noise dimensions of the generator's input (16) */
    size_t gan_layers[MIGAD_GAN_MAX_LAYERS]; /* hidden widths of both networks */
    size_t gan_nlayers;     /* 0 = default: 32, 32 */
    double gan_lr, gan_beta1, gan_beta2; /* Adam (1e-3, 0.5, 0.9; eps as ae's) */
    size_t gan_batch;       /* rows per critic and generator step (64) */
};

void migad_learn_opts_init(struct migad_learn_opts *o);

#ifdef __cplusplus
}
#endif

#endif
