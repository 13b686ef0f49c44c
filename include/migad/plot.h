/*
 * Figures of the papers as self-contained SVG: the anomaly-score graph
 * (paper 1, Fig. 4), ROC charts with several curves (paper 1, Figs. 5-6;
 * paper 2, Figs. 8-9) and feature scatter plots (paper 1, Fig. 7).
 *
 * Every function writes one complete SVG document to a FILE* the caller
 * owns (it is neither closed nor flushed beyond what stdio does).  The
 * output uses no scripts, no external fonts or images (the generic
 * "sans-serif" family) and is deterministic: the same input gives the same
 * bytes, numbers are printed with a fixed number of decimals.  Long series
 * are one <polyline> (or one <path> per marker class), so thousands of bins
 * cost one element, not thousands.
 *
 * Nothing here prints to the terminal; a fallible call returns a status and
 * writes a one-line message into err.
 */
#ifndef MIGAD_PLOT_H
#define MIGAD_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "migad/eval.h"
#include "migad/migad.h"
#include "migad/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most tick values migad_plot_ticks() returns. */
#define MIGAD_PLOT_MAX_TICKS 32

/*
 * "Nice" axis ticks by the 1-2-5 rule: the step is 1, 2 or 5 times a power
 * of ten, the smallest such that [lo, hi] holds at most about `target`
 * intervals (target >= 1).  Ticks are the multiples of the step inside
 * [lo, hi] (tolerance 1e-9 step), written to ticks[] (at most max of them);
 * returns their number and the step in *step.  lo == hi is widened by 1 on
 * each side (or by half its magnitude); lo > hi or non-finite bounds give 0.
 */
size_t migad_plot_ticks(double lo, double hi, unsigned target, double *ticks, size_t max,
                        double *step);

/* [lo, hi] widened outwards to multiples of the 1-2-5 step for `target`. */
void migad_plot_nice_range(double *lo, double *hi, unsigned target);

/*
 * Anomaly-score graph: x = bin index 0..n-1 (the row order), y = score as a
 * polyline.  Bin i covers x in [i - 0.5, i + 0.5]; every run of consecutive
 * bins with gt[i] != 0 is one pink band (class "gt"), every run with
 * imi[i] > 0 one pale green band (class "imi"), drawn under the curve.
 * With has_threshold, the threshold is a dashed horizontal line.
 */
struct migad_plot_asg {
    const double *score;   /* n finite values */
    const int *gt;         /* n 0/1 values, or NULL */
    const double *imi;     /* n fractions, or NULL */
    size_t n;              /* >= 1 */
    int has_threshold;
    double threshold;
    const char *title;     /* NULL: "Anomaly score" */
    const char *xlabel;    /* NULL: "bin" */
    const char *ylabel;    /* NULL: "anomaly score" */
};
migad_status migad_plot_asg_svg(FILE *fp, const struct migad_plot_asg *a,
                                char err[MIGAD_ERRBUF_SIZE]);

/* One ROC curve: its points and a legend label; the AUC is appended. */
struct migad_plot_curve {
    const char *label;
    const struct migad_roc *roc;
};

/*
 * ROC chart: FPR 0..1 across, TPR 0..1 up, the diagonal as a dotted
 * reference, each curve in its own color and dash pattern (distinct in
 * black and white), legend "LABEL (AUC 0.xxx)" with migad_roc_auc().
 * 1 <= ncurves <= 8.
 */
migad_status migad_plot_roc_svg(FILE *fp, const char *title,
                                const struct migad_plot_curve *curves, size_t ncurves,
                                char err[MIGAD_ERRBUF_SIZE]);

/* Classes of scatter points, drawn in this order (attack on top). */
enum migad_plot_class {
    MIGAD_PLOT_NORMAL,     /* gt = 0, imi = 0: grey circles */
    MIGAD_PLOT_MIGRATION,  /* gt = 0, imi > 0: green squares */
    MIGAD_PLOT_ATTACK,     /* gt = 1: red triangles */
    MIGAD_PLOT_NCLASSES
};

/* The class of row i of a feature table: attack when gt > 0, else
 * migration when imi > 0, else normal (a missing column counts as 0). */
enum migad_plot_class migad_plot_row_class(const struct migad_table *t, size_t i);

/* Feature scatter: point i at (x[i], y[i]) with class cls[i]. */
struct migad_plot_scatter {
    const double *x, *y;   /* n finite values */
    const unsigned char *cls; /* n enum migad_plot_class values */
    size_t n;              /* >= 1 */
    const char *title, *xlabel, *ylabel; /* NULL: "Features", "x", "y" */
    int logx, logy;        /* log axis: v >= 0 drawn at log10(1 + v), ticks
                              at 0, 1, 10, 100, ... (traffic counts span decades) */
};
migad_status migad_plot_scatter_svg(FILE *fp, const struct migad_plot_scatter *s,
                                    char err[MIGAD_ERRBUF_SIZE]);

#ifdef __cplusplus
}
#endif

#endif
