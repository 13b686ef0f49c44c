/*
 * migad train: parsing of the svm, ae and balancing options (train_learn.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "train_learn.h"

#define CMD "train"

const char train_learn_help[] =
    "svm (RBF-kernel SVM through libsvm, needs gt; score = decision value, attack up):\n"
    "      --C C            penalty (default: chosen with --gamma by cross-validation\n"
    "                       over C = 2^-1..2^7, gamma = 2^-7..2^1, balanced accuracy)\n"
    "      --gamma G        RBF kernel exp(-G |u - v|^2) (default: cross-validation)\n"
    "      --folds K        cross-validation folds, stratified and seeded (default 5)\n"
    "      --class-weight W balanced (n / (2 n_class)), or ATTACK or NORMAL,ATTACK\n"
    "                       weights of the two classes' C (default 1,1)\n"
    "      --svm-eps E      libsvm stopping tolerance (default 1e-3)\n"
    "      --svm-solver S   whole: one libsvm solve on all the rows; chunked: libsvm\n"
    "                       on a growing working set until every row meets its\n"
    "                       stopping rule; auto (default): chunked from 20000 rows\n"
    "ae (autoencoder trained on the gt = 0 rows; score = reconstruction error):\n"
    "      --layers LIST    hidden widths, e.g. 6,3,6 (default d/2, d/4, d/2 rounded up)\n"
    "      --activation A   tanh (default) or relu; the output layer is linear\n"
    "      --lambda L       weight of the L2 weight penalty in the loss (default 1e-4)\n"
    "      --lr R           Adam step size (default 1e-3)\n"
    "      --beta1 B, --beta2 B, --adam-eps E   Adam (0.9, 0.999, 1e-8)\n"
    "      --batch N        mini-batch rows (default 32)\n"
    "      --epochs N       at most (default 200)\n"
    "      --patience N     stop after N epochs without a better validation error (10)\n"
    "      --val-frac F     validation split of the normal rows (default 0.1)\n"
    "class balancing (svm only; paper 2, section 3.2):\n"
    "      --balance MODE   none (default) or gan: a WGAN-GP (gradient penalty) learns\n"
    "                       the attack rows and generated attack rows are added to\n"
    "                       the rows the svm is fitted on (not kept in the model)\n"
    "      --gan-ratio R    attack rows wanted = R x normal rows (default 1: equal)\n"
    "      --gan-iters N    generator steps (default 1000)\n"
    "      --gan-critic N   critic steps per generator step (default 5)\n"
    "      --gan-lambda L   gradient-penalty weight (default 10)\n"
    "      --gan-latent N   noise dimensions of the generator (default 16)\n"
    "      --gan-layers LIST  hidden widths of generator and critic (default 32,32)\n"
    "      --gan-lr R       Adam step size (default 1e-3; betas 0.5, 0.9)\n"
    "      --gan-batch N    rows per step (default 64)\n";

static int bad(const char *opt, const char *val, const char *what)
{
    cli_error(CMD, "invalid %s '%s' (%s)", opt, val, what);
    return EXIT_USAGE;
}

static int num(const char *text, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* "W1,W2,..." into layers: at most max_layers widths of 1..max_units. */
static int parse_layers(const char *arg, size_t *layers, size_t *nlayers, size_t max_layers,
                        size_t max_units)
{
    size_t n = 0;
    const char *p = arg;
    for (;;) {
        unsigned long long v = 0;
        const char *s = p;
        while (*p >= '0' && *p <= '9' && v <= max_units)
            v = v * 10 + (unsigned long long)(*p++ - '0');
        if (p == s || v == 0 || v > max_units || n == max_layers)
            return -1;
        layers[n++] = (size_t)v;
        if (*p == '\0')
            break;
        if (*p++ != ',')
            return -1;
    }
    *nlayers = n;
    return 0;
}

/* The balancing options; -1 when c is not one of them. */
static int balance_option(int c, const char *arg, struct migad_learn_opts *l)
{
    double f;
    unsigned long long u;
    switch (c) {
    case OPT_L_BALANCE:
        if (strcmp(arg, "none") == 0) l->balance = MIGAD_BALANCE_NONE;
        else if (strcmp(arg, "gan") == 0) l->balance = MIGAD_BALANCE_GAN;
        else return bad("--balance", arg, "none or gan");
        return 0;
    case OPT_L_GANRATIO:
        if (num(arg, 1e-6, 1000, &f) != 0)
            return bad("--gan-ratio", arg, "a number in (0, 1000]");
        l->gan_ratio = f;
        return 0;
    case OPT_L_GANITERS:
    case OPT_L_GANCRITIC:
        if (cli_parse_uint(arg, 1000000, &u) != 0 || u == 0)
            return bad(c == OPT_L_GANITERS ? "--gan-iters" : "--gan-critic", arg, "1 to 1000000");
        *(c == OPT_L_GANITERS ? &l->gan_iters : &l->gan_critic) = (unsigned)u;
        return 0;
    case OPT_L_GANLAMBDA:
        if (num(arg, 0, 1e6, &f) != 0)
            return bad("--gan-lambda", arg, "a number >= 0");
        l->gan_lambda = f;
        return 0;
    case OPT_L_GANLATENT:
        if (cli_parse_uint(arg, MIGAD_GAN_MAX_UNITS, &u) != 0 || u == 0)
            return bad("--gan-latent", arg, "1 to 4096");
        l->gan_latent = (size_t)u;
        return 0;
    case OPT_L_GANLAYERS:
        if (parse_layers(arg, l->gan_layers, &l->gan_nlayers, MIGAD_GAN_MAX_LAYERS,
                         MIGAD_GAN_MAX_UNITS) != 0)
            return bad("--gan-layers", arg, "1 to 8 widths of 1 to 4096, comma-separated");
        return 0;
    case OPT_L_GANLR:
        if (num(arg, 1e-12, 10, &f) != 0)
            return bad("--gan-lr", arg, "a number in (0, 10]");
        l->gan_lr = f;
        return 0;
    case OPT_L_GANBATCH:
        if (cli_parse_uint(arg, 1u << 24, &u) != 0 || u == 0)
            return bad("--gan-batch", arg, "1 to 16777216");
        l->gan_batch = (size_t)u;
        return 0;
    }
    return -1;
}

