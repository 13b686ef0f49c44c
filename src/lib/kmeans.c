/*
 * kmeans: distance to the nearest k-means centroid, the clustering detector
 * of seed paper 1 (Shirazi et al., CloudNet 2014, section III-B).
 *
 * Fit: Lloyd's algorithm minimising the within-cluster sum of squares
 *     J = sum_j sum_{x in C_j} || x - c_j ||^2
 * from `restarts` initialisations (default 10); the one with the least
 * final J (the inertia) is kept, the earliest on a tie.  Restart r draws
 * from the derived stream migad_rng_derive(seed, r).  Initial centroids:
 *   - k-means++ (Arthur & Vassilvitskii, SODA 2007): the first a uniform
 *     random row, each next one a row drawn with probability proportional
 *     to its squared distance to the nearest centroid chosen so far;
 *   - --init classes, the paper's variant: random rows of each class
 *     present -- normal (gt = 0, imi = 0), attack (gt != 0), migration
 *     (gt = 0, imi > 0) -- taken round-robin in that order until k are
 *     chosen (needs the gt column; imi optional).
 * A Lloyd iteration assigns every row to its nearest centroid (the lowest
 * index on a tie) and moves each centroid to the mean of its rows (an
 * empty cluster keeps its centroid); it stops when no assignment changes
 * or after max_iter (default 300) updates.
 *
 * Score: the Euclidean distance from the row to its nearest centroid.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector_impl.h"

struct kmeans {
    size_t k, d;
    double *c;    /* k x d final centroids */
    double *init; /* k x d initial centroids of the kept restart */
    double inertia;
};

static void km_free(void *state)
{
    struct kmeans *m = state;
    if (!m)
        return;
    free(m->c);
    free(m->init);
    free(m);
}

static struct kmeans *km_new(size_t k, size_t d)
{
    struct kmeans *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->k = k;
    m->d = d;
    m->c = calloc(k * d, sizeof *m->c);
    m->init = calloc(k * d, sizeof *m->init);
    if (!m->c || !m->init) {
        km_free(m);
        return NULL;
    }
    return m;
}

static double sqdist(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t j = 0; j < d; j++) {
        double e = a[j] - b[j];
        s += e * e;
    }
    return s;
}

/* Index of the nearest centroid; its squared distance in *dist. */
static size_t nearest(const double *x, const double *c, size_t k, size_t d, double *dist)
{
    size_t best = 0;
    double bd = sqdist(x, c, d);
    for (size_t j = 1; j < k; j++) {
        double e = sqdist(x, c + j * d, d);
        if (e < bd) {
            bd = e;
            best = j;
        }
    }
    *dist = bd;
    return best;
}

int kmeans_pp(const double *x, size_t n, size_t d, size_t k, struct migad_rng *rng,
              double *centroids)
{
    double *dmin = malloc(n * sizeof *dmin);
    if (!dmin)
        return -1;
    size_t first = (size_t)migad_rng_below(rng, n);
    memcpy(centroids, x + first * d, d * sizeof *x);
    for (size_t i = 0; i < n; i++)
        dmin[i] = sqdist(x + i * d, centroids, d);
    for (size_t j = 1; j < k; j++) {
        double total = 0;
        for (size_t i = 0; i < n; i++)
            total += dmin[i];
        size_t pick = n - 1;
        if (!(total > 0)) {
            pick = (size_t)migad_rng_below(rng, n); /* every row is a centroid already */
        } else {
            double u = migad_rng_uniform(rng) * total, acc = 0;
            for (size_t i = 0; i < n; i++) {
                acc += dmin[i];
                if (u < acc && dmin[i] > 0) {
                    pick = i;
                    break;
                }
            }
        }
        memcpy(centroids + j * d, x + pick * d, d * sizeof *x);
        for (size_t i = 0; i < n; i++) {
            double e = sqdist(x + i * d, centroids + j * d, d);
            dmin[i] = e < dmin[i] ? e : dmin[i];
        }
    }
    free(dmin);
    return 0;
}

