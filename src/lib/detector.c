/*
 * The detector interface: the table of detectors, scaling, the operating
 * threshold, and model files (docs/model-format.md).
 *
 * HOW IT WORKS
 *
 * Training: the selected columns are transformed (optional log1p), the
 * scaling is fitted on those training rows and applied, the detector's fit
 * runs on the scaled copy (for svm with balance = gan, followed by
 * generated attack rows: gan.c), then every training row is scored and the
 * threshold set to the (1 - fpr) quantile of the scores of the normal
 * training rows (gt == 0 when known): with s sorted ascending over m rows,
 *     threshold = s[m - 1 - floor(fpr * m)],
 * so at most floor(fpr * m) training rows score above it.  (pca with
 * alpha > 0 uses the Jackson-Mudholkar Q-statistic instead.)
 *
 * Model files are text: one "key values" line per item, doubles printed as
 * C99 hexadecimal floats (%a), which strtod reads back bit-exactly, then a
 * last line "checksum fnv1a64 HEX" over every byte before it.  Loading
 * checks the magic and the checksum before anything else is believed, so
 * a flipped byte or a truncated file is refused as damaged.
 */
#include "detector_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "errbuf.h"
#include "readall.h"
#include "gan.h"

#define MODEL_MAGIC "migad-model"
#define MODEL_VERSION 2 /* the newest: 2 adds the balance line (docs/model-format.md) */
#define MODEL_MAX_BYTES ((size_t)256 << 20)
#define MODEL_MAX_FEATURES MIGAD_TABLE_MAX_COLS

/* The registry: adding a detector is one file and one row here. */
static const struct detector_ops *const detectors[] = {
    &detector_pca,
    &detector_kmeans,
    &detector_gmm,
    &detector_svm,
    &detector_ae,
};
#define NDETECTORS (sizeof detectors / sizeof detectors[0])

struct migad_model {
    const struct detector_ops *ops;
    size_t d;
    char **names;
    enum migad_scale scale;
    int log1p;
    double *shift, *factor; /* scaled = (t(x) - shift) / factor */
    double threshold;
    double fpr;
    enum migad_balance balance; /* class balancing used in training */
    uint64_t generated;         /* rows it generated */
    void *state;
};

static const char *const scale_names[] = { "none", "zscore", "minmax" };


void migad_train_opts_init(struct migad_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->detector = "pca";
    o->scale = MIGAD_SCALE_ZSCORE;
    o->seed = 1;
    o->fpr = 0.01;
    o->variance = 0.95;
    o->reg_covar = 1e-6;
    o->tol = 1e-3;
}

size_t migad_detector_count(void) { return NDETECTORS; }
const char *migad_detector_name(size_t i) { return i < NDETECTORS ? detectors[i]->name : NULL; }
const char *migad_detector_summary(size_t i) { return i < NDETECTORS ? detectors[i]->summary : NULL; }

static const struct detector_ops *find_detector(const char *name)
{
    for (size_t i = 0; i < NDETECTORS; i++)
        if (strcmp(detectors[i]->name, name) == 0)
            return detectors[i];
    return NULL;
}

void migad_model_free(struct migad_model *m)
{
    if (!m)
        return;
    if (m->state)
        m->ops->free(m->state);
    for (size_t i = 0; m->names && i < m->d; i++)
        free(m->names[i]);
    free(m->names);
    free(m->shift);
    free(m->factor);
    free(m);
}

static struct migad_model *model_new(const struct detector_ops *ops, size_t d)
{
    struct migad_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->ops = ops;
    m->d = d;
    m->names = calloc(d, sizeof *m->names);
    m->shift = calloc(d, sizeof *m->shift);
    m->factor = calloc(d, sizeof *m->factor);
    if (!m->names || !m->shift || !m->factor) {
        migad_model_free(m);
        return NULL;
    }
    return m;
}

/* ---- scaling ------------------------------------------------------------ */

/* Apply log1p (if set) to a copy of the rows; -1 with err when a value is
 * <= -1 (row and column reported). */
