/*
 * migad score: score the rows of a feature CSV with a model file.
 *
 * Writes one CSV row per input row: trace,segment,bin,start,score,alarm and,
 * when the input has them, gt and imi, copied from the input as they were.
 * Higher scores are more anomalous; alarm is 1 above the model's threshold.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "migad/dataset.h"
#include "migad/detector.h"
#include "migad/table.h"

#define CMD "score"

static const char help_text[] =
    "usage: migad score -m MODEL [options] [-i] FEATURES.csv\n"
    "       migad score -m MODEL --describe\n"
    "\n"
    "Score every row of a feature CSV with a model written by migad train.  The\n"
    "CSV must have the model's feature columns (other columns are ignored).\n"
    "Output: trace,segment,bin,start,score,alarm[,gt,imi], one row per input row;\n"
    "higher scores are more anomalous, alarm = 1 above the model's threshold.\n"
    "\n"
    "  -m, --model MODEL  model file\n"
    "  -i, --input FILE   rows to score; - = standard input\n"
    "  -o, --output FILE  write the scores to FILE (default standard output)\n"
    "      --describe     print the model's parameters and exit\n"
    "  -q, --quiet        no summary on standard error\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 success, 1 runtime error (unreadable, damaged or mismatched\n"
    "model or input, write error), 2 usage error.  See migad-score(1).\n";

enum { OPT_DESCRIBE = 256 };

struct opts {
    const char *model, *input, *output;
    int describe, quiet;
};

static int parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        { "model", required_argument, NULL, 'm' }, { "input", required_argument, NULL, 'i' },
        { "output", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' }, { "describe", no_argument, NULL, OPT_DESCRIBE },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+m:i:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': o->model = optarg; break;
        case 'i': o->input = optarg; break;
        case 'o': o->output = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h': fputs(help_text, stdout); return -1;
        case OPT_DESCRIBE: o->describe = 1; break;
        default:
            fprintf(stderr, "Try 'migad score --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (cli_operands(CMD, argc, argv, &o->input) != 0)
        return EXIT_USAGE;
    if (!o->model || (!o->input && !o->describe)) {
        cli_error(CMD, "need a model (-m MODEL) and an input (-i FILE)");
        return EXIT_USAGE;
    }
    return 0;
}

static void write_scores(FILE *fp, const struct migad_table *t, const double *scores,
                         const int *alarms)
{
    int labels[2] = { t->has_meta[MIGAD_META_GT], t->has_meta[MIGAD_META_IMI] };
    fputs("trace,segment,bin,start,score,alarm", fp);
    for (int i = 0; i < 2; i++)
        if (labels[i])
            fprintf(fp, ",%s", migad_meta_name(MIGAD_META_GT + i));
    fputc('\n', fp);
    for (size_t r = 0; r < t->nrows; r++) {
        for (int m = MIGAD_META_TRACE; m <= MIGAD_META_START; m++) {
            migad_csv_text(fp, migad_table_meta(t, r, (enum migad_meta)m));
            fputc(',', fp);
        }
        fprintf(fp, "%.17g,%d", scores[r], alarms[r]);
        for (int i = 0; i < 2; i++) {
            if (labels[i]) {
                fputc(',', fp);
                migad_csv_text(fp, migad_table_meta(t, r, (enum migad_meta)(MIGAD_META_GT + i)));
            }
        }
        fputc('\n', fp);
    }
}

/* Write to -o FILE (or stdout); EXIT_OK or EXIT_RUNTIME. */
static int output(const struct opts *o, const struct migad_table *t, const double *scores,
                  const int *alarms)
{
    if (!o->output || strcmp(o->output, "-") == 0) {
        write_scores(stdout, t, scores, alarms);
        return cli_finish_stdout(CMD);
    }
    FILE *fp = fopen(o->output, "w");
    if (!fp) {
        cli_error(CMD, "%s: cannot create: %s", o->output, strerror(errno));
        return EXIT_RUNTIME;
    }
    write_scores(fp, t, scores, alarms);
    int bad = ferror(fp);
    bad |= fclose(fp) != 0;
    if (bad) {
        cli_error(CMD, "%s: write error", o->output);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

static int score(const struct opts *o, const struct migad_model *m)
{
    char err[MIGAD_ERRBUF_SIZE];
    size_t d = migad_model_nfeatures(m);
    const char **names = malloc(d * sizeof *names);
    if (!names) {
        cli_error(CMD, "out of memory");
        return EXIT_RUNTIME;
    }
    for (size_t j = 0; j < d; j++)
        names[j] = migad_model_feature(m, j);
    struct migad_table t;
    migad_status st = migad_table_read(&t, o->input, names, d, err);
    free(names);
    if (st != MIGAD_OK) {
        cli_error(CMD, "%s (model %s)", err, o->model);
        return EXIT_RUNTIME;
    }
    double *scores = malloc(t.nrows * sizeof *scores);
    int *alarms = malloc(t.nrows * sizeof *alarms);
    int rc = EXIT_RUNTIME;
    if (!scores || !alarms)
        cli_error(CMD, "out of memory");
    else if (migad_model_score(m, &t, o->input, scores, alarms, err) != MIGAD_OK)
        cli_error(CMD, "%s", err);
    else
        rc = output(o, &t, scores, alarms);
    if (rc == EXIT_OK && !o->quiet) {
        size_t n = 0;
        for (size_t i = 0; i < t.nrows; i++)
            n += (size_t)alarms[i];
        fprintf(stderr, "migad %s: %zu rows scored, %zu alarms (threshold %.6g)\n", CMD,
                t.nrows, n, migad_model_threshold(m));
    }
    free(scores);
    free(alarms);
    migad_table_release(&t);
    return rc;
}

int cmd_score(int argc, char **argv)
{
    struct opts o = { 0 };
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? cli_finish_stdout(CMD) : rc;
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_model *m;
    if (migad_model_load(o.model, &m, err) != MIGAD_OK) {
        cli_error(CMD, "%s", err);
        return EXIT_RUNTIME;
    }
    if (o.describe) {
        migad_model_describe(m, stdout);
        rc = cli_finish_stdout(CMD);
    } else {
        rc = score(&o, m);
    }
    migad_model_free(m);
    return rc;
}
