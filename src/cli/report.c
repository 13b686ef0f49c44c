/*
 * The HTML report of migad experiment: one self-contained file (inline CSS,
 * the figures as inline SVG, no script, no network) with what is needed to
 * rerun the experiment, the summary table and every figure with a caption.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "experiment.h"

#define CMD "experiment"

static const char css[] =
    "body{font-family:sans-serif;color:#222;background:#fff;margin:0 auto;max-width:1180px;"
    "padding:16px 24px;line-height:1.4}\n"
    "h1{font-size:1.6em;margin:.4em 0}h2{border-bottom:1px solid #ccc;margin-top:1.6em}\n"
    "h3{margin-top:1.4em}\n"
    ".meta{color:#555}\n"
    "table{border-collapse:collapse;margin:.6em 0}\n"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#f0f0f0}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;font-family:monospace}\n"
    "td.neg{color:#b00020}td.pos{color:#006400}\n"
    "pre,code{font-family:monospace;background:#f6f6f6}\n"
    "pre{padding:8px;overflow-x:auto;white-space:pre-wrap;border:1px solid #e0e0e0}\n"
    ".pair{display:grid;grid-template-columns:2fr 3fr;gap:16px;align-items:start;"
    "margin-bottom:16px}\n"
    ".pair.even{grid-template-columns:1fr 1fr}\n"
    "@media (max-width:900px){.pair,.pair.even{grid-template-columns:1fr}}\n"
    "figure{margin:0}\n"
    "pre.scenario{columns:3 16em}\n"
    "figure svg{width:100%;height:auto;border:1px solid #ddd}\n"
    "figcaption{font-size:.9em;color:#333;margin-top:4px}\n"
    ".err{color:#b00020}\n"
    "@media print{figure{break-inside:avoid}}\n";

static void esc(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '&': fputs("&amp;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

/* A word for a POSIX shell: as is when safe, else in single quotes. */
static void shell_word(FILE *fp, const char *s)
{
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        "-_=.,/:+@%") == strlen(s)) {
        esc(fp, s);
        return;
    }
    fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", fp);
        else {
            char c[2] = { *s, 0 };
            esc(fp, c);
        }
    }
    fputc('\'', fp);
}

/* Copy a text file into the report, escaped; 0 or -1. */
static int copy_escaped(FILE *fp, const char *path)
{
    FILE *in = fopen(path, "r");
    if (!in)
        return -1;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf - 1, in)) > 0) {
        buf[n] = '\0';
        esc(fp, buf);
    }
    fclose(in);
    return 0;
}

/* Inline an SVG file without its XML declaration; 0 or -1. */
static int inline_svg(FILE *fp, const char *path)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        cli_error(CMD, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    int started = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, in)) >= 0) {
        if (!started) {
            char *s = strstr(line, "<svg");
            if (!s)
                continue;
            started = 1;
            fputs(s, fp);
        } else {
            fwrite(line, 1, (size_t)len, fp);
        }
    }
    free(line);
    int bad = ferror(in);
    fclose(in);
    if (bad || !started) {
        cli_error(CMD, "%s: %s", path, bad ? "read error" : "not an SVG document");
        return -1;
    }
    return 0;
}

static void num_cell(FILE *fp, double v, int sign)
{
    if (sign && fabs(v) < 0.0005) /* rounds to zero: no sign, no colour */
        fputs("<td class=\"n\">0.000</td>", fp);
    else if (sign)
        fprintf(fp, "<td class=\"n %s\">%+.3f</td>", v < 0 ? "neg" : "pos", v);
    else
        fprintf(fp, "<td class=\"n\">%.3f</td>", v);
}

static void kv(FILE *fp, const char *key)
{
    fprintf(fp, "<tr><th>%s</th><td>", key);
}