/*
 * Assign rows to centroids; returns the number of changed assignments and
 * the inertia in *inertia.  In the same pass, sum (k x d) and count (k)
 * receive the per-cluster sums and sizes of the new assignment, added up in
 * row order, exactly as a separate pass over the rows would: one read of
 * the rows per Lloyd iteration instead of two.
 */
/* The nearest centroid of x (the first on a tie, as in Lloyd's rule), its
 * squared distance, and the squared distance of the second nearest
 * (HUGE_VAL when k = 1). */
static size_t nearest2(const double *x, const double *c, size_t k, size_t d, double *dist,
                       double *second)
{
    size_t best = 0;
    double bd = sqdist(x, c, d), sd = HUGE_VAL;
    for (size_t j = 1; j < k; j++) {
        double e = sqdist(x, c + j * d, d);
        if (e < bd) {
            sd = bd;
            bd = e;
            best = j;
        } else if (e < sd) {
            sd = e;
        }
    }
    *dist = bd;
    *second = sd;
    return best;
}

/* Relative slack of the bound tests: far above the rounding of the
 * distances and of the bounds' updates, so a row is skipped only when its
 * centroid is the nearest by a clear margin and Lloyd's rule would keep it. */
#define KM_SLACK 1e-9

/* Move each centroid to the mean of its rows; empty clusters stay. */
static void update_centroids(size_t d, size_t k, double *c, const double *sum,
                             const size_t *count)
{
    for (size_t j = 0; j < k; j++)
        for (size_t a = 0; count[j] && a < d; a++)
            c[j * d + a] = sum[j * d + a] / (double)count[j];
}

/*
 * Lloyd's iterations, with Hamerly's bounds (Hamerly 2010, "Making k-means
 * even faster") to skip the distance computations that cannot change a
 * row's centroid: u[i] bounds the distance to the row's centroid from
 * above, l[i] the distance to every other centroid from below; a row whose
 * u[i] is below l[i], or below half the distance from its centroid to the
 * nearest other one, keeps its centroid.  The bounds only decide what is
 * computed, never the result: assignments, the cluster sums (added up in row
 * order), the iteration count and the inertia (squared distances summed in
 * row order in a last pass) are those of plain Lloyd bit for bit, because a
 * row is skipped only when its centroid wins by a relative margin
 * (KM_SLACK) far above the rounding of the distances.
 */
