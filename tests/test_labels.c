/*
 * Unit tests of the ground-truth labels (src/lib/labels.c, format in
 * docs/groundtruth.md).  Expected values are worked out by hand in the
 * comments; the randomized tests compare migad_labels_bin() with a brute
 * force that shares no code with the library, and feed the parser arbitrary
 * bytes from a fixed seed.
 */
#include "migad/labels.h"

#include "check.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MIGAD_TEST_DIR
#define MIGAD_TEST_DIR "tests" /* when built by hand from the repository root */
#endif

#define NS(sec) ((migad_ns)(sec) * MIGAD_NS_PER_SEC)
#define MS(ms) ((migad_ns)(ms) * 1000000)

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

/* Fixed-seed xorshift64 (Marsaglia 2003): the same numbers on every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t rnd_below(uint64_t n) { return rnd() % n; }

/* Interval i, or an all-zero interval if there is none: a failed check
 * must not crash the rest of the test. */
static const struct migad_interval *at(const struct migad_labels *l, size_t i)
{
    static const struct migad_interval none;
    const struct migad_interval *iv = migad_labels_get(l, i);

    return iv ? iv : &none;
}

static migad_status parse_str(const char *text, struct migad_labels **out, char *err)
{
    return migad_labels_parse(text, strlen(text), "gt.txt", out, err);
}

/* The start time of "attack T <far>" (or the end time of "attack 0 T" when
 * as_end), or -1 with err set. */
static migad_ns parse_time(const char *t, bool as_end, char err[MIGAD_ERRBUF_SIZE])
{
    char line[256];
    struct migad_labels *l = NULL;
    migad_ns v = -1;

    if (as_end)
        snprintf(line, sizeof line, "attack 0 %s\n", t);
    else
        snprintf(line, sizeof line, "attack %s 9223372036.854775807\n", t);
    if (parse_str(line, &l, err) == MIGAD_OK) {
        const struct migad_interval *iv = at(l, 0);
        v = as_end ? iv->end : iv->start;
    }
    migad_labels_free(l);
    return v;
}

/* A unique temporary file name (the file is created empty). */
static void temp_path(char *path, size_t size)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, size, "%s/migad_test_labels_XXXXXX", dir && *dir ? dir : "/tmp");
    fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
}

