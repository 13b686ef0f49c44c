/*
 * libFuzzer target for the CSV feature-table reader (src/lib/table.c),
 * through its memory-buffer entry point migad_table_parse() (no temporary
 * file needed).  Any bytes must either load or be refused with a message;
 * never crash, never leak.
 *
 * On a refusal: the table is left empty and the message is not.
 * On a load, the shapes must be consistent: at least one row and one
 * feature column, named (non-empty, distinct, none of the six meta names
 * with the default selection), every value finite, one meta record per
 * row, gt/imi arrays present exactly when their column is.  Then the same
 * bytes are parsed again selecting the feature columns by name in reverse
 * order: that must load too, with the same rows and the values permuted.
 * fuzz/replay_main.c runs the same function over a corpus without libFuzzer
 * (tests/fuzz_table_replay).
 */
#include "migad/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_meta_name(const char *s)
{
    for (int m = 0; m < MIGAD_META_COUNT; m++)
        if (strcmp(s, migad_meta_name((enum migad_meta)m)) == 0)
            return 1;
    return 0;
}

static int empty_table(const struct migad_table *t)
{
    static const struct migad_table zero;
    return memcmp(t, &zero, sizeof zero) == 0;
}

/* Shape and value checks of a loaded table; 0 when sound. */
static int check_table(const struct migad_table *t, int default_selection)
{
    if (t->nrows == 0 || t->ncols == 0 || !t->names || !t->x || !t->meta)
        return -1;
    for (size_t c = 0; c < t->ncols; c++) {
        if (!t->names[c] || t->names[c][0] == '\0')
            return -1;
        if (default_selection && is_meta_name(t->names[c]))
            return -1;
        for (size_t c2 = 0; c2 < c; c2++)
            if (strcmp(t->names[c], t->names[c2]) == 0)
                return -1;
    }
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        if (!isfinite(t->x[i]))
            return -1;
    if ((t->gt != NULL) != (t->has_meta[MIGAD_META_GT] != 0) ||
        (t->imi != NULL) != (t->has_meta[MIGAD_META_IMI] != 0))
        return -1;
    for (size_t r = 0; r < t->nrows; r++) {
        if (!t->meta[r])
            return -1;
        if ((t->gt && !isfinite(t->gt[r])) || (t->imi && !isfinite(t->imi[r])))
            return -1;
        for (int m = 0; m < MIGAD_META_COUNT; m++) {
            const char *s = migad_table_meta(t, r, (enum migad_meta)m);
            if (!s || (!t->has_meta[m] && s[0] != '\0'))
                return -1;
        }
    }
    /* out-of-range queries answer "" */
    if (migad_table_meta(t, t->nrows, MIGAD_META_TRACE)[0] != '\0')
        return -1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_table t;
    err[0] = '\0';
    migad_status st = migad_table_parse(&t, (const char *)data, size, "fuzz.csv", NULL, 0, err);
    if (st != MIGAD_OK) {
        if (err[0] == '\0' || !empty_table(&t))
            abort();
        return 0;
    }
    if (check_table(&t, 1) != 0)
        abort();

    /* the feature columns again, chosen by name, last first */
    const char **rev = malloc(t.ncols * sizeof *rev);
    if (!rev)
        abort();
    for (size_t c = 0; c < t.ncols; c++)
        rev[c] = t.names[t.ncols - 1 - c];
    struct migad_table u;
    err[0] = '\0';
    st = migad_table_parse(&u, (const char *)data, size, "fuzz.csv", rev, t.ncols, err);
    if (st != MIGAD_OK || check_table(&u, 0) != 0 || u.nrows != t.nrows || u.ncols != t.ncols)
        abort();
    for (size_t c = 0; c < t.ncols; c++)
        if (strcmp(u.names[c], rev[c]) != 0)
            abort();
    for (size_t r = 0; r < t.nrows; r++) {
        for (size_t c = 0; c < t.ncols; c++)
            if (memcmp(&u.x[r * t.ncols + c], &t.x[r * t.ncols + t.ncols - 1 - c],
                       sizeof(double)) != 0)
                abort();
        for (int m = 0; m < MIGAD_META_COUNT; m++)
            if (strcmp(migad_table_meta(&u, r, (enum migad_meta)m),
                       migad_table_meta(&t, r, (enum migad_meta)m)) != 0)
                abort();
    }
    free(rev);
    migad_table_release(&u);
    migad_table_release(&t);
    if (!empty_table(&t))
        abort();
    migad_table_release(&t); /* releasing an empty table is allowed */
    return 0;
}