double kmeans_lloyd(const double *x, size_t n, size_t d, size_t k, double *centroids,
                    unsigned max_iter, size_t *assign)
{
    double *sum = malloc(k * d * sizeof *sum), *old = malloc(k * d * sizeof *old);
    double *u = malloc(n * sizeof *u), *l = malloc(n * sizeof *l);
    double *move = malloc(k * sizeof *move), *half = malloc(k * sizeof *half);
    size_t *count = malloc(k * sizeof *count);
    double inertia = NAN;
    if (!sum || !old || !u || !l || !move || !half || !count)
        goto done;
    for (unsigned it = 0;; it++) {
        size_t changed = 0;
        if (it > 0)
            for (size_t j = 0; j < k; j++) {
                double m = HUGE_VAL;
                for (size_t j2 = 0; j2 < k; j2++)
                    if (j2 != j) {
                        double e = sqrt(sqdist(centroids + j * d, centroids + j2 * d, d));
                        m = e < m ? e : m;
                    }
                half[j] = 0.5 * m;
            }
        for (size_t i = 0; i < n; i++) {
            const double *xi = x + i * d;
            if (it > 0) {
                size_t a = assign[i];
                double bound = (half[a] > l[i] ? half[a] : l[i]) * (1 - KM_SLACK);
                if (u[i] < bound)
                    continue;
                u[i] = sqrt(sqdist(xi, centroids + a * d, d)) * (1 + KM_SLACK);
                if (u[i] < bound)
                    continue;
            }
            double d1, d2;
            size_t j = nearest2(xi, centroids, k, d, &d1, &d2);
            changed += it == 0 || assign[i] != j;
            assign[i] = j;
            u[i] = sqrt(d1) * (1 + KM_SLACK);
            l[i] = sqrt(d2) * (1 - KM_SLACK);
        }
        if (changed == 0 || it >= max_iter)
            break;
        memset(sum, 0, k * d * sizeof *sum);
        memset(count, 0, k * sizeof *count);
        for (size_t i = 0; i < n; i++) {
            size_t j = assign[i];
            count[j]++;
            for (size_t a = 0; a < d; a++)
                sum[j * d + a] += x[i * d + a];
        }
        memcpy(old, centroids, k * d * sizeof *old);
        update_centroids(d, k, centroids, sum, count);
        double maxmove = 0;
        for (size_t j = 0; j < k; j++) {
            move[j] = sqrt(sqdist(old + j * d, centroids + j * d, d)) * (1 + KM_SLACK);
            maxmove = move[j] > maxmove ? move[j] : maxmove;
        }
        for (size_t i = 0; i < n; i++) {
            u[i] = (u[i] + move[assign[i]]) * (1 + KM_SLACK);
            l[i] = (l[i] - maxmove) * (1 - KM_SLACK);
        }
    }
    /* Lloyd's inertia: the last pass's squared distances, in row order */
    inertia = 0;
    for (size_t i = 0; i < n; i++)
        inertia += sqdist(x + i * d, centroids + assign[i] * d, d);
done:
    free(sum);
    free(old);
    free(u);
    free(l);
    free(move);
    free(half);
    free(count);
    return inertia;
}

/* The paper's initialisation: rows of each class, round-robin. */
static int class_init(const struct det_input *in, size_t k, struct migad_rng *rng, double *c)
{
    size_t *rows[3], nrows[3] = { 0 }, used[3] = { 0 };
    int present[3], np = 0;
    for (int cl = 0; cl < 3; cl++)
        rows[cl] = malloc(in->n * sizeof *rows[cl]);
    int ok = rows[0] && rows[1] && rows[2];
    for (size_t i = 0; ok && i < in->n; i++) {
        int cl = in->gt[i] != 0 ? 1 : (in->imi && in->imi[i] > 0) ? 2 : 0;
        rows[cl][nrows[cl]++] = i;
    }
    for (int cl = 0; ok && cl < 3; cl++)
        if (nrows[cl])
            present[np++] = cl;
    for (size_t j = 0; ok && j < k; j++) {
        int cl = present[j % (size_t)np];
        /* partial Fisher-Yates: draw without replacement while rows last */
        size_t left = nrows[cl] - used[cl] % nrows[cl];
        size_t pick = used[cl] % nrows[cl] + (size_t)migad_rng_below(rng, left);
        size_t tmp = rows[cl][pick];
        rows[cl][pick] = rows[cl][used[cl] % nrows[cl]];
        rows[cl][used[cl] % nrows[cl]] = tmp;
        used[cl]++;
        memcpy(c + j * in->d, in->x + tmp * in->d, in->d * sizeof *c);
    }
    for (int cl = 0; cl < 3; cl++)
        free(rows[cl]);
    return ok ? 0 : -1;
}

