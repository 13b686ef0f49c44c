/*
 * Dataset writer: CSV (RFC 4180) and JSON lines (RFC 8259 values, one object
 * per line).  Counts print as integers, real features with 9 significant
 * digits, times as seconds since the epoch with nine decimals, exact.
 */
#include "migad/dataset.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct migad_writer {
    FILE *fp;
    enum migad_format fmt;
    struct migad_featset fs;
    int labels;
    int header_done;
};

migad_status migad_writer_create(struct migad_writer **out, FILE *fp, enum migad_format fmt,
                                 const struct migad_featset *fs, int with_labels)
{
    *out = NULL;
    struct migad_writer *w = calloc(1, sizeof *w);
    if (!w)
        return MIGAD_ENOMEM;
    w->fp = fp;
    w->fmt = fmt;
    w->fs = *fs;
    w->labels = with_labels;
    *out = w;
    return MIGAD_OK;
}

void migad_writer_free(struct migad_writer *w)
{
    free(w);
}

void migad_format_time(migad_ns t, char *buf, size_t len)
{
    const char *sign = "";
    uint64_t u;
    if (t < 0) {
        sign = "-";
        u = (uint64_t)0 - (uint64_t)t;
    } else {
        u = (uint64_t)t;
    }
    snprintf(buf, len, "%s%" PRIu64 ".%09" PRIu64, sign, u / 1000000000u, u % 1000000000u);
}

migad_status migad_writer_header(struct migad_writer *w)
{
    if (w->header_done)
        return MIGAD_OK;
    w->header_done = 1;
    if (w->fmt != MIGAD_FORMAT_CSV)
        return MIGAD_OK;
    fputs("trace,segment,bin,start", w->fp);
    for (unsigned i = 0; i < w->fs.n; i++) {
        fputc(',', w->fp);
        fputs(migad_feature_name(w->fs.ids[i]), w->fp);
    }
    if (w->labels)
        fputs(",gt,imi", w->fp);
    fputc('\n', w->fp);
    return ferror(w->fp) ? MIGAD_EIO : MIGAD_OK;
}

void migad_csv_text(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

void migad_json_text(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(fp, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(fp, "\\u%04x", *c);
        else
            fputc(*c, fp);
    }
    fputc('"', fp);
}

/* A feature value as the dataset writes it: counts whole, the rest to 9
 * significant digits. */
#define VALUE_FMT(f) (migad_feature_is_count(f) ? "%.0f" : "%.9g")

static void put_value(FILE *fp, enum migad_feature f, double v)
{
    fprintf(fp, VALUE_FMT(f), v);
}

double migad_feature_as_written(enum migad_feature f, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, VALUE_FMT(f), v);
    return strtod(buf, NULL);
}

migad_status migad_writer_row(struct migad_writer *w, const char *trace,
                              const struct migad_bin *bin, int gt, double imi)
{
    FILE *fp = w->fp;
    char ts[40];
    migad_format_time(bin->start, ts, sizeof ts);
    if (w->fmt == MIGAD_FORMAT_CSV) {
        if (!w->header_done)
            migad_writer_header(w);
        migad_csv_text(fp, trace);
        fprintf(fp, ",%" PRIu32 ",%" PRId64 ",%s", bin->segment, bin->index, ts);
        for (unsigned i = 0; i < w->fs.n; i++) {
            fputc(',', fp);
            put_value(fp, w->fs.ids[i], bin->values[w->fs.ids[i]]);
        }
        if (w->labels)
            fprintf(fp, ",%d,%.9g", gt, imi);
        fputc('\n', fp);
    } else {
        fputs("{\"trace\":", fp);
        migad_json_text(fp, trace);
        fprintf(fp, ",\"segment\":%" PRIu32 ",\"bin\":%" PRId64 ",\"start\":%s", bin->segment,
                bin->index, ts);
        for (unsigned i = 0; i < w->fs.n; i++) {
            fprintf(fp, ",\"%s\":", migad_feature_name(w->fs.ids[i]));
            put_value(fp, w->fs.ids[i], bin->values[w->fs.ids[i]]);
        }
        if (w->labels)
            fprintf(fp, ",\"gt\":%d,\"imi\":%.9g", gt, imi);
        fputs("}\n", fp);
    }
    return ferror(fp) ? MIGAD_EIO : MIGAD_OK;
}
