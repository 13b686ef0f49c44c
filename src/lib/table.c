/*
 * Feature tables from CSV (include/migad/table.h).
 *
 * HOW IT WORKS
 *
 * The whole input is read into memory (capped by the row, column and line
 * limits), then parsed line by line.  Each line is split into RFC 4180
 * fields (a quoted field may hold commas and doubled quotes, not line
 * breaks) into a scratch buffer.  The header maps every wanted column --
 * the selected features and the six meta columns -- to its field index;
 * each data row must have exactly as many fields as the header.  Feature
 * cells must be finite decimal numbers (strtod syntax, no nan/inf); gt and
 * imi must be numbers too.  The meta fields are kept verbatim, one
 * allocation per row, so scores can carry them through unchanged.
 *
 * Errors read "FILE:LINE: what: 'text'" (text cut to QUOTE_MAX bytes).
 */
#include "migad/table.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errbuf.h"
#include "readall.h"

#define QUOTE_MAX 64
#define MAX_INPUT_BYTES ((size_t)1 << 32) /* 4 GiB */

static const char *const meta_names[MIGAD_META_COUNT] = {
    "trace", "segment", "bin", "start", "gt", "imi"
};

const char *migad_meta_name(enum migad_meta which)
{
    return (unsigned)which < MIGAD_META_COUNT ? meta_names[which] : "?";
}


/* Quote at most QUOTE_MAX bytes of text for a message. */
static void quote(char *dst, size_t cap, const char *text)
{
    size_t n = strlen(text);
    if (n > QUOTE_MAX)
        snprintf(dst, cap, "%.*s...", QUOTE_MAX, text);
    else
        snprintf(dst, cap, "%s", text);
}

/* Parser state for one input. */
struct parse {
    const char *name;
    char *err;
    size_t lineno;
    char *scratch;   /* unquoted fields of the current line */
    char **fields;   /* pointers into scratch */
    size_t nfields;
};

/*
 * Split one line (without its line end) into fields.  Returns 0, or -1 with
 * the error set (quote errors, too many fields).
 */
static int split_line(struct parse *p, const char *line, size_t len)
{
    char *out = p->scratch;
    size_t i = 0;
    p->nfields = 0;
    for (;;) {
        if (p->nfields >= MIGAD_TABLE_MAX_COLS + MIGAD_META_COUNT) {
            migad_seterr(p->err, "%s:%zu: more than %u columns", p->name, p->lineno,
                    MIGAD_TABLE_MAX_COLS + MIGAD_META_COUNT);
            return -1;
        }
        p->fields[p->nfields++] = out;
        if (i < len && line[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) {
                    migad_seterr(p->err, "%s:%zu: unterminated quoted field", p->name, p->lineno);
                    return -1;
                }
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        *out++ = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                *out++ = line[i++];
            }
            if (i < len && line[i] != ',') {
                migad_seterr(p->err, "%s:%zu: text after a closing quote", p->name, p->lineno);
                return -1;
            }
        } else {
            while (i < len && line[i] != ',')
                *out++ = line[i++];
        }
        *out++ = '\0';
        if (i >= len)
            return 0;
        i++; /* the comma */
    }
}

