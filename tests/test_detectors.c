/*
 * The feature-table reader, scaling, the three detectors and model files:
 * values worked out by hand (scaling, a 2-D PCA with closed-form
 * eigenvectors and Q-statistic, k-means on separated clusters, the
 * log-density of one Gaussian), planted anomalies ranked above normal rows,
 * model round trips, every single-byte flip and every truncation of a
 * model refused, and same seed -> same bytes.
 */
#include <stdlib.h>

#include "check.h"
#include "det_helpers.h"
#include "model_damage.h"
#include "migad/detector.h"
#include "migad/rng.h"
#include "migad/table.h"

static char err[MIGAD_ERRBUF_SIZE];

/* Value number idx of the describe line starting with key (NaN if absent;
 * nth selects among repeated keys). */
static double described(const struct migad_model *m, const char *key, int nth, size_t idx)
{
    char *desc = model_describe_text(m);
    double v[64];
    size_t n = desc && idx < 64 ? det_described(desc, key, nth, v, idx + 1) : 0;
    free(desc);
    return n > idx ? v[idx] : NAN;
}

static void test_table(void)
{
    struct migad_table t;
    CHECK(det_parse(&t, "trace,segment,bin,start,a,b,gt,imi\n\"x,y\",0,0,1.5,1,2,0,0.25\r\n\nz,0,1,2.5,3,4e1,1,0\n", err));
    CHECK_INT(t.nrows, 2);
    CHECK_INT(t.ncols, 2);
    CHECK_STR(t.names[1], "b");
    CHECK_NEAR(t.x[3], 40, 0);
    CHECK_STR(migad_table_meta(&t, 0, MIGAD_META_TRACE), "x,y");
    CHECK_STR(migad_table_meta(&t, 1, MIGAD_META_START), "2.5");
    CHECK_STR(migad_table_meta(&t, 0, MIGAD_META_IMI), "0.25");
    CHECK(t.gt && t.gt[1] == 1 && t.imi[0] == 0.25);
    migad_table_release(&t);

    const char *sel[] = { "b" };
    CHECK(migad_table_parse(&t, "a,b\n1,2\n", 8, "m", sel, 1, err) == MIGAD_OK);
    CHECK(t.ncols == 1 && t.x[0] == 2 && !t.gt && !t.has_meta[MIGAD_META_TRACE]);
    CHECK_STR(migad_table_meta(&t, 0, MIGAD_META_TRACE), "");
    migad_table_release(&t);

    CHECK(!det_parse(&t, "a,b\n1,2\n3,x7\n", err));
    CHECK_STR(err, "mem.csv:3: column b: not a finite number: 'x7'");
    CHECK(!det_parse(&t, "a,b\n1,2\n3\n", err));
    CHECK_STR(err, "mem.csv:3: 1 fields, the header has 2");
    CHECK(!det_parse(&t, "a,b\n1,nan\n", err));
    CHECK(!det_parse(&t, "a,b\n1,\n", err));
    CHECK(!det_parse(&t, "a,a\n1,2\n", err));
    CHECK(!det_parse(&t, "a,b\n", err));
    CHECK(!det_parse(&t, "", err));
    const char *missing[] = { "a", "c" };
    CHECK(migad_table_parse(&t, "a,b\n1,2\n", 8, "m.csv", missing, 2, err) != MIGAD_OK);
    CHECK_STR(err, "m.csv:1: no column named 'c'");
    CHECK(!det_parse(&t, "a,gt\n1,yes\n", err));
    CHECK(strstr(err, "'yes'") != NULL);
    CHECK(!det_parse(&t, "a\n\"1\n", err));
    CHECK_STR(err, "mem.csv:2: unterminated quoted field");
    /* size cap: a line over MIGAD_TABLE_MAX_LINE bytes */
    size_t big = MIGAD_TABLE_MAX_LINE + 10;
    char *long_line = malloc(big + 3);
    memcpy(long_line, "a\n", 2);
    memset(long_line + 2, '1', big);
    CHECK(migad_table_parse(&t, long_line, big + 2, "big.csv", NULL, 0, err) == MIGAD_ENOMEM);
    CHECK(strstr(err, "big.csv:2: line longer than") != NULL);
    free(long_line);
    CHECK(migad_table_read(&t, "/nonexistent/x.csv", NULL, 0, err) == MIGAD_EIO);
    CHECK(strstr(err, "/nonexistent/x.csv: cannot open") != NULL);
}