static int transform(const struct migad_model *m, const double *x, size_t n, double *out,
                     const char *name, char *err)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < m->d; j++) {
            double v = x[i * m->d + j];
            if (m->log1p) {
                if (!(v > -1.0)) {
                    migad_seterr(err, "%s: row %zu: column %s: %.17g is not > -1 (needed by --log1p)",
                            name, i + 1, m->names[j], v);
                    return -1;
                }
                v = log1p(v);
            }
            out[i * m->d + j] = v;
        }
    }
    return 0;
}

/* Fit shift and factor on the transformed training rows. */
static void fit_scaling(struct migad_model *m, const double *x, size_t n)
{
    for (size_t j = 0; j < m->d; j++) {
        double shift = 0, factor = 1;
        if (m->scale == MIGAD_SCALE_ZSCORE) {
            double mean = 0, ss = 0;
            for (size_t i = 0; i < n; i++)
                mean += x[i * m->d + j];
            mean /= (double)n;
            for (size_t i = 0; i < n; i++) {
                double e = x[i * m->d + j] - mean;
                ss += e * e;
            }
            double sd = sqrt(ss / (double)n);
            shift = mean;
            factor = sd > 0 ? sd : 1;
        } else if (m->scale == MIGAD_SCALE_MINMAX) {
            double lo = x[j], hi = x[j];
            for (size_t i = 1; i < n; i++) {
                double v = x[i * m->d + j];
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
            shift = lo;
            factor = hi > lo ? hi - lo : 1;
        }
        m->shift[j] = shift;
        m->factor[j] = factor;
    }
}

static void apply_scaling(const struct migad_model *m, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m->d; j++)
            x[i * m->d + j] = (x[i * m->d + j] - m->shift[j]) / m->factor[j];
}

/* ---- training ----------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Threshold at false-alarm rate fpr over the normal training rows. */
static migad_status fpr_threshold(const double *scores, const double *gt, size_t n, double fpr,
                                  double *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += !gt || gt[i] == 0;
    int all = m == 0; /* only attack rows: use them all */
    if (all)
        m = n;
    double *s = malloc(m * sizeof *s);
    if (!s)
        return MIGAD_ENOMEM;
    for (size_t i = 0, k = 0; i < n; i++)
        if (all || !gt || gt[i] == 0)
            s[k++] = scores[i];
    qsort(s, m, sizeof *s, cmp_double);
    size_t above = (size_t)floor(fpr * (double)m);
    if (above > m - 1)
        above = m - 1;
    *out = s[m - 1 - above];
    free(s);
    return MIGAD_OK;
}

static migad_status check_opts(const struct migad_table *t, const struct migad_train_opts *o,
                               const struct detector_ops **ops, char *err)
{
    *ops = find_detector(o->detector ? o->detector : "");
    if (!*ops) {
        migad_seterr(err, "unknown detector '%s'", o->detector ? o->detector : "");
        return MIGAD_EINVAL;
    }
    if (!(o->fpr >= 0 && o->fpr < 1)) {
        migad_seterr(err, "false-alarm rate %g is not in [0, 1)", o->fpr);
        return MIGAD_EINVAL;
    }
    if ((unsigned)o->scale > MIGAD_SCALE_MINMAX) {
        migad_seterr(err, "unknown scaling");
        return MIGAD_EINVAL;
    }
    if (t->nrows < 2 || t->ncols < 1) {
        migad_seterr(err, "need at least 2 rows and 1 feature to train, have %zu rows", t->nrows);
        return MIGAD_EFORMAT;
    }
    return MIGAD_OK;
}

/* --balance (migad/learn.h): the rows to fit on, the scaled rows plus
 * generated attack rows (in *extra, to free) when asked for.  Only a
 * detector that learns from attack rows can use them: svm.  (ae fits on
 * the normal rows only, pca and gmm ignore the labels, kmeans uses them
 * only for its initial centroids.) */
