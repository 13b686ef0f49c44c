/*
 * migad experiment: paper 1's whole evaluation in one command.
 *
 * The steps of scripts/main.sh, in process: the other subcommands are called
 * as functions with argument vectors (as git's builtins call each other):
 * sim (or a directory of traces) -> extract (filtered, labelled, both
 * bridges) -> the four combined datasets (type x intensity), with and
 * without the migration rows -> train + score every detector in both
 * protocols; then the library directly: evaluation (eval.h), figures
 * (plot.h) and one self-contained HTML report (report.c).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "experiment.h"
#include "migad/detector.h"
#include "migad/eval.h"
#include "migad/features.h"
#include "migad/plot.h"
#include "migad/sim.h"
#include "migad/table.h"

#define CMD "experiment"

static const char help_text[] =
    "usage: migad experiment [options]\n"
    "\n"
    "Run paper 1's evaluation end to end: simulate the 8 runs of the matrix (or\n"
    "read a directory of traces), extract labelled features of both bridges,\n"
    "build the four combined datasets (netscan/DoS x high/low, each the NM and\n"
    "AM runs), fit and score every detector on all rows and again without the\n"
    "migration rows, evaluate (AUC, TPR at 5 % FPR, with and without\n"
    "migration), draw the ROC pairs and anomaly-score graphs, and write one\n"
    "self-contained HTML report.\n"
    "\n"
    "  -o, --out DIR        output directory (default experiment-out)\n"
    "      --seed N         seed of the simulation (run i uses N + i)\n"
    "      --set KEY=VALUE  scenario key passed to migad sim (repeatable)\n"
    "      --detectors LIST detectors, comma-separated (default pca,kmeans,gmm,ae;\n"
    "                       also svm)\n"
    "      --train-args DET:ARGS\n"
    "                       more options of migad train for detector DET (or 'all'),\n"
    "                       split at spaces, e.g. 'pca:--select 3sigma --log1p'\n"
    "                       (repeatable; after the experiment's own: --features of\n"
    "                       paper 1, and --fit-rows normal or --init classes)\n"
    "      --bootstrap N    resamples of the AUC confidence intervals (default 1000;\n"
    "                       0 = none)\n"
    "      --fit ROWS       rows the unsupervised detectors (pca, kmeans, gmm) are\n"
    "                       fitted on: normal (default: gt = 0, attacks unseen) or\n"
    "                       all (paper 1 literally; kmeans then gets --init classes)\n"
    "      --scatter X,Y    features of the scatter plots (default packets,flows)\n"
    "      --traces DIR     use existing traces: DIR/runs.tsv in the layout migad\n"
    "                       sim writes, instead of simulating\n"
    "      --filter EXPR    BPF filter of the kept packets (default: drop the\n"
    "                       libvirtd and ssh traffic between the hosts); '' = none\n"
    "  -q, --quiet          no progress on standard error\n"
    "  -h, --help           show this help\n"
    "\n"
    "Writes DIR/report.html (open in any browser), DIR/summary.csv and the\n"
    "intermediate files: sim/, features/, datasets/, scores/, figures/.  The\n"
    "summary table is also printed on standard output.\n"
    "\n"
    "Exit status: 0 success, 1 runtime error, 2 usage error.  See migad-experiment(1).\n";

#define DEFAULT_FILTER \
    "not (host 10.10.0.1 and host 10.10.0.2 and (tcp port 16509 or tcp port 22))"
#define PAPER_FEATURES "packets,bytes,flows,h_srcip,h_dstip,h_sport,h_dport,h_pktsize"

enum {
    OPT_SEED = 256,
    OPT_SET,
    OPT_DETECTORS,
    OPT_TRAINARGS,
    OPT_BOOTSTRAP,
    OPT_SCATTER,
    OPT_FIT,
    OPT_TRACES,
    OPT_FILTER
};

/* ---- small helpers ------------------------------------------------------ */

