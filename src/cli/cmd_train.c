/*
 * migad train: fit a detector on a feature CSV and write a model file.
 *
 * Reads the table (include/migad/table.h), fits the chosen detector through
 * the detector interface (include/migad/detector.h) and saves the model
 * (docs/model-format.md).  All the work is in the library; this file only
 * parses options and reports.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "train_learn.h"
#include "migad/detector.h"
#include "migad/table.h"

#define CMD "train"
#define MAX_FEATURES 4096

static const char help_text[] =
    "usage: migad train -d DETECTOR [options] -o MODEL [-i] FEATURES.csv\n"
    "\n"
    "Fit an anomaly detector on the rows of a feature CSV (the output of\n"
    "migad extract, or any CSV with a header) and write a model file.\n"
    "\n"
    "  -d, --detector NAME  pca, kmeans, gmm, svm or ae (--list shows them)\n"
    "  -i, --input FILE     training rows; - = standard input\n"
    "  -o, --output MODEL   model file to write\n"
    "      --features LIST  feature columns, comma-separated (default: every column\n"
    "                       except trace, segment, bin, start, gt, imi)\n"
    "      --scale MODE     zscore (default), minmax or none; fitted on these rows\n"
    "      --log1p          log(1 + x) of every feature before scaling\n"
    "      --fit-rows ROWS  all (default) or normal: fit on the gt = 0 rows only,\n"
    "                       attack rows unseen (semi-supervised; not for svm)\n"
    "      --seed N         seed of every random choice (default 1)\n"
    "      --fpr RATE       threshold: false-alarm rate on the normal training rows\n"
    "                       (gt = 0 when present; default 0.01)\n"
    "      --list           list the detectors and exit\n"
    "  -q, --quiet          no summary on standard error\n"
    "  -h, --help           show this help\n"
    "\n"
    "pca (Lakhina subspace method, score = squared prediction error):\n"
    "      --components K   normal subspace of K axes (default: by --variance)\n"
    "      --variance F     smallest subspace holding fraction F of the variance (0.95)\n"
    "      --select RULE    variance (default) or 3sigma (Lakhina's 3-sigma rule)\n"
    "      --alpha A        threshold = Jackson-Mudholkar Q-statistic at A instead of --fpr\n"
    "kmeans (score = distance to the nearest centroid):\n"
    "      --k K            clusters (default 3)\n"
    "      --restarts N     initialisations, the least inertia kept (default 10)\n"
    "      --init MODE      kmeans++ (default) or classes (rows of each of the normal,\n"
    "                       attack and migration classes; needs gt, uses imi)\n"
    "      --max-iter N     Lloyd iterations at most (default 300)\n"
    "gmm (Gaussian mixture by EM, score = negative log-likelihood):\n"
    "      --k K            components (default 2)\n"
    "      --reg-covar R    added to covariance diagonals (default 1e-6)\n"
    "      --tol T          EM stops when the mean log-likelihood gains < T (1e-3)\n"
    "      --restarts N     EM runs, the best likelihood kept (default 1)\n"
    "      --max-iter N     EM iterations at most (default 100)\n";

/* after train_learn_help (train_learn.c): svm, ae and class balancing */
static const char help_tail[] =
    "\n"
    "Exit status: 0 success, 1 runtime error (unreadable or bad input, write\n"
    "error), 2 usage error.  See migad-train(1) and docs/model-format.md.\n";

enum {
    OPT_FEATURES = 256, OPT_SCALE, OPT_LOG1P, OPT_SEED, OPT_FPR, OPT_LIST, OPT_COMPONENTS,
    OPT_VARIANCE, OPT_SELECT, OPT_ALPHA, OPT_K, OPT_RESTARTS, OPT_INIT, OPT_MAXITER,
    OPT_REGCOVAR, OPT_TOL, OPT_FITROWS,
};

