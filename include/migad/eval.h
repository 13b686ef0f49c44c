/*
 * Evaluation of anomaly scores against labels: ROC, AUC, partial AUC, TPR at
 * fixed FPRs, metrics at an operating point, bootstrap confidence interval,
 * and paper 1's protocol (with vs without migration rows).  docs/eval.md
 * defines every number exactly.
 *
 * Conventions (those of scikit-learn's roc_curve / roc_auc_score):
 *  - a row is predicted positive when score >= threshold;
 *  - the ROC has one point per distinct score (ties grouped), preceded by
 *    (0, 0) whose threshold is +infinity (scikit-learn >= 1.3; 1.2 used
 *    max score + 1); thresholds descend, FPR and TPR never decrease; no
 *    point is dropped (drop_intermediate=False);
 *  - AUC is the trapezoid rule over those points.
 *
 * Plain structs with init/release; nothing here prints.  Every fallible
 * call returns a status and writes a one-line message into err.
 */
#ifndef MIGAD_EVAL_H
#define MIGAD_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "migad/migad.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most fixed FPR targets one evaluation reports. */
#define MIGAD_EVAL_MAX_FPRS 16

/* A ROC curve: npoints points, point 0 is (0, 0) at threshold +inf. */
struct migad_roc {
    size_t npoints;
    double *fpr, *tpr;     /* fractions in [0, 1], non-decreasing */
    double *threshold;     /* descending; threshold[0] = +inf */
    size_t *tp, *fp;       /* counts of rows with score >= threshold */
    size_t npos, nneg;     /* rows with label 1 and 0 */
};

/*
 * The ROC of n (score, label) pairs; label[i] is 0 or 1.  Fails (EINVAL,
 * message in err) on no rows, a NaN or infinite score, a label other than 0
 * or 1, or when only one class is present.  On failure *roc is left empty.
 */
migad_status migad_roc_compute(struct migad_roc *roc, const double *score, const int *label,
                               size_t n, char err[MIGAD_ERRBUF_SIZE]);

/* Free the arrays; accepts an empty (zeroed) or released curve. */
void migad_roc_release(struct migad_roc *roc);

/* Area under the whole curve (trapezoid rule), in [0, 1]. */
double migad_roc_auc(const struct migad_roc *roc);

/*
 * Partial AUC up to max_fpr in (0, 1], McClish-standardized as
 * roc_auc_score(max_fpr=...): 0.5 * (1 + (A - m^2/2) / (m - m^2/2)), A the
 * area under the curve up to FPR m (the curve interpolated linearly at m).
 * max_fpr = 1 gives the plain AUC.  EINVAL outside (0, 1].
 */
migad_status migad_roc_pauc(const struct migad_roc *roc, double max_fpr, double *out,
                            char err[MIGAD_ERRBUF_SIZE]);

/*
 * TPR at a target FPR in [0, 1].  Step rule (the one reported as "TPR at
 * x % FPR"): the largest TPR among the ROC points with FPR <= target, i.e.
 * the best detection any real threshold achieves without exceeding the
 * target.  Interpolated: the curve linearly interpolated at the target (as
 * numpy.interp, the value roc_auc_score's max_fpr uses).
 */
double migad_roc_tpr_at(const struct migad_roc *roc, double target_fpr);
double migad_roc_tpr_interp(const struct migad_roc *roc, double target_fpr);

/* Metrics of one operating point (a confusion matrix). */
struct migad_opmetrics {
    int has_threshold;     /* 0 for an alarm column (no threshold known) */
    double threshold;      /* rows with score >= threshold are alarms */
    size_t tp, fp, tn, fn;
    double precision;      /* tp / (tp + fp); 0 when there is no alarm */
    double recall;         /* = TPR = tp / (tp + fn) */
    double fpr;            /* fp / (fp + tn) */
    double accuracy;       /* (tp + tn) / n */
    double f1;             /* 2 tp / (2 tp + fp + fn) */
    double gmean;          /* sqrt(TPR * TNR) */
};

/* Fill the rates from the four counts (tp + fn > 0 and fp + tn > 0). */
void migad_opmetrics_from_counts(struct migad_opmetrics *m, size_t tp, size_t fp, size_t tn,
                                 size_t fn);