/* A finite number filling the whole cell; 0 or -1. */
static int parse_number(const char *text, double *out)
{
    if (*text == '\0' || *text == ' ' || *text == '\t')
        return -1;
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    if (*end != '\0' || !isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
        return -1;
    /* strtod also accepts hex floats; that is fine (exact) */
    *out = v;
    return 0;
}

static int is_meta_name(const char *s)
{
    for (int i = 0; i < MIGAD_META_COUNT; i++)
        if (strcmp(s, meta_names[i]) == 0)
            return 1;
    return 0;
}

/* Column layout found in the header. */
struct layout {
    size_t ncols_in;             /* fields per line */
    size_t *feat_idx;            /* field index of each selected feature */
    long meta_idx[MIGAD_META_COUNT]; /* field index or -1 */
};

/* Map the header to the wanted columns, filling t->names. */
static migad_status read_header(struct parse *p, struct migad_table *t, struct layout *lay,
                                const char *const *features, size_t nfeatures)
{
    char q[QUOTE_MAX + 8];
    lay->ncols_in = p->nfields;
    for (int m = 0; m < MIGAD_META_COUNT; m++)
        lay->meta_idx[m] = -1;
    for (size_t f = 0; f < p->nfields; f++) {
        if (p->fields[f][0] == '\0') {
            migad_seterr(p->err, "%s:%zu: empty column name (column %zu)", p->name, p->lineno, f + 1);
            return MIGAD_EFORMAT;
        }
        for (size_t g = 0; g < f; g++) {
            if (strcmp(p->fields[f], p->fields[g]) == 0) {
                quote(q, sizeof q, p->fields[f]);
                migad_seterr(p->err, "%s:%zu: duplicate column name: '%s'", p->name, p->lineno, q);
                return MIGAD_EFORMAT;
            }
        }
        for (int m = 0; m < MIGAD_META_COUNT; m++)
            if (strcmp(p->fields[f], meta_names[m]) == 0)
                lay->meta_idx[m] = (long)f;
    }
    size_t want = features ? nfeatures : 0;
    if (!features)
        for (size_t f = 0; f < p->nfields; f++)
            want += !is_meta_name(p->fields[f]);
    if (want == 0) {
        migad_seterr(p->err, "%s:%zu: no feature columns", p->name, p->lineno);
        return MIGAD_EFORMAT;
    }
    lay->feat_idx = calloc(want, sizeof *lay->feat_idx);
    t->names = calloc(want, sizeof *t->names);
    if (!lay->feat_idx || !t->names) {
        migad_seterr(p->err, "%s: out of memory", p->name);
        return MIGAD_ENOMEM;
    }
    size_t n = 0;
    for (size_t f = 0; !features && f < p->nfields; f++)
        if (!is_meta_name(p->fields[f]))
            lay->feat_idx[n++] = f;
    for (size_t i = 0; features && i < nfeatures; i++) {
        size_t f = 0;
        while (f < p->nfields && strcmp(p->fields[f], features[i]) != 0)
            f++;
        if (f == p->nfields) {
            quote(q, sizeof q, features[i]);
            migad_seterr(p->err, "%s:%zu: no column named '%s'", p->name, p->lineno, q);
            return MIGAD_EFORMAT;
        }
        lay->feat_idx[n++] = f;
    }
    t->ncols = n;
    for (size_t i = 0; i < n; i++) {
        t->names[i] = strdup(p->fields[lay->feat_idx[i]]);
        if (!t->names[i]) {
            migad_seterr(p->err, "%s: out of memory", p->name);
            return MIGAD_ENOMEM;
        }
    }
    for (int m = 0; m < MIGAD_META_COUNT; m++)
        t->has_meta[m] = lay->meta_idx[m] >= 0;
    return MIGAD_OK;
}

/* Grow the row arrays to hold at least `need` rows. */
static migad_status grow_rows(struct migad_table *t, size_t *cap, size_t need)
{
    if (need <= *cap)
        return MIGAD_OK;
    size_t nc = *cap ? *cap * 2 : 1024;
    if (nc > MIGAD_TABLE_MAX_ROWS)
        nc = MIGAD_TABLE_MAX_ROWS;
    double *x = realloc(t->x, nc * t->ncols * sizeof *x);
    if (!x)
        return MIGAD_ENOMEM;
    t->x = x;
    char **meta = realloc(t->meta, nc * sizeof *meta);
    if (!meta)
        return MIGAD_ENOMEM;
    t->meta = meta;
    double *gt = realloc(t->gt, nc * sizeof *gt);
    if (!gt)
        return MIGAD_ENOMEM;
    t->gt = gt;
    double *imi = realloc(t->imi, nc * sizeof *imi);
    if (!imi)
        return MIGAD_ENOMEM;
    t->imi = imi;
    *cap = nc;
    return MIGAD_OK;
}

/* Copy the six meta fields of the current line into one allocation. */
static char *pack_meta(const struct parse *p, const struct layout *lay)
{
    size_t total = 0;
    for (int m = 0; m < MIGAD_META_COUNT; m++)
        total += (lay->meta_idx[m] >= 0 ? strlen(p->fields[lay->meta_idx[m]]) : 0) + 1;
    char *buf = malloc(total), *o = buf;
    if (!buf)
        return NULL;
    for (int m = 0; m < MIGAD_META_COUNT; m++) {
        const char *s = lay->meta_idx[m] >= 0 ? p->fields[lay->meta_idx[m]] : "";
        size_t n = strlen(s) + 1;
        memcpy(o, s, n);
        o += n;
    }
    return buf;
}

/* Parse one data row (already split) into row `r`. */
static migad_status read_row(struct parse *p, struct migad_table *t, const struct layout *lay,
                             size_t r)
{
    char q[QUOTE_MAX + 8];
    if (p->nfields != lay->ncols_in) {
        migad_seterr(p->err, "%s:%zu: %zu fields, the header has %zu", p->name, p->lineno,
                p->nfields, lay->ncols_in);
        return MIGAD_EFORMAT;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        const char *cell = p->fields[lay->feat_idx[c]];
        if (parse_number(cell, &t->x[r * t->ncols + c]) != 0) {
            quote(q, sizeof q, cell);
            migad_seterr(p->err, "%s:%zu: column %s: not a finite number: '%s'", p->name,
                    p->lineno, t->names[c], q);
            return MIGAD_EFORMAT;
        }
    }
    static const enum migad_meta lab[2] = { MIGAD_META_GT, MIGAD_META_IMI };
    for (int i = 0; i < 2; i++) {
        double v = 0;
        long idx = lay->meta_idx[lab[i]];
        if (idx >= 0 && parse_number(p->fields[idx], &v) != 0) {
            quote(q, sizeof q, p->fields[idx]);
            migad_seterr(p->err, "%s:%zu: column %s: not a number: '%s'", p->name, p->lineno,
                    meta_names[lab[i]], q);
            return MIGAD_EFORMAT;
        }
        (i == 0 ? t->gt : t->imi)[r] = v;
    }
    t->meta[r] = pack_meta(p, lay);
    if (!t->meta[r]) {
        migad_seterr(p->err, "%s: out of memory", p->name);
        return MIGAD_ENOMEM;
    }
    return MIGAD_OK;
}

/* Parse every line of the buffer. */
static migad_status parse_lines(struct parse *p, struct migad_table *t, const char *text,
                                size_t len, const char *const *features, size_t nfeatures)
{
    struct layout lay = { 0 };
    size_t cap = 0, pos = 0;
    int have_header = 0;
    migad_status st = MIGAD_OK;
    while (pos < len && st == MIGAD_OK) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;
        p->lineno++;
        if (n > MIGAD_TABLE_MAX_LINE) {
            migad_seterr(p->err, "%s:%zu: line longer than %u bytes", p->name, p->lineno,
                    MIGAD_TABLE_MAX_LINE);
            st = MIGAD_ENOMEM;
            break;
        }
        if (n > 0 && text[pos + n - 1] == '\r')
            n--;
        if (memchr(text + pos, '\0', n)) {
            migad_seterr(p->err, "%s:%zu: not a text file (NUL byte)", p->name, p->lineno);
            st = MIGAD_EFORMAT;
            break;
        }
        const char *line = text + pos;
        pos = end + 1;
        if (n == 0)
            continue; /* blank lines are skipped, as pandas does */
        if (split_line(p, line, n) != 0) {
            st = MIGAD_EFORMAT;
            break;
        }
        if (!have_header) {
            have_header = 1;
            st = read_header(p, t, &lay, features, nfeatures);
            continue;
        }
        if (t->nrows >= MIGAD_TABLE_MAX_ROWS) {
            migad_seterr(p->err, "%s:%zu: more than %u rows", p->name, p->lineno, MIGAD_TABLE_MAX_ROWS);
            st = MIGAD_ENOMEM;
            break;
        }
        if (grow_rows(t, &cap, t->nrows + 1) != MIGAD_OK) {
            migad_seterr(p->err, "%s: out of memory", p->name);
            st = MIGAD_ENOMEM;
            break;
        }
        st = read_row(p, t, &lay, t->nrows);
        if (st == MIGAD_OK)
            t->nrows++;
    }
    if (st == MIGAD_OK && !have_header) {
        migad_seterr(p->err, "%s: empty file: no header line", p->name);
        st = MIGAD_EFORMAT;
    } else if (st == MIGAD_OK && t->nrows == 0) {
        migad_seterr(p->err, "%s: no data rows", p->name);
        st = MIGAD_EFORMAT;
    }
    free(lay.feat_idx);
    return st;
}

