/*
 * migad train: the options of the svm and ae detectors and of the class
 * balancing (include/migad/learn.h), kept apart from cmd_train.c.
 */
#ifndef MIGAD_CLI_TRAIN_LEARN_H
#define MIGAD_CLI_TRAIN_LEARN_H

#include <getopt.h>

#include "migad/learn.h"

enum {
    OPT_L_C = 512, OPT_L_GAMMA, OPT_L_FOLDS, OPT_L_CLASSW, OPT_L_LAYERS, OPT_L_ACT,
    OPT_L_LAMBDA, OPT_L_LR, OPT_L_BETA1, OPT_L_BETA2, OPT_L_ADAMEPS, OPT_L_BATCH,
    OPT_L_EPOCHS, OPT_L_PATIENCE, OPT_L_VALFRAC, OPT_L_SVMEPS, OPT_L_BALANCE, OPT_L_GANRATIO,
    OPT_L_GANITERS, OPT_L_GANCRITIC, OPT_L_GANLAMBDA, OPT_L_GANLATENT, OPT_L_GANLAYERS,
    OPT_L_GANLR, OPT_L_GANBATCH, OPT_L_SVMSOLVER,
};

/* Entries for getopt_long's table. */
#define TRAIN_LEARN_LONGOPTS                                                              \
    { "C", required_argument, NULL, OPT_L_C },                                           \
    { "gamma", required_argument, NULL, OPT_L_GAMMA },                                   \
    { "folds", required_argument, NULL, OPT_L_FOLDS },                                   \
    { "class-weight", required_argument, NULL, OPT_L_CLASSW },                           \
    { "svm-eps", required_argument, NULL, OPT_L_SVMEPS },                                \
    { "svm-solver", required_argument, NULL, OPT_L_SVMSOLVER },                          \
    { "layers", required_argument, NULL, OPT_L_LAYERS },                                 \
    { "activation", required_argument, NULL, OPT_L_ACT },                                \
    { "lambda", required_argument, NULL, OPT_L_LAMBDA },                                 \
    { "lr", required_argument, NULL, OPT_L_LR },                                         \
    { "beta1", required_argument, NULL, OPT_L_BETA1 },                                   \
    { "beta2", required_argument, NULL, OPT_L_BETA2 },                                   \
    { "adam-eps", required_argument, NULL, OPT_L_ADAMEPS },                              \
    { "batch", required_argument, NULL, OPT_L_BATCH },                                   \
    { "epochs", required_argument, NULL, OPT_L_EPOCHS },                                 \
    { "patience", required_argument, NULL, OPT_L_PATIENCE },                             \
    { "val-frac", required_argument, NULL, OPT_L_VALFRAC },                              \
    { "balance", required_argument, NULL, OPT_L_BALANCE },                               \
    { "gan-ratio", required_argument, NULL, OPT_L_GANRATIO },                            \
    { "gan-iters", required_argument, NULL, OPT_L_GANITERS },                            \
    { "gan-critic", required_argument, NULL, OPT_L_GANCRITIC },                          \
    { "gan-lambda", required_argument, NULL, OPT_L_GANLAMBDA },                          \
    { "gan-latent", required_argument, NULL, OPT_L_GANLATENT },                          \
    { "gan-layers", required_argument, NULL, OPT_L_GANLAYERS },                          \
    { "gan-lr", required_argument, NULL, OPT_L_GANLR },                                  \
    { "gan-batch", required_argument, NULL, OPT_L_GANBATCH }

/* Help lines for these options. */
extern const char train_learn_help[];

/* Handle option c with argument arg: 0 done, EXIT_USAGE (message
 * printed) for a bad value, -1 when c is not one of these options. */
int train_learn_option(int c, const char *arg, struct migad_learn_opts *l);

#endif