static void setup(FILE *fp, const struct experiment *e)
{
    fputs("<h2>Setup</h2>\n<p>To rerun this experiment (same seed and settings, same "
          "traces and numbers):</p>\n<pre>", fp);
    fputs("migad experiment", fp);
    for (int i = 1; i < e->argc; i++) {
        fputc(' ', fp);
        shell_word(fp, e->argv[i]);
    }
    fputs("</pre>\n<table>\n", fp);
    kv(fp, "migad version");
    fprintf(fp, "%s (built with ", migad_version());
#ifdef __VERSION__
    fputs("C compiler ", fp);
    esc(fp, __VERSION__);
#else
    fputs("an unknown compiler", fp);
#endif
    fputs(")</td></tr>\n", fp);
    kv(fp, "traces");
    if (e->traces) {
        fputs("read from <code>", fp);
        esc(fp, e->tracedir);
        fputs("</code> (its <code>runs.tsv</code>)</td></tr>\n", fp);
    } else {
        fputs("simulated by <code>migad sim</code> into <code>", fp);
        esc(fp, e->tracedir);
        fputs("</code>: paper 1's matrix, netscan and DoS, high and low intensity, the "
              "migration in the normal (NM) or the attack period (AM)</td></tr>\n", fp);
        kv(fp, "seed");
        fprintf(fp, "%llu (run <i>i</i> of the matrix, in the order of runs.tsv, uses seed + "
                    "<i>i</i>)</td></tr>\n", (unsigned long long)e->sc.seed);
    }
    kv(fp, "packet filter");
    if (*e->filter) {
        fputs("<code>", fp);
        esc(fp, e->filter);
        fputs("</code> (management traffic between the hosts dropped; the migration "
              "stream itself kept)", fp);
    } else {
        fputs("none", fp);
    }
    fputs("</td></tr>\n", fp);
    kv(fp, "features");
    fputs("1 s bins of both bridges (MDout: the source node's, MDin: the destination's), "
          "labelled from the ground truth (gt: attack, imi: fraction of the bin under "
          "migration); the detectors use paper 1's 8 features: <code>packets, bytes, flows, "
          "h_srcip, h_dstip, h_sport, h_dport, h_pktsize</code></td></tr>\n", fp);
    kv(fp, "detectors");
    for (size_t k = 0; k < e->ndet; k++) {
        fprintf(fp, "%s<code>%s</code>", k ? ", " : "", e->det[k]);
        if (!e->fit_all && exp_unsupervised(e->det[k]))
            fputs(" (<code>--fit-rows normal</code>)", fp);
        else if (strcmp(e->det[k], "kmeans") == 0)
            fputs(" (<code>--init classes</code>)", fp);
    }
    for (size_t i = 0; i < e->ntargs; i++) {
        fputs(i ? ", <code>" : "; with <code>--train-args ", fp);
        esc(fp, e->targs[i]);
        fputs("</code>", fp);
    }
    fputs("; otherwise the defaults of <code>migad train</code></td></tr>\n", fp);
    kv(fp, "protocols");
    fputs("<b>with migration</b>: fitted on the rows of the dataset and scored on all of "
          "them; <b>without migration</b>: the rows with imi &gt; 0 removed, fitted and scored "
          "again (paper 1's protocol). Effect = AUC with &#8722; AUC without. ", fp);
    if (e->fit_all)
        fputs("Every detector is fitted on all rows, attacks included (paper 1 as written, "
              "<code>--fit all</code>).", fp);
    else
        fputs("pca, kmeans and gmm are fitted on the normal rows (gt = 0, migration bins "
              "included) and never see an attack; ae trains on the normal rows itself; svm "
              "learns from both classes (<code>--fit all</code> fits on every row, as paper 1 "
              "is written).", fp);
    fputs("</td></tr>\n", fp);
    kv(fp, "metrics");
    fputs("AUC by the trapezoid rule over the ROC with one point per distinct score "
          "(scikit-learn's convention); TPR at 5 % FPR: the largest TPR among the ROC points "
          "with FPR &#8804; 5 % (docs/eval.md); partial AUC up to 10 % FPR, McClish-"
          "standardized; AUC interval: stratified bootstrap, ", fp);
    if (e->bootstrap)
        fprintf(fp, "%u resamples, seed 1, percentile 95 %%", e->bootstrap);
    else
        fputs("not computed (<code>--bootstrap 0</code>)", fp);
    fputs("; false alarms: rows over the model's threshold (set so that 1 % of the normal training "
          "rows exceed it, unless --fpr says otherwise) among the normal bins. The same numbers as "
          "<code>migad eval --format csv</code> on the score files.</td></tr>\n", fp);
    fputs("</table>\n", fp);
}

static void runs_table(FILE *fp, const struct experiment *e)
{
    fputs("<h3>Datasets</h3>\n<p>Each dataset joins the traces of both bridges of its runs "
          "(trace names prefixed with the run).</p>\n<table>\n<tr><th>dataset</th><th>attack"
          "</th><th>intensity</th><th>runs (overlap)</th><th>rows</th><th>attack rows</th>"
          "<th>rows without migration</th></tr>\n", fp);
    for (size_t d = 0; d < e->nsets_data; d++) {
        const struct exp_data *ds = &e->data[d];
        fputs("<tr><td>", fp);
        esc(fp, ds->name);
        fputs("</td><td>", fp);
        esc(fp, ds->attack);
        fputs("</td><td>", fp);
        esc(fp, ds->intensity);
        fputs("</td><td>", fp);
        for (size_t i = 0; i < ds->nruns; i++) {
            const struct exp_run *r = &e->runs[ds->runs[i]];
            if (i)
                fputs(", ", fp);
            esc(fp, r->name);
            fputs(" (", fp);
            esc(fp, r->overlap);
            fputc(')', fp);
        }
        fprintf(fp, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu"
                    "</td></tr>\n", ds->rows, ds->attack_rows, ds->rows_nomig);
    }
    fputs("</table>\n", fp);
}

