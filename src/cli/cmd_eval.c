/*
 * migad eval: ROC, AUC, partial AUC, TPR at fixed FPRs and the metrics at
 * the best-F1 threshold and at the alarm column, of score CSVs written by
 * migad score (trace,segment,bin,start,score,alarm,gt[,imi]); with all rows
 * and without the migration rows (imi > 0), and their difference: paper 1's
 * protocol.  The numbers come from the library (include/migad/eval.h);
 * this file reads the inputs, groups the rows and prints.  docs/eval.md.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "migad/dataset.h"
#include "migad/eval.h"
#include "migad/table.h"

#define CMD "eval"
#define MAX_INPUTS 4096

static const char help_text[] =
    "usage: migad eval [options] [-i] SCORES.csv [MORE.csv ...]\n"
    "\n"
    "Evaluate anomaly scores written by migad score against their labels: ROC,\n"
    "AUC, partial AUC, TPR at fixed FPRs, precision, recall, accuracy, F1 and\n"
    "G-mean at the best-F1 threshold and at the alarm column; on all rows (with\n"
    "migration) and on the rows with imi = 0 (without), and the difference (the\n"
    "migration effect).  Inputs need score, alarm and gt columns; imi is optional.\n"
    "Several inputs are evaluated as one set of rows (or per file with --by file).\n"
    "\n"
    "  -i, --input FILE     a score CSV (repeatable); - = standard input\n"
    "      --by KEY         also evaluate each trace or each file on its own\n"
    "                       (KEY: trace or file)\n"
    "      --fpr LIST       FPR targets for TPR at FPR (default 0.01,0.05,0.1;\n"
    "                       a value may end in %: 5%)\n"
    "      --max-fpr X      bound of the partial AUC, in (0, 1] (default 0.1)\n"
    "      --bootstrap B    confidence interval of the AUC from B resamples\n"
    "                       (default 0: none)\n"
    "      --level X        confidence level of the interval (default 0.95)\n"
    "      --seed N         seed of the resampling (default 1)\n"
    "      --roc FILE       write the ROC points of all rows, with and without\n"
    "                       migration, as CSV: fpr,tpr,threshold,set\n"
    "      --format FMT     text (default), csv or json\n"
    "      --json           the same as --format json\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 success, 1 runtime error (unreadable input, no gt column,\n"
    "labels of one class only, write error), 2 usage error.  See migad-eval(1).\n";

enum { OPT_BY = 256, OPT_FPR, OPT_MAXFPR, OPT_BOOT, OPT_LEVEL, OPT_SEED, OPT_ROC, OPT_FORMAT,
       OPT_JSON };
enum fmt { FMT_TEXT, FMT_CSV, FMT_JSON };
enum by { BY_NONE, BY_TRACE, BY_FILE };

struct opts {
    const char *inputs[MAX_INPUTS];
    size_t ninputs;
    enum by by;
    enum fmt fmt;
    const char *roc;
    struct migad_eval_opts ev;
};

/* A number filling the whole text; 0 or -1. */
static int parse_double(const char *text, double *out, int allow_percent)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno == ERANGE || !isfinite(v))
        return -1;
    if (allow_percent && *end == '%') {
        v /= 100.0;
        end++;
    }
    if (*end)
        return -1;
    *out = v;
    return 0;
}

static int parse_fprs(const char *text, struct migad_eval_opts *ev)
{
    char buf[1024];
    if (strlen(text) >= sizeof buf)
        return -1;
    strcpy(buf, text);
    ev->nfprs = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        double v;
        if (ev->nfprs == MIGAD_EVAL_MAX_FPRS || parse_double(tok, &v, 1) != 0 || v < 0 || v > 1)
            return -1;
        ev->fprs[ev->nfprs++] = v;
    }
    return ev->nfprs ? 0 : -1;
}