int train_learn_option(int c, const char *arg, struct migad_learn_opts *l)
{
    double f;
    unsigned long long u;
    switch (c) {
    case OPT_L_C:
        if (num(arg, 1e-12, 1e12, &f) != 0)
            return bad("--C", arg, "a number > 0");
        l->C = f;
        return 0;
    case OPT_L_GAMMA:
        if (num(arg, 1e-12, 1e12, &f) != 0)
            return bad("--gamma", arg, "a number > 0");
        l->gamma = f;
        return 0;
    case OPT_L_FOLDS:
        if (cli_parse_uint(arg, 100, &u) != 0 || u < 2)
            return bad("--folds", arg, "2 to 100");
        l->folds = (unsigned)u;
        return 0;
    case OPT_L_CLASSW: {
        double a, b;
        const char *comma = strchr(arg, ',');
        if (strcmp(arg, "balanced") == 0) {
            l->balanced = 1;
            return 0;
        }
        l->balanced = 0;
        if (!comma) {
            if (num(arg, 1e-9, 1e9, &a) != 0)
                return bad("--class-weight", arg, "balanced, ATTACK or NORMAL,ATTACK");
            l->weight_normal = 1;
            l->weight_attack = a;
            return 0;
        }
        char first[64];
        size_t k = (size_t)(comma - arg);
        if (k >= sizeof first)
            return bad("--class-weight", arg, "balanced, ATTACK or NORMAL,ATTACK");
        memcpy(first, arg, k);
        first[k] = '\0';
        if (num(first, 1e-9, 1e9, &a) != 0 || num(comma + 1, 1e-9, 1e9, &b) != 0)
            return bad("--class-weight", arg, "balanced, ATTACK or NORMAL,ATTACK");
        l->weight_normal = a;
        l->weight_attack = b;
        return 0;
    }
    case OPT_L_SVMEPS:
        if (num(arg, 1e-15, 1, &f) != 0)
            return bad("--svm-eps", arg, "a number in (0, 1]");
        l->svm_eps = f;
        return 0;
    case OPT_L_SVMSOLVER:
        if (strcmp(arg, "auto") == 0) l->svm_solver = MIGAD_SVM_SOLVER_AUTO;
        else if (strcmp(arg, "whole") == 0) l->svm_solver = MIGAD_SVM_SOLVER_WHOLE;
        else if (strcmp(arg, "chunked") == 0) l->svm_solver = MIGAD_SVM_SOLVER_CHUNKED;
        else return bad("--svm-solver", arg, "auto, whole or chunked");
        return 0;
    case OPT_L_LAYERS:
        if (parse_layers(arg, l->layers, &l->nlayers, MIGAD_AE_MAX_LAYERS, MIGAD_AE_MAX_UNITS) != 0)
            return bad("--layers", arg, "1 to 16 widths of 1 to 4096, comma-separated");
        return 0;
    case OPT_L_ACT:
        if (strcmp(arg, "tanh") == 0) l->relu = 0;
        else if (strcmp(arg, "relu") == 0) l->relu = 1;
        else return bad("--activation", arg, "tanh or relu");
        return 0;
    case OPT_L_LAMBDA:
        if (num(arg, 0, 1e6, &f) != 0)
            return bad("--lambda", arg, "a number >= 0");
        l->lambda = f;
        return 0;
    case OPT_L_LR:
        if (num(arg, 1e-12, 10, &f) != 0)
            return bad("--lr", arg, "a number in (0, 10]");
        l->lr = f;
        return 0;
    case OPT_L_BETA1:
    case OPT_L_BETA2:
        if (num(arg, 0, 0.999999999, &f) != 0)
            return bad(c == OPT_L_BETA1 ? "--beta1" : "--beta2", arg, "a number in [0, 1)");
        *(c == OPT_L_BETA1 ? &l->beta1 : &l->beta2) = f;
        return 0;
    case OPT_L_ADAMEPS:
        if (num(arg, 1e-300, 1, &f) != 0)
            return bad("--adam-eps", arg, "a number in (0, 1]");
        l->eps = f;
        return 0;
    case OPT_L_BATCH:
        if (cli_parse_uint(arg, 1u << 24, &u) != 0 || u == 0)
            return bad("--batch", arg, "1 to 16777216");
        l->batch = (size_t)u;
        return 0;
    case OPT_L_EPOCHS:
    case OPT_L_PATIENCE:
        if (cli_parse_uint(arg, 1000000, &u) != 0 || u == 0)
            return bad(c == OPT_L_EPOCHS ? "--epochs" : "--patience", arg, "1 to 1000000");
        *(c == OPT_L_EPOCHS ? &l->epochs : &l->patience) = (unsigned)u;
        return 0;
    case OPT_L_VALFRAC:
        if (num(arg, 0, 0.9, &f) != 0)
            return bad("--val-frac", arg, "a fraction in [0, 0.9]");
        l->val_frac = f;
        return 0;
    }
    return balance_option(c, arg, l);
}
