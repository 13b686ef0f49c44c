/*
 * migad plot: the papers' figures as SVG, from the CSVs migad writes.
 *   asg      anomaly-score graph of a score CSV (paper 1, Fig. 4)
 *   roc      ROC with and without migration of a score CSV (Figs. 5-6)
 *   scatter  two features of a feature CSV, normal / attack / migration
 *            (paper 1, Fig. 7)
 * The ROC points come from include/migad/eval.h, the drawing from
 * include/migad/plot.h; this file reads the inputs and picks the rows.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "migad/eval.h"
#include "migad/plot.h"
#include "migad/table.h"

#define CMD "plot"

static const char help_text[] =
    "usage: migad plot asg     [options] -i SCORES.csv [-o OUT.svg]\n"
    "       migad plot roc     [options] -i SCORES.csv [-o OUT.svg]\n"
    "       migad plot scatter [options] -i FEATURES.csv -x NAME -y NAME [-o OUT.svg]\n"
    "\n"
    "Draw the papers' figures as self-contained SVG files.\n"
    "  asg      anomaly score over the bins (row order) of a score CSV written by\n"
    "           migad score; GT periods shaded pink, migration (imi > 0) pale green,\n"
    "           the operating threshold as a dashed line\n"
    "  roc      ROC curves of a score CSV on all rows (with migration) and on the\n"
    "           rows with imi = 0 (without), AUC in the legend\n"
    "  scatter  two feature columns of a CSV written by migad extract: normal,\n"
    "           attack (gt = 1) and migration (imi > 0, gt = 0) points\n"
    "\n"
    "  -i, --input FILE     input CSV; - = standard input (or as an argument)\n"
    "  -o, --output FILE    SVG to write (default: standard output)\n"
    "      --title TEXT     chart title\n"
    "      --trace NAME     asg: only the rows of this trace\n"
    "      --threshold X    asg: threshold line at X (default: the lowest score\n"
    "                       with alarm = 1, when the alarm column is a threshold)\n"
    "      --no-threshold   asg: no threshold line\n"
    "  -x, --x NAME         scatter: feature across\n"
    "  -y, --y NAME         scatter: feature up\n"
    "      --log AXES       scatter: x, y or xy on a log scale (log10(1 + v),\n"
    "                       ticks at 0, 1, 10, 100, ...; values must be >= 0)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 success, 1 runtime error (unreadable input, missing column,\n"
    "no rows, write error), 2 usage error.  See migad-plot(1).\n";

enum kind { K_ASG, K_ROC, K_SCATTER };
enum { OPT_TITLE = 256, OPT_TRACE, OPT_THRESHOLD, OPT_NOTHRESHOLD, OPT_LOG };

struct opts {
    enum kind kind;
    const char *input, *output, *title, *trace, *fx, *fy;
    int has_threshold, no_threshold;
    int logx, logy;        /* scatter: --log */
    double threshold;
    int out_regular;       /* the output is a regular file: removed on failure */
};