static int add_input(struct opts *o, const char *path)
{
    if (o->ninputs == MAX_INPUTS) {
        cli_error(CMD, "more than %d inputs", MAX_INPUTS);
        return -1;
    }
    o->inputs[o->ninputs++] = path;
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        { "input", required_argument, NULL, 'i' }, { "by", required_argument, NULL, OPT_BY },
        { "fpr", required_argument, NULL, OPT_FPR },
        { "max-fpr", required_argument, NULL, OPT_MAXFPR },
        { "bootstrap", required_argument, NULL, OPT_BOOT },
        { "level", required_argument, NULL, OPT_LEVEL },
        { "seed", required_argument, NULL, OPT_SEED }, { "roc", required_argument, NULL, OPT_ROC },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "json", no_argument, NULL, OPT_JSON }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    unsigned long long u;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+i:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (add_input(o, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'h': fputs(help_text, stdout); return -1;
        case OPT_BY:
            if (strcmp(optarg, "trace") == 0)
                o->by = BY_TRACE;
            else if (strcmp(optarg, "file") == 0)
                o->by = BY_FILE;
            else {
                cli_error(CMD, "--by '%s': want trace or file", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_FPR:
            if (parse_fprs(optarg, &o->ev) != 0) {
                cli_error(CMD, "--fpr '%s': want up to %d comma-separated rates in [0, 1]",
                          optarg, MIGAD_EVAL_MAX_FPRS);
                return EXIT_USAGE;
            }
            break;
        case OPT_MAXFPR:
            if (parse_double(optarg, &o->ev.max_fpr, 1) != 0 || !(o->ev.max_fpr > 0) ||
                o->ev.max_fpr > 1) {
                cli_error(CMD, "--max-fpr '%s': want a rate in (0, 1]", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_BOOT:
            if (cli_parse_uint(optarg, 1000000, &u) != 0 || u == 1) {
                cli_error(CMD, "--bootstrap '%s': want 0 (none) or 2 to 1000000 resamples",
                          optarg);
                return EXIT_USAGE;
            }
            o->ev.bootstrap = (unsigned)u;
            break;
        case OPT_LEVEL:
            if (parse_double(optarg, &o->ev.level, 1) != 0 || !(o->ev.level > 0) ||
                !(o->ev.level < 1)) {
                cli_error(CMD, "--level '%s': want a confidence level in (0, 1)", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_SEED:
            if (cli_parse_uint(optarg, UINT64_MAX, &u) != 0) {
                cli_error(CMD, "--seed '%s': want a non-negative integer", optarg);
                return EXIT_USAGE;
            }
            o->ev.seed = u;
            break;
        case OPT_ROC: o->roc = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                o->fmt = FMT_TEXT;
            else if (strcmp(optarg, "csv") == 0)
                o->fmt = FMT_CSV;
            else if (strcmp(optarg, "json") == 0)
                o->fmt = FMT_JSON;
            else {
                cli_error(CMD, "--format '%s': want text, csv or json", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_JSON: o->fmt = FMT_JSON; break;
        default:
            fprintf(stderr, "Try 'migad eval --help'.\n");
            return EXIT_USAGE;
        }
    }
    for (; optind < argc; optind++)
        if (add_input(o, argv[optind]) != 0)
            return EXIT_USAGE;
    if (o->ninputs == 0) {
        cli_error(CMD, "need at least one score CSV (-i FILE), as written by migad score");
        return EXIT_USAGE;
    }
    size_t nstdin = 0;
    for (size_t i = 0; i < o->ninputs; i++)
        nstdin += strcmp(o->inputs[i], "-") == 0;
    if (nstdin > 1) {
        cli_error(CMD, "standard input (-) can be read only once");
        return EXIT_USAGE;
    }
    return 0;
}

/* All rows of all inputs, concatenated. */
struct rows {
    size_t n;
    double *score, *imi;
    int *gt, *alarm;
    size_t *file;          /* input index of each row */
    const char **trace;    /* trace name of each row (points into the tables) */
    int has_imi;           /* every input has an imi column */
    struct migad_table *tables;
    size_t ntables;
};

static void rows_release(struct rows *r)
{
    free(r->score);
    free(r->imi);
    free(r->gt);
    free(r->alarm);
    free(r->file);
    free(r->trace);
    for (size_t i = 0; i < r->ntables; i++)
        migad_table_release(&r->tables[i]);
    free(r->tables);
    memset(r, 0, sizeof *r);
}

/* A 0/1 label; 0 or -1. */
static int to_bit(double v, int *out)
{
    if (v != 0 && v != 1)
        return -1;
    *out = v == 1;
    return 0;
}

static int read_rows(const struct opts *o, struct rows *r)
{
    static const char *const cols[] = { "score", "alarm" };
    char err[MIGAD_ERRBUF_SIZE];
    r->tables = calloc(o->ninputs, sizeof *r->tables);
    if (!r->tables) {
        cli_error(CMD, "out of memory");
        return EXIT_RUNTIME;
    }
    r->has_imi = 1;
    size_t total = 0;
    for (size_t f = 0; f < o->ninputs; f++) {
        struct migad_table *t = &r->tables[f];
        if (migad_table_read(t, o->inputs[f], cols, 2, err) != MIGAD_OK) {
            cli_error(CMD, "%s%s", err,
                      strstr(err, "no column named") ? " (want the trace,segment,bin,start,"
                                                       "score,alarm,gt[,imi] columns migad "
                                                       "score writes)" : "");
            return EXIT_RUNTIME;
        }
        r->ntables = f + 1;
        if (!t->gt) {
            cli_error(CMD, "%s: no gt column: evaluation needs labels (score features "
                           "extracted with ground truth, migad extract -l)", o->inputs[f]);
            return EXIT_RUNTIME;
        }
        if (!t->imi)
            r->has_imi = 0;
        total += t->nrows;
    }
    r->score = malloc(total * sizeof *r->score + 1);
    r->imi = malloc(total * sizeof *r->imi + 1);
    r->gt = malloc(total * sizeof *r->gt + 1);
    r->alarm = malloc(total * sizeof *r->alarm + 1);
    r->file = malloc(total * sizeof *r->file + 1);
    r->trace = malloc(total * sizeof *r->trace + 1);
    if (!r->score || !r->imi || !r->gt || !r->alarm || !r->file || !r->trace) {
        cli_error(CMD, "out of memory (%zu rows)", total);
        return EXIT_RUNTIME;
    }
    size_t k = 0;
    for (size_t f = 0; f < o->ninputs; f++) {
        const struct migad_table *t = &r->tables[f];
        for (size_t i = 0; i < t->nrows; i++, k++) {
            r->score[k] = t->x[i * 2];
            if (to_bit(t->gt[i], &r->gt[k]) != 0) {
                cli_error(CMD, "%s: row %zu: gt %g is neither 0 nor 1", o->inputs[f], i + 1,
                          t->gt[i]);
                return EXIT_RUNTIME;
            }
            if (to_bit(t->x[i * 2 + 1], &r->alarm[k]) != 0) {
                cli_error(CMD, "%s: row %zu: alarm %g is neither 0 nor 1", o->inputs[f],
                          i + 1, t->x[i * 2 + 1]);
                return EXIT_RUNTIME;
            }
            r->imi[k] = t->imi ? t->imi[i] : 0.0;
            if (!(r->imi[k] >= 0 && r->imi[k] <= 1)) {
                cli_error(CMD, "%s: row %zu: imi %g is not a fraction in [0, 1]",
                          o->inputs[f], i + 1, r->imi[k]);
                return EXIT_RUNTIME;
            }
            r->file[k] = f;
            r->trace[k] = migad_table_meta(t, i, MIGAD_META_TRACE);
        }
    }
    r->n = total;
    return EXIT_OK;
}

/* One evaluated group of rows. */
struct group {
    char *name;            /* "all", a trace or a file name */
    const char *kind;      /* "all", "trace" or "file" */
    int ok;
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_eval_protocol p;
};

/* Evaluate the rows sel[0..m) into g. */
static int eval_group(const struct opts *o, const struct rows *r, const size_t *sel, size_t m,
                      struct group *g)
{
    double *s = malloc(m * sizeof *s + 1), *imi = malloc(m * sizeof *imi + 1);
    int *gt = malloc(m * sizeof *gt + 1), *al = malloc(m * sizeof *al + 1);
    int rc = EXIT_OK;
    if (!s || !imi || !gt || !al) {
        cli_error(CMD, "out of memory");
        rc = EXIT_RUNTIME;
        goto done;
    }
    for (size_t i = 0; i < m; i++) {
        s[i] = r->score[sel[i]];
        imi[i] = r->imi[sel[i]];
        gt[i] = r->gt[sel[i]];
        al[i] = r->alarm[sel[i]];
    }
    migad_status st;
    if (r->has_imi) {
        st = migad_eval_protocol_run(&g->p, s, gt, imi, al, m, &o->ev, g->err);
    } else {
        memset(&g->p, 0, sizeof g->p);
        st = migad_eval_run(&g->p.with, s, gt, al, m, &o->ev, g->err);
        snprintf(g->p.without_err, sizeof g->p.without_err,
                 "no imi column: the rows under migration are not known");
    }
    g->ok = st == MIGAD_OK;
    if (st == MIGAD_ENOMEM) {
        cli_error(CMD, "%s", g->err);
        rc = EXIT_RUNTIME;
    }
done:
    free(s);
    free(imi);
    free(gt);
    free(al);
    return rc;
}

/* --- output ----------------------------------------------------------- */

/*
 * A number as the shortest of %.15g, %.16g, %.17g that reads back as the
 * same double: exact for scripts, 0.05 rather than 0.050000000000000003.
 * Returned by value; the buffer lives until the end of the full expression.
 */
struct numtext {
    char s[32];
};

static struct numtext num(double v)
{
    struct numtext t;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(t.s, sizeof t.s, "%.*g", prec, v);
        if (strtod(t.s, NULL) == v)
            break;
    }
    return t;
}

static void json_op(FILE *fp, const struct migad_opmetrics *m)
{
    fputs("{", fp);
    if (m->has_threshold)
        fprintf(fp, "\"threshold\":%s,", num(m->threshold).s);
    fprintf(fp,
            "\"tp\":%zu,\"fp\":%zu,\"tn\":%zu,\"fn\":%zu,\"precision\":%s,\"recall\":%s,"
            "\"fpr\":%s,\"accuracy\":%s,\"f1\":%s,\"gmean\":%s}",
            m->tp, m->fp, m->tn, m->fn, num(m->precision).s, num(m->recall).s, num(m->fpr).s,
            num(m->accuracy).s, num(m->f1).s, num(m->gmean).s);
}

static void json_array(FILE *fp, const double *v, size_t n)
{
    fputc('[', fp);
    for (size_t j = 0; j < n; j++)
        fprintf(fp, "%s%s", j ? "," : "", num(v[j]).s);
    fputc(']', fp);
}

static void json_set(FILE *fp, const struct opts *o, const struct migad_eval_result *e)
{
    fprintf(fp, "{\"rows\":%zu,\"positives\":%zu,\"negatives\":%zu,\"auc\":%s,", e->n,
            e->npos, e->nneg, num(e->auc).s);
    if (e->has_ci)
        fprintf(fp, "\"auc_ci\":[%s,%s],", num(e->auc_lo).s, num(e->auc_hi).s);
    else
        fputs("\"auc_ci\":null,", fp);
    fprintf(fp, "\"pauc\":%s,\"tpr\":", num(e->pauc).s);
    json_array(fp, e->tpr_at, o->ev.nfprs);
    fputs(",\"tpr_interp\":", fp);
    json_array(fp, e->tpr_interp, o->ev.nfprs);
    fputs(",\"best_f1\":", fp);
    json_op(fp, &e->best_f1);
    fputs(",\"alarm\":", fp);
    json_op(fp, &e->alarm);
    fputc('}', fp);
}

static void write_json(FILE *fp, const struct opts *o, const struct group *g, size_t ng)
{
    fputs("{\"inputs\":[", fp);
    for (size_t i = 0; i < o->ninputs; i++) {
        if (i)
            fputc(',', fp);
        migad_json_text(fp, o->inputs[i]);
    }
    fputs("],\"fpr\":", fp);
    json_array(fp, o->ev.fprs, o->ev.nfprs);
    fprintf(fp, ",\"max_fpr\":%s,\"bootstrap\":%u,\"level\":%s,\"seed\":%llu,\"groups\":[",
            num(o->ev.max_fpr).s, o->ev.bootstrap, num(o->ev.level).s, (unsigned long long)o->ev.seed);
    for (size_t k = 0; k < ng; k++) {
        const struct group *x = &g[k];
        const struct migad_eval_protocol *p = &x->p;
        fprintf(fp, "%s\n{\"by\":\"%s\",\"group\":", k ? "," : "", x->kind);
        migad_json_text(fp, x->name);
        if (!x->ok) {
            fputs(",\"error\":", fp);
            migad_json_text(fp, x->err);
            fputc('}', fp);
            continue;
        }
        fputs(",\"with\":", fp);
        json_set(fp, o, &p->with);
        if (p->has_without) {
            fputs(",\"without\":", fp);
            json_set(fp, o, &p->without);
            fprintf(fp, ",\"effect\":{\"auc\":%s,\"pauc\":%s,\"tpr\":", num(p->d_auc).s,
                    num(p->d_pauc).s);
            json_array(fp, p->d_tpr_at, o->ev.nfprs);
            fputs(",\"tpr_interp\":", fp);
            json_array(fp, p->d_tpr_interp, o->ev.nfprs);
            fputc('}', fp);
        } else {
            fputs(",\"without\":null,\"without_error\":", fp);
            migad_json_text(fp, p->without_err);
            fputs(",\"effect\":null", fp);
        }
        fprintf(fp, ",\"migration_only\":{\"migration_rows\":%zu,\"rows\":%zu,\"alarms\":%zu,"
                    "\"far\":%s,\"over_best_f1\":%zu,\"far_best_f1\":%s}}",
                p->nmig, p->nmig_only, p->mig_only_alarms, num(p->mig_far).s,
                p->mig_only_over_f1, num(p->mig_far_f1).s);
    }
    fputs("\n]}\n", fp);
}

static void csv_op(FILE *fp, const struct migad_opmetrics *m)
{
    fprintf(fp, ",%s,%s,%s,%s,%s,%s", num(m->precision).s, num(m->recall).s, num(m->fpr).s,
            num(m->accuracy).s, num(m->f1).s, num(m->gmean).s);
}

static void csv_set(FILE *fp, const struct opts *o, const struct group *x, const char *set,
                    const struct migad_eval_result *e)
{
    fputs(x->kind, fp);
    fputc(',', fp);
    migad_csv_text(fp, x->name);
    fprintf(fp, ",%s,%zu,%zu,%zu,%s,", set, e->n, e->npos, e->nneg, num(e->auc).s);
    if (e->has_ci)
        fprintf(fp, "%s,%s", num(e->auc_lo).s, num(e->auc_hi).s);
    else
        fputc(',', fp);
    fprintf(fp, ",%s", num(e->pauc).s);
    for (size_t j = 0; j < o->ev.nfprs; j++)
        fprintf(fp, ",%s", num(e->tpr_at[j]).s);
    for (size_t j = 0; j < o->ev.nfprs; j++)
        fprintf(fp, ",%s", num(e->tpr_interp[j]).s);
    fprintf(fp, ",%s", num(e->best_f1.threshold).s);
    csv_op(fp, &e->best_f1);
    csv_op(fp, &e->alarm);
}

static void write_csv(FILE *fp, const struct opts *o, const struct group *g, size_t ng)
{
    static const char *const opcols = "precision,recall,fpr,accuracy,f1,gmean";
    fputs("by,group,set,rows,positives,negatives,auc,auc_lo,auc_hi,pauc", fp);
    for (size_t j = 0; j < o->ev.nfprs; j++)
        fprintf(fp, ",tpr_%g", o->ev.fprs[j]);
    for (size_t j = 0; j < o->ev.nfprs; j++)
        fprintf(fp, ",tpr_interp_%g", o->ev.fprs[j]);
    fputs(",f1_threshold", fp);
    /* best_f1_precision,... then alarm_precision,... */
    for (int pass = 0; pass < 2; pass++) {
        const char *c = opcols;
        while (*c) {
            const char *e = strchr(c, ',');
            size_t len = e ? (size_t)(e - c) : strlen(c);
            fprintf(fp, ",%s_%.*s", pass ? "alarm" : "best_f1", (int)len, c);
            c += len + (e ? 1 : 0);
        }
    }
    fputs(",migration_only_rows,migration_only_far,migration_only_far_best_f1\n", fp);
    size_t ncols_after_set = 7 + 2 * o->ev.nfprs + 1 + 12 + 3;
    for (size_t k = 0; k < ng; k++) {
        const struct group *x = &g[k];
        if (!x->ok)
            continue; /* reported on standard error */
        const struct migad_eval_protocol *p = &x->p;
        csv_set(fp, o, x, "with", &p->with);
        fprintf(fp, ",%zu,%s,%s\n", p->nmig_only, num(p->mig_far).s, num(p->mig_far_f1).s);
        if (!p->has_without)
            continue;
        csv_set(fp, o, x, "without", &p->without);
        fputs(",,,\n", fp);
        /* the effect: differences in the AUC, pAUC and TPR columns only */
        fputs(x->kind, fp);
        fputc(',', fp);
        migad_csv_text(fp, x->name);
        fprintf(fp, ",effect,,,,%s,,,%s", num(p->d_auc).s, num(p->d_pauc).s);
        for (size_t j = 0; j < o->ev.nfprs; j++)
            fprintf(fp, ",%s", num(p->d_tpr_at[j]).s);
        for (size_t j = 0; j < o->ev.nfprs; j++)
            fprintf(fp, ",%s", num(p->d_tpr_interp[j]).s);
        for (size_t j = 7 + 2 * o->ev.nfprs; j < ncols_after_set; j++)
            fputc(',', fp);
        fputc('\n', fp);
    }
}

/* "0.912" or "-" for the text table. */
static void text_row(FILE *fp, const char *label, const double *v, const int *have, int ncol,
                     int pct)
{
    fprintf(fp, "  %-30s", label);
    for (int c = 0; c < ncol; c++) {
        if (!have[c])
            fprintf(fp, " %12s", "-");
        else if (pct)
            fprintf(fp, " %11.2f%%", 100 * v[c]);
        else
            fprintf(fp, " %12.4f", v[c]);
    }
    fputc('\n', fp);
}

static void text_op(FILE *fp, const char *what, const struct migad_opmetrics *w,
                    const struct migad_opmetrics *wo, int has_wo)
{
    int have[2] = { 1, has_wo };
    char label[64];
    static const char *const names[] = { "precision", "recall (TPR)", "FPR", "accuracy", "F1",
                                         "G-mean" };
    for (int i = 0; i < 6; i++) {
        double v[2];
        const struct migad_opmetrics *m[2] = { w, wo };
        for (int c = 0; c < 2; c++) {
            const double vals[6] = { m[c]->precision, m[c]->recall, m[c]->fpr, m[c]->accuracy,
                                     m[c]->f1, m[c]->gmean };
            v[c] = vals[i];
        }
        snprintf(label, sizeof label, "%s %s", what, names[i]);
        text_row(fp, label, v, have, 2, 0);
    }
}

static void write_text(FILE *fp, const struct opts *o, const struct group *g, size_t ng)
{
    for (size_t k = 0; k < ng; k++) {
        const struct group *x = &g[k];
        if (k)
            fputc('\n', fp);
        if (strcmp(x->kind, "all") == 0)
            fprintf(fp, "all rows (%zu input%s)\n", o->ninputs, o->ninputs == 1 ? "" : "s");
        else
            fprintf(fp, "%s %s\n", x->kind, x->name);
        if (!x->ok) {
            fprintf(fp, "  cannot evaluate: %s\n", x->err);
            continue;
        }
        const struct migad_eval_protocol *p = &x->p;
        const struct migad_eval_result *w = &p->with, *wo = &p->without;
        int hw = p->has_without;
        fprintf(fp, "  %-30s %12s %12s %12s\n", "", "with migr.", "without", "effect");
        int h3[3] = { 1, hw, hw };
        double v[3];
        char label[64];
        fprintf(fp, "  %-30s %12zu", "rows", w->n);
        if (hw)
            fprintf(fp, " %12zu", wo->n);
        fputc('\n', fp);
        fprintf(fp, "  %-30s %12zu", "attack rows (gt = 1)", w->npos);
        if (hw)
            fprintf(fp, " %12zu", wo->npos);
        fputc('\n', fp);
        v[0] = w->auc, v[1] = wo->auc, v[2] = p->d_auc;
        text_row(fp, "AUC", v, h3, 3, 0);
        if (w->has_ci) {
            snprintf(label, sizeof label, "AUC %g%% CI (%u resamples)", 100 * o->ev.level,
                     o->ev.bootstrap);
            fprintf(fp, "  %-30s  [%.4f, %.4f]", label, w->auc_lo, w->auc_hi);
            if (hw && wo->has_ci)
                fprintf(fp, "  [%.4f, %.4f]", wo->auc_lo, wo->auc_hi);
            fputc('\n', fp);
        }
        snprintf(label, sizeof label, "partial AUC (FPR <= %g)", o->ev.max_fpr);
        v[0] = w->pauc, v[1] = wo->pauc, v[2] = p->d_pauc;
        text_row(fp, label, v, h3, 3, 0);
        for (size_t j = 0; j < o->ev.nfprs; j++) {
            snprintf(label, sizeof label, "TPR at FPR <= %g%%", 100 * o->ev.fprs[j]);
            v[0] = w->tpr_at[j], v[1] = wo->tpr_at[j], v[2] = p->d_tpr_at[j];
            text_row(fp, label, v, h3, 3, 1);
            snprintf(label, sizeof label, "  interpolated at %g%%", 100 * o->ev.fprs[j]);
            v[0] = w->tpr_interp[j], v[1] = wo->tpr_interp[j], v[2] = p->d_tpr_interp[j];
            text_row(fp, label, v, h3, 3, 1);
        }
        fprintf(fp, "  %-30s %12.6g", "best-F1 threshold", w->best_f1.threshold);
        if (hw)
            fprintf(fp, " %12.6g", wo->best_f1.threshold);
        fputc('\n', fp);
        text_op(fp, "best-F1", &w->best_f1, &wo->best_f1, hw);
        text_op(fp, "alarm", &w->alarm, &wo->alarm, hw);
        if (!hw)
            fprintf(fp, "  without migration: %s\n", p->without_err);
        else if (p->nmig == 0)
            fprintf(fp, "  no row under migration (imi > 0)\n");
        if (p->nmig_only)
            fprintf(fp, "  migration-only rows (imi > 0, gt = 0): %zu; alarms %zu (%.2f%%), "
                        "over the best-F1 threshold %zu (%.2f%%)\n",
                    p->nmig_only, p->mig_only_alarms, 100 * p->mig_far, p->mig_only_over_f1,
                    100 * p->mig_far_f1);
    }
}

static void roc_rows(FILE *fp, const struct migad_roc *roc, const char *set)
{
    for (size_t i = 0; i < roc->npoints; i++) {
        fprintf(fp, "%s,%s,", num(roc->fpr[i]).s, num(roc->tpr[i]).s);
        if (isinf(roc->threshold[i]))
            fputs("inf", fp);
        else
            fputs(num(roc->threshold[i]).s, fp);
        fprintf(fp, ",%s\n", set);
    }
}

static int write_roc(const char *path, const struct group *all)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!fp) {
        cli_error(CMD, "%s: cannot create: %s", path, strerror(errno));
        return EXIT_RUNTIME;
    }
    fputs("fpr,tpr,threshold,set\n", fp);
    roc_rows(fp, &all->p.with.roc, "with");
    if (all->p.has_without)
        roc_rows(fp, &all->p.without.roc, "without");
    if (fp == stdout)
        return EXIT_OK;
    int bad = ferror(fp);
    bad |= fclose(fp) != 0;
    if (bad) {
        cli_error(CMD, "%s: write error", path);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* Build the groups: one per trace or file (in order of appearance), then all. */
static int run(const struct opts *o, const struct rows *r, struct group **out, size_t *nout)
{
    size_t *sel = malloc(r->n * sizeof *sel + 1);
    size_t *gid = malloc(r->n * sizeof *gid + 1);
    const char **keys = malloc(r->n * sizeof *keys + 1);
    struct group *g = NULL;
    size_t nkeys = 0;
    int rc = EXIT_RUNTIME;
    if (!sel || !gid || !keys)
        goto oom;
    if (o->by != BY_NONE) {
        for (size_t i = 0; i < r->n; i++) {
            const char *key = o->by == BY_TRACE ? r->trace[i] : o->inputs[r->file[i]];
            size_t k = nkeys;
            if (i > 0 && strcmp(key, keys[gid[i - 1]]) == 0)
                k = gid[i - 1];
            else
                for (k = 0; k < nkeys && strcmp(keys[k], key) != 0; k++)
                    ;
            if (k == nkeys)
                keys[nkeys++] = key;
            gid[i] = k;
        }
    }
    g = calloc(nkeys + 1, sizeof *g);
    if (!g)
        goto oom;
    *out = g;
    for (size_t k = 0; k <= nkeys; k++) {
        g[k].kind = k == nkeys ? "all" : o->by == BY_TRACE ? "trace" : "file";
        g[k].name = strdup(k == nkeys ? "all" : keys[k]);
        if (!g[k].name)
            goto oom;
        *nout = k + 1;
        size_t m = 0;
        for (size_t i = 0; i < r->n; i++)
            if (k == nkeys || gid[i] == k)
                sel[m++] = i;
        if (eval_group(o, r, sel, m, &g[k]) != EXIT_OK)
            goto out;
        if (!g[k].ok && k < nkeys)
            cli_warn(CMD, "%s %s: %s", g[k].kind, g[k].name, g[k].err);
    }
    if (!g[nkeys].ok) {
        cli_error(CMD, "%s%s: %s", o->inputs[0], o->ninputs > 1 ? " and the other inputs" : "",
                  g[nkeys].err);
        goto out;
    }
    rc = EXIT_OK;
    goto out;
oom:
    cli_error(CMD, "out of memory");
out:
    free(sel);
    free(gid);
    free(keys);
    return rc;
}

int cmd_eval(int argc, char **argv)
{
    struct opts *o = calloc(1, sizeof *o);
    if (!o) {
        cli_error(CMD, "out of memory");
        return EXIT_RUNTIME;
    }
    migad_eval_opts_init(&o->ev);
    int rc = parse_args(argc, argv, o);
    if (rc != 0) {
        free(o);
        return rc < 0 ? cli_finish_stdout(CMD) : rc;
    }
    struct rows r = { 0 };
    struct group *g = NULL;
    size_t ng = 0;
    rc = read_rows(o, &r);
    if (rc == EXIT_OK)
        rc = run(o, &r, &g, &ng);
    if (rc == EXIT_OK && o->roc)
        rc = write_roc(o->roc, &g[ng - 1]);
    if (rc == EXIT_OK) {
        if (o->fmt == FMT_JSON)
            write_json(stdout, o, g, ng);
        else if (o->fmt == FMT_CSV)
            write_csv(stdout, o, g, ng);
        else
            write_text(stdout, o, g, ng);
        rc = cli_finish_stdout(CMD);
    }
    for (size_t k = 0; k < ng; k++) {
        free(g[k].name);
        migad_eval_protocol_release(&g[k].p);
    }
    free(g);
    rows_release(&r);
    free(o);
    return rc;
}