void exp_text(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

/* snprintf into a PATH_LEN buffer; -1 (with a message) when it does not fit. */
static int mkpath(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int mkpath(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, EXP_PATH_LEN, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= EXP_PATH_LEN) {
        cli_error(CMD, "path too long");
        return -1;
    }
    return 0;
}

static int mkdir_p(const char *dir)
{
    char buf[EXP_PATH_LEN];
    exp_text(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int make_dir(const char *dir)
{
    if (mkdir_p(dir) != 0) {
        cli_error(CMD, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* An argument vector of copies (the commands may write into their strings). */
#define AV_MAX 64
#define AV_MAX_EXTRA 32 /* words of --train-args for one detector */

struct av {
    char *v[AV_MAX];
    char *own[AV_MAX];
    int n;
    int oom;
};

static void av_add(struct av *a, const char *s)
{
    if (a->n >= AV_MAX - 1) {
        a->oom = 1;
        return;
    }
    char *c = strdup(s);
    if (!c)
        a->oom = 1;
    a->own[a->n] = c;
    a->v[a->n++] = c;
    a->v[a->n] = NULL;
}

/*
 * Forget getopt's state.  The commands start with optind = 1, which glibc
 * takes as "go on": its pointer into the last option cluster would still
 * point into the previous command's (freed) arguments.  optind = 0 makes the
 * next call reinitialize; this one consumes it on an empty vector ("+":
 * options before operands, as every migad command parses).
 */
static void getopt_reset(void)
{
    static char name[] = "migad";
    char *v[] = { name, NULL };
    int saved = opterr;
    opterr = 0;
    optind = 0;
    (void)getopt(1, v, "+");
    opterr = saved;
    optind = 1;
}

static void av_free(struct av *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->own[i]);
    a->n = 0;
    a->oom = 0;
}

/* Run a subcommand on the vector, then free it; its exit status. */
static int av_run(struct av *a, int (*fn)(int, char **))
{
    int rc = EXIT_RUNTIME;
    if (a->oom)
        cli_error(CMD, "out of memory");
    else {
        getopt_reset();
        rc = fn(a->n, a->v);
        getopt_reset();
    }
    av_free(a);
    return rc;
}

int exp_unsupervised(const char *det)
{
    return strcmp(det, "pca") == 0 || strcmp(det, "kmeans") == 0 || strcmp(det, "gmm") == 0;
}

/* Shortest of %.15g..%.17g that reads back exactly (as migad eval prints). */
void exp_num(char out[32], double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
}

static void progress(const struct experiment *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void progress(const struct experiment *e, const char *fmt, ...)
{
    if (e->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "migad %s: [%5.1f s] ", CMD, (double)(cli_now_mono() - e->t0) / 1e9);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- options ------------------------------------------------------------ */

static int add_detector(struct experiment *e, const char *name, size_t len)
{
    for (size_t i = 0; i < migad_detector_count(); i++) {
        const char *d = migad_detector_name(i);
        if (strlen(d) == len && strncmp(d, name, len) == 0) {
            for (size_t k = 0; k < e->ndet; k++)
                if (strcmp(e->det[k], d) == 0) {
                    cli_error(CMD, "--detectors: '%s' given twice", d);
                    return -1;
                }
            if (e->ndet == EXP_MAX_DET) {
                cli_error(CMD, "--detectors: too many detectors");
                return -1;
            }
            e->det[e->ndet++] = d;
            return 0;
        }
    }
    cli_error(CMD, "--detectors: unknown detector '%.*s' (want pca, kmeans, gmm, svm or ae)",
              (int)len, name);
    return -1;
}

static int parse_detectors(struct experiment *e, const char *text)
{
    e->ndet = 0;
    for (const char *s = text;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (len == 0) {
            cli_error(CMD, "--detectors '%s': empty name", text);
            return -1;
        }
        if (add_detector(e, s, len) != 0)
            return -1;
        if (!comma)
            return 0;
        s = comma + 1;
    }
}

/* "X,Y": two feature names (checked against the datasets' columns later). */
static int parse_scatter(struct experiment *e, const char *text)
{
    const char *comma = strchr(text, ',');
    if (!comma || comma == text || !comma[1] || strchr(comma + 1, ',') ||
        (size_t)(comma - text) >= EXP_NAME_LEN || strlen(comma + 1) >= EXP_NAME_LEN) {
        cli_error(CMD, "--scatter '%s': want two feature names X,Y", text);
        return -1;
    }
    exp_text(e->scatter[0], EXP_NAME_LEN, "%.*s", (int)(comma - text), text);
    exp_text(e->scatter[1], EXP_NAME_LEN, "%s", comma + 1);
    /* the datasets hold the extended features (each a column of its own) */
    for (int i = 0; i < 2; i++) {
        enum migad_feature f;
        if (migad_feature_by_name(e->scatter[i], &f) != 0) {
            cli_error(CMD, "--scatter: '%s' is not a feature (see migad extract --list-features)",
                      e->scatter[i]);
            return -1;
        }
    }
    return 0;
}

/* The ARGS of --train-args DET:ARGS when DET is `det` or "all", else NULL. */
static const char *train_args_for(const char *targ, const char *det)
{
    const char *colon = strchr(targ, ':');
    size_t len = colon ? (size_t)(colon - targ) : 0;
    if (!colon)
        return NULL;
    if ((len == 3 && strncmp(targ, "all", 3) == 0) ||
        (strlen(det) == len && strncmp(targ, det, len) == 0))
        return colon + 1;
    return NULL;
}

/* Append the words of `args` (split at spaces and tabs) to the vector. */
static void av_add_words(struct av *a, const char *args)
{
    for (const char *s = args;;) {
        s += strspn(s, " \t");
        size_t len = strcspn(s, " \t");
        if (len == 0)
            return;
        char word[EXP_PATH_LEN];
        if (len >= sizeof word) {
            a->oom = 1;
            return;
        }
        memcpy(word, s, len);
        word[len] = '\0';
        av_add(a, word);
        s += len;
    }
}

/* Append every --train-args word meant for detector `det`, in order. */
static void av_add_train_args(struct av *a, const struct experiment *e, const char *det)
{
    for (size_t i = 0; i < e->ntargs; i++) {
        const char *args = train_args_for(e->targs[i], det);
        if (args)
            av_add_words(a, args);
    }
}

/* Every --train-args names a chosen detector (or all) and parses as options
 * of migad train: a mistake is reported now, not after the simulation. */
static int check_train_args(struct experiment *e)
{
    for (size_t i = 0; i < e->ntargs; i++) {
        const char *t = e->targs[i], *colon = strchr(t, ':');
        if (!colon || colon == t) {
            cli_error(CMD, "--train-args '%s': want DETECTOR:OPTIONS", t);
            return -1;
        }
        int used = 0;
        for (size_t k = 0; k < e->ndet; k++)
            used |= train_args_for(t, e->det[k]) != NULL;
        if (!used) {
            cli_error(CMD, "--train-args '%s': '%.*s' is not one of the detectors run", t,
                      (int)(colon - t), t);
            return -1;
        }
    }
    for (size_t k = 0; k < e->ndet; k++) {
        struct av a = { 0 };
        av_add(&a, "migad train");
        av_add_train_args(&a, e, e->det[k]);
        if (a.n == 1) {
            av_free(&a);
            continue;
        }
        char what[64];
        exp_text(what, sizeof what, "--train-args for %s", e->det[k]);
        if (a.oom || a.n - 1 > AV_MAX_EXTRA) {
            cli_error(CMD, "%s: too many words (at most %d)", what, AV_MAX_EXTRA);
            av_free(&a);
            return -1;
        }
        if (av_run(&a, cmd_train_check) != EXIT_OK) {
            cli_error(CMD, "%s: not valid options of migad train (see migad train --help)",
                      what);
            return -1;
        }
    }
    return 0;
}

/* 0, -1 after --help, or an exit status. */
static int parse_args(int argc, char **argv, struct experiment *e)
{
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' },
        { "seed", required_argument, NULL, OPT_SEED },
        { "set", required_argument, NULL, OPT_SET },
        { "detectors", required_argument, NULL, OPT_DETECTORS },
        { "train-args", required_argument, NULL, OPT_TRAINARGS },
        { "bootstrap", required_argument, NULL, OPT_BOOTSTRAP },
        { "scatter", required_argument, NULL, OPT_SCATTER },
        { "fit", required_argument, NULL, OPT_FIT },
        { "traces", required_argument, NULL, OPT_TRACES },
        { "filter", required_argument, NULL, OPT_FILTER },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char err[MIGAD_ERRBUF_SIZE];
    int c;
    const char *detectors = "pca,kmeans,gmm,ae", *scatter = "packets,flows";
    e->out = "experiment-out";
    e->bootstrap = 1000;
    e->filter = DEFAULT_FILTER;
    migad_scenario_default(&e->sc);
    optind = 1;
    while ((c = getopt_long(argc, argv, "+o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': e->out = optarg; break;
        case 'q': e->quiet = 1; break;
        case 'h': fputs(help_text, stdout); return -1;
        case OPT_SEED:
            if (migad_scenario_set(&e->sc, "seed", optarg, err) != MIGAD_OK) {
                cli_error(CMD, "--seed: %s", err);
                return EXIT_USAGE;
            }
            e->seed = optarg;
            break;
        case OPT_SET: {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg) {
                cli_error(CMD, "--set needs KEY=VALUE: '%s'", optarg);
                return EXIT_USAGE;
            }
            char key[128];
            if ((size_t)(eq - optarg) >= sizeof key) {
                cli_error(CMD, "--set '%s': key too long", optarg);
                return EXIT_USAGE;
            }
            memcpy(key, optarg, (size_t)(eq - optarg));
            key[eq - optarg] = '\0';
            if (migad_scenario_set(&e->sc, key, eq + 1, err) != MIGAD_OK) {
                cli_error(CMD, "--set %s", err);
                return EXIT_USAGE;
            }
            if (e->nsets == EXP_MAX_SETS) {
                cli_error(CMD, "too many --set options (at most %d)", EXP_MAX_SETS);
                return EXIT_USAGE;
            }
            e->sets[e->nsets++] = optarg;
            break;
        }
        case OPT_DETECTORS: detectors = optarg; break;
        case OPT_TRAINARGS:
            if (e->ntargs == EXP_MAX_TARGS) {
                cli_error(CMD, "too many --train-args options (at most %d)", EXP_MAX_TARGS);
                return EXIT_USAGE;
            }
            e->targs[e->ntargs++] = optarg;
            break;
        case OPT_BOOTSTRAP: {
            unsigned long long b;
            if (cli_parse_uint(optarg, 1000000, &b) != 0) {
                cli_error(CMD, "--bootstrap '%s': want 0 to 1000000 resamples", optarg);
                return EXIT_USAGE;
            }
            e->bootstrap = (unsigned)b;
            break;
        }
        case OPT_SCATTER: scatter = optarg; break;
        case OPT_FIT:
            if (strcmp(optarg, "normal") != 0 && strcmp(optarg, "all") != 0) {
                cli_error(CMD, "--fit '%s': want normal or all", optarg);
                return EXIT_USAGE;
            }
            e->fit_all = strcmp(optarg, "all") == 0;
            break;
        case OPT_TRACES: e->traces = optarg; break;
        case OPT_FILTER: e->filter = optarg; break;
        default:
            fprintf(stderr, "Try 'migad experiment --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (cli_operands(CMD, argc, argv, NULL) != 0)
        return EXIT_USAGE;
    if (e->traces && (e->seed || e->nsets)) {
        cli_error(CMD, "--seed and --set apply to the simulation, not to --traces");
        return EXIT_USAGE;
    }
    if (!*e->out) {
        cli_error(CMD, "-o: empty directory name");
        return EXIT_USAGE;
    }
    if (parse_detectors(e, detectors) != 0 || parse_scatter(e, scatter) != 0 ||
        check_train_args(e) != 0)
        return EXIT_USAGE;
    return 0;
}

/* ---- step 1: traces ----------------------------------------------------- */

static int simulate(struct experiment *e)
{
    char err[MIGAD_ERRBUF_SIZE];
    if (mkpath(e->tracedir, "%s/sim", e->out) != 0)
        return EXIT_RUNTIME;
    char path[EXP_PATH_LEN];
    if (mkpath(path, "%s/scenario.txt", e->out) != 0)
        return EXIT_RUNTIME;
    if (migad_scenario_write(&e->sc, path, err) != MIGAD_OK) {
        cli_error(CMD, "%s", err);
        return EXIT_RUNTIME;
    }
    progress(e, "step 1/6: migad sim: the paper's 8 runs -> %s", e->tracedir);
    struct av a = { 0 };
    av_add(&a, "migad sim");
    av_add(&a, "-o");
    av_add(&a, e->tracedir);
    if (e->quiet)
        av_add(&a, "-q");
    if (e->seed) {
        av_add(&a, "--seed");
        av_add(&a, e->seed);
    }
    for (size_t i = 0; i < e->nsets; i++) {
        av_add(&a, "--set");
        av_add(&a, e->sets[i]);
    }
    int rc = av_run(&a, cmd_sim);
    if (rc != EXIT_OK)
        cli_error(CMD, "the simulation failed");
    return rc == EXIT_OK ? EXIT_OK : EXIT_RUNTIME;
}

/* Split a line at tabs in place; the number of fields. */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *s = line; n < max;) {
        f[n++] = s;
        char *t = strchr(s, '\t');
        if (!t)
            break;
        *t = '\0';
        s = t + 1;
    }
    return n;
}

static int col_index(char **f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i], name) == 0)
            return (int)i;
    return -1;
}

static int set_text(char *dst, size_t size, const char *src, const char *what, const char *where)
{
    if (strlen(src) >= size) {
        cli_error(CMD, "%s: %s '%s' too long", where, what, src);
        return -1;
    }
    strcpy(dst, src);
    return 0;
}

/* A path of runs.tsv, relative to the traces directory unless absolute. */
static int trace_path(const struct experiment *e, char *dst, const char *p)
{
    return p[0] == '/' ? mkpath(dst, "%s", p) : mkpath(dst, "%s/%s", e->tracedir, p);
}

/* Group the runs into datasets: attack x intensity, NM runs before AM. */
static int group_runs(struct experiment *e)
{
    for (size_t r = 0; r < e->nruns; r++) {
        struct exp_run *run = &e->runs[r];
        char name[EXP_NAME_LEN];
        const char *a = strcmp(run->attack, "netscan") == 0 ? "ns" : run->attack;
        if (snprintf(name, sizeof name, "%s-%s", a, run->intensity) >= (int)sizeof name) {
            cli_error(CMD, "run %s: dataset name too long", run->name);
            return -1;
        }
        size_t d;
        for (d = 0; d < e->nsets_data && strcmp(e->data[d].name, name) != 0; d++)
            ;
        if (d == e->nsets_data) {
            if (d == EXP_MAX_DATA) {
                cli_error(CMD, "too many datasets (at most %d)", EXP_MAX_DATA);
                return -1;
            }
            memset(&e->data[d], 0, sizeof e->data[d]);
            strcpy(e->data[d].name, name);
            exp_text(e->data[d].attack, sizeof e->data[d].attack, "%s", run->attack);
            exp_text(e->data[d].intensity, sizeof e->data[d].intensity, "%s", run->intensity);
            e->nsets_data++;
        }
        struct exp_data *ds = &e->data[d];
        ds->runs[ds->nruns++] = r;
    }
    /* order: NM first, then AM, then anything else, stable */
    for (size_t d = 0; d < e->nsets_data; d++) {
        struct exp_data *ds = &e->data[d];
        size_t sorted[EXP_MAX_RUNS], k = 0;
        for (int pass = 0; pass < 3; pass++) {
            for (size_t i = 0; i < ds->nruns; i++) {
                const char *ov = e->runs[ds->runs[i]].overlap;
                int is_nm = strcasecmp(ov, "NM") == 0, is_am = strcasecmp(ov, "AM") == 0;
                int p = is_nm ? 0 : is_am ? 1 : 2;
                if (p == pass)
                    sorted[k++] = ds->runs[i];
            }
        }
        memcpy(ds->runs, sorted, k * sizeof sorted[0]);
        ds->am_run = ds->runs[ds->nruns - 1];
        for (size_t i = 0; i < ds->nruns; i++)
            if (strcasecmp(e->runs[ds->runs[i]].overlap, "AM") == 0)
                ds->am_run = ds->runs[i];
    }
    return 0;
}

static int read_runs(struct experiment *e)
{
    char path[EXP_PATH_LEN];
    struct stat sb;
    if (stat(e->tracedir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        cli_error(CMD, "--traces %s: %s", e->tracedir,
                  stat(e->tracedir, &sb) != 0 ? strerror(errno) : "not a directory");
        return EXIT_RUNTIME;
    }
    if (mkpath(path, "%s/runs.tsv", e->tracedir) != 0)
        return EXIT_RUNTIME;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        cli_error(CMD, "%s: cannot open: %s (want the run index migad sim writes)", path,
                  strerror(errno));
        return EXIT_RUNTIME;
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = EXIT_RUNTIME, lineno = 0;
    static const char *const need[7] = { "run", "attack", "intensity", "overlap",
                                         "mdout", "mdin", "groundtruth" };
    int ix[7], ixnode[2] = { -1, -1 }; /* optional: mdout_node, mdin_node */
    char *f[32];
    while (getline(&line, &cap, fp) >= 0) {
        lineno++;
        size_t n = split_tabs(line, f, 32);
        if (lineno == 1) {
            for (int k = 0; k < 7; k++) {
                ix[k] = col_index(f, n, need[k]);
                if (ix[k] < 0) {
                    cli_error(CMD, "%s: line 1: no column '%s'", path, need[k]);
                    goto out;
                }
            }
            ixnode[0] = col_index(f, n, "mdout_node");
            ixnode[1] = col_index(f, n, "mdin_node");
            continue;
        }
        if (n == 1 && f[0][0] == '\0')
            continue;
        for (int k = 0; k < 7; k++) {
            if (ix[k] >= (int)n || f[ix[k]][0] == '\0') {
                cli_error(CMD, "%s: line %d: no %s", path, lineno, need[k]);
                goto out;
            }
        }
        if (e->nruns == EXP_MAX_RUNS) {
            cli_error(CMD, "%s: more than %d runs", path, EXP_MAX_RUNS);
            goto out;
        }
        struct exp_run *r = &e->runs[e->nruns];
        memset(r, 0, sizeof *r);
        if (set_text(r->name, sizeof r->name, f[ix[0]], "run", path) ||
            set_text(r->attack, sizeof r->attack, f[ix[1]], "attack", path) ||
            set_text(r->intensity, sizeof r->intensity, f[ix[2]], "intensity", path) ||
            set_text(r->overlap, sizeof r->overlap, f[ix[3]], "overlap", path) ||
            trace_path(e, r->mdout, f[ix[4]]) || trace_path(e, r->mdin, f[ix[5]]) ||
            trace_path(e, r->gt, f[ix[6]]))
            goto out;
        if ((ixnode[0] >= 0 && ixnode[0] < (int)n &&
             set_text(r->mdout_node, sizeof r->mdout_node, f[ixnode[0]], "mdout_node", path)) ||
            (ixnode[1] >= 0 && ixnode[1] < (int)n &&
             set_text(r->mdin_node, sizeof r->mdin_node, f[ixnode[1]], "mdin_node", path)))
            goto out;
        if (strchr(r->name, '/') || strcmp(r->name, ".") == 0 || strcmp(r->name, "..") == 0) {
            cli_error(CMD, "%s: line %d: run name '%s' is not a file name", path, lineno,
                      r->name);
            goto out;
        }
        e->nruns++;
    }
    if (ferror(fp)) {
        cli_error(CMD, "%s: read error", path);
        goto out;
    }
    if (e->nruns == 0) {
        cli_error(CMD, "%s: no runs", path);
        goto out;
    }
    rc = group_runs(e) == 0 ? EXIT_OK : EXIT_RUNTIME;
out:
    free(line);
    fclose(fp);
    return rc;
}

/* ---- step 2: features --------------------------------------------------- */

/* migad extract of one trace into `out`, its bins labelled for `node`. */
static int extract_trace(const struct experiment *e, const struct exp_run *run,
                         const char *trace, const char *node, const char *out)
{
    struct av a = { 0 };
    av_add(&a, "migad extract");
    av_add(&a, "-q");
    av_add(&a, "-f");
    av_add(&a, "extended");
    av_add(&a, "-l");
    av_add(&a, run->gt);
    if (*node) {
        av_add(&a, "--node");
        av_add(&a, node);
    }
    av_add(&a, "-o");
    av_add(&a, out);
    av_add(&a, "-r");
    av_add(&a, trace);
    if (*e->filter)
        av_add(&a, e->filter);
    if (av_run(&a, cmd_extract) != EXIT_OK) {
        cli_error(CMD, "extracting the features of %s (run %s) failed", trace, run->name);
        return -1;
    }
    return 0;
}

/* Append the rows of CSV file `from` (not its header) to `to`; remove `from`. */
static int append_rows(const char *to, const char *from)
{
    FILE *in = fopen(from, "r"), *out = fopen(to, "a");
    int rc = -1, c, header = 1;
    if (!in || !out) {
        cli_error(CMD, "cannot open %s: %s", in ? to : from, strerror(errno));
        goto out;
    }
    while ((c = getc(in)) != EOF) {
        if (!header)
            putc(c, out);
        else if (c == '\n')
            header = 0;
    }
    rc = ferror(in) ? -1 : 0;
    if (rc != 0)
        cli_error(CMD, "%s: read error", from);
out:
    if (in)
        fclose(in);
    if (out && fclose(out) != 0 && rc == 0) {
        cli_error(CMD, "%s: write error", to);
        rc = -1;
    }
    remove(from);
    return rc;
}

/*
 * features/RUN.csv: the bins of the MDout trace, then the MDin trace's.
 * Each trace is labelled for its own node (runs.tsv's mdout_node and
 * mdin_node), so an attack whose ground truth names only the other node's
 * bridge (a flood of a VM there) is not an attack in this bridge's bins.
 */
static int extract(struct experiment *e)
{
    progress(e, "step 2/6: migad extract: features of %zu runs (both bridges) -> %s/features",
             e->nruns, e->out);
    for (size_t r = 0; r < e->nruns; r++) {
        struct exp_run *run = &e->runs[r];
        char out[EXP_PATH_LEN], tmp[EXP_PATH_LEN];
        if (mkpath(out, "%s/features/%s.csv", e->out, run->name) != 0 ||
            mkpath(tmp, "%s/features/%s.mdin.tmp", e->out, run->name) != 0)
            return EXIT_RUNTIME;
        if (extract_trace(e, run, run->mdout, run->mdout_node, out) != 0 ||
            extract_trace(e, run, run->mdin, run->mdin_node, tmp) != 0 ||
            append_rows(out, tmp) != 0)
            return EXIT_RUNTIME;
        progress(e, "  %s -> %s", run->name, out);
    }
    return EXIT_OK;
}

/* ---- step 3: datasets --------------------------------------------------- */

/* Write "RUN/" + line, inside the quotes when the trace field is quoted. */
static void put_prefixed(FILE *fp, const char *run, const char *line)
{
    if (line[0] == '"')
        fprintf(fp, "\"%s/%s", run, line + 1);
    else
        fprintf(fp, "%s/%s", run, line);
}

static int combine(struct experiment *e, struct exp_data *ds)
{
    char path[EXP_PATH_LEN], nomig[EXP_PATH_LEN], in[EXP_PATH_LEN];
    if (mkpath(path, "%s/datasets/%s.csv", e->out, ds->name) != 0 ||
        mkpath(nomig, "%s/datasets/%s-nomig.csv", e->out, ds->name) != 0)
        return EXIT_RUNTIME;
    FILE *out = fopen(path, "w"), *out2 = fopen(nomig, "w");
    char *line = NULL, *header = NULL;
    size_t cap = 0;
    int rc = EXIT_RUNTIME;
    if (!out || !out2) {
        cli_error(CMD, "cannot create %s: %s", out ? nomig : path, strerror(errno));
        goto done;
    }
    ds->rows = ds->rows_nomig = ds->attack_rows = 0;
    for (size_t i = 0; i < ds->nruns; i++) {
        const struct exp_run *run = &e->runs[ds->runs[i]];
        if (mkpath(in, "%s/features/%s.csv", e->out, run->name) != 0)
            goto done;
        FILE *fp = fopen(in, "r");
        if (!fp) {
            cli_error(CMD, "%s: cannot open: %s", in, strerror(errno));
            goto done;
        }
        int lineno = 0, gtcol = -1, bad = 0;
        ssize_t len;
        while (!bad && (len = getline(&line, &cap, fp)) >= 0) {
            lineno++;
            if (lineno == 1) {
                if (!header) {
                    header = strdup(line);
                    if (!header) {
                        cli_error(CMD, "out of memory");
                        bad = 1;
                        break;
                    }
                    const char *last = strrchr(line, ',');
                    if (!last || strncmp(last, ",imi", 4) != 0 ||
                        (last[4] != '\n' && last[4] != '\r' && last[4] != '\0')) {
                        cli_error(CMD, "%s: the last column is not imi (traces need ground "
                                       "truth)", in);
                        bad = 1;
                        break;
                    }
                    fputs(line, out);
                    fputs(line, out2);
                } else if (strcmp(header, line) != 0) {
                    cli_error(CMD, "%s: the header differs from the other runs'", in);
                    bad = 1;
                }
                /* index of gt: the column before imi */
                gtcol = 0;
                for (const char *s = line; *s; s++)
                    gtcol += *s == ',';
                gtcol -= 1;
                continue;
            }
            if (len <= 1)
                continue;
            put_prefixed(out, run->name, line);
            ds->rows++;
            const char *last = strrchr(line, ',');
            char *end;
            double imi = last ? strtod(last + 1, &end) : -1;
            if (imi == 0) {
                put_prefixed(out2, run->name, line);
                ds->rows_nomig++;
            }
            /* gt: field gtcol */
            const char *s = line;
            for (int k = 0; k < gtcol && s; k++) {
                s = strchr(s, ',');
                if (s)
                    s++;
            }
            if (s && strtod(s, NULL) == 1)
                ds->attack_rows++;
        }
        if (ferror(fp) && !bad) {
            cli_error(CMD, "%s: read error", in);
            bad = 1;
        }
        fclose(fp);
        if (bad)
            goto done;
    }
    rc = EXIT_OK;
done:
    free(line);
    free(header);
    if (out && fclose(out) != 0 && rc == EXIT_OK) {
        cli_error(CMD, "%s: write error", path);
        rc = EXIT_RUNTIME;
    }
    if (out2 && fclose(out2) != 0 && rc == EXIT_OK) {
        cli_error(CMD, "%s: write error", nomig);
        rc = EXIT_RUNTIME;
    }
    return rc;
}

static int datasets(struct experiment *e)
{
    progress(e, "step 3/6: %zu combined datasets, with and without the migration rows -> "
                "%s/datasets", e->nsets_data, e->out);
    for (size_t d = 0; d < e->nsets_data; d++) {
        if (combine(e, &e->data[d]) != EXIT_OK)
            return EXIT_RUNTIME;
        progress(e, "  %s: %zu rows (%zu attack), %zu without migration", e->data[d].name,
                 e->data[d].rows, e->data[d].attack_rows, e->data[d].rows_nomig);
    }
    return EXIT_OK;
}

/* ---- step 4: detectors -------------------------------------------------- */

static int fit_and_score(struct experiment *e)
{
    progress(e, "step 4/6: migad train + score: %zu detectors x %zu datasets x 2 protocols "
                "-> %s/scores", e->ndet, e->nsets_data, e->out);
    for (size_t d = 0; d < e->nsets_data; d++) {
        const struct exp_data *ds = &e->data[d];
        for (size_t k = 0; k < e->ndet; k++) {
            migad_ns t = cli_now_mono();
            for (int proto = 0; proto < 2; proto++) {
                char data[EXP_PATH_LEN], model[EXP_PATH_LEN], scores[EXP_PATH_LEN];
                const char *p = proto ? "without" : "with";
                if (mkpath(data, "%s/datasets/%s%s.csv", e->out, ds->name,
                           proto ? "-nomig" : "") != 0 ||
                    mkpath(model, "%s/scores/%s-%s-%s.model", e->out, ds->name, e->det[k], p) ||
                    mkpath(scores, "%s/scores/%s-%s-%s.csv", e->out, ds->name, e->det[k], p))
                    return EXIT_RUNTIME;
                struct av a = { 0 };
                av_add(&a, "migad train");
                av_add(&a, "-q");
                av_add(&a, "-d");
                av_add(&a, e->det[k]);
                if (!e->fit_all && exp_unsupervised(e->det[k])) {
                    av_add(&a, "--fit-rows");
                    av_add(&a, "normal");
                } else if (strcmp(e->det[k], "kmeans") == 0) {
                    av_add(&a, "--init");
                    av_add(&a, "classes");
                }
                av_add(&a, "--features");
                av_add(&a, PAPER_FEATURES);
                av_add_train_args(&a, e, e->det[k]);
                av_add(&a, "-i");
                av_add(&a, data);
                av_add(&a, "-o");
                av_add(&a, model);
                if (av_run(&a, cmd_train) != EXIT_OK) {
                    cli_error(CMD, "fitting %s on %s failed", e->det[k], data);
                    return EXIT_RUNTIME;
                }
                av_add(&a, "migad score");
                av_add(&a, "-q");
                av_add(&a, "-m");
                av_add(&a, model);
                av_add(&a, "-i");
                av_add(&a, data);
                av_add(&a, "-o");
                av_add(&a, scores);
                if (av_run(&a, cmd_score) != EXIT_OK) {
                    cli_error(CMD, "scoring %s with %s failed", data, model);
                    return EXIT_RUNTIME;
                }
            }
            progress(e, "  %s %s: both protocols (%.1f s)", ds->name, e->det[k],
                     (double)(cli_now_mono() - t) / 1e9);
        }
    }
    return EXIT_OK;
}

/* ---- steps 5 and 6: evaluation and figures ------------------------------ */

struct scores {
    struct migad_table t;
    double *score;
    int *gt, *alarm;
};

/* The alarm rates at the model's threshold on the normal rows of the
 * with-scores: under migration (imi > 0) and not (paper 1's false alarms
 * caused by migration, next to the ordinary ones). */
static void false_alarms(const struct scores *w, struct exp_cell *cell)
{
    size_t fa_mig = 0, fa_norm = 0;
    cell->n_mig_only = cell->n_normal = 0;
    for (size_t i = 0; i < w->t.nrows; i++) {
        if (w->gt[i])
            continue;
        if (w->t.imi && w->t.imi[i] > 0) {
            cell->n_mig_only++;
            fa_mig += w->alarm[i] != 0;
        } else {
            cell->n_normal++;
            fa_norm += w->alarm[i] != 0;
        }
    }
    cell->far_mig = cell->n_mig_only ? (double)fa_mig / (double)cell->n_mig_only : 0;
    cell->far_normal = cell->n_normal ? (double)fa_norm / (double)cell->n_normal : 0;
}

static void scores_release(struct scores *s)
{
    migad_table_release(&s->t);
    free(s->score);
    free(s->gt);
    free(s->alarm);
    memset(s, 0, sizeof *s);
}

static int scores_read(struct scores *s, const char *path, char *err)
{
    static const char *const cols[] = { "score", "alarm" };
    memset(s, 0, sizeof *s);
    if (migad_table_read(&s->t, path, cols, 2, err) != MIGAD_OK)
        return -1;
    if (!s->t.gt) {
        exp_text(err, MIGAD_ERRBUF_SIZE, "%s: no gt column", path);
        return -1;
    }
    size_t n = s->t.nrows;
    s->score = malloc(n * sizeof *s->score + 1);
    s->gt = malloc(n * sizeof *s->gt + 1);
    s->alarm = malloc(n * sizeof *s->alarm + 1);
    if (!s->score || !s->gt || !s->alarm) {
        exp_text(err, MIGAD_ERRBUF_SIZE, "%s: out of memory", path);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        s->score[i] = s->t.x[i * 2];
        s->alarm[i] = s->t.x[i * 2 + 1] != 0;
        if (s->t.gt[i] != 0 && s->t.gt[i] != 1) {
            exp_text(err, MIGAD_ERRBUF_SIZE, "%s: row %zu: gt is neither 0 nor 1", path, i + 1);
            return -1;
        }
        s->gt[i] = s->t.gt[i] == 1;
    }
    return 0;
}

enum { SVG_ROC, SVG_ASG, SVG_SCATTER };

static int write_svg_file(const char *path, int kind, const void *arg, const char *title,
                          char *err)
{
    FILE *fp = fopen(path, "w");
    if (!fp) {
        exp_text(err, MIGAD_ERRBUF_SIZE, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    migad_status st;
    if (kind == SVG_ROC)
        st = migad_plot_roc_svg(fp, title, arg, 2, err);
    else if (kind == SVG_ASG)
        st = migad_plot_asg_svg(fp, arg, err);
    else
        st = migad_plot_scatter_svg(fp, arg, err);
    int bad = fclose(fp) != 0;
    if (st == MIGAD_OK && bad) {
        exp_text(err, MIGAD_ERRBUF_SIZE, "%s: write error", path);
        return -1;
    }
    return st == MIGAD_OK ? 0 : -1;
}

/* The anomaly-score graph of the AM run's node A trace in the with-scores. */
static int draw_asg(const struct experiment *e, const struct exp_data *ds, const char *det,
                    const struct scores *w, struct exp_cell *cell, char *err)
{
    const struct exp_run *am = &e->runs[ds->am_run];
    char model[EXP_PATH_LEN], trace[EXP_NAME_LEN * 2 + 2];
    const char *base = strrchr(am->mdout, '/');
    base = base ? base + 1 : am->mdout;
    exp_text(trace, sizeof trace, "%s/%s", am->name, base);
    /* the trace name extract gives: base name without .gz and the capture extension */
    static const char *const exts[] = { ".gz", ".pcapng", ".pcap", ".cap", ".dump" };
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t n = strlen(trace), x = strlen(exts[i]);
        if (n > x && strcmp(trace + n - x, exts[i]) == 0)
            trace[n - x] = '\0';
    }
    exp_text(cell->asg_trace, sizeof cell->asg_trace, "%s", trace);
    size_t n = w->t.nrows, m = 0;
    double *score = malloc(n * sizeof *score + 1), *imi = malloc(n * sizeof *imi + 1);
    int *gt = malloc(n * sizeof *gt + 1), rc = -1;
    if (!score || !imi || !gt) {
        exp_text(err, MIGAD_ERRBUF_SIZE, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(migad_table_meta(&w->t, i, MIGAD_META_TRACE), trace) != 0)
            continue;
        score[m] = w->score[i];
        gt[m] = w->gt[i];
        imi[m] = w->t.imi ? w->t.imi[i] : 0;
        m++;
    }
    if (m == 0) {
        exp_text(err, MIGAD_ERRBUF_SIZE, "no rows of trace %s", trace);
        goto out;
    }
    struct migad_model *mod = NULL;
    if (mkpath(model, "%s/scores/%s-%s-with.model", e->out, ds->name, det) != 0)
        goto out;
    char title[256];
    exp_text(title, sizeof title, "%s, %s: anomaly score of %s", ds->name, det, trace);
    struct migad_plot_asg a = { .score = score, .gt = gt, .imi = imi, .n = m, .title = title,
                                .xlabel = "time bin (s)" };
    if (migad_model_load(model, &mod, err) == MIGAD_OK) {
        a.has_threshold = 1;
        a.threshold = migad_model_threshold(mod);
        cell->threshold = a.threshold;
        migad_model_free(mod);
    }
    if (mkpath(cell->asg_svg, "%s/figures/%s-%s-asg.svg", e->out, ds->name, det) != 0)
        goto out;
    rc = write_svg_file(cell->asg_svg, SVG_ASG, &a, NULL, err);
out:
    free(score);
    free(imi);
    free(gt);
    return rc;
}

static int evaluate_cell(const struct experiment *e, const struct exp_data *ds, const char *det,
                         struct exp_cell *cell)
{
    char pw[EXP_PATH_LEN], pwo[EXP_PATH_LEN], err[MIGAD_ERRBUF_SIZE];
    struct scores w = { 0 }, wo = { 0 };
    struct migad_eval_result rw = { 0 }, rwo = { 0 };
    struct migad_eval_opts o;
    migad_eval_opts_init(&o); /* FPRs 1 %, 5 %, 10 %: index 1 is 5 %; seed 1 */
    int rc = -1;
    if (mkpath(pw, "%s/scores/%s-%s-with.csv", e->out, ds->name, det) != 0 ||
        mkpath(pwo, "%s/scores/%s-%s-without.csv", e->out, ds->name, det) != 0)
        return -1;
    if (scores_read(&w, pw, err) != 0 || scores_read(&wo, pwo, err) != 0)
        goto out;
    if (migad_eval_run(&rwo, wo.score, wo.gt, wo.alarm, wo.t.nrows, &o, err) != MIGAD_OK)
        goto out;
    o.bootstrap = e->bootstrap; /* the interval of the with-protocol only */
    if (migad_eval_run(&rw, w.score, w.gt, w.alarm, w.t.nrows, &o, err) != MIGAD_OK)
        goto out;
    cell->auc_with = rw.auc;
    cell->auc_without = rwo.auc;
    cell->pauc_with = rw.pauc;
    cell->pauc_without = rwo.pauc;
    cell->has_ci = rw.has_ci;
    cell->auc_lo = rw.auc_lo;
    cell->auc_hi = rw.auc_hi;
    false_alarms(&w, cell);
    cell->tpr5_with = rw.tpr_at[1];
    cell->tpr5_without = rwo.tpr_at[1];
    char title[256];
    exp_text(title, sizeof title, "%s, %s: ROC with and without migration", ds->name, det);
    struct migad_plot_curve c[2] = { { "with migration", &rw.roc },
                                     { "without migration (refitted)", &rwo.roc } };
    if (mkpath(cell->roc_svg, "%s/figures/%s-%s-roc.svg", e->out, ds->name, det) != 0 ||
        write_svg_file(cell->roc_svg, SVG_ROC, c, title, err) != 0)
        goto out;
    if (draw_asg(e, ds, det, &w, cell, err) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        exp_text(cell->err, sizeof cell->err, "%s", err);
    cell->ok = rc == 0;
    migad_eval_result_release(&rw);
    migad_eval_result_release(&rwo);
    scores_release(&w);
    scores_release(&wo);
    return rc;
}

/*
 * Paper 1, Fig. 7: two features of the dataset's bins, normal vs attack,
 * without migration (the rows with imi = 0) and with it (every row, those
 * under migration drawn as their own class).
 */
static int draw_scatter(const struct experiment *e, struct exp_data *ds, char *err)
{
    char path[EXP_PATH_LEN];
    const char *cols[2] = { e->scatter[0], e->scatter[1] };
    struct migad_table t;
    exp_text(err, MIGAD_ERRBUF_SIZE, "cannot name the files");
    if (mkpath(path, "%s/datasets/%s.csv", e->out, ds->name) != 0)
        return -1;
    if (migad_table_read(&t, path, cols, 2, err) != MIGAD_OK)
        return -1;
    size_t n = t.nrows;
    double *x = malloc(n * sizeof *x + 1), *y = malloc(n * sizeof *y + 1);
    unsigned char *cls = malloc(n + 1);
    int rc = -1;
    if (!x || !y || !cls) {
        exp_text(err, MIGAD_ERRBUF_SIZE, "out of memory");
        goto out;
    }
    for (int mig = 0; mig < 2; mig++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (!mig && t.imi && t.imi[i] > 0)
                continue;
            x[m] = t.x[i * 2];
            y[m] = t.x[i * 2 + 1];
            cls[m++] = (unsigned char)migad_plot_row_class(&t, i);
        }
        char title[3 * EXP_NAME_LEN];
        exp_text(title, sizeof title, "%s: %s vs %s, %s migration", ds->name, cols[1], cols[0],
                 mig ? "with" : "without");
        /* log axes: traffic counts span decades (a migration stream, a flood) */
        struct migad_plot_scatter sc = { x, y, cls, m, title, cols[0], cols[1], 1, 1 };
        if (mkpath(ds->scatter_svg[mig], "%s/figures/%s-scatter-%s.svg", e->out, ds->name,
                   mig ? "with" : "without") != 0 ||
            write_svg_file(ds->scatter_svg[mig], SVG_SCATTER, &sc, NULL, err) != 0)
            goto out;
    }
    rc = 0;
out:
    free(x);
    free(y);
    free(cls);
    migad_table_release(&t);
    return rc;
}

static int evaluate(struct experiment *e)
{
    progress(e, "step 5/6: evaluation and figures -> %s/summary.csv, %s/figures", e->out,
             e->out);
    int bad = 0;
    for (size_t d = 0; d < e->nsets_data; d++) {
        struct exp_data *ds = &e->data[d];
        ds->scatter_ok = draw_scatter(e, ds, ds->scatter_err) == 0;
        if (!ds->scatter_ok) {
            cli_error(CMD, "%s: scatter plot: %s", ds->name, ds->scatter_err);
            bad = 1;
        }
        for (size_t k = 0; k < e->ndet; k++) {
            struct exp_cell *c = &e->cells[d][k];
            memset(c, 0, sizeof *c);
            if (evaluate_cell(e, &e->data[d], e->det[k], c) != 0) {
                cli_error(CMD, "%s %s: %s", e->data[d].name, e->det[k], c->err);
                bad = 1;
            }
        }
    }
    return bad ? EXIT_RUNTIME : EXIT_OK;
}

static int write_summary(const struct experiment *e)
{
    char path[EXP_PATH_LEN];
    if (mkpath(path, "%s/summary.csv", e->out) != 0)
        return EXIT_RUNTIME;
    FILE *fp = fopen(path, "w");
    if (!fp) {
        cli_error(CMD, "%s: cannot create: %s", path, strerror(errno));
        return EXIT_RUNTIME;
    }
    fputs("dataset,detector,auc_with,auc_without,auc_effect,tpr5_with,tpr5_without,"
          "pauc_with,pauc_without,auc_with_lo,auc_with_hi,migration_only_rows,far_migration,"
          "far_normal\n", fp);
    printf("%-9s %-7s %9s %9s %9s %9s %9s %9s %9s\n", "dataset", "detector", "AUC with",
           "without", "effect", "TPR5 with", "without", "FAR mig", "FAR norm");
    for (size_t d = 0; d < e->nsets_data; d++) {
        for (size_t k = 0; k < e->ndet; k++) {
            const struct exp_cell *c = &e->cells[d][k];
            if (!c->ok)
                continue;
            char v[12][32];
            const double nums[] = { c->auc_with, c->auc_without, c->auc_with - c->auc_without,
                                    c->tpr5_with, c->tpr5_without, c->pauc_with,
                                    c->pauc_without, c->auc_lo, c->auc_hi, 0,
                                    c->far_mig, c->far_normal };
            for (size_t i = 0; i < 12; i++)
                exp_num(v[i], nums[i]);
            if (!c->has_ci)
                v[7][0] = v[8][0] = '\0';
            exp_text(v[9], sizeof v[9], "%zu", c->n_mig_only);
            if (!c->n_mig_only)
                v[10][0] = '\0';
            fprintf(fp, "%s,%s", e->data[d].name, e->det[k]);
            for (size_t i = 0; i < 12; i++)
                fprintf(fp, ",%s", v[i]);
            fputc('\n', fp);
            double eff = c->auc_with - c->auc_without;
            if (fabs(eff) < 0.0005)
                eff = 0; /* no "-0.000" */
            printf("%-9s %-7s %9.3f %9.3f %+9.3f %9.3f %9.3f %9.3f %9.3f\n", e->data[d].name,
                   e->det[k], c->auc_with, c->auc_without, eff,
                   c->tpr5_with, c->tpr5_without, c->far_mig, c->far_normal);
        }
    }
    if (fclose(fp) != 0) {
        cli_error(CMD, "%s: write error", path);
        return EXIT_RUNTIME;
    }
    return cli_finish_stdout(CMD);
}

/* ---- the command -------------------------------------------------------- */

int cmd_experiment(int argc, char **argv)
{
    struct experiment *e = calloc(1, sizeof *e);
    if (!e) {
        cli_error(CMD, "out of memory");
        return EXIT_RUNTIME;
    }
    int rc = parse_args(argc, argv, e);
    if (rc != 0) {
        free(e);
        return rc < 0 ? cli_finish_stdout(CMD) : rc;
    }
    e->argc = argc;
    e->argv = argv;
    e->t0 = cli_now_mono();
    e->started = cli_now_wall();
    char dir[EXP_PATH_LEN];
    rc = EXIT_RUNTIME;
    if (make_dir(e->out) != 0)
        goto out;
    static const char *const subdirs[] = { "features", "datasets", "scores", "figures" };
    for (size_t i = 0; i < 4; i++)
        if (mkpath(dir, "%s/%s", e->out, subdirs[i]) != 0 || make_dir(dir) != 0)
            goto out;
    if (e->traces) {
        if (set_text(e->tracedir, sizeof e->tracedir, e->traces, "directory", "--traces") != 0)
            goto out;
        progress(e, "step 1/6: traces from %s", e->tracedir);
    } else if ((rc = simulate(e)) != EXIT_OK) {
        goto out;
    }
    if ((rc = read_runs(e)) != EXIT_OK || (rc = extract(e)) != EXIT_OK ||
        (rc = datasets(e)) != EXIT_OK || (rc = fit_and_score(e)) != EXIT_OK)
        goto out;
    int rc_eval = evaluate(e);
    rc = write_summary(e);
    progress(e, "step 6/6: report -> %s/report.html", e->out);
    if (rc == EXIT_OK)
        rc = exp_write_report(e);
    if (rc == EXIT_OK)
        rc = rc_eval;
    if (rc == EXIT_OK)
        progress(e, "done: open %s/report.html", e->out);
out:
    free(e);
    return rc;
}
