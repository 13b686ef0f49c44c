/*
 * Evaluation (include/migad/eval.h) against cases worked out by hand: the
 * arithmetic is in the comments.  scikit-learn checks the same functions on
 * random data in tests/oracle_eval.py.
 */
#include <stdlib.h>

#include "check.h"
#include "migad/eval.h"

#define EPS 1e-12

/*
 * Case A (scikit-learn's roc_curve doc example):
 *   score 0.1 0.4 0.35 0.8, label 0 0 1 1; P = 2, N = 2.
 * Sorted descending: 0.8(+) 0.4(-) 0.35(+) 0.1(-), no ties:
 *   thr   inf  0.8  0.4  0.35  0.1
 *   tp    0    1    1    2     2
 *   fp    0    0    1    1     2
 *   fpr   0    0    .5   .5    1
 *   tpr   0    .5   .5   1     1
 * AUC = 0 + (.5-0)(.5+.5)/2 + 0 + (1-.5)(1+1)/2 = .25 + .5 = .75
 */
static const double a_score[] = { 0.1, 0.4, 0.35, 0.8 };
static const int a_label[] = { 0, 0, 1, 1 };

static void test_roc_no_ties(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_roc roc;
    CHECK_INT(migad_roc_compute(&roc, a_score, a_label, 4, err), MIGAD_OK);
    CHECK_INT(roc.npoints, 5);
    static const double fpr[] = { 0, 0, .5, .5, 1 }, tpr[] = { 0, .5, .5, 1, 1 };
    static const double thr[] = { 0.8, 0.4, 0.35, 0.1 };
    for (size_t i = 0; i < 5 && i < roc.npoints; i++) {
        CHECK_NEAR(roc.fpr[i], fpr[i], EPS);
        CHECK_NEAR(roc.tpr[i], tpr[i], EPS);
    }
    CHECK(isinf(roc.threshold[0]) && roc.threshold[0] > 0);
    for (size_t i = 1; i < 5 && i < roc.npoints; i++)
        CHECK(roc.threshold[i] == thr[i - 1]);
    CHECK_NEAR(migad_roc_auc(&roc), 0.75, EPS);
    /* partial AUC to m = .5: stop = first fpr > .5 = index 4; area over
     * (0,0)(0,.5)(.5,.5)(.5,1) = .25, then the segment to (.5, interp = 1)
     * adds 0.  McClish: .5 (1 + (.25 - .125) / (.5 - .125)) = 2/3 */
    double p;
    CHECK_INT(migad_roc_pauc(&roc, 0.5, &p, err), MIGAD_OK);
    CHECK_NEAR(p, 2.0 / 3.0, EPS);
    CHECK_INT(migad_roc_pauc(&roc, 1.0, &p, err), MIGAD_OK);
    CHECK_NEAR(p, 0.75, EPS);
    CHECK_INT(migad_roc_pauc(&roc, 0.0, &p, err), MIGAD_EINVAL);
    CHECK_INT(migad_roc_pauc(&roc, 1.5, &p, err), MIGAD_EINVAL);
    /* best F1: thr .8: 2/(2+0+1) = 2/3; .4: 2/(2+1+1) = .5;
     * .35: 4/(4+1+0) = .8; .1: 4/(4+2) = 2/3 -> .35:
     * precision 2/3, recall 1, accuracy 3/4, G-mean sqrt(1 x 1/2) */
    struct migad_opmetrics m;
    migad_roc_best_f1(&roc, &m);
    CHECK(m.threshold == 0.35);
    CHECK_NEAR(m.f1, 0.8, EPS);
    CHECK_NEAR(m.precision, 2.0 / 3.0, EPS);
    CHECK_NEAR(m.recall, 1.0, EPS);
    CHECK_NEAR(m.accuracy, 0.75, EPS);
    CHECK_NEAR(m.gmean, sqrt(0.5), EPS);
    migad_roc_release(&roc);
    migad_roc_release(&roc); /* twice is fine */
}

/*
 * Case B, with ties: score .9 .9 .7 .7 .7 .2, label 1 0 1 1 0 0; P = N = 3.
 * Groups: {.9: +,-} {.7: +,+,-} {.2: -}; one point per group:
 *   thr   inf  .9   .7   .2
 *   tp    0    1    3    3
 *   fp    0    1    2    3
 *   fpr   0    1/3  2/3  1
 *   tpr   0    1/3  1    1
 * AUC = (1/3)(0+1/3)/2 + (1/3)(1/3+1)/2 + (1/3)(1+1)/2
 *     = 1/18 + 4/18 + 6/18 = 11/18
 * (Mann-Whitney: pos .9 -> .5+1+1, pos .7 twice -> 0+.5+1; 5.5/9 = 11/18.)
 */