static migad_status balance(const struct detector_ops *ops, const struct det_input *in,
                            const struct migad_train_opts *o, struct migad_model *m,
                            struct det_input *fit_in, double **extra, char *err)
{
    const struct migad_learn_opts *lo = o->learn;
    if (!lo || lo->balance == MIGAD_BALANCE_NONE)
        return MIGAD_OK;
    if (lo->balance != MIGAD_BALANCE_GAN) {
        migad_seterr(err, "unknown class balancing");
        return MIGAD_EINVAL;
    }
    if (ops != &detector_svm) {
        migad_seterr(err, "--balance gan: only for the supervised detector svm; %s does not "
                     "learn from attack rows", ops->name);
        return MIGAD_EINVAL;
    }
    size_t g;
    migad_status st = gan_balance(in, lo, o->seed, fit_in, extra, &g, err);
    if (st == MIGAD_OK) {
        m->balance = MIGAD_BALANCE_GAN;
        m->generated = g;
    }
    return st;
}

migad_status migad_model_train(const struct migad_table *t, const struct migad_train_opts *o,
                               struct migad_model **out, char err[MIGAD_ERRBUF_SIZE])
{
    *out = NULL;
    const struct detector_ops *ops;
    migad_status st = check_opts(t, o, &ops, err);
    if (st != MIGAD_OK)
        return st;
    size_t n = t->nrows, d = t->ncols;
    struct migad_model *m = model_new(ops, d);
    double *x = m ? malloc(n * d * sizeof *x) : NULL;
    double *scores = x ? malloc(n * sizeof *scores) : NULL;
    if (!scores) {
        free(x);
        migad_model_free(m);
        migad_seterr(err, "out of memory");
        return MIGAD_ENOMEM;
    }
    m->scale = o->scale;
    m->log1p = o->log1p;
    m->fpr = o->fpr;
    for (size_t j = 0; j < d && st == MIGAD_OK; j++)
        if (!(m->names[j] = strdup(t->names[j])))
            st = MIGAD_ENOMEM;
    if (st == MIGAD_OK && transform(m, t->x, n, x, "training rows", err) != 0)
        st = MIGAD_EFORMAT;
    if (st == MIGAD_OK) {
        fit_scaling(m, x, n);
        apply_scaling(m, x, n);
        struct det_input in = { x, n, d, t->gt, t->imi }, fit_in = in;
        double *extra = NULL;
        st = balance(ops, &in, o, m, &fit_in, &extra, err);
        if (st == MIGAD_OK)
            st = ops->fit(&m->state, &fit_in, o, err);
        free(extra);
    }
    if (st == MIGAD_OK && ops->score(m->state, d, x, n, scores) != 0) {
        migad_seterr(err, "out of memory");
        st = MIGAD_ENOMEM;
    }
    if (st == MIGAD_OK) {
        if (o->alpha > 0) {
            if (!ops->threshold) {
                migad_seterr(err, "detector %s has no statistical threshold (alpha)", ops->name);
                st = MIGAD_EINVAL;
            } else {
                st = ops->threshold(m->state, o->alpha, &m->threshold, err);
            }
        } else {
            st = fpr_threshold(scores, t->gt, n, o->fpr, &m->threshold);
            if (st != MIGAD_OK)
                migad_seterr(err, "out of memory");
        }
    }
    free(x);
    free(scores);
    if (st != MIGAD_OK) {
        migad_model_free(m);
        return st;
    }
    *out = m;
    return MIGAD_OK;
}

/* ---- scoring ------------------------------------------------------------ */

migad_status migad_model_check(const struct migad_model *m, const struct migad_table *t,
                               const char *name, char err[MIGAD_ERRBUF_SIZE])
{
    size_t n = t->ncols < m->d ? t->ncols : m->d;
    for (size_t j = 0; j < n; j++) {
        if (strcmp(t->names[j], m->names[j]) != 0) {
            migad_seterr(err, "%s: feature column %zu is '%s', the model expects '%s'", name, j + 1,
                    t->names[j], m->names[j]);
            return MIGAD_EFORMAT;
        }
    }
    if (t->ncols != m->d) {
        migad_seterr(err, "%s: %zu feature columns, the model expects %zu", name, t->ncols, m->d);
        return MIGAD_EFORMAT;
    }
    return MIGAD_OK;
}