static void test_scaling(void)
{
    struct migad_table t;
    CHECK(det_parse(&t, "a,b\n1,5\n2,5\n3,5\n4,5\n", NULL));
    struct migad_train_opts o;
    migad_train_opts_init(&o);
    o.detector = "kmeans";
    o.k = 1;
    struct migad_model *m = det_train(&t, &o);
    CHECK_NEAR(described(m, "shift", 0, 0), 2.5, 1e-15);
    CHECK_NEAR(described(m, "factor", 0, 0), sqrt(1.25), 1e-15);
    CHECK_NEAR(described(m, "shift", 0, 1), 5, 0);
    CHECK_NEAR(described(m, "factor", 0, 1), 1, 0); /* constant column */
    migad_model_free(m);
    o.scale = MIGAD_SCALE_MINMAX;
    m = det_train(&t, &o);
    CHECK_NEAR(described(m, "shift", 0, 0), 1, 0);
    CHECK_NEAR(described(m, "factor", 0, 0), 3, 0);
    /* one cluster: the centroid is the mean of the scaled rows, 0.5 */
    CHECK_NEAR(described(m, "kmeans.centroid", 0, 0), 0.5, 1e-15);
    migad_model_free(m);
    o.scale = MIGAD_SCALE_NONE;
    o.log1p = 1;
    m = det_train(&t, &o);
    CHECK_NEAR(described(m, "kmeans.centroid", 0, 0),
               (log(2) + log(3) + log(4) + log(5)) / 4, 1e-15);
    migad_model_free(m);
    migad_table_release(&t);
    /* log1p needs values > -1 */
    CHECK(det_parse(&t, "a\n1\n-1\n", NULL));
    CHECK(migad_model_train(&t, &o, &m, err) == MIGAD_EFORMAT);
    CHECK(strstr(err, "row 2") && strstr(err, "column a"));
    migad_table_release(&t);
}

/* Covariance [[10/3, 2], [2, 10/3]]: eigenvalues 16/3 on (1,1)/sqrt2 and
 * 4/3 on (1,-1)/sqrt2; with k = 1, SPE(x, y) = (x - y)^2 / 2. */
static void test_pca_by_hand(void)
{
    struct migad_table t, q;
    CHECK(det_parse(&t, "x,y\n2,2\n-2,-2\n1,-1\n-1,1\n", NULL));
    CHECK(det_parse(&q, "x,y\n1,-1\n3,0\n5,5\n", NULL));
    struct migad_train_opts o;
    migad_train_opts_init(&o);
    o.scale = MIGAD_SCALE_NONE;
    o.k = 1;
    struct migad_model *m = det_train(&t, &o);
    CHECK_NEAR(described(m, "pca.explained_variance", 0, 0), 16.0 / 3, 1e-12);
    CHECK_NEAR(described(m, "pca.explained_variance", 0, 1), 4.0 / 3, 1e-12);
    CHECK_NEAR(described(m, "pca.axis", 0, 0), sqrt(0.5), 1e-12);
    CHECK_NEAR(described(m, "pca.axis", 0, 1), sqrt(0.5), 1e-12);
    double *s = det_score_all(m, &q);
    CHECK_NEAR(s[0], 2, 1e-12);
    CHECK_NEAR(s[1], 4.5, 1e-12);
    CHECK_NEAR(s[2], 0, 1e-12);
    free(s);
    migad_model_free(m);
    /* Q-statistic, one residual eigenvalue l = 4/3: h0 = 1/3 and
     * Q = l (c sqrt2 / 3 + 7/9)^3, c = 1.6448536269514722 at alpha 0.05 */
    o.alpha = 0.05;
    m = det_train(&t, &o);
    double c = 1.6448536269514722, l = 4.0 / 3;
    CHECK_NEAR(migad_model_threshold(m), l * pow(c * sqrt(2) / 3 + 7.0 / 9, 3), 1e-9);
    migad_model_free(m);
    /* variance rule: 16/3 is 80 % of the total: k = 1 at 0.8, k = 1 (capped) at 0.95 */
    o.alpha = 0;
    o.k = 0;
    o.variance = 0.8;
    m = det_train(&t, &o);
    CHECK_NEAR(described(m, "pca.k", 0, 0), 1, 0);
    migad_model_free(m);
    /* 3-sigma rule: no projection beyond 3 sd here -> k = d - 1 = 1 */
    o.three_sigma = 1;
    m = det_train(&t, &o);
    CHECK_NEAR(described(m, "pca.k", 0, 0), 1, 0);
    migad_model_free(m);
    migad_table_release(&t);
    migad_table_release(&q);
    /* 29 rows x = 0, y = +-1 and one row x = 10: the first axis is x (variance
     * 10/3 against ~1.03), the outlier lies 5.3 sd out on it -> k = 0 */
    char csv[1024] = "x,y\n";
    for (int i = 0; i < 29; i++)
        strcat(csv, i % 2 ? "0,1\n" : "0,-1\n");
    strcat(csv, "10,0\n");
    CHECK(det_parse(&t, csv, NULL));
    m = det_train(&t, &o);
    CHECK_NEAR(described(m, "pca.k", 0, 0), 0, 0);
    CHECK_NEAR(described(m, "pca.axis", 0, 0), 1, 1e-4); /* y's mean is not quite 0 */
    migad_model_free(m);
    migad_table_release(&t);
}