static const double b_score[] = { .9, .9, .7, .7, .7, .2 };
static const int b_label[] = { 1, 0, 1, 1, 0, 0 };

static void test_roc_ties(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_roc roc;
    CHECK_INT(migad_roc_compute(&roc, b_score, b_label, 6, err), MIGAD_OK);
    CHECK_INT(roc.npoints, 4);
    CHECK_INT(roc.npos, 3);
    CHECK_INT(roc.nneg, 3);
    static const size_t tp[] = { 0, 1, 3, 3 }, fp[] = { 0, 1, 2, 3 };
    for (size_t i = 0; i < 4 && i < roc.npoints; i++) {
        CHECK_INT(roc.tp[i], tp[i]);
        CHECK_INT(roc.fp[i], fp[i]);
    }
    CHECK(roc.threshold[1] == .9 && roc.threshold[2] == .7 && roc.threshold[3] == .2);
    CHECK_NEAR(migad_roc_auc(&roc), 11.0 / 18.0, EPS);
    /* partial AUC to m = .5: stop = 2 (fpr 2/3 > .5); TPR at .5 on the
     * segment (1/3,1/3)-(2/3,1): 1/3 + (.5-1/3) x 2 = 2/3; area =
     * 1/18 + (.5-1/3)(1/3+2/3)/2 = 1/18 + 1/12 = 5/36;
     * McClish: .5 (1 + (5/36 - 1/8) / (1/2 - 1/8)) = .5 (1 + 1/27) = 14/27 */
    double p;
    CHECK_INT(migad_roc_pauc(&roc, 0.5, &p, err), MIGAD_OK);
    CHECK_NEAR(p, 14.0 / 27.0, EPS);
    /* TPR at FPR: step rule = largest TPR with FPR <= target */
    CHECK_NEAR(migad_roc_tpr_at(&roc, 0.01), 0.0, EPS);
    CHECK_NEAR(migad_roc_tpr_at(&roc, 0.5), 1.0 / 3.0, EPS);
    CHECK_NEAR(migad_roc_tpr_at(&roc, 1.0 / 3.0), 1.0 / 3.0, EPS); /* on a point */
    CHECK_NEAR(migad_roc_tpr_at(&roc, 2.0 / 3.0), 1.0, EPS);
    CHECK_NEAR(migad_roc_tpr_at(&roc, 1.0), 1.0, EPS);
    /* interpolated: .01 on (0,0)-(1/3,1/3) -> .01; .5 -> 2/3 (above) */
    CHECK_NEAR(migad_roc_tpr_interp(&roc, 0.01), 0.01, EPS);
    CHECK_NEAR(migad_roc_tpr_interp(&roc, 0.5), 2.0 / 3.0, EPS);
    CHECK_NEAR(migad_roc_tpr_interp(&roc, 1.0), 1.0, EPS);
    /* best F1: .9: 2/(2+1+2) = .4; .7: 6/(6+2+0) = .75; .2: 6/9 -> .7:
     * tp 3 fp 2 tn 1 fn 0: precision 3/5, recall 1, accuracy 4/6,
     * FPR 2/3, G-mean sqrt(1 x 1/3) */
    struct migad_opmetrics m;
    migad_roc_best_f1(&roc, &m);
    CHECK(m.has_threshold && m.threshold == .7);
    CHECK_INT(m.tp, 3);
    CHECK_INT(m.fp, 2);
    CHECK_INT(m.tn, 1);
    CHECK_INT(m.fn, 0);
    CHECK_NEAR(m.precision, 0.6, EPS);
    CHECK_NEAR(m.recall, 1.0, EPS);
    CHECK_NEAR(m.accuracy, 4.0 / 6.0, EPS);
    CHECK_NEAR(m.fpr, 2.0 / 3.0, EPS);
    CHECK_NEAR(m.f1, 0.75, EPS);
    CHECK_NEAR(m.gmean, sqrt(1.0 / 3.0), EPS);
    migad_roc_release(&roc);
}