migad_status migad_model_score(const struct migad_model *m, const struct migad_table *t,
                               const char *name, double *scores, int *alarms,
                               char err[MIGAD_ERRBUF_SIZE])
{
    migad_status st = migad_model_check(m, t, name, err);
    if (st != MIGAD_OK)
        return st;
    return migad_model_score_rows(m, t->x, t->nrows, name, scores, alarms, err);
}

migad_status migad_model_score_rows(const struct migad_model *m, const double *rows, size_t n,
                                    const char *name, double *scores, int *alarms,
                                    char err[MIGAD_ERRBUF_SIZE])
{
    double *x = malloc((n * m->d > 0 ? n * m->d : 1) * sizeof *x);
    if (!x) {
        migad_seterr(err, "out of memory");
        return MIGAD_ENOMEM;
    }
    if (transform(m, rows, n, x, name, err) != 0) {
        free(x);
        return MIGAD_EFORMAT;
    }
    apply_scaling(m, x, n);
    int bad = m->ops->score(m->state, m->d, x, n, scores);
    free(x);
    if (bad) {
        migad_seterr(err, "out of memory");
        return MIGAD_ENOMEM;
    }
    /* A score that overflowed (extreme inputs, or a crafted model's tiny
     * scale factors) is as anomalous as a score can be: never NaN, never a
     * silent "no alarm" (NaN compares false with the threshold). */
    for (size_t i = 0; i < n; i++) {
        if (isnan(scores[i]) || scores[i] > DBL_MAX)
            scores[i] = DBL_MAX;
        else if (scores[i] < -DBL_MAX)
            scores[i] = -DBL_MAX;
    }
    for (size_t i = 0; alarms && i < n; i++)
        alarms[i] = scores[i] > m->threshold || scores[i] == DBL_MAX;
    return MIGAD_OK;
}

const char *migad_model_detector(const struct migad_model *m) { return m->ops->name; }
size_t migad_model_nfeatures(const struct migad_model *m) { return m->d; }
const char *migad_model_feature(const struct migad_model *m, size_t i) { return i < m->d ? m->names[i] : NULL; }
double migad_model_threshold(const struct migad_model *m) { return m->threshold; }

enum migad_balance migad_model_balance(const struct migad_model *m, uint64_t *generated)
{
    if (generated)
        *generated = m->generated;
    return m->balance;
}

/* ---- model file writer -------------------------------------------------- */

