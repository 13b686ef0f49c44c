/*
 * det_bench: time one migad detector's fit + score in-process, for
 * bench/detectors.sh, which runs scikit-learn (bench/det_sklearn.py) on the
 * same rows with the same parameters.
 *
 * Usage: det_bench [-s SEED] [-e EPOCHS] [-F FOLDS_OUT] CSV CASE
 *   CASE: pca kmeans gmm svm svm-whole svm-grid ae (parameters in bench/README.md)
 *   -F    write the cross-validation fold of every row (one integer a
 *         line), computed exactly as src/lib/svm.c's make_folds does, so
 *         that GridSearchCV can use the same folds (PredefinedSplit)
 *
 * The CSV is read before the clock starts.  The time covers
 * migad_model_train (scaling, the detector's fit, and scoring the training
 * rows for the threshold) and migad_model_score on every row: one line
 *     CASE rows=N fit=S score=S total=S cpu=S info="..."
 * on standard output, seconds from CLOCK_MONOTONIC, and cpu=S, the process's
 * CPU time over the same span (CLOCK_PROCESS_CPUTIME_ID, all threads), which
 * other work on the machine disturbs less than the wall clock.  `info` holds a few
 * numbers from the fitted model (describe lines) to check that migad and
 * scikit-learn did comparable work: iterations, epochs, support vectors,
 * the chosen C and gamma, the mean score.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "migad/detector.h"
#include "migad/learn.h"
#include "migad/rng.h"
#include "migad/table.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(void)
{
    fprintf(stderr, "usage: det_bench [-s SEED] [-e EPOCHS] [-F FOLDS_OUT] CSV "
                    "pca|kmeans|gmm|svm|svm-whole|svm-grid|ae\n");
}

/* The folds of src/lib/svm.c (make_folds): each class's rows shuffled with
 * migad_rng_derive(seed, 0) by Fisher-Yates, dealt round-robin. */
static int write_folds(const struct migad_table *t, unsigned k, uint64_t seed, const char *path)
{
    size_t n = t->nrows, *rows = malloc(n * sizeof *rows), *fold = malloc(n * sizeof *fold);
    FILE *fp = fopen(path, "w");
    if (!rows || !fold || !fp) {
        free(rows);
        free(fold);
        if (fp)
            fclose(fp);
        return -1;
    }
    struct migad_rng rng;
    migad_rng_derive(&rng, seed, 0);
    for (int c = 0; c < 2; c++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if ((t->gt[i] != 0) == c)
                rows[m++] = i;
        for (size_t i = m; i > 1; i--) {
            size_t j = (size_t)migad_rng_below(&rng, i), s = rows[i - 1];
            rows[i - 1] = rows[j];
            rows[j] = s;
        }
        for (size_t i = 0; i < m; i++)
            fold[rows[i]] = i % k;
    }
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%zu\n", fold[i]);
    free(rows);
    free(fold);
    return fclose(fp) == 0 ? 0 : -1;
}