static int parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || end == text || *end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* 0 to go on, -1 after --help, else an exit code. */
static int parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        { "input", required_argument, NULL, 'i' },
        { "output", required_argument, NULL, 'o' },
        { "title", required_argument, NULL, OPT_TITLE },
        { "trace", required_argument, NULL, OPT_TRACE },
        { "threshold", required_argument, NULL, OPT_THRESHOLD },
        { "no-threshold", no_argument, NULL, OPT_NOTHRESHOLD },
        { "x", required_argument, NULL, 'x' },
        { "y", required_argument, NULL, 'y' },
        { "log", required_argument, NULL, OPT_LOG },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(help_text, stdout);
            return -1;
        }
    if (argc < 2) {
        cli_error(CMD, "missing the figure: asg, roc or scatter (see 'migad plot --help')");
        return EXIT_USAGE;
    }
    const char *what = argv[1];
    static char progname[32];
    if (strcmp(what, "asg") == 0)
        o->kind = K_ASG;
    else if (strcmp(what, "roc") == 0)
        o->kind = K_ROC;
    else if (strcmp(what, "scatter") == 0)
        o->kind = K_SCATTER;
    else {
        cli_error(CMD, "'%s' is not a figure: want asg, roc or scatter", what);
        return EXIT_USAGE;
    }
    snprintf(progname, sizeof progname, "migad plot %s", what);
    argv++;
    argc--;
    argv[0] = progname;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:o:x:y:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'i': o->input = optarg; break;
        case 'o': o->output = optarg; break;
        case 'x': o->fx = optarg; break;
        case 'y': o->fy = optarg; break;
        case OPT_TITLE: o->title = optarg; break;
        case OPT_TRACE: o->trace = optarg; break;
        case OPT_THRESHOLD:
            if (parse_double(optarg, &o->threshold) != 0) {
                cli_error(CMD, "--threshold '%s': not a number", optarg);
                return EXIT_USAGE;
            }
            o->has_threshold = 1;
            break;
        case OPT_NOTHRESHOLD: o->no_threshold = 1; break;
        case OPT_LOG:
            o->logx = strcmp(optarg, "x") == 0 || strcmp(optarg, "xy") == 0;
            o->logy = strcmp(optarg, "y") == 0 || strcmp(optarg, "xy") == 0;
            if (!o->logx && !o->logy) {
                cli_error(CMD, "--log '%s': want x, y or xy", optarg);
                return EXIT_USAGE;
            }
            break;
        default: return EXIT_USAGE; /* getopt printed why */
        }
    }
    if (optind < argc) {
        if (o->input || optind + 1 < argc) {
            cli_error(CMD, "one input only ('%s' is extra)", argv[o->input ? optind : optind + 1]);
            return EXIT_USAGE;
        }
        o->input = argv[optind];
    }
    if (!o->input) {
        cli_error(CMD, "missing the input CSV (-i FILE)");
        return EXIT_USAGE;
    }
    if (o->kind != K_ASG && (o->trace || o->has_threshold || o->no_threshold)) {
        cli_error(CMD, "--trace, --threshold and --no-threshold apply to asg only");
        return EXIT_USAGE;
    }
    if (o->has_threshold && o->no_threshold) {
        cli_error(CMD, "--threshold and --no-threshold exclude each other");
        return EXIT_USAGE;
    }
    if (o->kind == K_SCATTER && (!o->fx || !o->fy)) {
        cli_error(CMD, "scatter needs two features: -x NAME -y NAME");
        return EXIT_USAGE;
    }
    if (o->kind != K_SCATTER && (o->fx || o->fy || o->logx || o->logy)) {
        cli_error(CMD, "-x, -y and --log apply to scatter only");
        return EXIT_USAGE;
    }
    return 0;
}

/* Index of a feature column by name, or -1. */
static long column(const struct migad_table *t, const char *name)
{
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->names[j], name) == 0)
            return (long)j;
    return -1;
}

/* Open the output ("-" or NULL = standard output). */
static FILE *open_out(struct opts *o)
{
    if (!o->output || strcmp(o->output, "-") == 0)
        return stdout;
    FILE *fp = fopen(o->output, "w");
    if (!fp) {
        cli_error(CMD, "cannot write '%s': %s", o->output, strerror(errno));
        return NULL;
    }
    /* Never remove a device or a pipe (-o /dev/full) after a failure. */
    struct stat st;
    o->out_regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
    return fp;
}