struct opts {
    struct migad_train_opts t;
    const char *input, *output;
    char *feature_text;
    const char *features[MAX_FEATURES];
    size_t nfeatures;
    int quiet, list;
    int fit_normal; /* --fit-rows normal: only the gt = 0 rows */
    struct migad_learn_opts learn; /* svm, ae */
};

/* A finite double in [lo, hi]; 0 or -1. */
static int parse_double(const char *text, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Split "a,b,c" in place into o->features. */
static int split_features(struct opts *o, char *text)
{
    o->nfeatures = 0;
    for (char *s = text;; ) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        if (*s == '\0' || o->nfeatures == MAX_FEATURES)
            return -1;
        o->features[o->nfeatures++] = s;
        if (!comma)
            return 0;
        s = comma + 1;
    }
}

static int bad_value(const char *opt, const char *val, const char *what)
{
    cli_error(CMD, "invalid %s '%s' (%s)", opt, val, what);
    return EXIT_USAGE;
}

/* Options that only set a number; -1 when c is not one of them. */
static int numeric_option(int c, struct opts *o)
{
    unsigned long long v;
    double f;
    switch (c) {
    case OPT_SEED:
        if (cli_parse_uint(optarg, UINT64_MAX, &v) != 0)
            return bad_value("--seed", optarg, "a non-negative integer");
        o->t.seed = v;
        return 0;
    case OPT_FPR:
        if (parse_double(optarg, 0, 0.999999, &f) != 0)
            return bad_value("--fpr", optarg, "a rate in [0, 1)");
        o->t.fpr = f;
        return 0;
    case OPT_ALPHA:
        if (parse_double(optarg, 1e-12, 0.5, &f) != 0)
            return bad_value("--alpha", optarg, "a level in (0, 0.5]");
        o->t.alpha = f;
        return 0;
    case OPT_VARIANCE:
        if (parse_double(optarg, 1e-9, 1, &f) != 0)
            return bad_value("--variance", optarg, "a fraction in (0, 1]");
        o->t.variance = f;
        return 0;
    case OPT_COMPONENTS:
    case OPT_K:
        if (cli_parse_uint(optarg, 65536, &v) != 0 || v == 0)
            return bad_value(c == OPT_K ? "--k" : "--components", optarg, "1 to 65536");
        o->t.k = (size_t)v;
        return 0;
    case OPT_RESTARTS:
    case OPT_MAXITER:
        if (cli_parse_uint(optarg, 1000000, &v) != 0 || v == 0)
            return bad_value(c == OPT_RESTARTS ? "--restarts" : "--max-iter", optarg,
                             "1 to 1000000");
        *(c == OPT_RESTARTS ? &o->t.restarts : &o->t.max_iter) = (unsigned)v;
        return 0;
    case OPT_REGCOVAR:
        if (parse_double(optarg, 0, 1e6, &f) != 0)
            return bad_value("--reg-covar", optarg, "a number >= 0");
        o->t.reg_covar = f;
        return 0;
    case OPT_TOL:
        if (parse_double(optarg, 1e-300, 1e6, &f) != 0)
            return bad_value("--tol", optarg, "a number > 0");
        o->t.tol = f;
        return 0;
    }
    return -1;
}