/* The whole file as a NUL-terminated string (NULL if unreadable). */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0, got;

    if (!f)
        return NULL;
    do {
        if (cap - n < 4096) {
            char *grown = realloc(buf, cap ? 2 * cap : 65536);
            if (!grown) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
            cap = cap ? 2 * cap : 65536;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static bool write_all(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;

    if (f && fclose(f) != 0)
        ok = false;
    return ok;
}

static bool same_interval(const struct migad_interval *a, const struct migad_interval *b)
{
    return a->kind == b->kind && a->start == b->start && a->end == b->end &&
           !strcmp(a->type, b->type) && !strcmp(a->intensity, b->intensity) &&
           !strcmp(a->target, b->target) && !strcmp(a->source, b->source) &&
           !strcmp(a->vm, b->vm) && !strcmp(a->vm_mac, b->vm_mac) &&
           !strcmp(a->vm_ip, b->vm_ip) && !strcmp(a->from, b->from) && !strcmp(a->to, b->to);
}

static bool same_labels(const struct migad_labels *a, const struct migad_labels *b)
{
    if (migad_labels_count(a) != migad_labels_count(b))
        return false;
    for (size_t i = 0; i < migad_labels_count(a); i++)
        if (!same_interval(migad_labels_get(a, i), migad_labels_get(b, i)))
            return false;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Times                                                                     */

static void test_epoch_times(void)
{
    char err[MIGAD_ERRBUF_SIZE];

    CHECK_INT(parse_time("0", false, err), 0);
    CHECK_INT(parse_time("1.5", true, err), 1500000000);
    CHECK_INT(parse_time("0.000000001", true, err), 1);
    CHECK_INT(parse_time("1.123456789", true, err), 1123456789);
    CHECK_INT(parse_time("0001.5", true, err), 1500000000); /* leading zeros */
    CHECK_INT(parse_time("1700000150.25", true, err), INT64_C(1700000150250000000));
    /* 1700000000.1 is 1700000000.099999904... as a double: exact parsing matters. */
    CHECK_INT(parse_time("1700000000.1", true, err), INT64_C(1700000000100000000));
    /* INT64_MAX ns = 9223372036.854775807 s: the last representable instant. */
    CHECK_INT(parse_time("9223372036.854775807", true, err), INT64_MAX);

    CHECK_INT(parse_time("9223372036.854775808", true, err), -1);
    CHECK_STR(err, "gt.txt:1: invalid end time (out of range): '9223372036.854775808'");
    CHECK_INT(parse_time("9223372037", true, err), -1);
    CHECK_STR(err, "gt.txt:1: invalid end time (out of range): '9223372037'");
    CHECK_INT(parse_time("123456789012345678901234567890", true, err), -1);
    CHECK_STR(err, "gt.txt:1: invalid end time (out of range): '123456789012345678901234567890'");
    CHECK_INT(parse_time("1.0000000001", true, err), -1); /* 10 fraction digits */
    CHECK_STR(err, "gt.txt:1: invalid end time (more than 9 fractional digits): '1.0000000001'");
    CHECK_INT(parse_time("1.", true, err), -1);
    CHECK_STR(err, "gt.txt:1: invalid end time (no digits after the decimal point): '1.'");
    CHECK_INT(parse_time("-5", false, err), -1);
    CHECK_STR(err, "gt.txt:1: invalid start time (negative times are not allowed): '-5'");

    static const char *syntax[] = {"+5",   ".5",    "1e9", "1.5e9", "1,5",
                                   "0x10", "1.5.5", "one", "1:00"};
    for (size_t i = 0; i < sizeof syntax / sizeof syntax[0]; i++) {
        char want[MIGAD_ERRBUF_SIZE];
        snprintf(want, sizeof want,
                 "gt.txt:1: invalid end time (expected seconds since the epoch or "
                 "YYYY-MM-DDThh:mm:ssZ): '%s'",
                 syntax[i]);
        CHECK_INT(parse_time(syntax[i], true, err), -1);
        CHECK_STR(err, want);
    }
}

static void test_iso_times(void)
{
    char err[MIGAD_ERRBUF_SIZE];

    CHECK_INT(parse_time("1970-01-01T00:00:00Z", false, err), 0);
    /* 2000-03-01: 30 years from 1970 to 2000-01-01 with 7 leap days (1972..1996)
     * = 10957 days, + 31 (Jan) + 29 (Feb, 2000 is a leap year) = 11017 days
     * = 951868800 s. */
    CHECK_INT(parse_time("2000-03-01T00:00:00Z", false, err), NS(951868800));
    /* The day before: 2000 is divisible by 400, so Feb 29 exists. */
    CHECK_INT(parse_time("2000-02-29T00:00:00Z", false, err), NS(951868800 - 86400));
    /* 2000-01-01 = 10957 days = 946684800 s; one nanosecond before it: */
    CHECK_INT(parse_time("1999-12-31T23:59:59.999999999Z", false, err),
              INT64_C(946684799999999999));
    /* 2024-02-29: 54 years from 1970 with 13 leap days (1972..2020) = 19723 days
     * to 2024-01-01, + 31 + 28 = 19782 days = 1709164800 s. */
    CHECK_INT(parse_time("2024-02-29T00:00:00Z", false, err), NS(1709164800));
    /* 2023-11-14: 53*365 + 13 = 19358 days to 2023-01-01, + 304 (Jan..Oct) + 13
     * = 19675 days = 1699920000 s; 22:13:20 = 80000 s: 1700000000. */
    CHECK_INT(parse_time("2023-11-14T22:13:20Z", false, err), NS(1700000000));
    CHECK_INT(parse_time("2023-11-14T22:15:50.25Z", false, err), INT64_C(1700000150250000000));
    CHECK_INT(parse_time("2023-11-14t22:15:50.25z", false, err), INT64_C(1700000150250000000));
    CHECK_INT(parse_time("2023-11-14T22:15:50.25+00:00", false, err),
              INT64_C(1700000150250000000));
    CHECK_INT(parse_time("2023-11-14T22:15:50.000000001Z", false, err),
              INT64_C(1700000150000000001));
    /* 2024-01-01 = 19723 days (above) = 1704067200 s; one second before it: */
    CHECK_INT(parse_time("2023-12-31T23:59:59Z", false, err), NS(1704067199));
    /* INT64_MAX ns: 9223372036 s = 106751 days + 85636 s (23:47:16); day 106751
     * after the epoch is 2262-04-11. */
    CHECK_INT(parse_time("2262-04-11T23:47:16.854775807Z", true, err), INT64_MAX);

    static const struct {
        const char *time, *why;
    } bad[] = {
        {"2023-02-29T00:00:00Z", "day out of range for the month"},
        {"2100-02-29T00:00:00Z", "day out of range for the month"}, /* 2100: not leap */
        {"2023-04-31T00:00:00Z", "day out of range for the month"},
        {"2023-01-00T00:00:00Z", "day out of range for the month"},
        {"2023-13-01T00:00:00Z", "month out of range"},
        {"2023-00-10T00:00:00Z", "month out of range"},
        {"2023-11-14T24:00:00Z", "time of day out of range"},
        {"2023-11-14T22:60:00Z", "time of day out of range"},
        {"2016-12-31T23:59:60Z", "leap seconds are not supported"},
        {"2023-11-14T22:15:50+01:00", "only the Z or +00:00 time zone is accepted"},
        {"2023-11-14T22:15:50-00:00", "only the Z or +00:00 time zone is accepted"},
        {"2023-11-14T22:15:50", "missing time zone Z"},
        {"2023-11-14T22:15:50.25", "missing time zone Z"},
        {"2023-11-14T22:15:50.Z", "no digits after the decimal point"},
        {"2023-11-14T22:15:50.1234567891Z", "more than 9 fractional digits"},
        {"2023-11-14", "expected YYYY-MM-DDThh:mm:ss[.fraction]Z"},
        {"2023-11-14T22:15Z", "expected YYYY-MM-DDThh:mm:ss[.fraction]Z"},
        {"2023-1-14T22:15:50Z", "expected YYYY-MM-DDThh:mm:ss[.fraction]Z"},
        {"2023-11-14T22:15:50ZZ", "expected YYYY-MM-DDThh:mm:ss[.fraction]Z"},
        {"1969-12-31T23:59:59Z", "before 1970-01-01T00:00:00Z"},
        {"2262-04-11T23:47:16.854775808Z", "out of range"},
        {"9999-12-31T23:59:59Z", "out of range"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[MIGAD_ERRBUF_SIZE];
        snprintf(want, sizeof want, "gt.txt:1: invalid end time (%s): '%s'", bad[i].why,
                 bad[i].time);
        CHECK_INT(parse_time(bad[i].time, true, err), -1);
        CHECK_STR(err, want);
    }
}

/* ------------------------------------------------------------------------ */
/* Lines and fields                                                          */

static void test_format(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_labels *l = NULL;
    const struct migad_interval *iv;

    /* Empty input, blank lines, comments: valid, no intervals. */
    CHECK_INT(migad_labels_parse("", 0, "gt.txt", &l, err), MIGAD_OK);
    CHECK(l != NULL);
    CHECK_INT(migad_labels_count(l), 0);
    CHECK_STR(err, "");
    migad_labels_free(l);
    CHECK_INT(migad_labels_parse(NULL, 0, "gt.txt", &l, err), MIGAD_OK);
    CHECK_INT(migad_labels_count(l), 0);
    migad_labels_free(l);
    CHECK_INT(parse_str("# only a comment\n\n   \t \r\n\t# indented comment\n", &l, err),
              MIGAD_OK);
    CHECK_INT(migad_labels_count(l), 0);
    CHECK(migad_labels_get(l, 0) == NULL);
    migad_labels_free(l);

    /* Every feature of a line at once: BOM, CRLF, tabs, runs of blanks,
     * trailing comment, `#` inside a value, upper-case MAC, UTF-8 value,
     * value of the maximum length (intensity: 15 bytes), no final newline. */
    CHECK_INT(parse_str("\xEF\xBB\xBF"
                        "# header\r\n"
                        "migration\t10.25  12.5 vm=web#1 mac=52:54:00:AB:cd:0F ip=10.0.0.13 "
                        "from=n\xC3\xB6" "de-a to=node-b # comment\r\n"
                        "\r\n"
                        "  attack 20 30 type=netscan intensity=123456789012345 "
                        "target=10.0.0.0/24 source=10.0.0.99#x\t#comment",
                        &l, err),
              MIGAD_OK);
    CHECK_STR(err, "");
    CHECK_INT(migad_labels_count(l), 2);
    iv = at(l, 0);
    CHECK_INT(iv->kind, MIGAD_INTERVAL_MIGRATION);
    CHECK_INT(iv->start, MS(10250));
    CHECK_INT(iv->end, MS(12500));
    CHECK_STR(iv->vm, "web#1");
    CHECK_STR(iv->vm_mac, "52:54:00:ab:cd:0f");
    CHECK_STR(iv->vm_ip, "10.0.0.13");
    CHECK_STR(iv->from, "n\xC3\xB6" "de-a");
    CHECK_STR(iv->to, "node-b");
    CHECK_STR(iv->type, "");
    iv = at(l, 1);
    CHECK_INT(iv->kind, MIGAD_INTERVAL_ATTACK);
    CHECK_INT(iv->start, NS(20));
    CHECK_INT(iv->end, NS(30));
    CHECK_STR(iv->type, "netscan");
    CHECK_STR(iv->intensity, "123456789012345");
    CHECK_STR(iv->target, "10.0.0.0/24");
    CHECK_STR(iv->source, "10.0.0.99#x");
    CHECK_STR(iv->vm, "");
    CHECK_STR(iv->vm_mac, "");
    CHECK(migad_labels_get(l, 2) == NULL);
    migad_labels_free(l);

    /* Sorted by (start, end, kind), ties in file order; values keep "=". */
    CHECK_INT(parse_str("attack 5 9 type=c\n"
                        "migration 5 6 vm=d\n"
                        "attack 5 6 type=b\n"
                        "attack 1 100 type=a\n"
                        "attack 5 6 type=b2\n"
                        "attack 5 9 type=c2 target=x=y\n",
                        &l, err),
              MIGAD_OK);
    CHECK_INT(migad_labels_count(l), 6);
    CHECK_STR(at(l, 0)->type, "a");
    CHECK_STR(at(l, 1)->type, "b");
    CHECK_STR(at(l, 2)->type, "b2");
    CHECK_STR(at(l, 3)->vm, "d");
    CHECK_STR(at(l, 4)->type, "c");
    CHECK_STR(at(l, 5)->type, "c2");
    CHECK_STR(at(l, 5)->target, "x=y");
    migad_labels_free(l);

    /* NULL handles. */
    CHECK_INT(migad_labels_count(NULL), 0);
    CHECK(migad_labels_get(NULL, 0) == NULL);
    migad_labels_free(NULL);
    CHECK_INT(migad_labels_parse("x", 1, "gt.txt", NULL, err), MIGAD_EINVAL);
    CHECK_INT(migad_labels_parse(NULL, 3, "gt.txt", &l, err), MIGAD_EINVAL);
}

/* Each bad line, as line 3 of a file whose first two lines are fine. */
static void test_errors(void)
{
    static const struct {
        const char *line;
        migad_status st;
        const char *msg; /* after "gt.txt:3: " */
    } cases[] = {
        {"atack 1 2", MIGAD_EFORMAT,
         "unknown interval kind 'atack' (expected attack or migration)"},
        {"Attack 1 2", MIGAD_EFORMAT,
         "unknown interval kind 'Attack' (expected attack or migration)"},
        {"attack", MIGAD_EFORMAT, "missing start time: 'attack'"},
        {"attack # 1 2", MIGAD_EFORMAT, "missing start time: 'attack'"},
        {"attack 1700000000", MIGAD_EFORMAT, "missing end time: 'attack 1700000000'"},
        {"attack\t 1700000000  # 1700000001", MIGAD_EFORMAT,
         "missing end time: 'attack\t 1700000000'"},
        {"attack 1700000100 1700000050", MIGAD_EFORMAT,
         "end time is not after start time: '1700000100 1700000050'"},
        {"migration 5 5.000000000", MIGAD_EFORMAT,
         "end time is not after start time: '5 5.000000000'"},
        {"attack 1.0000000001 2", MIGAD_EFORMAT,
         "invalid start time (more than 9 fractional digits): '1.0000000001'"},
        {"attack 1 2x", MIGAD_EFORMAT,
         "invalid end time (expected seconds since the epoch or YYYY-MM-DDThh:mm:ssZ): '2x'"},
        {"attack 1 2#3", MIGAD_EFORMAT,
         "invalid end time (expected seconds since the epoch or YYYY-MM-DDThh:mm:ssZ): '2#3'"},
        {"attack -1 2", MIGAD_EFORMAT, "invalid start time (negative times are not allowed): '-1'"},
        {"attack 2023-02-29T00:00:00Z 2023-03-01T00:00:00Z", MIGAD_EFORMAT,
         "invalid start time (day out of range for the month): '2023-02-29T00:00:00Z'"},
        {"attack 1 2 nodes=a,,b", MIGAD_EFORMAT,
         "invalid nodes (expected names separated by commas): 'a,,b'"},
        {"attack 1 2 nodes=,a", MIGAD_EFORMAT,
         "invalid nodes (expected names separated by commas): ',a'"},
        {"attack 1 2 nodes=a,", MIGAD_EFORMAT,
         "invalid nodes (expected names separated by commas): 'a,'"},
        {"migration 1 2 nodes=a", MIGAD_EFORMAT,
         "unknown key 'nodes' for migration (expected vm, mac, ip, from or to)"},
        {"attack 1 2 tpye=dos", MIGAD_EFORMAT,
         "unknown key 'tpye' for attack (expected type, intensity, target, source or nodes)"},
        {"attack 1 2 vm=web1", MIGAD_EFORMAT,
         "unknown key 'vm' for attack (expected type, intensity, target, source or nodes)"},
        {"attack 1 2 Type=dos", MIGAD_EFORMAT,
         "unknown key 'Type' for attack (expected type, intensity, target, source or nodes)"},
        {"migration 1 2 type=dos", MIGAD_EFORMAT,
         "unknown key 'type' for migration (expected vm, mac, ip, from or to)"},
        {"migration 1 2 vm_mac=52:54:00:12:34:56", MIGAD_EFORMAT,
         "unknown key 'vm_mac' for migration (expected vm, mac, ip, from or to)"},
        {"attack 1 2 type=dos intensity=low type=netscan", MIGAD_EFORMAT, "duplicate key 'type'"},
        {"migration 1 2 to=b to=b", MIGAD_EFORMAT, "duplicate key 'to'"},
        {"attack 1 2 type=", MIGAD_EFORMAT, "empty value for key 'type'"},
        {"attack 1 2 dos", MIGAD_EFORMAT, "expected key=value: 'dos'"},
        {"attack 1 2 =dos", MIGAD_EFORMAT, "expected key=value: '=dos'"},
        {"attack 1 2 3", MIGAD_EFORMAT, "expected key=value: '3'"},
        {"attack 1 2 type = dos", MIGAD_EFORMAT, "expected key=value: 'type'"},
        {"attack 1 2 intensity=veryveryveryhigh", MIGAD_EFORMAT,
         "value of key 'intensity' is longer than 15 bytes: 'veryveryveryhigh'"},
        {"migration 1 2 vm=0123456789012345678901234567890123456789012345678901234567890123",
         MIGAD_EFORMAT,
         "value of key 'vm' is longer than 63 bytes: "
         "'0123456789012345678901234567890123456789012345678901234567890123'"},
        {"migration 1 2 mac=52:54:00:12:34:5g", MIGAD_EFORMAT,
         "invalid mac (expected aa:bb:cc:dd:ee:ff): '52:54:00:12:34:5g'"},
        {"migration 1 2 mac=52:54:00:12:34", MIGAD_EFORMAT,
         "invalid mac (expected aa:bb:cc:dd:ee:ff): '52:54:00:12:34'"},
        {"migration 1 2 mac=52-54-00-12-34-56", MIGAD_EFORMAT,
         "invalid mac (expected aa:bb:cc:dd:ee:ff): '52-54-00-12-34-56'"},
        {"migration 1 2 mac=52:54:00:12:34:567", MIGAD_EFORMAT,
         "value of key 'mac' is longer than 17 bytes: '52:54:00:12:34:567'"},
        {"attack 1 2 type=\xFF", MIGAD_EFORMAT, "invalid UTF-8 (byte 0xff at column 17)"},
        {"attack 1 2 type=\xC0\xAF", MIGAD_EFORMAT, "invalid UTF-8 (byte 0xc0 at column 17)"},
        {"attack 1 2 type=\xED\xA0\x80", MIGAD_EFORMAT, "invalid UTF-8 (byte 0xed at column 17)"},
        {"attack 1 2 type=\xC3", MIGAD_EFORMAT, "invalid UTF-8 (byte 0xc3 at column 17)"},
        {"# caf\xE9", MIGAD_EFORMAT, "invalid UTF-8 (byte 0xe9 at column 6)"},
        {"attack 1 2 \x1B[0m", MIGAD_EFORMAT, "not a text file (byte 0x1b at column 12)"},
        /* Control bytes are looked for first: they mark a binary file. */
        {"attack 1 2 type=\xFF\x01", MIGAD_EFORMAT, "not a text file (byte 0x01 at column 18)"},
        {"\x7F" "ELF", MIGAD_EFORMAT, "not a text file (byte 0x7f at column 1)"},
        {"attack\r1 2", MIGAD_EFORMAT, "carriage return not followed by a line feed at column 7"},
        /* The byte-order mark is only skipped at the very start of the file. */
        {"\xEF\xBB\xBF" "attack 1 2", MIGAD_EFORMAT,
         "unknown interval kind '\xEF\xBB\xBF" "attack' (expected attack or migration)"},
    };
    char err[MIGAD_ERRBUF_SIZE], text[512], want[MIGAD_ERRBUF_SIZE];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct migad_labels *keep = NULL, *l;
        CHECK_INT(parse_str("attack 1 2", &keep, err), MIGAD_OK);
        l = keep; /* must be reset to NULL */
        snprintf(text, sizeof text, "attack 1 2\n# line 2\n%s\nattack 3 4\n", cases[i].line);
        snprintf(want, sizeof want, "gt.txt:3: %s", cases[i].msg);
        CHECK_INT(parse_str(text, &l, err), cases[i].st);
        CHECK(l == NULL);
        CHECK_STR(err, want);
        migad_labels_free(keep);
        /* The same line with CRLF and as the last line without newline. */
        snprintf(text, sizeof text, "attack 1 2\r\n# line 2\r\n%s\r\n", cases[i].line);
        CHECK_INT(parse_str(text, &l, err), cases[i].st);
        CHECK_STR(err, want);
        snprintf(text, sizeof text, "attack 1 2\n# line 2\n%s", cases[i].line);
        CHECK_INT(parse_str(text, &l, err), cases[i].st);
        CHECK_STR(err, want);
    }

    /* Quoted text is cut to 64 bytes, on a character boundary, then "...". */
    {
        struct migad_labels *l = NULL;
        char kind[128];
        /* "att" + 70 "a" + "ck": the first 64 bytes are "att" + 61 "a". */
        memset(kind, 'a', sizeof kind);
        memcpy(kind, "att", 3);
        memcpy(kind + 73, "ck 1 2", 7);
        snprintf(want, sizeof want,
                 "gt.txt:1: unknown interval kind '%.64s...' (expected attack or migration)", kind);
        CHECK_INT(parse_str(kind, &l, err), MIGAD_EFORMAT);
        CHECK_STR(err, want);
        /* 30 "\xC3\xA9" (60 bytes), "x", 3 more: byte 64 is inside the 32nd
         * character, so the quote stops after 63 bytes. */
        text[0] = '\0';
        for (int i = 0; i < 30; i++)
            strcat(text, "\xC3\xA9");
        strcat(text, "x\xC3\xA9\xC3\xA9\xC3\xA9 1 2");
        snprintf(want, sizeof want,
                 "gt.txt:1: unknown interval kind '%.63s...' (expected attack or migration)", text);
        CHECK_INT(parse_str(text, &l, err), MIGAD_EFORMAT);
        CHECK_STR(err, want);
        CHECK(l == NULL);
    }

    /* A NUL byte (strlen() cannot be used here). */
    {
        static const char nul[] = "attack 1 2\nattack 1\0002\n";
        struct migad_labels *l = NULL;
        CHECK_INT(migad_labels_parse(nul, sizeof nul - 1, "gt.txt", &l, err), MIGAD_EFORMAT);
        CHECK_STR(err, "gt.txt:2: not a text file (byte 0x00 at column 9)");
        CHECK(l == NULL);
    }

    /* A pcap file given by mistake: magic d4 c3 b2 a1, version 2.4. */
    {
        static const char pcap[] = "\xD4\xC3\xB2\xA1\x02\x00\x04\x00\x00\x00\x00\x00";
        struct migad_labels *l = NULL;
        CHECK_INT(migad_labels_parse(pcap, sizeof pcap - 1, "gt.txt", &l, err), MIGAD_EFORMAT);
        CHECK_STR(err, "gt.txt:1: not a text file (byte 0x02 at column 5)");
    }

    /* The name defaults to <memory>; err may be NULL. */
    {
        struct migad_labels *l = NULL;
        CHECK_INT(migad_labels_parse("atack 1 2", 9, NULL, &l, err), MIGAD_EFORMAT);
        CHECK_STR(err, "<memory>:1: unknown interval kind 'atack' (expected attack or migration)");
        CHECK_INT(migad_labels_parse("atack 1 2", 9, "gt.txt", &l, NULL), MIGAD_EFORMAT);
        CHECK(l == NULL);
    }
}

/* Lines of 4096 bytes are accepted, longer ones refused, CR not counted. */
static void test_line_limit(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_labels *l = NULL;
    size_t cap = 3 * 4200;
    char *text = malloc(cap);
    size_t n;

    if (!text) {
        CHECK(text != NULL);
        return;
    }
    /* line 1 ok; line 2: "attack 1 2 # xxx..." of exactly 4096 bytes + CRLF. */
    n = (size_t)snprintf(text, cap, "attack 0 1\nattack 1 2 #");
    while (n < 11 + 4096)
        text[n++] = 'x';
    memcpy(text + n, "\r\nattack 2 3\n", 14);
    CHECK_INT(parse_str(text, &l, err), MIGAD_OK);
    CHECK_INT(migad_labels_count(l), 3);
    migad_labels_free(l);

    /* One byte more. */
    memcpy(text + n, "x\r\nattack 2 3\n", 15);
    CHECK_INT(parse_str(text, &l, err), MIGAD_ENOMEM);
    CHECK_STR(err, "gt.txt:2: line is longer than 4096 bytes");
    CHECK(l == NULL);
    /* As the last line, without a newline. */
    text[n + 1] = '\0';
    CHECK_INT(parse_str(text, &l, err), MIGAD_ENOMEM);
    CHECK_STR(err, "gt.txt:2: line is longer than 4096 bytes");
    /* Much longer, without a newline. */
    memset(text + 11, 'y', cap - 12);
    text[cap - 1] = '\0';
    CHECK_INT(parse_str(text, &l, err), MIGAD_ENOMEM);
    CHECK_STR(err, "gt.txt:2: line is longer than 4096 bytes");
    /* Binary data rather than a long line: a control byte among the first
     * 4096 bytes is what gets reported, one after them is not looked at. */
    text[11 + 4095] = '\x01';
    CHECK_INT(parse_str(text, &l, err), MIGAD_EFORMAT);
    CHECK_STR(err, "gt.txt:2: not a text file (byte 0x01 at column 4096)");
    text[11 + 4095] = 'y';
    text[11 + 4096] = '\x01';
    CHECK_INT(parse_str(text, &l, err), MIGAD_ENOMEM);
    CHECK_STR(err, "gt.txt:2: line is longer than 4096 bytes");
    text[11 + 5000] = '\n'; /* the same as a complete line */
    CHECK_INT(parse_str(text, &l, err), MIGAD_ENOMEM);
    CHECK_STR(err, "gt.txt:2: line is longer than 4096 bytes");
    free(text);
}

/* One interval more than the limit (1000000) is refused.  Takes ~400 MB. */
static void test_interval_limit(void)
{
    const size_t limit = 1000000, line = 11; /* "attack 0 1\n" */
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_labels *l = NULL;
    char *text = malloc((limit + 1) * line + 1);

    if (!text) {
        CHECK(text != NULL);
        return;
    }
    for (size_t i = 0; i <= limit; i++)
        memcpy(text + i * line, "attack 0 1\n", line);
    CHECK_INT(migad_labels_parse(text, (limit + 1) * line, "gt.txt", &l, err), MIGAD_ENOMEM);
    CHECK_STR(err, "gt.txt:1000001: too many intervals (the limit is 1000000)");
    CHECK(l == NULL);
    free(text);
}

/* ------------------------------------------------------------------------ */
/* Bins                                                                      */

static void test_bins(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_labels *l = NULL;
    int gt = -1;
    double imi = -1;

    CHECK_INT(parse_str("migration 10.25 12.5\n"
                        "attack 20 30\n"
                        /* overlapping: union [100, 104) */
                        "migration 100 102.5\n"
                        "migration 101.5 104\n"
                        /* a gap: [200, 200.5) and [200.75, 201) */
                        "migration 200 200.5\n"
                        "migration 200.75 201\n"
                        /* touching: [300, 301) */
                        "migration 300.5 301\n"
                        "migration 300 300.5\n"
                        /* nested */
                        "migration 400 410\n"
                        "migration 401 402\n"
                        "attack 405 406\n"
                        "attack 405.5 407\n"
                        /* up to the last nanosecond */
                        "migration 9223372036 9223372036.854775807\n",
                        &l, err),
              MIGAD_OK);

    /* Migration [10.25, 12.5): 0.75 of [10, 11), all of [11, 12), half of [12, 13). */
    migad_labels_bin(l, NS(10), NS(1), &gt, &imi);
    CHECK_INT(gt, 0);
    CHECK_NEAR(imi, 0.75, 0);
    migad_labels_bin(l, NS(11), NS(1), &gt, &imi);
    CHECK_NEAR(imi, 1.0, 0);
    migad_labels_bin(l, NS(12), NS(1), &gt, &imi);
    CHECK_NEAR(imi, 0.5, 0);
    migad_labels_bin(l, NS(9), NS(1), &gt, &imi);
    CHECK_NEAR(imi, 0.0, 0);
    migad_labels_bin(l, NS(13), NS(1), &gt, &imi);
    CHECK_NEAR(imi, 0.0, 0);
    /* A bin inside the interval, and bins touching it from either side. */
    migad_labels_bin(l, MS(10250), MS(250), &gt, &imi);
    CHECK_NEAR(imi, 1.0, 0);
    migad_labels_bin(l, MS(10000), MS(250), &gt, &imi); /* [10, 10.25) ends at its start */
    CHECK_NEAR(imi, 0.0, 0);
    migad_labels_bin(l, MS(12500), MS(250), &gt, &imi); /* [12.5, 12.75) starts at its end */
    CHECK_NEAR(imi, 0.0, 0);
    migad_labels_bin(l, MS(12500) - 1, 2, &gt, &imi); /* 1 ns of 2 */
    CHECK_NEAR(imi, 0.5, 0);
    /* [-1, 11): 0.75 s of 12 s; a bin before the epoch. */
    migad_labels_bin(l, NS(-1), NS(12), &gt, &imi);
    CHECK_NEAR(imi, 0.0625, 0);
    migad_labels_bin(l, NS(-5), NS(1), &gt, &imi);
    CHECK_INT(gt, 0);
    CHECK_NEAR(imi, 0.0, 0);

    /* Attack [20, 30). */
    migad_labels_bin(l, NS(19), NS(1), &gt, &imi); /* ends where the attack starts */
    CHECK_INT(gt, 0);
    migad_labels_bin(l, NS(20), NS(1), &gt, &imi);
    CHECK_INT(gt, 1);
    CHECK_NEAR(imi, 0.0, 0);
    migad_labels_bin(l, NS(25), NS(1), &gt, &imi);
    CHECK_INT(gt, 1);
    migad_labels_bin(l, NS(29), NS(1), &gt, &imi);
    CHECK_INT(gt, 1);
    migad_labels_bin(l, NS(30), NS(1), &gt, &imi); /* starts where the attack ends */
    CHECK_INT(gt, 0);
    migad_labels_bin(l, NS(30) - 1, NS(1), &gt, &imi); /* overlaps by 1 ns */
    CHECK_INT(gt, 1);
    migad_labels_bin(l, NS(20) - 1, 1, &gt, &imi); /* the last ns before it */
    CHECK_INT(gt, 0);
    migad_labels_bin(l, NS(15), NS(20), &gt, &imi); /* contains it */
    CHECK_INT(gt, 1);

    /* Overlapping migrations count once: union [100, 104). */
    migad_labels_bin(l, NS(100), NS(5), &gt, &imi); /* 4 s of 5 */
    CHECK_NEAR(imi, 0.8, 0);
    migad_labels_bin(l, NS(101), NS(2), &gt, &imi); /* both intervals cover it */
    CHECK_NEAR(imi, 1.0, 0);
    migad_labels_bin(l, NS(103), NS(2), &gt, &imi);
    CHECK_NEAR(imi, 0.5, 0);
    migad_labels_bin(l, NS(200), NS(1), &gt, &imi); /* 0.5 + 0.25 of 1 s */
    CHECK_NEAR(imi, 0.75, 0);
    migad_labels_bin(l, NS(300), NS(1), &gt, &imi); /* touching: no gap */
    CHECK_NEAR(imi, 1.0, 0);
    migad_labels_bin(l, NS(399), NS(12), &gt, &imi); /* nested: 10 s of 12 */
    CHECK_NEAR(imi, 10.0 / 12.0, 0);
    CHECK_INT(gt, 1);
    migad_labels_bin(l, NS(406), NS(1), &gt, &imi); /* second of two overlapping attacks */
    CHECK_INT(gt, 1);
    migad_labels_bin(l, NS(407), NS(1), &gt, &imi);
    CHECK_INT(gt, 0);
    /* Bins spanning everything. */
    migad_labels_bin(l, 0, NS(1000), &gt, &imi);
    CHECK_INT(gt, 1);
    /* 2.25 + 4 + 0.75 + 1 + 10 = 18 s of 1000 s */
    CHECK_NEAR(imi, 0.018, 1e-15);

    /* Near INT64_MAX: the bin end saturates instead of overflowing. */
    migad_labels_bin(l, INT64_MAX - 10, 20, &gt, &imi);
    CHECK_NEAR(imi, 0.5, 0);
    migad_labels_bin(l, INT64_MAX - 1, INT64_MAX, &gt, &imi);
    CHECK(imi > 0 && imi < 1e-18);

    /* Degenerate queries. */
    migad_labels_bin(l, NS(11), 0, &gt, &imi);
    CHECK_INT(gt, 0);
    CHECK_NEAR(imi, 0.0, 0);
    migad_labels_bin(l, NS(25), -5, &gt, &imi);
    CHECK_INT(gt, 0);
    migad_labels_bin(l, NS(25), NS(1), NULL, &imi); /* either output may be NULL */
    migad_labels_bin(l, NS(25), NS(1), &gt, NULL);
    CHECK_INT(gt, 1);
    migad_labels_free(l);

    gt = -1;
    imi = -1;
    migad_labels_bin(NULL, NS(11), NS(1), &gt, &imi);
    CHECK_INT(gt, 0);
    CHECK_NEAR(imi, 0.0, 0);

    /* No intervals of one kind. */
    CHECK_INT(parse_str("attack 1 2\n", &l, err), MIGAD_OK);
    migad_labels_bin(l, NS(1), NS(1), &gt, &imi);
    CHECK_INT(gt, 1);
    CHECK_NEAR(imi, 0.0, 0);
    migad_labels_free(l);
    CHECK_INT(parse_str("migration 1 2\n", &l, err), MIGAD_OK);
    migad_labels_bin(l, NS(1), NS(1), &gt, &imi);
    CHECK_INT(gt, 0);
    CHECK_NEAR(imi, 1.0, 0);
    migad_labels_free(l);
}

/* ------------------------------------------------------------------------ */
/* Randomized comparison with a brute force                                  */

struct ref_interval {
    migad_ns start, end;
    bool attack;
};

/* Reference GT: a linear scan for any attack overlapping [b, e). */
static int ref_gt(const struct ref_interval *iv, size_t n, migad_ns b, migad_ns e)
{
    for (size_t i = 0; i < n; i++)
        if (iv[i].attack && iv[i].start < e && iv[i].end > b)
            return 1;
    return 0;
}

/* Reference IMI: clip the migrations to the bin, sort the pieces by start
 * (insertion sort), sweep, add up the union, divide. */
static double ref_imi(const struct ref_interval *iv, size_t n, migad_ns b, migad_ns e)
{
    migad_ns ps[64], pe[64], total = 0, cur_s = 0, cur_e = 0;
    size_t m = 0;

    for (size_t i = 0; i < n; i++) {
        migad_ns s = iv[i].start > b ? iv[i].start : b;
        migad_ns t = iv[i].end < e ? iv[i].end : e;
        size_t j;
        if (iv[i].attack || s >= t)
            continue;
        for (j = m; j > 0 && ps[j - 1] > s; j--) {
            ps[j] = ps[j - 1];
            pe[j] = pe[j - 1];
        }
        ps[j] = s;
        pe[j] = t;
        m++;
    }
    for (size_t i = 0; i < m; i++) {
        if (i == 0 || ps[i] > cur_e) {
            total += cur_e - cur_s;
            cur_s = ps[i];
            cur_e = pe[i];
        } else if (pe[i] > cur_e) {
            cur_e = pe[i];
        }
    }
    total += cur_e - cur_s;
    return (double)total / (double)(e - b);
}

/* A random instant in [0, 20 s): mostly on a 250 ms grid, so that ends
 * coincide, sometimes off it by a few nanoseconds. */
static migad_ns random_time(void)
{
    migad_ns t = (migad_ns)rnd_below(80) * MS(250);

    if (rnd_below(4) == 0)
        t += (migad_ns)rnd_below(5) - 2;
    if (rnd_below(8) == 0)
        t = (migad_ns)rnd_below((uint64_t)NS(20));
    return t < 0 ? 0 : t;
}

/*
 * nodes=: an attack seen on some bridges only.  After select_node("b") the
 * attacks listing other nodes drop out of GT; those without nodes= and the
 * migrations stay; NULL restores every attack.
 */
static void test_nodes(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_labels *l = NULL;
    int gt = -1;
    double imi = -1;

    CHECK_INT(parse_str("attack 10 20 type=dos nodes=nodeA\n"
                        "attack 30 40 nodes=nodeB,nodeA\n"
                        "attack 50 60\n"
                        "attack 70 80 nodes=nodeAA\n"
                        "migration 15 16 from=nodeA to=nodeB\n",
                        &l, err),
              MIGAD_OK);
    CHECK_STR(migad_labels_get(l, 0)->nodes, "nodeA");
    CHECK_STR(migad_labels_get(l, 2)->nodes, "nodeB,nodeA");
    /* every node by default */
    static const struct {
        double t;
        int all, a, b;
    } want[] = {
        {10, 1, 1, 0}, {15, 1, 1, 0}, {35, 1, 1, 1}, {55, 1, 1, 1}, {75, 1, 0, 0}, {25, 0, 0, 0},
    };
    const char *node[3] = {NULL, "nodeA", "nodeB"};
    for (int k = 0; k < 3; k++) {
        CHECK_INT(migad_labels_select_node(l, node[k]), MIGAD_OK);
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
            migad_labels_bin(l, NS((int64_t)want[i].t), NS(1), &gt, &imi);
            CHECK_INT(gt, k == 0 ? want[i].all : k == 1 ? want[i].a : want[i].b);
        }
        /* the migration counts on every node */
        migad_labels_bin(l, NS(15), NS(2), &gt, &imi);
        CHECK_NEAR(imi, 0.5, 0);
    }
    CHECK_INT(migad_labels_select_node(l, NULL), MIGAD_OK);
    migad_labels_bin(l, NS(75), NS(1), &gt, &imi);
    CHECK_INT(gt, 1);
    migad_labels_free(l);
}

static void test_random_bins(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    char *text = malloc(64 * 80);
    struct ref_interval iv[48];
    size_t queries = 0, mismatches = 0;

    if (!text) {
        CHECK(text != NULL);
        return;
    }
    for (int round = 0; round < 500; round++) {
        size_t n = (size_t)rnd_below(48), len = 0;
        struct migad_labels *l = NULL;

        text[0] = '\0';

        for (size_t i = 0; i < n; i++) {
            migad_ns a = random_time(), b = random_time();
            if (a == b)
                b = a + 1 + (migad_ns)rnd_below((uint64_t)NS(2));
            iv[i].start = a < b ? a : b;
            iv[i].end = a < b ? b : a;
            iv[i].attack = rnd_below(3) == 0;
            len += (size_t)snprintf(text + len, 80, "%s %lld.%09lld %lld.%09lld\n",
                                    iv[i].attack ? "attack" : "migration",
                                    (long long)(iv[i].start / MIGAD_NS_PER_SEC),
                                    (long long)(iv[i].start % MIGAD_NS_PER_SEC),
                                    (long long)(iv[i].end / MIGAD_NS_PER_SEC),
                                    (long long)(iv[i].end % MIGAD_NS_PER_SEC));
        }
        if (parse_str(text, &l, err) != MIGAD_OK) {
            CHECK_STR(err, "");
            continue;
        }
        CHECK_INT(migad_labels_count(l), n);
        for (size_t i = 1; i < migad_labels_count(l); i++)
            CHECK(at(l, i - 1)->start <= at(l, i)->start);

        for (int q = 0; q < 400; q++) {
            migad_ns b = random_time() - NS(1), w;
            int gt;
            double imi, want;
            switch (rnd_below(4)) {
            case 0: w = NS(1); break;
            case 1: w = MS(250) * (migad_ns)(1 + rnd_below(8)); break;
            case 2: w = 1 + (migad_ns)rnd_below(10); break;
            default: w = 1 + (migad_ns)rnd_below((uint64_t)NS(25)); break;
            }
            migad_labels_bin(l, b, w, &gt, &imi);
            want = ref_imi(iv, n, b, b + w);
            queries++;
            if (gt != ref_gt(iv, n, b, b + w) || imi != want) {
                if (mismatches++ < 5)
                    fprintf(stderr, "round %d bin [%lld, +%lld): gt %d imi %.17g, want %d %.17g\n",
                            round, (long long)b, (long long)w, gt, imi,
                            ref_gt(iv, n, b, b + w), want);
            }
        }
        migad_labels_free(l);
    }
    CHECK_INT(queries, 500 * 400);
    CHECK_INT(mismatches, 0);
    free(text);
}

/* ------------------------------------------------------------------------ */
/* Writing and loading                                                       */

static void test_round_trip(void)
{
    static const char *input =
        "# anything\n"
        "migration 2023-11-14T22:15:50.25Z 1700000160 to=b from=a ip=fe80::1 "
        "mac=52:54:00:AB:CD:EF vm=web3\n"
        "attack 1700000100.000000001 1700000200 source=10.0.0.99 type=dos\n"
        "attack 1700000100.000000001 1700000200 intensity=high\n"
        "attack 0 0.5\n"
        "migration 1.1 9223372036.854775807 vm=\xC3\xA9#1\n";
    static const char *canonical =
        "# migad ground truth (docs/groundtruth.md): kind start end key=value..., times in "
        "seconds since 1970-01-01T00:00:00Z\n"
        "attack 0.000000000 0.500000000\n"
        "migration 1.100000000 9223372036.854775807 vm=\xC3\xA9#1\n"
        "attack 1700000100.000000001 1700000200.000000000 type=dos source=10.0.0.99\n"
        "attack 1700000100.000000001 1700000200.000000000 intensity=high\n"
        "migration 1700000150.250000000 1700000160.000000000 vm=web3 mac=52:54:00:ab:cd:ef "
        "ip=fe80::1 from=a to=b\n";
    char err[MIGAD_ERRBUF_SIZE], path[256], path2[256];
    struct migad_labels *a = NULL, *b = NULL;
    char *out = NULL, *out2 = NULL;

    CHECK_INT(parse_str(input, &a, err), MIGAD_OK);
    temp_path(path, sizeof path);
    temp_path(path2, sizeof path2);
    CHECK_INT(migad_labels_write(a, path, err), MIGAD_OK);
    CHECK_STR(err, "");
    out = read_all(path, NULL);
    CHECK_STR(out, canonical);

    /* parse -> write -> load gives the same intervals, and writes the same bytes. */
    CHECK_INT(migad_labels_load(path, &b, err), MIGAD_OK);
    CHECK(same_labels(a, b));
    CHECK_INT(migad_labels_write(b, path2, err), MIGAD_OK);
    out2 = read_all(path2, NULL);
    CHECK_STR(out2, canonical);
    migad_labels_free(b);
    free(out2);

    /* Empty labels (and NULL) write only the header. */
    CHECK_INT(migad_labels_write(NULL, path2, err), MIGAD_OK);
    out2 = read_all(path2, NULL);
    CHECK(out2 && strchr(out2, '\n') == out2 + strlen(out2) - 1 && out2[0] == '#');
    CHECK_INT(migad_labels_load(path2, &b, err), MIGAD_OK);
    CHECK_INT(migad_labels_count(b), 0);
    migad_labels_free(b);
    free(out2);

    /* Write errors. */
    CHECK_INT(migad_labels_write(a, "/nonexistent-dir/gt.txt", err), MIGAD_EIO);
    CHECK_STR(err, "cannot open /nonexistent-dir/gt.txt: No such file or directory");
    if (access("/dev/full", W_OK) == 0) {
        CHECK_INT(migad_labels_write(a, "/dev/full", err), MIGAD_EIO);
        CHECK_STR(err, "cannot write /dev/full: No space left on device");
    }
    CHECK_INT(migad_labels_write(a, NULL, err), MIGAD_EINVAL);

    remove(path);
    remove(path2);
    free(out);
    migad_labels_free(a);
}

static void test_load(void)
{
    char err[MIGAD_ERRBUF_SIZE], path[256];
    struct migad_labels *a = NULL, *b = NULL;
    const char *example = MIGAD_TEST_DIR "/data/labels/example.txt";
    const char *canonical = MIGAD_TEST_DIR "/data/labels/example.canonical.txt";
    char *text, *want, *got;
    size_t len;
    int gt;
    double imi;

    /* The example of docs/groundtruth.md. */
    CHECK_INT(migad_labels_load(example, &a, err), MIGAD_OK);
    CHECK_STR(err, "");
    CHECK_INT(migad_labels_count(a), 3);
    if (migad_labels_count(a) == 3) {
        CHECK_INT(at(a, 0)->start, NS(1700000300));
        CHECK_INT(at(a, 0)->end, NS(1700000600));
        CHECK_STR(at(a, 0)->source, "10.0.0.99");
        CHECK_INT(at(a, 1)->start, MS(1700000450250));
        CHECK_STR(at(a, 1)->vm_mac, "52:54:00:ab:cd:03");
        CHECK_STR(at(a, 2)->vm, "web4");
    }
    /* The bin [1700000467, +1 s): web3 until .5, web4 all of it: IMI 1.
     * The bin [1700000450, +1 s): web3 from .25: IMI 0.75, attack: GT 1. */
    migad_labels_bin(a, NS(1700000467), NS(1), &gt, &imi);
    CHECK_NEAR(imi, 1.0, 0);
    migad_labels_bin(a, NS(1700000450), NS(1), &gt, &imi);
    CHECK_INT(gt, 1);
    CHECK_NEAR(imi, 0.75, 0);
    /* Loading and parsing the same bytes agree. */
    text = read_all(example, &len);
    CHECK(text != NULL);
    CHECK_INT(migad_labels_parse(text, len, example, &b, err), MIGAD_OK);
    CHECK(same_labels(a, b));
    migad_labels_free(b);
    free(text);
    /* Its canonical form. */
    temp_path(path, sizeof path);
    CHECK_INT(migad_labels_write(a, path, err), MIGAD_OK);
    want = read_all(canonical, NULL);
    got = read_all(path, NULL);
    CHECK(want && got && strcmp(want, got) == 0);
    free(want);
    free(got);
    migad_labels_free(a);

    /* Open and read errors. */
    CHECK_INT(migad_labels_load("/nonexistent-dir/gt.txt", &a, err), MIGAD_EIO);
    CHECK_STR(err, "cannot open /nonexistent-dir/gt.txt: No such file or directory");
    CHECK(a == NULL);
    CHECK_INT(migad_labels_load("/", &a, err), MIGAD_EIO);
    CHECK_STR(err, "cannot read /: Is a directory");
    CHECK(a == NULL);
    CHECK_INT(migad_labels_load(NULL, &a, err), MIGAD_EINVAL);

    /* A file of several read chunks (64 KiB): lines of every length up to
     * the limit cross chunk boundaries; loading and parsing must agree. */
    {
        size_t cap = 1 << 21, n = 0;
        char *big = malloc(cap);
        int lines = 0;
        if (!big) {
            CHECK(big != NULL);
            remove(path);
            return;
        }
        size_t at;
        while (n < cap - 100000) {
            size_t pad = (size_t)rnd_below(rnd_below(4) == 0 ? 4000 : 40);
            if (lines % 3 == 0)
                n += (size_t)snprintf(big + n, 100, "attack %d %d.5", lines, lines + 1);
            else
                n += (size_t)snprintf(big + n, 100, "migration %d %d.5 vm=v%d", lines,
                                      lines + 1, lines);
            big[n++] = ' ';
            big[n++] = '#';
            memset(big + n, 'c', pad);
            n += pad;
            if (lines % 2)
                big[n++] = '\r';
            big[n++] = '\n';
            lines++;
        }
        CHECK(write_all(path, big, n));
        CHECK_INT(migad_labels_load(path, &a, err), MIGAD_OK);
        CHECK_STR(err, "");
        CHECK_INT(migad_labels_parse(big, n, path, &b, err), MIGAD_OK);
        CHECK_INT(migad_labels_count(a), lines);
        CHECK(same_labels(a, b));
        migad_labels_free(a);
        migad_labels_free(b);

        /* Make the last line too long, across a chunk boundary: same error both ways. */
        at = big[n - 2] == '\r' ? n - 2 : n - 1; /* the line ending */
        memset(big + at, 'c', 70000);
        n = at + 70000;
        big[n++] = '\n';
        CHECK(write_all(path, big, n));
        CHECK_INT(migad_labels_load(path, &a, err), MIGAD_ENOMEM);
        {
            char err2[MIGAD_ERRBUF_SIZE];
            CHECK_INT(migad_labels_parse(big, n, path, &b, err2), MIGAD_ENOMEM);
            CHECK_STR(err, err2);
            CHECK(strstr(err, ": line is longer than 4096 bytes") != NULL);
        }

        /* A long binary line that starts 2000 bytes before the first 64 KiB
         * read ends: a control byte before and after the read boundary. */
        {
            static const struct {
                size_t offset; /* of the control byte in the line */
                const char *msg;
            } cases[] = {
                {1000, "not a text file (byte 0x02 at column 1001)"},
                {3000, "not a text file (byte 0x02 at column 3001)"},
                {5000, "line is longer than 4096 bytes"},
            };
            size_t start = 65536 - 2000;
            memset(big, '#', start + 10000);
            for (size_t i = 99; i < start; i += 100)
                big[i] = '\n'; /* comment lines of 99 '#' */
            big[start - 1] = '\n';
            n = start + 10000;
            for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char expect[MIGAD_ERRBUF_SIZE], err2[MIGAD_ERRBUF_SIZE];
                size_t lineno = 1 + (start - 1) / 100 + 1;
                big[start + cases[i].offset] = '\x02';
                CHECK(write_all(path, big, n));
                snprintf(expect, sizeof expect, "%s:%zu: %s", path, lineno, cases[i].msg);
                CHECK_INT(migad_labels_load(path, &a, err) != MIGAD_OK, 1);
                CHECK_STR(err, expect);
                CHECK_INT(migad_labels_parse(big, n, path, &b, err2) != MIGAD_OK, 1);
                CHECK_STR(err2, expect);
                big[start + cases[i].offset] = '#';
            }
        }
        free(big);
    }
    remove(path);
}

/* ------------------------------------------------------------------------ */
/* Arbitrary input                                                           */

/* Parse buf; whatever it holds, the result must be consistent. */
static void fuzz_one(const char *buf, size_t len, size_t *accepted, size_t *bad)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_labels *l = NULL;
    migad_status st = migad_labels_parse(buf, len, "fuzz", &l, err);

    if (st == MIGAD_OK) {
        int gt;
        double imi;
        (*accepted)++;
        if (!l || err[0] != '\0')
            (*bad)++;
        for (size_t i = 0; i < migad_labels_count(l); i++) {
            const struct migad_interval *iv = at(l, i);
            if (iv->start < 0 || iv->end <= iv->start || strlen(iv->vm_mac) % 17 != 0)
                (*bad)++;
            migad_labels_bin(l, iv->start, iv->end - iv->start, &gt, &imi);
            if (imi < 0 || imi > 1 || (iv->kind == MIGAD_INTERVAL_ATTACK && gt != 1) ||
                (iv->kind == MIGAD_INTERVAL_MIGRATION && imi != 1.0))
                (*bad)++;
        }
    } else if (l != NULL || strncmp(err, "fuzz:", 5) != 0 || strlen(err) < 10 ||
               (st != MIGAD_EFORMAT && st != MIGAD_ENOMEM)) {
        (*bad)++;
        fprintf(stderr, "fuzz: status %d, message \"%s\"\n", (int)st, err);
    }
    migad_labels_free(l);
}