/* The ROC point with the largest F1 (the highest threshold among equals). */
void migad_roc_best_f1(const struct migad_roc *roc, struct migad_opmetrics *m);

/*
 * Bootstrap percentile confidence interval of the AUC: B resamples,
 * stratified (positives and negatives resampled separately, so each
 * resample keeps the class counts and always has both classes), drawn from
 * migad_rng seeded with seed; the interval is the (1-level)/2 and
 * (1+level)/2 quantiles of the B AUCs (linear interpolation between order
 * statistics, numpy's default).  Same seed, same interval.
 */
migad_status migad_auc_bootstrap(const double *score, const int *label, size_t n,
                                 unsigned B, uint64_t seed, double level, double *lo,
                                 double *hi, char err[MIGAD_ERRBUF_SIZE]);

/* What to compute. */
struct migad_eval_opts {
    double fprs[MIGAD_EVAL_MAX_FPRS]; /* targets for TPR at FPR */
    size_t nfprs;
    double max_fpr;        /* partial AUC bound, (0, 1] */
    unsigned bootstrap;    /* resamples for the AUC interval; 0 = none */
    uint64_t seed;
    double level;          /* confidence level of the interval, e.g. 0.95 */
};

/* Defaults: FPRs 1 %, 5 %, 10 %; max_fpr 0.1; no bootstrap; seed 1; 95 %. */
void migad_eval_opts_init(struct migad_eval_opts *o);

/* Everything about one set of rows. */
struct migad_eval_result {
    size_t n, npos, nneg;
    struct migad_roc roc;
    double auc, pauc;
    int has_ci;
    double auc_lo, auc_hi;
    double tpr_at[MIGAD_EVAL_MAX_FPRS];     /* step rule */
    double tpr_interp[MIGAD_EVAL_MAX_FPRS]; /* interpolated */
    struct migad_opmetrics best_f1;
    int has_alarm;
    struct migad_opmetrics alarm;           /* the alarm column's own point */
};

/*
 * Evaluate n rows; alarm may be NULL (then has_alarm = 0), else 0/1 per
 * row.  On failure the result is left empty and err says why.
 */
migad_status migad_eval_run(struct migad_eval_result *r, const double *score, const int *label,
                            const int *alarm, size_t n, const struct migad_eval_opts *o,
                            char err[MIGAD_ERRBUF_SIZE]);
void migad_eval_result_release(struct migad_eval_result *r);

/*
 * Paper 1's protocol on rows with gt and imi: the metrics on all rows
 * ("with migration") and on the rows with imi == 0 ("without"), their
 * difference (the migration effect, with - without), and the false alarms
 * on migration-only rows (imi > 0 and gt == 0).
 */
struct migad_eval_protocol {
    struct migad_eval_result with;
    int has_without;                 /* 0 when the rows without migration lack a class */
    char without_err[MIGAD_ERRBUF_SIZE]; /* why, when has_without == 0 */
    struct migad_eval_result without;
    double d_auc, d_pauc;            /* with - without */
    double d_tpr_at[MIGAD_EVAL_MAX_FPRS];
    double d_tpr_interp[MIGAD_EVAL_MAX_FPRS];
    size_t nmig;                     /* rows with imi > 0 */
    size_t nmig_only;                /* rows with imi > 0 and gt == 0 */
    size_t mig_only_alarms;          /* of those, alarm == 1 (when alarm given) */
    size_t mig_only_over_f1;         /* of those, score >= the best-F1 threshold of "with" */
    double mig_far;                  /* mig_only_alarms / nmig_only (0 when none) */
    double mig_far_f1;               /* mig_only_over_f1 / nmig_only */
};

/*
 * gt must be 0 or 1 per row, imi a fraction in [0, 1].  Fails when all rows
 * cannot be evaluated; rows without migration that lack a class only clear
 * has_without.
 */
migad_status migad_eval_protocol_run(struct migad_eval_protocol *p, const double *score,
                                     const int *gt, const double *imi, const int *alarm,
                                     size_t n, const struct migad_eval_opts *o,
                                     char err[MIGAD_ERRBUF_SIZE]);
void migad_eval_protocol_release(struct migad_eval_protocol *p);

#ifdef __cplusplus
}
#endif

#endif