/* Options that pick a word; -1 when c is not one of them. */
static int word_option(int c, struct opts *o)
{
    switch (c) {
    case OPT_SCALE:
        if (strcmp(optarg, "zscore") == 0) o->t.scale = MIGAD_SCALE_ZSCORE;
        else if (strcmp(optarg, "minmax") == 0) o->t.scale = MIGAD_SCALE_MINMAX;
        else if (strcmp(optarg, "none") == 0) o->t.scale = MIGAD_SCALE_NONE;
        else return bad_value("--scale", optarg, "zscore, minmax or none");
        return 0;
    case OPT_SELECT:
        if (strcmp(optarg, "variance") == 0) o->t.three_sigma = 0;
        else if (strcmp(optarg, "3sigma") == 0) o->t.three_sigma = 1;
        else return bad_value("--select", optarg, "variance or 3sigma");
        return 0;
    case OPT_FITROWS:
        if (strcmp(optarg, "all") == 0) o->fit_normal = 0;
        else if (strcmp(optarg, "normal") == 0) o->fit_normal = 1;
        else return bad_value("--fit-rows", optarg, "all or normal");
        return 0;
    case OPT_INIT:
        if (strcmp(optarg, "kmeans++") == 0) o->t.init_classes = 0;
        else if (strcmp(optarg, "classes") == 0) o->t.init_classes = 1;
        else return bad_value("--init", optarg, "kmeans++ or classes");
        return 0;
    case OPT_FEATURES:
        free(o->feature_text);
        o->feature_text = strdup(optarg);
        if (!o->feature_text || split_features(o, o->feature_text) != 0)
            return bad_value("--features", optarg, "names separated by single commas");
        return 0;
    }
    return -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        { "detector", required_argument, NULL, 'd' }, { "input", required_argument, NULL, 'i' },
        { "output", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' }, { "features", required_argument, NULL, OPT_FEATURES },
        { "scale", required_argument, NULL, OPT_SCALE }, { "log1p", no_argument, NULL, OPT_LOG1P },
        { "seed", required_argument, NULL, OPT_SEED }, { "fpr", required_argument, NULL, OPT_FPR },
        { "list", no_argument, NULL, OPT_LIST },
        { "components", required_argument, NULL, OPT_COMPONENTS },
        { "variance", required_argument, NULL, OPT_VARIANCE },
        { "select", required_argument, NULL, OPT_SELECT },
        { "alpha", required_argument, NULL, OPT_ALPHA }, { "k", required_argument, NULL, OPT_K },
        { "restarts", required_argument, NULL, OPT_RESTARTS },
        { "init", required_argument, NULL, OPT_INIT },
        { "max-iter", required_argument, NULL, OPT_MAXITER },
        { "reg-covar", required_argument, NULL, OPT_REGCOVAR },
        { "tol", required_argument, NULL, OPT_TOL },
        { "fit-rows", required_argument, NULL, OPT_FITROWS },
        TRAIN_LEARN_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+d:i:o:qh", longopts, NULL)) != -1) {
        int rc = numeric_option(c, o);
        if (rc < 0)
            rc = word_option(c, o);
        if (rc < 0)
            rc = train_learn_option(c, optarg, &o->learn);
        if (rc > 0)
            return rc;
        if (rc == 0)
            continue;
        switch (c) {
        case 'd': o->t.detector = optarg; break;
        case 'i': o->input = optarg; break;
        case 'o': o->output = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h':
            fputs(help_text, stdout);
            fputs(train_learn_help, stdout);
            fputs(help_tail, stdout);
            return -1;
        case OPT_LOG1P: o->t.log1p = 1; break;
        case OPT_LIST: o->list = 1; break;
        default:
            fprintf(stderr, "Try 'migad train --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (cli_operands(CMD, argc, argv, &o->input) != 0)
        return EXIT_USAGE;
    return 0;
}

static int check_required(const struct opts *o)
{
    size_t i;
    for (i = 0; i < migad_detector_count(); i++)
        if (o->t.detector && strcmp(o->t.detector, migad_detector_name(i)) == 0)
            break;
    if (!o->t.detector) {
        cli_error(CMD, "no detector: give -d pca, kmeans, gmm, svm or ae");
        return EXIT_USAGE;
    }
    if (i == migad_detector_count()) {
        cli_error(CMD, "unknown detector '%s' (see 'migad train --list')", o->t.detector);
        return EXIT_USAGE;
    }
    if (!o->input || !o->output) {
        cli_error(CMD, "need an input (-i FILE) and a model to write (-o MODEL)");
        return EXIT_USAGE;
    }
    return 0;
}

/* --fit-rows normal: drop the attack rows (gt != 0); 0, or -1 with a message. */
static int keep_normal(const struct opts *o, struct migad_table *t)
{
    if (strcmp(o->t.detector, "svm") == 0) {
        cli_error(CMD, "--fit-rows normal: svm learns from both classes");
        return -1;
    }
    if (!t->gt) {
        cli_error(CMD, "%s: --fit-rows normal needs a gt column", o->input);
        return -1;
    }
    unsigned char *keep = malloc(t->nrows + 1);
    if (!keep) {
        cli_error(CMD, "out of memory");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < t->nrows; i++)
        n += keep[i] = t->gt[i] == 0;
    if (n == 0) {
        free(keep);
        cli_error(CMD, "%s: --fit-rows normal: no row has gt = 0", o->input);
        return -1;
    }
    migad_table_keep_rows(t, keep);
    free(keep);
    return 0;
}

static int train(const struct opts *o)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_table t;
    if (migad_table_read(&t, o->input, o->nfeatures ? o->features : NULL, o->nfeatures, err)
        != MIGAD_OK) {
        cli_error(CMD, "%s", err);
        return EXIT_RUNTIME;
    }
    if (o->fit_normal && keep_normal(o, &t) != 0) {
        migad_table_release(&t);
        return EXIT_USAGE;
    }
    struct migad_model *m;
    migad_status st = migad_model_train(&t, &o->t, &m, err);
    if (st == MIGAD_OK)
        st = migad_model_save(m, o->output, err);
    uint64_t generated = 0;
    char extra[96] = "";
    if (st == MIGAD_OK && migad_model_balance(m, &generated) == MIGAD_BALANCE_GAN)
        snprintf(extra, sizeof extra, " (and %" PRIu64 " generated attack rows, --balance gan)",
                 generated);
    if (st == MIGAD_OK && !o->quiet)
        fprintf(stderr, "migad %s: %s fitted on %zu rows x %zu features%s, threshold %.6g -> %s\n",
                CMD, o->t.detector, t.nrows, t.ncols, extra, migad_model_threshold(m), o->output);
    if (st != MIGAD_OK)
        cli_error(CMD, "%s", err);
    migad_model_free(m);
    migad_table_release(&t);
    return st == MIGAD_OK ? EXIT_OK : st == MIGAD_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

static void opts_init(struct opts *o)
{
    memset(o, 0, sizeof *o);
    migad_train_opts_init(&o->t);
    o->t.detector = NULL;
    migad_learn_opts_init(&o->learn);
    o->t.learn = &o->learn;
}

int cmd_train(int argc, char **argv)
{
    struct opts o;
    opts_init(&o);
    int rc = parse_args(argc, argv, &o);
    if (rc == 0 && o.list) {
        for (size_t i = 0; i < migad_detector_count(); i++)
            printf("%-8s %s\n", migad_detector_name(i), migad_detector_summary(i));
        rc = cli_finish_stdout(CMD);
    } else if (rc == 0) {
        rc = check_required(&o);
        if (rc == 0)
            rc = train(&o);
    } else if (rc < 0) {
        rc = cli_finish_stdout(CMD);
    }
    free(o.feature_text);
    return rc;
}

/*
 * Check a vector of training options without training (for migad
 * experiment's --train-args, before its long steps): the options parse and
 * their values are valid.  The caller gives -d, -i and -o itself: they are
 * refused here.  An exit status (the caller says which options these were).
 */
int cmd_train_check(int argc, char **argv)
{
    struct opts o;
    opts_init(&o);
    int rc = parse_args(argc, argv, &o);
    if (rc < 0 || (rc == 0 && (o.t.detector || o.input || o.output || o.list))) {
        cli_error(CMD, "-d, -i, -o, --list and --help are not training options here");
        rc = EXIT_USAGE;
    }
    free(o.feature_text);
    return rc;
}