/* Perfect, inverted and all-tied scores. */
static void test_roc_extremes(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_roc roc;
    static const double s[] = { 1, 2, 3, 4 };
    static const int up[] = { 0, 0, 1, 1 }, down[] = { 1, 1, 0, 0 };
    CHECK_INT(migad_roc_compute(&roc, s, up, 4, err), MIGAD_OK);
    CHECK_NEAR(migad_roc_auc(&roc), 1.0, EPS);
    CHECK_NEAR(migad_roc_tpr_at(&roc, 0.0), 1.0, EPS);
    double p;
    CHECK_INT(migad_roc_pauc(&roc, 0.1, &p, err), MIGAD_OK);
    CHECK_NEAR(p, 1.0, EPS);
    migad_roc_release(&roc);
    CHECK_INT(migad_roc_compute(&roc, s, down, 4, err), MIGAD_OK);
    CHECK_NEAR(migad_roc_auc(&roc), 0.0, EPS);
    /* pAUC of the worst curve: area 0 -> .5 (1 + (0 - m^2/2)/(m - m^2/2)) */
    CHECK_INT(migad_roc_pauc(&roc, 0.1, &p, err), MIGAD_OK);
    CHECK_NEAR(p, 0.5 * (1 - 0.005 / 0.095), EPS);
    migad_roc_release(&roc);
    /* all equal: one group, points (0,0) (1,1), AUC 1/2; pAUC at m is the
     * diagonal: area m^2/2 -> .5 exactly */
    static const double flat[] = { 7, 7, 7, 7 };
    CHECK_INT(migad_roc_compute(&roc, flat, up, 4, err), MIGAD_OK);
    CHECK_INT(roc.npoints, 2);
    CHECK_NEAR(migad_roc_auc(&roc), 0.5, EPS);
    CHECK_INT(migad_roc_pauc(&roc, 0.2, &p, err), MIGAD_OK);
    CHECK_NEAR(p, 0.5, EPS);
    CHECK_NEAR(migad_roc_tpr_interp(&roc, 0.2), 0.2, EPS);
    CHECK_NEAR(migad_roc_tpr_at(&roc, 0.2), 0.0, EPS);
    migad_roc_release(&roc);
}

static void test_degenerate(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_roc roc;
    static const double s[] = { 1, 2, 3 };
    static const int one[] = { 1, 1, 1 }, zero[] = { 0, 0, 0 }, bad[] = { 0, 2, 1 };
    CHECK_INT(migad_roc_compute(&roc, s, one, 0, err), MIGAD_EINVAL);
    CHECK(strstr(err, "no rows") != NULL);
    CHECK_INT(migad_roc_compute(&roc, s, one, 3, err), MIGAD_EINVAL);
    CHECK(strstr(err, "only one class") != NULL);
    CHECK_INT(roc.npoints, 0);
    CHECK(roc.fpr == NULL);
    CHECK_INT(migad_roc_compute(&roc, s, zero, 3, err), MIGAD_EINVAL);
    CHECK(strstr(err, "all normal") != NULL);
    CHECK_INT(migad_roc_compute(&roc, s, bad, 3, err), MIGAD_EINVAL);
    CHECK(strstr(err, "row 2") != NULL);
    const double nan_s[] = { 1, NAN, 3 }, inf_s[] = { 1, 2, INFINITY };
    static const int mix[] = { 0, 1, 1 };
    CHECK_INT(migad_roc_compute(&roc, nan_s, mix, 3, err), MIGAD_EINVAL);
    CHECK(strstr(err, "row 2: score is not a finite number") != NULL);
    CHECK_INT(migad_roc_compute(&roc, inf_s, mix, 3, err), MIGAD_EINVAL);
    double lo, hi;
    CHECK_INT(migad_auc_bootstrap(s, one, 3, 100, 1, .95, &lo, &hi, err), MIGAD_EINVAL);
    CHECK_INT(migad_auc_bootstrap(s, mix, 3, 1, 1, .95, &lo, &hi, err), MIGAD_EINVAL);
    CHECK_INT(migad_auc_bootstrap(s, mix, 3, 100, 1, 1.0, &lo, &hi, err), MIGAD_EINVAL);
    struct migad_eval_opts o;
    migad_eval_opts_init(&o);
    struct migad_eval_result r;
    CHECK_INT(migad_eval_run(&r, s, one, NULL, 3, &o, err), MIGAD_EINVAL);
    o.fprs[0] = 1.5;
    CHECK_INT(migad_eval_run(&r, s, mix, NULL, 3, &o, err), MIGAD_EINVAL);
    CHECK(strstr(err, "1.5") != NULL);
    migad_eval_opts_init(&o);
    o.max_fpr = 0;
    CHECK_INT(migad_eval_run(&r, s, mix, NULL, 3, &o, err), MIGAD_EINVAL);
    migad_eval_opts_init(&o);
    static const int bad_alarm[] = { 0, 3, 1 };
    CHECK_INT(migad_eval_run(&r, s, mix, bad_alarm, 3, &o, err), MIGAD_EINVAL);
    CHECK(strstr(err, "alarm") != NULL);
}