migad_status migad_table_parse(struct migad_table *t, const char *text, size_t len,
                               const char *name, const char *const *features,
                               size_t nfeatures, char err[MIGAD_ERRBUF_SIZE])
{
    memset(t, 0, sizeof *t);
    struct parse p = { .name = name ? name : "<memory>", .err = err };
    p.scratch = malloc(MIGAD_TABLE_MAX_LINE + 1);
    p.fields = malloc((MIGAD_TABLE_MAX_COLS + MIGAD_META_COUNT) * sizeof *p.fields);
    migad_status st;
    if (!p.scratch || !p.fields) {
        migad_seterr(err, "%s: out of memory", p.name);
        st = MIGAD_ENOMEM;
    } else {
        st = parse_lines(&p, t, text, len, features, nfeatures);
    }
    free(p.scratch);
    free(p.fields);
    if (st != MIGAD_OK)
        migad_table_release(t);
    else {
        if (!t->has_meta[MIGAD_META_GT]) {
            free(t->gt);
            t->gt = NULL;
        }
        if (!t->has_meta[MIGAD_META_IMI]) {
            free(t->imi);
            t->imi = NULL;
        }
    }
    return st;
}

migad_status migad_table_read(struct migad_table *t, const char *path,
                              const char *const *features, size_t nfeatures,
                              char err[MIGAD_ERRBUF_SIZE])
{
    memset(t, 0, sizeof *t);
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        migad_seterr(err, "%s: cannot open: %s", path, strerror(errno));
        return MIGAD_EIO;
    }
    char *buf = NULL;
    size_t len = 0;
    migad_status st = migad_read_all(fp, name, MAX_INPUT_BYTES, &buf, &len, err);
    if (!is_stdin)
        fclose(fp);
    if (st != MIGAD_OK)
        return st;
    st = migad_table_parse(t, buf, len, name, features, nfeatures, err);
    free(buf);
    return st;
}

