/*
 * Defaults of the svm, ae and class-balancing training options (include/migad/learn.h).
 */
#include <string.h>

#include "migad/learn.h"

void migad_learn_opts_init(struct migad_learn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->folds = 5;
    o->weight_normal = 1;
    o->weight_attack = 1;
    o->svm_eps = 1e-3;
    o->lambda = 1e-4;
    o->lr = 1e-3;
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->eps = 1e-8;
    o->batch = 32;
    o->epochs = 200;
    o->patience = 10;
    o->val_frac = 0.1;
    o->balance = MIGAD_BALANCE_NONE;
    o->gan_ratio = 1;
    o->gan_iters = 1000;
    o->gan_critic = 5;
    o->gan_lambda = 10;
    o->gan_latent = 16;
    o->gan_lr = 1e-3;
    o->gan_beta1 = 0.5;
    o->gan_beta2 = 0.9;
    o->gan_batch = 64;
}