/* The alarm column's own point on case B: alarm 1 0 1 0 0 0 against
 * label 1 0 1 1 0 0: tp 2, fp 0, tn 3, fn 1: precision 1, recall 2/3,
 * accuracy 5/6, F1 4/5, G-mean sqrt(2/3 x 1). */
static void test_eval_run(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    static const int alarm[] = { 1, 0, 1, 0, 0, 0 };
    struct migad_eval_opts o;
    migad_eval_opts_init(&o);
    o.fprs[0] = 0.5;
    o.nfprs = 1;
    o.max_fpr = 0.5;
    struct migad_eval_result r;
    CHECK_INT(migad_eval_run(&r, b_score, b_label, alarm, 6, &o, err), MIGAD_OK);
    CHECK_INT(r.n, 6);
    CHECK_NEAR(r.auc, 11.0 / 18.0, EPS);
    CHECK_NEAR(r.pauc, 14.0 / 27.0, EPS);
    CHECK_NEAR(r.tpr_at[0], 1.0 / 3.0, EPS);
    CHECK_NEAR(r.tpr_interp[0], 2.0 / 3.0, EPS);
    CHECK(r.best_f1.threshold == .7);
    CHECK(r.has_alarm && !r.alarm.has_threshold);
    CHECK_INT(r.alarm.tp, 2);
    CHECK_INT(r.alarm.fp, 0);
    CHECK_INT(r.alarm.tn, 3);
    CHECK_INT(r.alarm.fn, 1);
    CHECK_NEAR(r.alarm.precision, 1.0, EPS);
    CHECK_NEAR(r.alarm.recall, 2.0 / 3.0, EPS);
    CHECK_NEAR(r.alarm.accuracy, 5.0 / 6.0, EPS);
    CHECK_NEAR(r.alarm.f1, 0.8, EPS);
    CHECK_NEAR(r.alarm.gmean, sqrt(2.0 / 3.0), EPS);
    CHECK(!r.has_ci);
    migad_eval_result_release(&r);
    /* no alarm at all: precision defined as 0, F1 0, never NaN */
    struct migad_opmetrics m;
    migad_opmetrics_from_counts(&m, 0, 0, 5, 3);
    CHECK(m.precision == 0 && m.f1 == 0 && m.recall == 0 && m.gmean == 0);
    CHECK_NEAR(m.accuracy, 5.0 / 8.0, EPS);
}

static void test_bootstrap(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    /* 200 rows, overlapping classes: deterministic wobble */
    enum { N = 200 };
    double s[N];
    int y[N];
    for (int i = 0; i < N; i++) {
        y[i] = i % 4 == 0;
        s[i] = (double)((i * 37) % 101) / 101.0 + (y[i] ? 0.4 : 0.0);
    }
    struct migad_roc roc;
    CHECK_INT(migad_roc_compute(&roc, s, y, N, err), MIGAD_OK);
    double auc = migad_roc_auc(&roc);
    migad_roc_release(&roc);
    double lo, hi, lo2, hi2, lo3, hi3;
    CHECK_INT(migad_auc_bootstrap(s, y, N, 500, 7, .95, &lo, &hi, err), MIGAD_OK);
    CHECK_INT(migad_auc_bootstrap(s, y, N, 500, 7, .95, &lo2, &hi2, err), MIGAD_OK);
    CHECK_INT(migad_auc_bootstrap(s, y, N, 500, 8, .95, &lo3, &hi3, err), MIGAD_OK);
    CHECK(lo == lo2 && hi == hi2);      /* same seed, same interval */
    CHECK(lo != lo3 || hi != hi3);      /* another seed, another draw */
    CHECK(lo < auc && auc < hi);
    CHECK(hi - lo > 0.01 && hi - lo < 0.3);
    /* perfect separation stays perfect in every resample */
    static const double ps[] = { 1, 2, 3, 4, 5, 6 };
    static const int py[] = { 0, 0, 0, 1, 1, 1 };
    CHECK_INT(migad_auc_bootstrap(ps, py, 6, 100, 1, .9, &lo, &hi, err), MIGAD_OK);
    CHECK(lo == 1.0 && hi == 1.0);
}

