/*
 * migad train: parsing of the svm and ae options (train_learn.h).
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
    "ae (autoencoder trained on the gt = 0 rows; score = reconstruction error):\n"
    "      --layers LIST    hidden widths, e.g. 6,3,6 (default d/2, d/4, d/2 rounded up)\n"
    "      --activation A   tanh (default) or relu; the output layer is linear\n"
    "      --lambda L       weight of the L2 weight penalty in the loss (default 1e-4)\n"
    "      --lr R           Adam step size (default 1e-3)\n"
    "      --beta1 B, --beta2 B, --adam-eps E   Adam (0.9, 0.999, 1e-8)\n"
    "      --batch N        mini-batch rows (default 32)\n"
    "      --epochs N       at most (default 200)\n"
    "      --patience N     stop after N epochs without a better validation error (10)\n"
    "      --val-frac F     validation split of the normal rows (default 0.1)\n";

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

static int parse_layers(const char *arg, struct migad_learn_opts *l)
{
    size_t n = 0;
    const char *p = arg;
    for (;;) {
        unsigned long long v = 0;
        const char *s = p;
        while (*p >= '0' && *p <= '9' && v <= MIGAD_AE_MAX_UNITS)
            v = v * 10 + (unsigned long long)(*p++ - '0');
        if (p == s || v == 0 || v > MIGAD_AE_MAX_UNITS || n == MIGAD_AE_MAX_LAYERS)
            return -1;
        l->layers[n++] = (size_t)v;
        if (*p == '\0')
            break;
        if (*p++ != ',')
            return -1;
    }
    l->nlayers = n;
    return 0;
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
    case OPT_L_LAYERS:
        if (parse_layers(arg, l) != 0)
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
    return -1;
}