/* Finish the output after a plot call; removes a partial file on failure. */
static int close_out(const struct opts *o, FILE *fp, migad_status st, const char *err)
{
    int to_file = fp != stdout;
    if (st != MIGAD_OK)
        cli_error(CMD, "%s%s%s", to_file ? o->output : "standard output", ": ", err);
    if (!to_file)
        return st == MIGAD_OK ? cli_finish_stdout(CMD) : EXIT_RUNTIME;
    int bad = st != MIGAD_OK;
    if (fclose(fp) != 0 && !bad) {
        cli_error(CMD, "%s: write error: %s", o->output, strerror(errno));
        bad = 1;
    }
    if (bad) {
        if (o->out_regular)
            remove(o->output);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

static int read_table(const struct opts *o, struct migad_table *t, const char *const *cols,
                      size_t ncols)
{
    char err[MIGAD_ERRBUF_SIZE];
    if (migad_table_read(t, o->input, cols, ncols, err) != MIGAD_OK) {
        cli_error(CMD, "%s", err);
        return EXIT_RUNTIME;
    }
    if (t->nrows == 0) {
        cli_error(CMD, "%s: no rows", o->input);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

static int to_bit(double v, int *out)
{
    if (v != 0 && v != 1)
        return -1;
    *out = v == 1;
    return 0;
}

static int plot_asg(struct opts *o, struct migad_table *t)
{
    long js = column(t, "score"), ja = column(t, "alarm");
    if (js < 0) {
        cli_error(CMD, "%s: no column named 'score' (want a CSV written by migad score)",
                  o->input);
        return EXIT_RUNTIME;
    }
    size_t n = t->nrows, m = 0;
    double *score = malloc(n * sizeof *score);
    double *imi = t->imi ? malloc(n * sizeof *imi) : NULL;
    int *gt = t->gt ? malloc(n * sizeof *gt) : NULL;
    int rc = EXIT_OK;
    if (!score || (t->imi && !imi) || (t->gt && !gt)) {
        cli_error(CMD, "out of memory (%zu rows)", n);
        rc = EXIT_RUNTIME;
        goto out;
    }
    /* Threshold from the alarm column: the lowest alarmed score, kept only
     * when every row at or above it is an alarm and no row below is. */
    double lo_alarm = INFINITY, hi_quiet = -INFINITY;
    size_t nalarm = 0;
    for (size_t i = 0; i < n; i++) {
        if (o->trace && strcmp(migad_table_meta(t, i, MIGAD_META_TRACE), o->trace) != 0)
            continue;
        score[m] = t->x[i * t->ncols + (size_t)js];
        if (gt && to_bit(t->gt[i], &gt[m]) != 0) {
            cli_error(CMD, "%s: row %zu: gt %g is neither 0 nor 1", o->input, i + 1, t->gt[i]);
            rc = EXIT_RUNTIME;
            goto out;
        }
        if (imi)
            imi[m] = t->imi[i];
        if (ja >= 0) {
            double a = t->x[i * t->ncols + (size_t)ja];
            if (a == 1) {
                lo_alarm = fmin(lo_alarm, score[m]);
                nalarm++;
            } else
                hi_quiet = fmax(hi_quiet, score[m]);
        }
        m++;
    }
    if (m == 0) {
        if (o->trace && !t->has_meta[MIGAD_META_TRACE])
            cli_error(CMD, "%s: no trace column, so no rows of trace '%s'", o->input, o->trace);
        else
            cli_error(CMD, "%s: no rows of trace '%s'", o->input, o->trace);
        rc = EXIT_RUNTIME;
        goto out;
    }
    char title[512];
    if (o->title)
        snprintf(title, sizeof title, "%s", o->title);
    else if (o->trace)
        snprintf(title, sizeof title, "Anomaly score: trace %s", o->trace);
    else
        snprintf(title, sizeof title, "Anomaly score: %s", o->input);
    struct migad_plot_asg a = { .score = score, .gt = gt, .imi = imi, .n = m, .title = title };
    if (o->has_threshold) {
        a.has_threshold = 1;
        a.threshold = o->threshold;
    } else if (!o->no_threshold && nalarm > 0 && hi_quiet < lo_alarm) {
        a.has_threshold = 1;
        a.threshold = lo_alarm;
    }
    FILE *fp = open_out(o);
    if (!fp) {
        rc = EXIT_RUNTIME;
        goto out;
    }
    char err[MIGAD_ERRBUF_SIZE];
    migad_status st = migad_plot_asg_svg(fp, &a, err);
    rc = close_out(o, fp, st, err);
out:
    free(score);
    free(imi);
    free(gt);
    return rc;
}

static int plot_roc(struct opts *o, struct migad_table *t)
{
    long js = column(t, "score");
    if (js < 0) {
        cli_error(CMD, "%s: no column named 'score' (want a CSV written by migad score)",
                  o->input);
        return EXIT_RUNTIME;
    }
    if (!t->gt) {
        cli_error(CMD, "%s: no gt column: a ROC needs labels (migad extract -l)", o->input);
        return EXIT_RUNTIME;
    }
    size_t n = t->nrows, m = 0;
    double *score = malloc(2 * n * sizeof *score);
    int *gt = malloc(2 * n * sizeof *gt);
    struct migad_roc with = { 0 }, without = { 0 };
    int rc = EXIT_OK;
    if (!score || !gt) {
        cli_error(CMD, "out of memory (%zu rows)", n);
        rc = EXIT_RUNTIME;
        goto out;
    }
    /* All rows in [0, n), the rows with imi = 0 in [n, n + m). */
    for (size_t i = 0; i < n; i++) {
        score[i] = t->x[i * t->ncols + (size_t)js];
        if (to_bit(t->gt[i], &gt[i]) != 0) {
            cli_error(CMD, "%s: row %zu: gt %g is neither 0 nor 1", o->input, i + 1, t->gt[i]);
            rc = EXIT_RUNTIME;
            goto out;
        }
        if (t->imi && t->imi[i] == 0) {
            score[n + m] = score[i];
            gt[n + m] = gt[i];
            m++;
        }
    }
    char err[MIGAD_ERRBUF_SIZE];
    if (migad_roc_compute(&with, score, gt, n, err) != MIGAD_OK) {
        cli_error(CMD, "%s: %s", o->input, err);
        rc = EXIT_RUNTIME;
        goto out;
    }
    struct migad_plot_curve curves[2] = { { "with migration", &with }, { NULL, NULL } };
    size_t nc = 1;
    if (!t->imi)
        cli_warn(CMD, "%s: no imi column: drawing the ROC of all rows only", o->input);
    else if (migad_roc_compute(&without, score + n, gt + n, m, err) != MIGAD_OK)
        cli_warn(CMD, "%s: no ROC without migration: %s", o->input, err);
    else
        curves[nc++] = (struct migad_plot_curve){ "without migration", &without };
    if (!t->imi)
        curves[0].label = "all rows";
    FILE *fp = open_out(o);
    if (!fp) {
        rc = EXIT_RUNTIME;
        goto out;
    }
    migad_status st = migad_plot_roc_svg(fp, o->title ? o->title : "ROC with and without migration",
                                         curves, nc, err);
    rc = close_out(o, fp, st, err);
out:
    migad_roc_release(&with);
    migad_roc_release(&without);
    free(score);
    free(gt);
    return rc;
}

static int plot_scatter(struct opts *o, struct migad_table *t)
{
    size_t n = t->nrows;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    unsigned char *cls = malloc(n);
    int rc = EXIT_OK;
    if (!x || !y || !cls) {
        cli_error(CMD, "out of memory (%zu rows)", n);
        rc = EXIT_RUNTIME;
        goto out;
    }
    if (!t->gt && !t->imi)
        cli_warn(CMD, "%s: no gt or imi column: every point is drawn as normal", o->input);
    for (size_t i = 0; i < n; i++) {
        x[i] = t->x[i * 2];
        y[i] = t->x[i * 2 + 1];
        cls[i] = (unsigned char)migad_plot_row_class(t, i);
    }
    char title[512];
    if (o->title)
        snprintf(title, sizeof title, "%s", o->title);
    else
        snprintf(title, sizeof title, "%s vs %s", o->fy, o->fx);
    struct migad_plot_scatter s = { x, y, cls, n, title, o->fx, o->fy, o->logx, o->logy };
    FILE *fp = open_out(o);
    if (!fp) {
        rc = EXIT_RUNTIME;
        goto out;
    }
    char err[MIGAD_ERRBUF_SIZE];
    migad_status st = migad_plot_scatter_svg(fp, &s, err);
    rc = close_out(o, fp, st, err);
out:
    free(x);
    free(y);
    free(cls);
    return rc;
}

int cmd_plot(int argc, char **argv)
{
    struct opts o = { 0 };
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? cli_finish_stdout(CMD) : rc;
    struct migad_table t = { 0 };
    if (o.kind == K_SCATTER) {
        const char *const cols[] = { o.fx, o.fy };
        rc = read_table(&o, &t, cols, 2);
    } else {
        rc = read_table(&o, &t, NULL, 0);
    }
    if (rc == EXIT_OK) {
        if (o.kind == K_ASG)
            rc = plot_asg(&o, &t);
        else if (o.kind == K_ROC)
            rc = plot_roc(&o, &t);
        else
            rc = plot_scatter(&o, &t);
    }
    migad_table_release(&t);
    return rc;
}