/* The describe line starting with `key`, without the key, into out. */
static void describe_value(const struct migad_model *m, const char *key, char *out, size_t cap)
{
    char *buf = NULL;
    size_t len = 0;
    snprintf(out, cap, "?");
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        return;
    migad_model_describe(m, fp);
    fclose(fp);
    size_t kl = strlen(key);
    for (char *p = buf; p && *p;) {
        char *e = strchr(p, '\n');
        if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
            size_t l = (size_t)((e ? e : p + strlen(p)) - (p + kl + 1));
            snprintf(out, cap, "%.*s", (int)(l < 200 ? l : 200), p + kl + 1);
            break;
        }
        p = e ? e + 1 : NULL;
    }
    free(buf);
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    unsigned epochs = 200;
    const char *folds_out = NULL;
    int c;
    while ((c = getopt(argc, argv, "s:e:F:")) != -1) {
        switch (c) {
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'e': epochs = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'F': folds_out = optarg; break;
        default: usage(); return 2;
        }
    }
    if (argc - optind != 2) {
        usage();
        return 2;
    }
    const char *csv = argv[optind], *kase = argv[optind + 1];

    struct migad_train_opts o;
    struct migad_learn_opts lo;
    migad_train_opts_init(&o);
    migad_learn_opts_init(&lo);
    o.seed = seed;
    o.learn = &lo;
    if (strcmp(kase, "pca") == 0) {
        o.detector = "pca";
        o.k = 4;
    } else if (strcmp(kase, "kmeans") == 0) {
        o.detector = "kmeans";
        o.k = 3;
        o.restarts = 10;
        o.max_iter = 300;
    } else if (strcmp(kase, "gmm") == 0) {
        o.detector = "gmm";
        o.k = 2;
        o.restarts = 1;
        o.max_iter = 100;
    } else if (strcmp(kase, "svm") == 0) {
        o.detector = "svm";
        lo.C = 4;
        lo.gamma = 0.125;
    } else if (strcmp(kase, "svm-whole") == 0) {
        o.detector = "svm"; /* as svm, but one libsvm solve on all the rows */
        lo.C = 4;
        lo.gamma = 0.125;
        lo.svm_solver = MIGAD_SVM_SOLVER_WHOLE;
    } else if (strcmp(kase, "svm-grid") == 0) {
        o.detector = "svm"; /* C = gamma = 0: 9 x 9 grid, 5 folds */
    } else if (strcmp(kase, "ae") == 0) {
        o.detector = "ae";
        lo.epochs = epochs;
    } else {
        usage();
        return 2;
    }

    char err[MIGAD_ERRBUF_SIZE];
    struct migad_table t;
    if (migad_table_read(&t, csv, NULL, 0, err) != MIGAD_OK) {
        fprintf(stderr, "det_bench: %s\n", err);
        return 1;
    }
    if (folds_out && (!t.gt || write_folds(&t, lo.folds, seed, folds_out) != 0)) {
        fprintf(stderr, "det_bench: cannot write folds to %s\n", folds_out);
        migad_table_release(&t);
        return 1;
    }
    double *scores = malloc((t.nrows ? t.nrows : 1) * sizeof *scores);
    struct migad_model *m = NULL;
    if (!scores) {
        fprintf(stderr, "det_bench: out of memory\n");
        return 1;
    }
    double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), t0 = clock_s(CLOCK_MONOTONIC);
    if (migad_model_train(&t, &o, &m, err) != MIGAD_OK) {
        fprintf(stderr, "det_bench: train %s: %s\n", kase, err);
        return 1;
    }
    double t1 = clock_s(CLOCK_MONOTONIC);
    if (migad_model_score(m, &t, csv, scores, NULL, err) != MIGAD_OK) {
        fprintf(stderr, "det_bench: score %s: %s\n", kase, err);
        return 1;
    }
    double t2 = clock_s(CLOCK_MONOTONIC), c2 = clock_s(CLOCK_PROCESS_CPUTIME_ID);

    double mean = 0;
    for (size_t i = 0; i < t.nrows; i++)
        mean += scores[i];
    mean /= t.nrows ? (double)t.nrows : 1;
    char a[256], b[256], info[600];
    if (strcmp(kase, "kmeans") == 0) {
        describe_value(m, "kmeans.inertia", a, sizeof a);
        snprintf(info, sizeof info, "inertia %s", a);
    } else if (strcmp(kase, "gmm") == 0) {
        describe_value(m, "gmm.loglik", a, sizeof a);
        snprintf(info, sizeof info, "loglik %s", a);
    } else if (strncmp(kase, "svm", 3) == 0) {
        describe_value(m, "svm.nsv", a, sizeof a);
        describe_value(m, "svm.C", b, sizeof b);
        snprintf(info, sizeof info, "nsv %s C %s", a, b);
        describe_value(m, "svm.gamma", a, sizeof a);
        snprintf(info + strlen(info), sizeof info - strlen(info), " gamma %s", a);
    } else if (strcmp(kase, "ae") == 0) {
        describe_value(m, "ae.epochs", a, sizeof a);
        snprintf(info, sizeof info, "epochs %s", a);
    } else {
        describe_value(m, "pca.k", a, sizeof a);
        snprintf(info, sizeof info, "k %s", a);
    }
    printf("%s rows=%zu fit=%.6f score=%.6f total=%.6f cpu=%.6f info=\"%s, mean score %.6g\"\n",
           kase, t.nrows, t1 - t0, t2 - t1, t2 - t0, c2 - c0, info, mean);
    migad_model_free(m);
    migad_table_release(&t);
    free(scores);
    return 0;
}