static void test_arbitrary_bytes(void)
{
    static const char *words[] = {
        "attack", "migration", "atack", " ", " ", " ", "\t", "\n", "\n", "\r\n", "\r", "#",
        "=", "type=", "vm=", "mac=", "ip=", "from=", "to=", "intensity=", "target=", "source=",
        "dos", "52:54:00:ab:cd:ef", "52:54:00:AB:CD:EF", "0", "1", "1.5", "1.", ".5", "-1",
        "9223372036.854775807", "9223372036.854775808", "1700000000.123456789",
        "2023-11-14T22:15:50.25Z", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z",
        "2262-04-11T23:47:16.854775807Z", "+00:00", "Z", "\xEF\xBB\xBF", "\xC3\xA9", "\xFF",
        "\xE2\x82", "\0", "0123456789012345678901234567890123456789"};
    const size_t nwords = sizeof words / sizeof words[0];
    char buf[1024];
    size_t accepted = 0, bad = 0;

    /* Random bytes, mostly printable. */
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)rnd_below(sizeof buf);
        bool printable = rnd_below(2) == 0;
        for (size_t i = 0; i < len; i++) {
            unsigned c = (unsigned)rnd_below(256);
            if (printable)
                c = c % 8 == 0 ? '\n' : 32 + c % 95;
            buf[i] = (char)c;
        }
        fuzz_one(buf, len, &accepted, &bad);
    }
    /* Soups of the format's own words: reach deeper into the parser. */
    for (int round = 0; round < 6000; round++) {
        size_t len = 0, nw = (size_t)rnd_below(40);
        for (size_t i = 0; i < nw; i++) {
            size_t w = (size_t)rnd_below(nwords);
            size_t wl = w == nwords - 2 ? 1 : strlen(words[w]); /* "\0" is one byte */
            if (len + wl > sizeof buf)
                break;
            memcpy(buf + len, words[w], wl);
            len += wl;
        }
        fuzz_one(buf, len, &accepted, &bad);
    }
    /* Mutations of a valid file: flip, insert, delete bytes. */
    {
        static const char valid[] =
            "# gt\nattack 1700000300 1700000600 type=netscan intensity=high target=10.0.0.0/24\n"
            "migration 2023-11-14T22:20:50.25Z 1700000467.5 vm=web3 mac=52:54:00:ab:cd:03 "
            "ip=10.0.0.13 from=a to=b\n";
        for (int round = 0; round < 3000; round++) {
            size_t len = sizeof valid - 1;
            memcpy(buf, valid, len);
            for (int k = 1 + (int)rnd_below(4); k > 0; k--) {
                size_t at = (size_t)rnd_below(len);
                switch (rnd_below(3)) {
                case 0: buf[at] = (char)rnd_below(256); break;
                case 1:
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = (char)rnd_below(128);
                    len++;
                    break;
                default:
                    memmove(buf + at, buf + at + 1, len - at - 1);
                    len--;
                    break;
                }
            }
            fuzz_one(buf, len, &accepted, &bad);
        }
    }
    CHECK_INT(bad, 0);
    CHECK(accepted > 100); /* the soups and mutations do produce valid files */
}

int main(void)
{
    RUN(test_epoch_times);
    RUN(test_iso_times);
    RUN(test_format);
    RUN(test_errors);
    RUN(test_line_limit);
    RUN(test_interval_limit);
    RUN(test_bins);
    RUN(test_nodes);
    RUN(test_random_bins);
    RUN(test_round_trip);
    RUN(test_load);
    RUN(test_arbitrary_bytes);
    return check_finish();
}
