/*
 * libFuzzer target for model files (src/lib/detector.c and the detectors'
 * load functions in pca.c, kmeans.c, gmm.c, svm.c, ae.c; format in
 * docs/model-format.md),
 * through the memory-buffer entry point migad_model_decode() (no temporary
 * file needed).
 *
 * Every model file ends with an FNV-1a checksum, so almost every mutation
 * of a real model would stop at the checksum check.  Each input is
 * therefore decoded twice:
 *   1. as it is (magic, truncation and checksum checks);
 *   2. with its last line replaced by the correct checksum line of
 *      everything before it (so the mutations reach the line parser and
 *      the detectors' loaders).  Skipped when it equals the input.
 * Each decode must either load or refuse with a non-empty message.  A
 * loaded model must:
 *   - re-encode, and decoding that must give the same bytes again;
 *   - score a small fixed CSV table (columns f1,f2,f3, the names the seed
 *     models are trained on): finite scores, or a clean refusal with a
 *     message when the model's features are not exactly f1,f2,f3;
 *   - score a small fixed table carrying the model's own feature names:
 *     finite scores, always.
 * fuzz/replay_main.c runs the same function over a corpus without libFuzzer
 * (tests/fuzz_model_replay).
 */
#include "migad/detector.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_csv[] =
    "trace,bin,f1,f2,f3,gt\r\n"
    "a,0,0,0,0,0\n"
    "a,1,1,2,3,0\n"
    "\"b,c\",2,100.5,0.25,7,1\n"
    "b,3,1e3,5e-3,12,1\n";

static const double fixed_x[] = { 0, 0.5, 1, 3, 10, 250, 1e3, 0.125 };
#define FIXED_ROWS 4

static uint64_t fnv1a64(const char *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static void check_scores(const double *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(s[i]))
            abort();
}

/* Score the fixed CSV: finite scores, or a refusal with a message. */
static void score_fixed_csv(const struct migad_model *m)
{
    static struct migad_table t;
    static int loaded;
    char err[MIGAD_ERRBUF_SIZE];
    if (!loaded) {
        if (migad_table_parse(&t, fixed_csv, sizeof fixed_csv - 1, "fixed.csv", NULL, 0, err) !=
            MIGAD_OK)
            abort();
        loaded = 1;
    }
    double scores[FIXED_ROWS];
    int alarms[FIXED_ROWS];
    err[0] = '\0';
    migad_status st = migad_model_score(m, &t, "fixed.csv", scores, alarms, err);
    int same = migad_model_nfeatures(m) == t.ncols;
    for (size_t j = 0; same && j < t.ncols; j++)
        same = strcmp(migad_model_feature(m, j), t.names[j]) == 0;
    if (st == MIGAD_OK) {
        if (!same)
            abort();
        check_scores(scores, t.nrows);
        for (size_t i = 0; i < t.nrows; i++)
            if (alarms[i] != (scores[i] > migad_model_threshold(m)))
                abort();
    } else if (same || err[0] == '\0') {
        abort();
    }
}

/* Score a table with the model's own feature names and fixed values. */
static void score_own_names(const struct migad_model *m)
{
    size_t d = migad_model_nfeatures(m);
    struct migad_table t = { 0 };
    t.nrows = FIXED_ROWS;
    t.ncols = d;
    t.names = malloc(d * sizeof *t.names);
    t.x = malloc(FIXED_ROWS * d * sizeof *t.x);
    double *scores = malloc(FIXED_ROWS * sizeof *scores);
    if (!t.names || !t.x || !scores)
        abort();
    for (size_t j = 0; j < d; j++)
        t.names[j] = (char *)migad_model_feature(m, j);
    for (size_t i = 0; i < FIXED_ROWS * d; i++)
        t.x[i] = fixed_x[(i * 5 + i / d) % (sizeof fixed_x / sizeof fixed_x[0])];
    char err[MIGAD_ERRBUF_SIZE];
    if (migad_model_score(m, &t, "own", scores, NULL, err) != MIGAD_OK)
        abort();
    check_scores(scores, FIXED_ROWS);
    free(scores);
    free(t.x);
    free(t.names);
}

static void decode_one(const char *buf, size_t len)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_model *m = (struct migad_model *)1;
    err[0] = '\0';
    migad_status st = migad_model_decode(buf, len, "fuzz.model", &m, err);
    if (st != MIGAD_OK) {
        if (m != NULL || err[0] == '\0')
            abort();
        return;
    }
    if (!m || migad_model_nfeatures(m) == 0 || !isfinite(migad_model_threshold(m)))
        abort();
    const char *det = migad_model_detector(m);
    size_t i = 0;
    while (i < migad_detector_count() && strcmp(det, migad_detector_name(i)) != 0)
        i++;
    if (i == migad_detector_count())
        abort();

    /* encode -> decode -> encode gives the same bytes */
    char *enc = NULL, *enc2 = NULL;
    size_t elen = 0, elen2 = 0;
    struct migad_model *m2 = NULL;
    if (migad_model_encode(m, &enc, &elen) != MIGAD_OK ||
        migad_model_decode(enc, elen, "re-encoded", &m2, err) != MIGAD_OK ||
        migad_model_encode(m2, &enc2, &elen2) != MIGAD_OK || elen != elen2 ||
        memcmp(enc, enc2, elen) != 0)
        abort();
    free(enc);
    free(enc2);
    migad_model_free(m2);

    score_fixed_csv(m);
    score_own_names(m);
    migad_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    decode_one(text, size);

    /* drop the last line (a checksum line or not), append the right one */
    size_t keep = size;
    if (keep > 0 && text[keep - 1] == '\n')
        keep--;
    while (keep > 0 && text[keep - 1] != '\n')
        keep--;
    if (keep == 0)
        keep = size; /* a single line: keep it, checksum after it */
    int add_nl = keep > 0 && text[keep - 1] != '\n';
    size_t len = keep + (size_t)add_nl + 34;
    char *fixed = malloc(len + 1);
    if (!fixed)
        abort();
    if (keep)
        memcpy(fixed, text, keep);
    if (add_nl)
        fixed[keep] = '\n';
    snprintf(fixed + keep + add_nl, 35, "checksum fnv1a64 %016" PRIx64 "\n",
             fnv1a64(fixed, keep + (size_t)add_nl));
    if (len != size || memcmp(fixed, text, size) != 0)
        decode_one(fixed, len);
    free(fixed);
    return 0;
}