/* A fraction as a percentage cell, or an empty cell when there were no rows. */
static void pct_cell(FILE *fp, double v, size_t rows)
{
    if (rows)
        fprintf(fp, "<td class=\"n\">%.1f %%</td>", 100 * v);
    else
        fputs("<td class=\"n\">&#8211;</td>", fp);
}

static void summary(FILE *fp, const struct experiment *e)
{
    fputs("<h2>Summary</h2>\n<p>Every detector on every dataset, with and without migration "
          "(also in <code>summary.csv</code>): AUC, its bootstrap 95 % interval, partial AUC "
          "up to 10 % FPR (McClish), TPR at 5 % FPR, and at the model's own alarm threshold "
          "the false-alarm rate on the normal bins under migration (<i>FA mig</i>) next to "
          "the one on the other normal bins (<i>FA normal</i>).</p>\n"
          "<table id=\"summary\">\n<tr><th rowspan=\"2\">dataset</th>"
          "<th rowspan=\"2\">detector</th><th colspan=\"4\">AUC</th>"
          "<th colspan=\"2\">pAUC (FPR &#8804; 10 %)</th><th colspan=\"2\">TPR at 5 % FPR</th>"
          "<th colspan=\"2\">false alarms (with)</th></tr>\n<tr><th>with</th><th>95 % CI</th>"
          "<th>without</th><th>effect</th><th>with</th><th>without</th><th>with</th>"
          "<th>without</th><th>FA mig</th><th>FA normal</th></tr>\n", fp);
    for (size_t d = 0; d < e->nsets_data; d++) {
        for (size_t k = 0; k < e->ndet; k++) {
            const struct exp_cell *c = &e->cells[d][k];
            fputs("<tr><td>", fp);
            esc(fp, e->data[d].name);
            fprintf(fp, "</td><td>%s</td>", e->det[k]);
            if (!c->ok) {
                fputs("<td colspan=\"10\" class=\"err\">not evaluated: ", fp);
                esc(fp, c->err);
                fputs("</td></tr>\n", fp);
                continue;
            }
            num_cell(fp, c->auc_with, 0);
            if (c->has_ci)
                fprintf(fp, "<td class=\"n ci\">%.3f&#8211;%.3f</td>", c->auc_lo, c->auc_hi);
            else
                fputs("<td class=\"n\">&#8211;</td>", fp);
            num_cell(fp, c->auc_without, 0);
            num_cell(fp, c->auc_with - c->auc_without, 1);
            num_cell(fp, c->pauc_with, 0);
            num_cell(fp, c->pauc_without, 0);
            num_cell(fp, c->tpr5_with, 0);
            num_cell(fp, c->tpr5_without, 0);
            pct_cell(fp, c->far_mig, c->n_mig_only);
            pct_cell(fp, c->far_normal, c->n_normal);
            fputs("</tr>\n", fp);
        }
    }
    fputs("</table>\n", fp);
}

/* The rows a detector was fitted on, for captions. */
static const char *fit_rows(const struct experiment *e, const char *det)
{
    if (strcmp(det, "ae") == 0 || (!e->fit_all && exp_unsupervised(det)))
        return "the normal rows";
    return "all rows";
}