/* Two clusters of four rows at (0,0) and (10,10), each row (+-0.5, +-0.5)
 * from its centre: centroids exact, inertia 8 * 0.5 = 4. */
static void test_kmeans_by_hand(void)
{
    struct migad_table t;
    CHECK(det_parse(&t, "x,y\n0.5,0.5\n-0.5,0.5\n0.5,-0.5\n-0.5,-0.5\n"
                    "10.5,10.5\n9.5,10.5\n10.5,9.5\n9.5,9.5\n", NULL));
    struct migad_train_opts o;
    migad_train_opts_init(&o);
    o.detector = "kmeans";
    o.scale = MIGAD_SCALE_NONE;
    o.k = 2;
    struct migad_model *m = det_train(&t, &o);
    CHECK_NEAR(described(m, "kmeans.inertia", 0, 0), 4, 1e-12);
    double c0 = described(m, "kmeans.centroid", 0, 0), c1 = described(m, "kmeans.centroid", 1, 0);
    CHECK_NEAR(fmin(c0, c1), 0, 1e-12);
    CHECK_NEAR(fmax(c0, c1), 10, 1e-12);
    double *s = det_score_all(m, &t);
    for (size_t i = 0; i < t.nrows; i++)
        CHECK_NEAR(s[i], sqrt(0.5), 1e-12);
    free(s);
    migad_model_free(m);
    migad_table_release(&t);
}

/* --init classes: one initial centroid from each class, in the order
 * normal, attack, migration. */
static void test_kmeans_classes(void)
{
    struct migad_table t;
    CHECK(det_parse(&t, "x,gt,imi\n1,0,0\n2,0,0\n100,1,0\n101,1,0.5\n50,0,1\n51,0,0.5\n", NULL));
    struct migad_train_opts o;
    migad_train_opts_init(&o);
    o.detector = "kmeans";
    o.scale = MIGAD_SCALE_NONE;
    o.init_classes = 1;
    o.restarts = 3;
    struct migad_model *m = det_train(&t, &o);
    double i0 = described(m, "kmeans.init", 0, 0), i1 = described(m, "kmeans.init", 1, 0),
           i2 = described(m, "kmeans.init", 2, 0);
    CHECK(i0 == 1 || i0 == 2);
    CHECK(i1 == 100 || i1 == 101);
    CHECK(i2 == 50 || i2 == 51);
    migad_model_free(m);
    migad_table_release(&t);
    CHECK(det_parse(&t, "x\n1\n2\n3\n", NULL));
    CHECK(migad_model_train(&t, &o, &m, err) == MIGAD_EINVAL);
    migad_table_release(&t);
}

/* One Gaussian: mean 0, covariance diag(1/2, 2) (population) + 1e-6 I;
 * -log N(x) = log(2 pi) + log det S / 2 + x^T S^-1 x / 2. */
static void test_gmm_single(void)
{
    struct migad_table t, q;
    CHECK(det_parse(&t, "x,y\n1,0\n-1,0\n0,2\n0,-2\n", NULL));
    CHECK(det_parse(&q, "x,y\n0,0\n1,1\n", NULL));
    struct migad_train_opts o;
    migad_train_opts_init(&o);
    o.detector = "gmm";
    o.scale = MIGAD_SCALE_NONE;
    o.k = 1;
    struct migad_model *m = det_train(&t, &o);
    double a = 0.5 + 1e-6, b = 2 + 1e-6, base = log(2 * M_PI) + 0.5 * log(a * b);
    double *s = det_score_all(m, &q);
    CHECK_NEAR(s[0], base, 1e-12);
    CHECK_NEAR(s[1], base + 0.5 * (1 / a + 1 / b), 1e-12);
    free(s);
    migad_model_free(m);
    migad_table_release(&t);
    migad_table_release(&q);
}

/* 200 normal rows near the line t (1, 1, 1), t in two clusters around
 * -3 and 3, then 5 rows far off it. */