/*
 * Paper 1's protocol, 7 rows (score, gt, imi, alarm):
 *   r0 .9 1 0  1      r4 .3 0 0  0
 *   r1 .8 0 1  1      r5 .2 1 1  0
 *   r2 .7 1 0  1      r6 .1 0 0  0
 *   r3 .6 0 .5 0
 * With: P = 3, N = 4; Mann-Whitney: .9 beats 4, .7 beats 3, .2 beats 1:
 *   AUC = 8/12 = 2/3.  Points (0,0)(0,1/3)(1/4,1/3)...: TPR@5% = 1/3.
 * Without (imi == 0: r0 r2 r4 r6): perfectly separated, AUC 1, TPR@5% 1.
 * Effect: dAUC = -1/3, dTPR@5% = -2/3.
 * Migration rows: r1 r3 r5; migration-only (gt 0): r1 r3; alarms: r1 ->
 *   false-alarm rate 1/2.  Best F1 of "with": .9 2/5, .8 2/6, .7 4/6,
 *   .6 4/7, .3 4/8, .2 6/9 (= 4/6, the higher threshold wins), .1 6/10
 *   -> .7; migration-only scores >= .7: r1 -> 1/2.
 */
static void test_protocol(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    static const double s[] = { .9, .8, .7, .6, .3, .2, .1 };
    static const int gt[] = { 1, 0, 1, 0, 0, 1, 0 }, al[] = { 1, 1, 1, 0, 0, 0, 0 };
    static const double imi[] = { 0, 1, 0, .5, 0, 1, 0 };
    struct migad_eval_opts o;
    migad_eval_opts_init(&o);
    struct migad_eval_protocol p;
    CHECK_INT(migad_eval_protocol_run(&p, s, gt, imi, al, 7, &o, err), MIGAD_OK);
    CHECK_NEAR(p.with.auc, 2.0 / 3.0, EPS);
    CHECK(p.has_without);
    CHECK_INT(p.without.n, 4);
    CHECK_NEAR(p.without.auc, 1.0, EPS);
    CHECK_NEAR(p.d_auc, -1.0 / 3.0, EPS);
    CHECK_NEAR(p.with.tpr_at[1], 1.0 / 3.0, EPS);
    CHECK_NEAR(p.without.tpr_at[1], 1.0, EPS);
    CHECK_NEAR(p.d_tpr_at[1], -2.0 / 3.0, EPS);
    CHECK_INT(p.nmig, 3);
    CHECK_INT(p.nmig_only, 2);
    CHECK_INT(p.mig_only_alarms, 1);
    CHECK_NEAR(p.mig_far, 0.5, EPS);
    CHECK(p.with.best_f1.threshold == .7);
    CHECK_INT(p.mig_only_over_f1, 1);
    CHECK_NEAR(p.mig_far_f1, 0.5, EPS);
    migad_eval_protocol_release(&p);

    /* without migration only normal rows remain: "with" still works,
     * has_without = 0 and the reason is kept */
    static const double imi2[] = { 1, 1, 1, 0, 0, 1, 0 };
    CHECK_INT(migad_eval_protocol_run(&p, s, gt, imi2, al, 7, &o, err), MIGAD_OK);
    CHECK(!p.has_without);
    CHECK(strstr(p.without_err, "only one class") != NULL);
    migad_eval_protocol_release(&p);
    /* bad imi */
    static const double imi3[] = { 0, 2, 0, 0, 0, 0, 0 };
    CHECK_INT(migad_eval_protocol_run(&p, s, gt, imi3, al, 7, &o, err), MIGAD_EINVAL);
    CHECK(strstr(err, "imi") != NULL);
}

int main(void)
{
    RUN(test_roc_no_ties);
    RUN(test_roc_ties);
    RUN(test_roc_extremes);
    RUN(test_degenerate);
    RUN(test_eval_run);
    RUN(test_bootstrap);
    RUN(test_protocol);
    return check_finish();
}
