/*
 * Defaults of the svm and ae training options (include/migad/learn.h).
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
}