static char *planted_csv(void)
{
    struct migad_rng r;
    migad_rng_seed(&r, 42);
    size_t cap = 64 * 210, len = 0;
    char *buf = malloc(cap);
    len += (size_t)snprintf(buf + len, cap - len, "a,b,c,gt\n");
    for (int i = 0; i < 200; i++) {
        double t = (i % 2 ? 3 : -3) + 0.3 * migad_rng_normal(&r);
        len += (size_t)snprintf(buf + len, cap - len, "%.6f,%.6f,%.6f,0\n",
                                t + 0.1 * migad_rng_normal(&r), t + 0.1 * migad_rng_normal(&r),
                                t + 0.1 * migad_rng_normal(&r));
    }
    static const char *const out[] = { "4,-4,0", "0,0,6", "-5,1,5", "6,6,-6", "0,5,-5" };
    for (int i = 0; i < 5; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s,1\n", out[i]);
    return buf;
}

static void check_planted(const char *detector)
{
    char *csv = planted_csv();
    struct migad_table t;
    CHECK(det_parse(&t, csv, NULL));
    free(csv);
    struct migad_train_opts o;
    migad_train_opts_init(&o);
    o.detector = detector;
    o.k = strcmp(detector, "pca") == 0 ? 1 : 2;
    struct migad_model *m = det_train(&t, &o);
    double *s = det_score_all(m, &t), maxnormal = -HUGE_VAL, minout = HUGE_VAL;
    for (size_t i = 0; i < 200; i++)
        maxnormal = fmax(maxnormal, s[i]);
    for (size_t i = 200; i < 205; i++)
        minout = fmin(minout, s[i]);
    CHECK(minout > maxnormal);
    if (!(minout > maxnormal))
        fprintf(stderr, "  %s: min outlier %g <= max normal %g\n", detector, minout, maxnormal);
    /* the threshold is taken on the normal rows: 1 % of 200 = 2 rows above */
    int above = 0;
    for (size_t i = 0; i < 200; i++)
        above += s[i] > migad_model_threshold(m);
    CHECK_INT(above, 2);
    free(s);
    migad_model_free(m);
    migad_table_release(&t);
}

static void test_planted(void)
{
    check_planted("pca");
    check_planted("kmeans");
    check_planted("gmm");
}

/* Save -> load -> same scores and same bytes; damaged copies refused. */
static void check_model_file(const char *detector)
{
    char *csv = planted_csv();
    struct migad_table t;
    CHECK(det_parse(&t, csv, NULL));
    free(csv);
    struct migad_train_opts o;
    migad_train_opts_init(&o);
    o.detector = detector;
    o.seed = 7;
    struct migad_model *m = det_train(&t, &o), *m2 = det_train(&t, &o), *back = NULL;
    char *buf, *buf2, *buf3;
    size_t len, len2, len3;
    CHECK(migad_model_encode(m, &buf, &len) == MIGAD_OK);
    CHECK(migad_model_encode(m2, &buf2, &len2) == MIGAD_OK);
    CHECK(len == len2 && memcmp(buf, buf2, len) == 0); /* determinism */
    CHECK(migad_model_decode(buf, len, "m.model", &back, err) == MIGAD_OK);
    CHECK(migad_model_encode(back, &buf3, &len3) == MIGAD_OK);
    CHECK(len == len3 && memcmp(buf, buf3, len) == 0);
    double *s1 = det_score_all(m, &t), *s2 = det_score_all(back, &t);
    CHECK(memcmp(s1, s2, t.nrows * sizeof *s1) == 0);
    /* every single-byte flip and every truncation is refused */
    CHECK_INT(model_damage_accepted(buf, len, "m.model", err), 0);
    CHECK(strstr(err, "m.model") != NULL);
    /* a table with other columns is refused */
    struct migad_table other;
    CHECK(det_parse(&other, "a,c,b\n1,2,3\n", NULL));
    double s;
    CHECK(migad_model_score(m, &other, "x.csv", &s, NULL, err) == MIGAD_EFORMAT);
    CHECK_STR(err, "x.csv: feature column 2 is 'c', the model expects 'b'");
    migad_table_release(&other);
    free(s1);
    free(s2);
    free(buf);
    free(buf2);
    free(buf3);
    migad_model_free(m);
    migad_model_free(m2);
    migad_model_free(back);
    migad_table_release(&t);
}

static void test_model_files(void)
{
    check_model_file("pca");
    check_model_file("kmeans");
    check_model_file("gmm");
}

int main(void)
{
    RUN(test_table);
    RUN(test_scaling);
    RUN(test_pca_by_hand);
    RUN(test_kmeans_by_hand);
    RUN(test_kmeans_classes);
    RUN(test_gmm_single);
    RUN(test_planted);
    RUN(test_model_files);
    return check_finish();
}
