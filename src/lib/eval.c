/*
 * Evaluation of anomaly scores (include/migad/eval.h, docs/eval.md).
 *
 * HOW IT WORKS
 *
 * The ROC follows scikit-learn's _binary_clf_curve: rows sorted by score,
 * descending; at the last row of every run of equal scores the cumulative
 * true and false positives give one point (ties grouped: a threshold cannot
 * separate equal scores); (0, 0) at +inf goes first; FPR = fp / N and
 * TPR = tp / P.  The AUC is numpy.trapz over those points and the partial
 * AUC is roc_auc_score(max_fpr=...) step by step, so the numbers agree with
 * scikit-learn to the last bits (tests/oracle_eval.py checks it).
 *
 * The bootstrap sorts once and then, per resample, draws per-row weights
 * (positives and negatives separately) and walks the sorted rows, so each
 * resample costs O(n), not a sort.
 */
#include "migad/eval.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migad/rng.h"
#include "errbuf.h"


struct pair {
    double s;
    int y;
};

/* Descending by score. */
static int cmp_desc(const void *a, const void *b)
{
    double x = ((const struct pair *)a)->s, y = ((const struct pair *)b)->s;
    return (x < y) - (x > y);
}

/* Check the inputs, count the classes. */
static migad_status check_input(const double *score, const int *label, size_t n, size_t *npos,
                                size_t *nneg, char *err)
{
    if (n == 0) {
        migad_seterr(err, "no rows to evaluate");
        return MIGAD_EINVAL;
    }
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(score[i])) {
            migad_seterr(err, "row %zu: score is not a finite number", i + 1);
            return MIGAD_EINVAL;
        }
        if (label[i] != 0 && label[i] != 1) {
            migad_seterr(err, "row %zu: label %d is neither 0 nor 1", i + 1, label[i]);
            return MIGAD_EINVAL;
        }
        p += (size_t)label[i];
    }
    if (p == 0 || p == n) {
        migad_seterr(err, "only one class: %zu rows, all %s (gt = %d); the ROC needs both attack "
                     "and normal rows", n, p ? "attack" : "normal", p ? 1 : 0);
        return MIGAD_EINVAL;
    }
    *npos = p;
    *nneg = n - p;
    return MIGAD_OK;
}

/* Sorted copy of the pairs, or NULL (out of memory). */
static struct pair *sorted_pairs(const double *score, const int *label, size_t n)
{
    struct pair *pr = malloc(n * sizeof *pr);
    if (!pr)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        pr[i].s = score[i];
        pr[i].y = label[i];
    }
    qsort(pr, n, sizeof *pr, cmp_desc);
    return pr;
}

void migad_roc_release(struct migad_roc *roc)
{
    if (!roc)
        return;
    free(roc->fpr);
    free(roc->tpr);
    free(roc->threshold);
    free(roc->tp);
    free(roc->fp);
    memset(roc, 0, sizeof *roc);
}

migad_status migad_roc_compute(struct migad_roc *roc, const double *score, const int *label,
                               size_t n, char err[MIGAD_ERRBUF_SIZE])
{
    memset(roc, 0, sizeof *roc);
    size_t npos, nneg;
    migad_status st = check_input(score, label, n, &npos, &nneg, err);
    if (st != MIGAD_OK)
        return st;
    struct pair *pr = sorted_pairs(score, label, n);
    size_t cap = n + 1;
    roc->fpr = malloc(cap * sizeof *roc->fpr);
    roc->tpr = malloc(cap * sizeof *roc->tpr);
    roc->threshold = malloc(cap * sizeof *roc->threshold);
    roc->tp = malloc(cap * sizeof *roc->tp);
    roc->fp = malloc(cap * sizeof *roc->fp);
    if (!pr || !roc->fpr || !roc->tpr || !roc->threshold || !roc->tp || !roc->fp) {
        free(pr);
        migad_roc_release(roc);
        migad_seterr(err, "out of memory (%zu rows)", n);
        return MIGAD_ENOMEM;
    }
    roc->npos = npos;
    roc->nneg = nneg;
    roc->tp[0] = roc->fp[0] = 0;
    roc->threshold[0] = INFINITY;
    size_t k = 1, tp = 0;
    for (size_t i = 0; i < n; i++) {
        tp += (size_t)pr[i].y;
        if (i + 1 < n && pr[i + 1].s == pr[i].s)
            continue; /* not the last of its run of ties */
        roc->tp[k] = tp;
        roc->fp[k] = i + 1 - tp; /* sklearn: fps = 1 + idx - tps */
        roc->threshold[k] = pr[i].s;
        k++;
    }
    free(pr);
    roc->npoints = k;
    for (size_t i = 0; i < k; i++) {
        roc->fpr[i] = (double)roc->fp[i] / (double)nneg;
        roc->tpr[i] = (double)roc->tp[i] / (double)npos;
    }
    return MIGAD_OK;
}