static migad_status km_fit(void **state, const struct det_input *in,
                           const struct migad_train_opts *o, char *err)
{
    size_t k = o->k ? o->k : 3, d = in->d;
    unsigned restarts = o->restarts ? o->restarts : 10, max_iter = o->max_iter ? o->max_iter : 300;
    if (k > in->n) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "kmeans: %zu clusters but only %zu rows", k, in->n);
        return MIGAD_EINVAL;
    }
    if (o->init_classes && !in->gt) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "kmeans: --init classes needs a gt column in the input");
        return MIGAD_EINVAL;
    }
    struct kmeans *best = km_new(k, d), *cur = km_new(k, d);
    size_t *assign = malloc(in->n * sizeof *assign);
    migad_status st = best && cur && assign ? MIGAD_OK : MIGAD_ENOMEM;
    for (unsigned r = 0; r < restarts && st == MIGAD_OK; r++) {
        struct migad_rng rng;
        migad_rng_derive(&rng, o->seed, r);
        if (o->init_classes) {
            if (class_init(in, k, &rng, cur->init) != 0)
                st = MIGAD_ENOMEM;
        } else if (kmeans_pp(in->x, in->n, d, k, &rng, cur->init) != 0) {
            st = MIGAD_ENOMEM;
        }
        memcpy(cur->c, cur->init, k * d * sizeof *cur->c);
        cur->inertia = kmeans_lloyd(in->x, in->n, d, k, cur->c, max_iter, assign);
        if (isnan(cur->inertia))
            st = MIGAD_ENOMEM;
        if (st == MIGAD_OK && (r == 0 || cur->inertia < best->inertia)) {
            struct kmeans *t = best;
            best = cur;
            cur = t;
        }
    }
    free(assign);
    km_free(cur);
    if (st != MIGAD_OK) {
        km_free(best);
        snprintf(err, MIGAD_ERRBUF_SIZE, "out of memory");
        return st;
    }
    *state = best;
    return MIGAD_OK;
}

static int km_score(const void *state, size_t d, const double *x, size_t n, double *out)
{
    const struct kmeans *m = state;
    for (size_t i = 0; i < n; i++) {
        double dist;
        nearest(x + i * d, m->c, m->k, d, &dist);
        out[i] = sqrt(dist);
    }
    return 0;
}

static void km_save(const void *state, size_t d, struct mw *w)
{
    const struct kmeans *m = state;
    mw_u64(w, "kmeans.k", m->k);
    mw_doubles(w, "kmeans.inertia", &m->inertia, 1);
    for (size_t j = 0; j < m->k; j++)
        mw_doubles(w, "kmeans.init", m->init + j * d, d);
    for (size_t j = 0; j < m->k; j++)
        mw_doubles(w, "kmeans.centroid", m->c + j * d, d);
}

#define KM_MAX_K 65536

static int km_load(void **state, size_t d, struct mr *r)
{
    uint64_t k;
    if (mr_u64(r, "kmeans.k", KM_MAX_K, &k) != 0)
        return -1;
    struct kmeans *m = k && mr_fits(r, 2 * k * d) ? km_new((size_t)k, d) : NULL;
    if (!m)
        return -1; /* the caller reports the damaged parameters */
    int bad = mr_doubles(r, "kmeans.inertia", &m->inertia, 1);
    for (size_t j = 0; j < k && !bad; j++)
        bad = mr_doubles(r, "kmeans.init", m->init + j * d, d);
    for (size_t j = 0; j < k && !bad; j++)
        bad = mr_doubles(r, "kmeans.centroid", m->c + j * d, d);
    if (bad) {
        km_free(m);
        return -1;
    }
    *state = m;
    return 0;
}

static void km_describe(const void *state, size_t d, FILE *fp)
{
    const struct kmeans *m = state;
    fprintf(fp, "kmeans.k %zu\n", m->k);
    desc_doubles(fp, "kmeans.inertia", &m->inertia, 1);
    for (size_t j = 0; j < m->k; j++)
        desc_doubles(fp, "kmeans.init", m->init + j * d, d);
    for (size_t j = 0; j < m->k; j++)
        desc_doubles(fp, "kmeans.centroid", m->c + j * d, d);
}

const struct detector_ops detector_kmeans = {
    .name = "kmeans",
    .summary = "k-means (k-means++ or per-class init): distance to the nearest centroid",
    .fit = km_fit,
    .score = km_score,
    .save = km_save,
    .load = km_load,
    .describe = km_describe,
    .threshold = NULL,
    .free = km_free,
};