const char *migad_table_meta(const struct migad_table *t, size_t row, enum migad_meta which)
{
    if (!t->meta || row >= t->nrows || (unsigned)which >= MIGAD_META_COUNT)
        return "";
    const char *s = t->meta[row];
    for (int m = 0; m < (int)which; m++)
        s += strlen(s) + 1;
    return s;
}

void migad_table_keep_rows(struct migad_table *t, const unsigned char *keep)
{
    size_t m = 0, d = t->ncols;
    for (size_t r = 0; r < t->nrows; r++) {
        if (!keep[r]) {
            if (t->meta)
                free(t->meta[r]);
            continue;
        }
        if (m != r) {
            memmove(t->x + m * d, t->x + r * d, d * sizeof *t->x);
            if (t->meta)
                t->meta[m] = t->meta[r];
            if (t->gt)
                t->gt[m] = t->gt[r];
            if (t->imi)
                t->imi[m] = t->imi[r];
        }
        m++;
    }
    t->nrows = m;
}

void migad_table_release(struct migad_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->names && i < t->ncols; i++)
        free(t->names[i]);
    for (size_t r = 0; t->meta && r < t->nrows; r++)
        free(t->meta[r]);
    free(t->names);
    free(t->x);
    free(t->meta);
    free(t->gt);
    free(t->imi);
    memset(t, 0, sizeof *t);
}