/* numpy.trapz(y, x) over the first m points. */
static double trapz(const double *x, const double *y, size_t m)
{
    double a = 0;
    for (size_t i = 1; i < m; i++)
        a += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0;
    return a;
}

double migad_roc_auc(const struct migad_roc *roc)
{
    return trapz(roc->fpr, roc->tpr, roc->npoints);
}

/* numpy.searchsorted(fpr, target, "right"): first index with fpr > target. */
static size_t search_right(const struct migad_roc *roc, double target)
{
    size_t lo = 0, hi = roc->npoints;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (roc->fpr[mid] <= target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double migad_roc_tpr_at(const struct migad_roc *roc, double target_fpr)
{
    size_t stop = search_right(roc, target_fpr);
    return stop == 0 ? 0.0 : roc->tpr[stop - 1];
}

/* numpy.interp(t, [x0, x1], [y0, y1]) for x0 <= t < x1. */
static double interp(double t, double x0, double x1, double y0, double y1)
{
    return y0 + (t - x0) * ((y1 - y0) / (x1 - x0));
}

double migad_roc_tpr_interp(const struct migad_roc *roc, double target_fpr)
{
    size_t stop = search_right(roc, target_fpr);
    if (stop == 0)
        return 0.0;
    if (stop >= roc->npoints)
        return roc->tpr[roc->npoints - 1];
    return interp(target_fpr, roc->fpr[stop - 1], roc->fpr[stop], roc->tpr[stop - 1],
                  roc->tpr[stop]);
}

migad_status migad_roc_pauc(const struct migad_roc *roc, double max_fpr, double *out,
                            char err[MIGAD_ERRBUF_SIZE])
{
    if (!(max_fpr > 0 && max_fpr <= 1)) {
        migad_seterr(err, "maximum FPR %g of the partial AUC is not in (0, 1]", max_fpr);
        return MIGAD_EINVAL;
    }
    if (max_fpr == 1) {
        *out = migad_roc_auc(roc);
        return MIGAD_OK;
    }
    /* fpr ends at 1 > max_fpr, so 1 <= stop < npoints */
    size_t stop = search_right(roc, max_fpr);
    double a = trapz(roc->fpr, roc->tpr, stop);
    double yend = interp(max_fpr, roc->fpr[stop - 1], roc->fpr[stop], roc->tpr[stop - 1],
                         roc->tpr[stop]);
    a += (max_fpr - roc->fpr[stop - 1]) * (yend + roc->tpr[stop - 1]) / 2.0;
    double min_area = 0.5 * max_fpr * max_fpr, max_area = max_fpr;
    *out = 0.5 * (1 + (a - min_area) / (max_area - min_area));
    return MIGAD_OK;
}

void migad_opmetrics_from_counts(struct migad_opmetrics *m, size_t tp, size_t fp, size_t tn,
                                 size_t fn)
{
    m->tp = tp;
    m->fp = fp;
    m->tn = tn;
    m->fn = fn;
    double p = (double)(tp + fn), nn = (double)(fp + tn), n = p + nn;
    m->precision = tp + fp ? (double)tp / (double)(tp + fp) : 0.0;
    m->recall = p > 0 ? (double)tp / p : 0.0;
    m->fpr = nn > 0 ? (double)fp / nn : 0.0;
    m->accuracy = n > 0 ? (double)(tp + tn) / n : 0.0;
    m->f1 = tp ? 2.0 * (double)tp / (double)(2 * tp + fp + fn) : 0.0;
    double tnr = nn > 0 ? (double)tn / nn : 0.0;
    m->gmean = sqrt(m->recall * tnr);
}

void migad_roc_best_f1(const struct migad_roc *roc, struct migad_opmetrics *m)
{
    size_t best = 1;
    double bestf = -1;
    for (size_t i = 1; i < roc->npoints; i++) {
        size_t tp = roc->tp[i], fp = roc->fp[i], fn = roc->npos - tp;
        double f = 2.0 * (double)tp / (double)(2 * tp + fp + fn);
        if (f > bestf) {
            bestf = f;
            best = i;
        }
    }
    size_t tp = roc->tp[best], fp = roc->fp[best];
    migad_opmetrics_from_counts(m, tp, fp, roc->nneg - fp, roc->npos - tp);
    m->has_threshold = 1;
    m->threshold = roc->threshold[best];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy.quantile(v, q) (linear) of sorted v[0..n). */
static double quantile(const double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t i = (size_t)floor(h);
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

migad_status migad_auc_bootstrap(const double *score, const int *label, size_t n,
                                 unsigned B, uint64_t seed, double level, double *lo,
                                 double *hi, char err[MIGAD_ERRBUF_SIZE])
{
    size_t npos, nneg;
    migad_status st = check_input(score, label, n, &npos, &nneg, err);
    if (st != MIGAD_OK)
        return st;
    if (B < 2 || !(level > 0 && level < 1)) {
        migad_seterr(err, "bootstrap needs at least 2 resamples and a level in (0, 1)");
        return MIGAD_EINVAL;
    }
    struct pair *pr = sorted_pairs(score, label, n);
    size_t *pos = malloc(npos * sizeof *pos), *neg = malloc(nneg * sizeof *neg);
    unsigned *w = malloc(n * sizeof *w);
    double *aucs = malloc((size_t)B * sizeof *aucs);
    if (!pr || !pos || !neg || !w || !aucs) {
        migad_seterr(err, "out of memory (%zu rows, %u resamples)", n, B);
        st = MIGAD_ENOMEM;
        goto done;
    }
    size_t ip = 0, in = 0;
    for (size_t i = 0; i < n; i++) {
        if (pr[i].y)
            pos[ip++] = i;
        else
            neg[in++] = i;
    }
    struct migad_rng rng;
    migad_rng_seed(&rng, seed);
    for (unsigned b = 0; b < B; b++) {
        memset(w, 0, n * sizeof *w);
        for (size_t k = 0; k < npos; k++)
            w[pos[migad_rng_below(&rng, npos)]]++;
        for (size_t k = 0; k < nneg; k++)
            w[neg[migad_rng_below(&rng, nneg)]]++;
        /* trapezoid over tie groups, in counts; divided by P * N at the end */
        double a = 0, tp = 0, fp = 0, tp0 = 0, fp0 = 0;
        for (size_t i = 0; i < n; i++) {
            if (pr[i].y)
                tp += w[i];
            else
                fp += w[i];
            if (i + 1 < n && pr[i + 1].s == pr[i].s)
                continue;
            a += (fp - fp0) * (tp + tp0) / 2.0;
            tp0 = tp;
            fp0 = fp;
        }
        aucs[b] = a / ((double)npos * (double)nneg);
    }
    qsort(aucs, B, sizeof *aucs, cmp_double);
    *lo = quantile(aucs, B, (1 - level) / 2);
    *hi = quantile(aucs, B, (1 + level) / 2);
done:
    free(pr);
    free(pos);
    free(neg);
    free(w);
    free(aucs);
    return st;
}

void migad_eval_opts_init(struct migad_eval_opts *o)
{
    memset(o, 0, sizeof *o);
    o->fprs[0] = 0.01;
    o->fprs[1] = 0.05;
    o->fprs[2] = 0.10;
    o->nfprs = 3;
    o->max_fpr = 0.1;
    o->bootstrap = 0;
    o->seed = 1;
    o->level = 0.95;
}

void migad_eval_result_release(struct migad_eval_result *r)
{
    if (!r)
        return;
    migad_roc_release(&r->roc);
    memset(r, 0, sizeof *r);
}

migad_status migad_eval_run(struct migad_eval_result *r, const double *score, const int *label,
                            const int *alarm, size_t n, const struct migad_eval_opts *o,
                            char err[MIGAD_ERRBUF_SIZE])
{
    memset(r, 0, sizeof *r);
    if (o->nfprs > MIGAD_EVAL_MAX_FPRS) {
        migad_seterr(err, "more than %d FPR targets", MIGAD_EVAL_MAX_FPRS);
        return MIGAD_EINVAL;
    }
    for (size_t j = 0; j < o->nfprs; j++) {
        if (!(o->fprs[j] >= 0 && o->fprs[j] <= 1)) {
            migad_seterr(err, "FPR target %g is not in [0, 1]", o->fprs[j]);
            return MIGAD_EINVAL;
        }
    }
    migad_status st = migad_roc_compute(&r->roc, score, label, n, err);
    if (st != MIGAD_OK)
        return st;
    r->n = n;
    r->npos = r->roc.npos;
    r->nneg = r->roc.nneg;
    r->auc = migad_roc_auc(&r->roc);
    st = migad_roc_pauc(&r->roc, o->max_fpr, &r->pauc, err);
    if (st == MIGAD_OK && o->bootstrap) {
        st = migad_auc_bootstrap(score, label, n, o->bootstrap, o->seed, o->level, &r->auc_lo,
                                 &r->auc_hi, err);
        r->has_ci = st == MIGAD_OK;
    }
    if (st != MIGAD_OK) {
        migad_eval_result_release(r);
        return st;
    }
    for (size_t j = 0; j < o->nfprs; j++) {
        r->tpr_at[j] = migad_roc_tpr_at(&r->roc, o->fprs[j]);
        r->tpr_interp[j] = migad_roc_tpr_interp(&r->roc, o->fprs[j]);
    }
    migad_roc_best_f1(&r->roc, &r->best_f1);
    if (alarm) {
        size_t c[2][2] = { { 0, 0 }, { 0, 0 } }; /* [label][alarm] */
        for (size_t i = 0; i < n; i++) {
            if (alarm[i] != 0 && alarm[i] != 1) {
                migad_seterr(err, "row %zu: alarm %d is neither 0 nor 1", i + 1, alarm[i]);
                migad_eval_result_release(r);
                return MIGAD_EINVAL;
            }
            c[label[i]][alarm[i]]++;
        }
        migad_opmetrics_from_counts(&r->alarm, c[1][1], c[0][1], c[0][0], c[1][0]);
        r->has_alarm = 1;
    }
    return MIGAD_OK;
}

void migad_eval_protocol_release(struct migad_eval_protocol *p)
{
    if (!p)
        return;
    migad_eval_result_release(&p->with);
    migad_eval_result_release(&p->without);
    memset(p, 0, sizeof *p);
}

migad_status migad_eval_protocol_run(struct migad_eval_protocol *p, const double *score,
                                     const int *gt, const double *imi, const int *alarm,
                                     size_t n, const struct migad_eval_opts *o,
                                     char err[MIGAD_ERRBUF_SIZE])
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < n; i++) {
        if (!(imi[i] >= 0 && imi[i] <= 1)) {
            migad_seterr(err, "row %zu: imi %g is not a fraction in [0, 1]", i + 1, imi[i]);
            return MIGAD_EINVAL;
        }
    }
    migad_status st = migad_eval_run(&p->with, score, gt, alarm, n, o, err);
    if (st != MIGAD_OK)
        return st;
    /* the rows without migration, copied out */
    double *s2 = malloc(n * sizeof *s2);
    int *g2 = malloc(n * sizeof *g2), *a2 = alarm ? malloc(n * sizeof *a2) : NULL;
    if (!s2 || !g2 || (alarm && !a2)) {
        free(s2);
        free(g2);
        free(a2);
        migad_eval_protocol_release(p);
        migad_seterr(err, "out of memory (%zu rows)", n);
        return MIGAD_ENOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (imi[i] > 0) {
            p->nmig++;
            if (gt[i] == 0) {
                p->nmig_only++;
                if (alarm && alarm[i])
                    p->mig_only_alarms++;
                if (score[i] >= p->with.best_f1.threshold)
                    p->mig_only_over_f1++;
            }
            continue;
        }
        s2[m] = score[i];
        g2[m] = gt[i];
        if (a2)
            a2[m] = alarm[i];
        m++;
    }
    if (p->nmig_only) {
        p->mig_far = (double)p->mig_only_alarms / (double)p->nmig_only;
        p->mig_far_f1 = (double)p->mig_only_over_f1 / (double)p->nmig_only;
    }
    st = migad_eval_run(&p->without, s2, g2, a2, m, o, p->without_err);
    free(s2);
    free(g2);
    free(a2);
    if (st == MIGAD_ENOMEM) {
        migad_seterr(err, "%s", p->without_err);
        migad_eval_protocol_release(p);
        return st;
    }
    p->has_without = st == MIGAD_OK;
    if (p->has_without) {
        p->d_auc = p->with.auc - p->without.auc;
        p->d_pauc = p->with.pauc - p->without.pauc;
        for (size_t j = 0; j < o->nfprs; j++) {
            p->d_tpr_at[j] = p->with.tpr_at[j] - p->without.tpr_at[j];
            p->d_tpr_interp[j] = p->with.tpr_interp[j] - p->without.tpr_interp[j];
        }
    }
    return MIGAD_OK;
}