static void mw_append(struct mw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mw_append(struct mw *w, const char *fmt, ...)
{
    if (w->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(w->buf ? w->buf + w->len : NULL, w->buf ? w->cap - w->len : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            w->failed = 1;
            return;
        }
        if (w->buf && (size_t)k < w->cap - w->len) {
            w->len += (size_t)k;
            return;
        }
        size_t nc = w->cap ? w->cap * 2 : 4096;
        while (nc < w->len + (size_t)k + 1)
            nc *= 2;
        char *nb = realloc(w->buf, nc);
        if (!nb) {
            w->failed = 1;
            return;
        }
        w->buf = nb;
        w->cap = nc;
    }
}

void mw_u64(struct mw *w, const char *key, uint64_t v)
{
    mw_append(w, "%s %" PRIu64 "\n", key, v);
}

void mw_doubles(struct mw *w, const char *key, const double *v, size_t n)
{
    mw_append(w, "%s", key);
    for (size_t i = 0; i < n; i++)
        mw_append(w, " %a", v[i]);
    mw_append(w, "\n");
}

void mw_text(struct mw *w, const char *key, const char *text)
{
    mw_append(w, "%s %s\n", key, text);
}

/* FNV-1a, 64 bits (Fowler, Noll, Vo): offset basis 0xcbf29ce484222325,
 * prime 0x100000001b3.  Any single changed byte changes the hash: each
 * step is a bijection of the running value. */
static uint64_t fnv1a64(const char *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

migad_status migad_model_encode(const struct migad_model *m, char **buf, size_t *len)
{
    struct mw w = { 0 };
    /* version 1 when there is no balance line, so older readers keep
     * reading every model trained without balancing */
    mw_append(&w, "%s %d\n", MODEL_MAGIC, m->balance != MIGAD_BALANCE_NONE ? 2 : 1);
    mw_text(&w, "detector", m->ops->name);
    mw_u64(&w, "features", m->d);
    for (size_t j = 0; j < m->d; j++)
        mw_text(&w, "feature", m->names[j]);
    mw_text(&w, "scale", scale_names[m->scale]);
    mw_u64(&w, "log1p", (uint64_t)m->log1p);
    mw_doubles(&w, "shift", m->shift, m->d);
    mw_doubles(&w, "factor", m->factor, m->d);
    mw_doubles(&w, "fpr", &m->fpr, 1);
    mw_doubles(&w, "threshold", &m->threshold, 1);
    if (m->balance == MIGAD_BALANCE_GAN)
        mw_append(&w, "balance gan %" PRIu64 "\n", m->generated);
    m->ops->save(m->state, m->d, &w);
    mw_append(&w, "end\n");
    uint64_t h = w.failed ? 0 : fnv1a64(w.buf, w.len);
    mw_append(&w, "checksum fnv1a64 %016" PRIx64 "\n", h);
    if (w.failed) {
        free(w.buf);
        return MIGAD_ENOMEM;
    }
    *buf = w.buf;
    *len = w.len;
    return MIGAD_OK;
}

migad_status migad_model_save(const struct migad_model *m, const char *path,
                              char err[MIGAD_ERRBUF_SIZE])
{
    char *buf;
    size_t len;
    if (migad_model_encode(m, &buf, &len) != MIGAD_OK) {
        migad_seterr(err, "%s: out of memory", path);
        return MIGAD_ENOMEM;
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 5);
    if (!tmp) {
        free(buf);
        migad_seterr(err, "%s: out of memory", path);
        return MIGAD_ENOMEM;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    migad_status st = MIGAD_OK;
    FILE *fp = fopen(tmp, "wb");
    if (!fp) {
        migad_seterr(err, "%s: cannot create: %s", tmp, strerror(errno));
        st = MIGAD_EIO;
    } else {
        int bad = fwrite(buf, 1, len, fp) != len;
        bad |= fclose(fp) != 0;
        if (bad || rename(tmp, path) != 0) {
            migad_seterr(err, "%s: write error: %s", path, strerror(errno));
            remove(tmp);
            st = MIGAD_EIO;
        }
    }
    free(tmp);
    free(buf);
    return st;
}

/* ---- model file reader -------------------------------------------------- */

/* Next line as [*s, *s + *n) without its '\n'; -1 at the end. */
static int mr_line(struct mr *r, const char **s, size_t *n)
{
    if (r->failed || r->p >= r->end)
        return -1;
    const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
    if (!nl)
        return -1;
    *s = r->p;
    *n = (size_t)(nl - r->p);
    r->p = nl + 1;
    r->lineno++;
    return 0;
}

static int mr_fail(struct mr *r, const char *what)
{
    if (!r->failed)
        migad_seterr(r->err, "%s:%zu: damaged model file: %s", r->name, r->lineno, what);
    r->failed = 1;
    return -1;
}

/* Read a line "key rest"; *rest points after the space (NUL-terminated copy). */
static int mr_key(struct mr *r, const char *key, char **rest)
{
    const char *s;
    size_t n, k = strlen(key);
    if (mr_line(r, &s, &n) != 0)
        return mr_fail(r, "unexpected end");
    if (n < k + 1 || memcmp(s, key, k) != 0 || s[k] != ' ') {
        char what[96];
        snprintf(what, sizeof what, "expected '%s'", key);
        return mr_fail(r, what);
    }
    *rest = malloc(n - k);
    if (!*rest)
        return mr_fail(r, "out of memory");
    memcpy(*rest, s + k + 1, n - k - 1);
    (*rest)[n - k - 1] = '\0';
    return 0;
}

int mr_fits(const struct mr *r, uint64_t count)
{
    return count <= (uint64_t)(r->end - r->p) / 2;
}

int mr_text(struct mr *r, const char *key, char **text)
{
    *text = NULL;
    if (mr_key(r, key, text) != 0)
        return -1;
    if (**text == '\0') {
        free(*text);
        *text = NULL;
        return mr_fail(r, "empty value");
    }
    return 0;
}

int mr_u64(struct mr *r, const char *key, uint64_t max, uint64_t *v)
{
    char *rest;
    if (mr_key(r, key, &rest) != 0)
        return -1;
    char *end;
    errno = 0;
    unsigned long long u = strtoull(rest, &end, 10);
    int bad = rest[0] < '0' || rest[0] > '9' || *end != '\0' || errno != 0 || u > max;
    free(rest);
    if (bad)
        return mr_fail(r, "bad integer");
    *v = u;
    return 0;
}

int mr_doubles(struct mr *r, const char *key, double *v, size_t n)
{
    char *rest;
    if (mr_key(r, key, &rest) != 0)
        return -1;
    const char *p = rest;
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        char *end = NULL;
        bad = *p == ' ' || *p == '\0';
        v[i] = bad ? 0 : strtod(p, &end);
        bad = bad || end == p || !isfinite(v[i]) || *end != (i + 1 < n ? ' ' : '\0');
        if (!bad)
            p = i + 1 < n ? end + 1 : end;
    }
    bad |= n == 0 && *p != '\0';
    free(rest);
    return bad ? mr_fail(r, "bad number list") : 0;
}

/* Check magic, version and checksum; *payload_len = bytes before the
 * checksum line, *version the format version (1..MODEL_VERSION). */
static migad_status verify(const char *buf, size_t len, const char *name, size_t *payload_len,
                           int *version, char *err)
{
    size_t ml = strlen(MODEL_MAGIC);
    if (len < ml + 1 || memcmp(buf, MODEL_MAGIC, ml) != 0 || buf[ml] != ' ') {
        migad_seterr(err, "%s: not a migad model file", name);
        return MIGAD_EFORMAT;
    }
    static const char tag[] = "checksum fnv1a64 ";
    size_t tl = sizeof tag - 1, line = tl + 16 + 1;
    if (len < line + ml || buf[len - 1] != '\n' || memcmp(buf + len - line, tag, tl) != 0 ||
        buf[len - line - 1] != '\n') {
        migad_seterr(err, "%s: damaged or truncated model file (no checksum line at the end)", name);
        return MIGAD_EFORMAT;
    }
    *payload_len = len - line;
    char want[24];
    snprintf(want, sizeof want, "%016" PRIx64 "\n", fnv1a64(buf, *payload_len));
    if (memcmp(buf + len - 17, want, 17) != 0) {
        migad_seterr(err, "%s: damaged model file (checksum mismatch)", name);
        return MIGAD_EFORMAT;
    }
    for (*version = 1; *version <= MODEL_VERSION; ++*version) {
        char ver[32];
        snprintf(ver, sizeof ver, "%s %d\n", MODEL_MAGIC, *version);
        if (strncmp(buf, ver, strlen(ver)) == 0)
            return MIGAD_OK;
    }
    migad_seterr(err, "%s: model format version not supported (this migad reads versions 1 to %d)",
            name, MODEL_VERSION);
    return MIGAD_EUNSUP;
}

/* Version 2's "balance gan N" line. */
static int read_balance(struct mr *r, struct migad_model *m)
{
    char *rest, *end;
    if (mr_key(r, "balance", &rest) != 0)
        return -1;
    errno = 0;
    int bad = strncmp(rest, "gan ", 4) != 0 || rest[4] < '0' || rest[4] > '9';
    unsigned long long g = bad ? 0 : strtoull(rest + 4, &end, 10);
    bad = bad || *end != '\0' || errno != 0;
    free(rest);
    if (bad)
        return mr_fail(r, "bad balance line");
    m->balance = MIGAD_BALANCE_GAN;
    m->generated = g;
    return 0;
}

/* Parse the common header; the model is allocated here. */
static int read_common(struct mr *r, int version, struct migad_model **out)
{
    const char *s;
    size_t n;
    char *det = NULL, *scale = NULL;
    uint64_t d, lp;
    mr_line(r, &s, &n); /* the magic line, already checked */
    if (mr_text(r, "detector", &det) != 0 || mr_u64(r, "features", MODEL_MAX_FEATURES, &d) != 0) {
        free(det);
        return -1;
    }
    const struct detector_ops *ops = find_detector(det);
    free(det);
    if (!ops || d == 0)
        return mr_fail(r, ops ? "no features" : "unknown detector");
    struct migad_model *m = model_new(ops, d);
    if (!m)
        return mr_fail(r, "out of memory");
    *out = m;
    for (size_t j = 0; j < d; j++)
        if (mr_text(r, "feature", &m->names[j]) != 0)
            return -1;
    if (mr_text(r, "scale", &scale) != 0)
        return -1;
    int found = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(scale, scale_names[i]) == 0)
            found = i;
    free(scale);
    if (found < 0)
        return mr_fail(r, "unknown scaling");
    m->scale = (enum migad_scale)found;
    if (mr_u64(r, "log1p", 1, &lp) != 0)
        return -1;
    m->log1p = (int)lp;
    if (mr_doubles(r, "shift", m->shift, d) || mr_doubles(r, "factor", m->factor, d) ||
        mr_doubles(r, "fpr", &m->fpr, 1) || mr_doubles(r, "threshold", &m->threshold, 1) ||
        (version >= 2 && read_balance(r, m) != 0))
        return -1;
    for (size_t j = 0; j < d; j++)
        if (!(m->factor[j] > 0))
            return mr_fail(r, "scale factor not positive");
    return 0;
}

migad_status migad_model_decode(const char *buf, size_t len, const char *name,
                                struct migad_model **out, char err[MIGAD_ERRBUF_SIZE])
{
    *out = NULL;
    size_t plen;
    int version;
    migad_status st = verify(buf, len, name, &plen, &version, err);
    if (st != MIGAD_OK)
        return st;
    struct mr r = { .p = buf, .end = buf + plen, .name = name, .err = err };
    struct migad_model *m = NULL;
    if (read_common(&r, version, &m) == 0 && m->ops->load(&m->state, m->d, &r) == 0) {
        const char *s;
        size_t n;
        if (mr_line(&r, &s, &n) != 0 || n != 3 || memcmp(s, "end", 3) != 0 || r.p != r.end)
            mr_fail(&r, "expected 'end'");
    } else {
        mr_fail(&r, "bad detector parameters");
    }
    if (r.failed) {
        migad_model_free(m);
        return MIGAD_EFORMAT;
    }
    *out = m;
    return MIGAD_OK;
}

migad_status migad_model_load(const char *path, struct migad_model **out,
                              char err[MIGAD_ERRBUF_SIZE])
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        migad_seterr(err, "%s: cannot open: %s", path, strerror(errno));
        return MIGAD_EIO;
    }
    char *buf = NULL;
    size_t len = 0;
    migad_status st = migad_read_all(fp, path, MODEL_MAX_BYTES, &buf, &len, err);
    fclose(fp);
    if (st == MIGAD_OK)
        st = migad_model_decode(buf, len, path, out, err);
    free(buf);
    return st;
}

/* ---- description -------------------------------------------------------- */

void desc_doubles(FILE *fp, const char *key, const double *v, size_t n)
{
    fprintf(fp, "%s", key);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, " %.17g", v[i]);
    fputc('\n', fp);
}

migad_status migad_model_describe(const struct migad_model *m, FILE *fp)
{
    fprintf(fp, "detector %s\nfeatures", m->ops->name);
    for (size_t j = 0; j < m->d; j++)
        fprintf(fp, " %s", m->names[j]);
    fprintf(fp, "\nscale %s\nlog1p %d\n", scale_names[m->scale], m->log1p);
    desc_doubles(fp, "shift", m->shift, m->d);
    desc_doubles(fp, "factor", m->factor, m->d);
    desc_doubles(fp, "fpr", &m->fpr, 1);
    desc_doubles(fp, "threshold", &m->threshold, 1);
    if (m->balance == MIGAD_BALANCE_GAN)
        fprintf(fp, "balance gan %" PRIu64 "\n", m->generated);
    else
        fprintf(fp, "balance none\n");
    m->ops->describe(m->state, m->d, fp);
    return ferror(fp) ? MIGAD_EIO : MIGAD_OK;
}