static int figures(FILE *fp, const struct experiment *e)
{
    fputs("<h2>Figures</h2>\n<p>For each dataset and detector: the ROC curves with and "
          "without migration (paper 1, Figs. 5&#8211;6) and the anomaly score over the "
          "AM run's node A trace (paper 1, Fig. 4); before them, for each dataset, two "
          "features of its bins with and without migration (paper 1, Fig. 7). The SVG files "
          "are also in "
          "<code>figures/</code>.</p>\n", fp);
    int fig = 0;
    for (size_t d = 0; d < e->nsets_data; d++) {
        const struct exp_data *ds = &e->data[d];
        fputs("<h3>Dataset ", fp);
        esc(fp, ds->name);
        fputs("</h3>\n", fp);
        if (ds->scatter_ok) {
            fputs("<div class=\"pair even\">\n", fp);
            for (int mig = 0; mig < 2; mig++) {
                fputs("<figure>\n", fp);
                if (inline_svg(fp, ds->scatter_svg[mig]) != 0)
                    return -1;
                fprintf(fp, "<figcaption>Figure %d. <code>%s</code> against <code>%s</code> in "
                            "every 1 s bin of <b>", ++fig, e->scatter[1], e->scatter[0]);
                esc(fp, ds->name);
                fputs(mig ? "</b> with migration: all bins, those under migration (imi &gt; 0) "
                            "green (paper 1, Fig. 7b)."
                          : "</b> without migration: the bins with imi = 0 (paper 1, Fig. 7a).",
                      fp);
                fputs("</figcaption>\n</figure>\n", fp);
            }
            fputs("</div>\n", fp);
        } else {
            fputs("<p class=\"err\">no scatter plots: ", fp);
            esc(fp, ds->scatter_err);
            fputs("</p>\n", fp);
        }
        for (size_t k = 0; k < e->ndet; k++) {
            const struct exp_cell *c = &e->cells[d][k];
            if (!c->ok) {
                fprintf(fp, "<p class=\"err\">%s: no figures: ", e->det[k]);
                esc(fp, c->err);
                fputs("</p>\n", fp);
                continue;
            }
            fputs("<div class=\"pair\">\n<figure>\n", fp);
            if (inline_svg(fp, c->roc_svg) != 0)
                return -1;
            fprintf(fp, "<figcaption>Figure %d. ROC of <b>%s</b> on <b>", ++fig, e->det[k]);
            esc(fp, ds->name);
            fprintf(fp, "</b>: with migration (fitted on %s, scored on all rows, AUC %.3f) "
                        "and without (the rows with imi = 0 only, refitted, AUC %.3f); "
                        "TPR at 5 %% FPR %.3f and %.3f.</figcaption>\n</figure>\n<figure>\n",
                    fit_rows(e, e->det[k]), c->auc_with, c->auc_without, c->tpr5_with,
                    c->tpr5_without);
            if (inline_svg(fp, c->asg_svg) != 0)
                return -1;
            fprintf(fp, "<figcaption>Figure %d. Anomaly score of <b>%s</b> (fitted on %s "
                        "of <b>", ++fig, e->det[k], fit_rows(e, e->det[k]));
            esc(fp, ds->name);
            fputs("</b>) over the bins of trace <code>", fp);
            esc(fp, c->asg_trace);
            fprintf(fp, "</code>: attack bins (gt = 1) shaded pink, bins under migration "
                        "(imi &gt; 0) pale green, the model's alarm threshold (%.4g) "
                        "dashed.</figcaption>\n</figure>\n</div>\n", c->threshold);
        }
    }
    return 0;
}

int exp_write_report(const struct experiment *e)
{
    char path[EXP_PATH_LEN], tmp[EXP_PATH_LEN + 8];
    if (snprintf(path, sizeof path, "%s/report.html", e->out) >= (int)sizeof path) {
        cli_error(CMD, "path too long");
        return EXIT_RUNTIME;
    }
    exp_text(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    if (!fp) {
        cli_error(CMD, "%s: cannot create: %s", tmp, strerror(errno));
        return EXIT_RUNTIME;
    }
    char when[64] = "";
    time_t t = (time_t)(e->started / 1000000000);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
                "<meta name=\"generator\" content=\"migad %s\"/>\n"
                "<title>migad experiment: anomaly detection with and without live migration"
                "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
            migad_version(), css);
    fputs("<h1>Network anomaly detection with and without VM live migration</h1>\n", fp);
    fprintf(fp, "<p class=\"meta\">Report of <code>migad experiment</code>, migad %s, %s; "
                "%zu runs, %zu datasets, %zu detectors, %.1f s. Output directory <code>",
            migad_version(), when, e->nruns, e->nsets_data, e->ndet,
            (double)(cli_now_mono() - e->t0) / 1e9);
    esc(fp, e->out);
    fputs("</code>.</p>\n", fp);
    summary(fp, e);
    setup(fp, e);
    runs_table(fp, e);
    if (!e->traces) {
        char sc[EXP_PATH_LEN];
        exp_text(sc, sizeof sc, "%s/scenario.txt", e->out);
        fputs("<h3>Scenario</h3>\n<p>The base scenario (<code>scenario.txt</code>; each run's "
              "own, with its attack, intensity, migration start and seed, is in its "
              "directory and regenerates it with <code>migad sim --single -s</code>):</p>\n"
              "<pre class=\"scenario\">", fp);
        if (copy_escaped(fp, sc) != 0)
            fputs("(not readable)", fp);
        fputs("</pre>\n", fp);
    }
    int rc = figures(fp, e);
    fputs("</body>\n</html>\n", fp);
    int bad = ferror(fp);
    bad |= fclose(fp) != 0;
    if (rc != 0 || bad) {
        if (bad)
            cli_error(CMD, "%s: write error", tmp);
        remove(tmp);
        return EXIT_RUNTIME;
    }
    if (rename(tmp, path) != 0) {
        cli_error(CMD, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}
