/*
 * Ground truth: reading, querying and writing the interval file.
 *
 * FORMAT CONTRACT (the full specification, with examples, is
 * docs/groundtruth.md; keep the two in step)
 *
 *   - UTF-8 text (a leading byte-order mark is skipped), one interval per
 *     line, LF or CRLF line endings, at most GT_MAX_LINE bytes per line
 *     (line ending not counted).  Control bytes other than tab (looked for
 *     first, also in the first GT_MAX_LINE bytes of an over-long line),
 *     stray carriage returns and invalid UTF-8 are errors, so a binary file
 *     is rejected on its first line as "not a text file".
 *   - Blank lines are ignored.  `#` at the start of a line or right after a
 *     space or tab starts a comment that runs to the end of the line; a `#`
 *     inside a field (`vm=web#1`) is part of the field.
 *   - Fields are separated by one or more spaces or tabs:
 *         attack    START END [type=T] [intensity=I] [target=A] [source=A]
 *                   [nodes=NODE[,NODE...]]
 *         migration START END [vm=NAME] [mac=MAC] [ip=A] [from=NODE] [to=NODE]
 *     Kinds and keys are lower case and case-sensitive.  Every key is
 *     optional and may appear at most once; unknown keys, empty values and
 *     values longer than their struct field are errors.  A value runs from
 *     the first `=` to the next blank (it may contain `=` and `#`).  mac must
 *     be aa:bb:cc:dd:ee:ff (hex digits in either case, stored lower case).
 *   - START and END are UTC instants, either
 *         seconds since the UNIX epoch:  DIGITS[.DIGITS]   (1 to 9 fraction
 *                                        digits; no sign, no exponent)
 *         ISO 8601 / RFC 3339 UTC:       YYYY-MM-DDThh:mm:ss[.DIGITS]Z
 *                                        (or +00:00 for Z; T and Z may be
 *                                        lower case; no leap second 60)
 *     converted exactly, without floating point, to int64 nanoseconds.
 *     Instants before 1970-01-01T00:00:00Z or after INT64_MAX ns
 *     (2262-04-11T23:47:16.854775807Z) are errors.  END must be > START.
 *   - Intervals are half-open, [START, END).  They may overlap.
 *   - At most GT_MAX_INTERVALS intervals per file.
 *
 * Error messages follow "NAME:LINE: what is wrong: 'offending text'" (lower
 * case, no final period, quoted text cut to GT_QUOTE_MAX bytes); the status
 * is MIGAD_EFORMAT for content errors, MIGAD_ENOMEM for the size limits and
 * allocation failures, MIGAD_EIO for open and read errors.  Without a name,
 * messages say "<memory>".
 *
 * HOW IT WORKS
 *
 * Parsing: every line goes through parse_line(), which validates the bytes,
 * tokenizes in place (no copies, no allocation) and appends one interval.
 * Lines reach it through a small splitter (feed/finish) that accepts the
 * input in arbitrary chunks and keeps at most one partial line: the memory
 * parser feeds its whole buffer at once, the file loader feeds 64 KiB reads,
 * so a file and the same bytes in memory give the same result and the same
 * errors, and loading holds no more than one chunk and one partial line.
 *
 * After parsing, the intervals are sorted by (start, end, kind, file order)
 * -- that is the order migad_labels_get() exposes and the writer uses -- and
 * two derived arrays are built, each a sorted list of disjoint spans: the
 * union of the attack intervals and the union of the migration intervals.
 * Each span also stores the total length of the spans before it.  A bin
 * query [b, e) is then answered with binary searches:
 *   GT  : the first attack span ending after b starts before e;
 *   IMI : (C(e) - C(b)) / width, where C(t), the length of the migration
 *         union before t, is the prefix length of the last span starting
 *         before t plus the part of that span before t.
 * All of it is integer nanoseconds; only the final ratio is a double, so
 * a bin fully under migration gets exactly 1.0 and overlapping migrations
 * are not counted twice.
 */
#include "migad/labels.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errbuf.h"

#define GT_MAX_LINE 4096        /* bytes per line, line ending excluded */
#define GT_MAX_INTERVALS 1000000 /* ~390 MB of struct migad_interval */
#define GT_MAX_FRACTION 9       /* fraction digits: nanoseconds */
#define GT_QUOTE_MAX 64         /* bytes of offending text quoted in a message */
#define GT_READ_CHUNK 65536     /* bytes per read when loading a file */

/* Largest whole second whose nanosecond count fits in an int64. */
#define GT_MAX_SECONDS (INT64_MAX / MIGAD_NS_PER_SEC)

#if defined(__GNUC__)
#define GT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GT_PRINTF(f, a)
#endif

/* A run of time covered by the union of one kind of interval. */
struct gt_span {
    migad_ns start, end;
    migad_ns before; /* total length of the spans before this one */
};

struct migad_labels {
    struct migad_interval *iv; /* sorted by (start, end, kind, file order) */
    size_t n, cap;
    struct gt_span *attacks; /* union of the attack intervals */
    size_t nattacks;
    struct gt_span *migrations; /* union of the migration intervals */
    size_t nmigrations;
};

/* The keys of each kind, in the order the writer emits them. */
struct gt_key {
    const char *name;
    enum migad_interval_kind kind;
    size_t offset; /* of the char array in struct migad_interval */
    size_t size;   /* of that array, NUL included */
    bool is_mac;
};

#define GT_FIELD(f) offsetof(struct migad_interval, f), sizeof(((struct migad_interval *)0)->f)
static const struct gt_key gt_keys[] = {
    {"type", MIGAD_INTERVAL_ATTACK, GT_FIELD(type), false},
    {"intensity", MIGAD_INTERVAL_ATTACK, GT_FIELD(intensity), false},
    {"target", MIGAD_INTERVAL_ATTACK, GT_FIELD(target), false},
    {"source", MIGAD_INTERVAL_ATTACK, GT_FIELD(source), false},
    {"nodes", MIGAD_INTERVAL_ATTACK, GT_FIELD(nodes), false},
    {"vm", MIGAD_INTERVAL_MIGRATION, GT_FIELD(vm), false},
    {"mac", MIGAD_INTERVAL_MIGRATION, GT_FIELD(vm_mac), true},
    {"ip", MIGAD_INTERVAL_MIGRATION, GT_FIELD(vm_ip), false},
    {"from", MIGAD_INTERVAL_MIGRATION, GT_FIELD(from), false},
    {"to", MIGAD_INTERVAL_MIGRATION, GT_FIELD(to), false},
};
#undef GT_FIELD
#define GT_NKEYS (sizeof gt_keys / sizeof gt_keys[0])

static const char *kind_name(enum migad_interval_kind k)
{
    return k == MIGAD_INTERVAL_ATTACK ? "attack" : "migration";
}

/* The expected keys of a kind, for the "unknown key" message. */
static const char *kind_keys(enum migad_interval_kind k)
{
    return k == MIGAD_INTERVAL_ATTACK ? "type, intensity, target, source or nodes"
                                      : "vm, mac, ip, from or to";
}

/* ------------------------------------------------------------------------ */
/* Error messages                                                            */

struct gt_parser {
    const char *name; /* file name for messages */
    char *err;        /* caller's error buffer, may be NULL */
    size_t lineno;    /* 1-based number of the line being parsed */
    struct migad_labels *l;
    size_t ncarry;                /* bytes of a partial line held in carry */
    char carry[GT_MAX_LINE + 1];  /* +1: the CR of a CRLF ending */
};


/* Leave "NAME:LINE: <fmt>" in the error buffer and return st. */
static migad_status fail(struct gt_parser *p, migad_status st, const char *fmt, ...)
    GT_PRINTF(3, 4);
static migad_status fail(struct gt_parser *p, migad_status st, const char *fmt, ...)
{
    va_list ap;
    int k;

    if (!p->err)
        return st;
    k = snprintf(p->err, MIGAD_ERRBUF_SIZE, "%s:%zu: ", p->name, p->lineno);
    if (k >= 0 && k < MIGAD_ERRBUF_SIZE) {
        va_start(ap, fmt);
        vsnprintf(p->err + k, (size_t)(MIGAD_ERRBUF_SIZE - k), fmt, ap);
        va_end(ap);
    }
    return st;
}

/* Offending text for a message: at most GT_QUOTE_MAX bytes, cut on a UTF-8
 * character boundary, then "...".  Print with "%.*s%s", q.len, q.text, q.more. */
struct gt_quote {
    int len;
    const char *text;
    const char *more;
};

static struct gt_quote quote(const char *s, size_t n)
{
    struct gt_quote q = {0, s, ""};

    if (n > GT_QUOTE_MAX) {
        n = GT_QUOTE_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* s[n] continues a character: drop the whole character */
        q.more = "...";
    }
    q.len = (int)n;
    return q;
}

/* ------------------------------------------------------------------------ */
/* Lexical helpers                                                           */

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool token_is(const char *tok, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(tok, word, n) == 0;
}

/* 1-based column of the first control byte (other than tab) in s[0..n),
 * or 0.  Checked before UTF-8, so that a binary file is called one. */
static size_t find_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return i + 1;
    }
    return 0;
}

/* 1-based column of the first byte of a malformed UTF-8 sequence in s[0..n)
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t find_bad_utf8(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t more;
        unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the 2nd byte */

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            if (c == 0xE0)
                lo = 0xA0; /* overlong */
            else if (c == 0xED)
                hi = 0x9F; /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            if (c == 0xF0)
                lo = 0x90; /* overlong */
            else if (c == 0xF4)
                hi = 0x8F; /* above U+10FFFF */
        } else {
            return i + 1; /* continuation byte, overlong lead, or not UTF-8 at all */
        }
        for (size_t k = 1; k <= more; k++) {
            unsigned char lo_k = k == 1 ? lo : 0x80, hi_k = k == 1 ? hi : 0xBF;
            if (i + k >= n || s[i + k] < lo_k || s[i + k] > hi_k)
                return i + 1;
        }
        i += more + 1;
    }
    return 0;
}

/*
 * Next field of a line: skips blanks, stops at the end of the line or at a
 * comment (a `#` at the start of a field).  Returns false when there is no
 * further field.
 */
static bool next_field(const char *s, size_t n, size_t *pos, const char **tok, size_t *len)
{
    size_t i = *pos, start;

    while (i < n && is_blank(s[i]))
        i++;
    if (i == n || s[i] == '#') {
        *pos = n;
        return false;
    }
    start = i;
    while (i < n && !is_blank(s[i]))
        i++;
    *tok = s + start;
    *len = i - start;
    *pos = i;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Times                                                                     */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil; 400-year eras of 146097 days). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;                                   /* [0, 399] */
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365], from March 1 */
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468; /* 719468: days from 0000-03-01 to 1970-01-01 */
}

static int days_in_month(int64_t y, int64_t m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* Value of n digits at s (the caller checked they are digits). */
static int64_t digits_value(const char *s, size_t n)
{
    int64_t v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/*
 * Optional fraction at s[*i]: "." and 1..9 digits, as nanoseconds.  Returns
 * false with *why set if malformed; leaves *ns = 0 if there is no ".".
 */
static bool parse_fraction(const char *s, size_t n, size_t *i, int64_t *ns, const char **why)
{
    size_t j = *i, digits;

    *ns = 0;
    if (j == n || s[j] != '.')
        return true;
    j++;
    while (j < n && is_digit(s[j]))
        j++;
    digits = j - *i - 1;
    if (digits == 0) {
        *why = "no digits after the decimal point";
        return false;
    }
    if (digits > GT_MAX_FRACTION) {
        *why = "more than 9 fractional digits";
        return false;
    }
    *ns = digits_value(s + *i + 1, digits);
    for (size_t k = digits; k < GT_MAX_FRACTION; k++)
        *ns *= 10;
    *i = j;
    return true;
}

/* Whole seconds plus nanoseconds, if the sum fits in migad_ns. */
static bool make_ns(int64_t sec, int64_t frac, migad_ns *out, const char **why)
{
    if (sec > GT_MAX_SECONDS || (sec == GT_MAX_SECONDS &&
                                 frac > INT64_MAX - GT_MAX_SECONDS * MIGAD_NS_PER_SEC)) {
        *why = "out of range";
        return false;
    }
    *out = sec * MIGAD_NS_PER_SEC + frac;
    return true;
}

/* DIGITS[.DIGITS]: seconds since the epoch. */
static bool parse_epoch(const char *s, size_t n, migad_ns *out, const char **why)
{
    static const char *syntax = "expected seconds since the epoch or YYYY-MM-DDThh:mm:ssZ";
    size_t i = 0, whole, first = 0;
    int64_t frac;

    while (i < n && is_digit(s[i]))
        i++;
    whole = i; /* digits of the integer part */
    if (whole == 0) {
        *why = syntax;
        return false;
    }
    if (!parse_fraction(s, n, &i, &frac, why))
        return false;
    if (i != n) {
        *why = syntax;
        return false;
    }
    while (first + 1 < whole && s[first] == '0')
        first++; /* leading zeros */
    if (whole - first > 10) { /* GT_MAX_SECONDS has 10 digits */
        *why = "out of range";
        return false;
    }
    return make_ns(digits_value(s + first, whole - first), frac, out, why);
}

/* True if s[at..at+n) are all digits. */
static bool digits_at(const char *s, size_t len, size_t at, size_t n)
{
    if (at + n > len)
        return false;
    for (size_t i = at; i < at + n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

/* YYYY-MM-DDThh:mm:ss[.DIGITS](Z|+00:00), RFC 3339 section 5.6 restricted to UTC. */
static bool parse_iso(const char *s, size_t n, migad_ns *out, const char **why)
{
    static const char *layout = "expected YYYY-MM-DDThh:mm:ss[.fraction]Z";
    int64_t y, mo, d, h, mi, sec, frac, days;
    size_t i = 19;

    if (!digits_at(s, n, 0, 4) || n < 19 || s[4] != '-' || !digits_at(s, n, 5, 2) ||
        s[7] != '-' || !digits_at(s, n, 8, 2) || (s[10] != 'T' && s[10] != 't') ||
        !digits_at(s, n, 11, 2) || s[13] != ':' || !digits_at(s, n, 14, 2) ||
        s[16] != ':' || !digits_at(s, n, 17, 2)) {
        *why = layout;
        return false;
    }
    if (!parse_fraction(s, n, &i, &frac, why))
        return false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        if (n - i != 6 || memcmp(s + i, "+00:00", 6) != 0) {
            *why = "only the Z or +00:00 time zone is accepted";
            return false;
        }
    } else if (i + 1 != n || (s[i] != 'Z' && s[i] != 'z')) {
        *why = i == n ? "missing time zone Z" : layout;
        return false;
    }
    y = digits_value(s, 4);
    mo = digits_value(s + 5, 2);
    d = digits_value(s + 8, 2);
    h = digits_value(s + 11, 2);
    mi = digits_value(s + 14, 2);
    sec = digits_value(s + 17, 2);
    if (mo < 1 || mo > 12) {
        *why = "month out of range";
        return false;
    }
    if (d < 1 || d > days_in_month(y, mo)) {
        *why = "day out of range for the month";
        return false;
    }
    if (h > 23 || mi > 59 || sec > 59) {
        *why = h <= 23 && mi <= 59 && sec == 60 ? "leap seconds are not supported"
                                                : "time of day out of range";
        return false;
    }
    if (y < 1970) {
        *why = "before 1970-01-01T00:00:00Z";
        return false;
    }
    days = days_from_civil(y, mo, d); /* year <= 9999: no overflow below */
    return make_ns(days * 86400 + h * 3600 + mi * 60 + sec, frac, out, why);
}

/* START or END: epoch seconds or ISO 8601 UTC, to nanoseconds. */
static bool parse_time(const char *s, size_t n, migad_ns *out, const char **why)
{
    if (n > 0 && s[0] == '-') {
        *why = "negative times are not allowed";
        return false;
    }
    if (n > 4 && s[4] == '-' && digits_at(s, n, 0, 4))
        return parse_iso(s, n, out, why);
    return parse_epoch(s, n, out, why);
}

/* The error for control byte c at column col. */
static migad_status not_text(struct gt_parser *p, unsigned char c, size_t col)
{
    if (c == '\r')
        return fail(p, MIGAD_EFORMAT, "carriage return not followed by a line feed at column %zu",
                    col);
    return fail(p, MIGAD_EFORMAT, "not a text file (byte 0x%02x at column %zu)", c, col);
}

/*
 * The error for a line longer than GT_MAX_LINE, given as a[0..an) followed
 * by b[0..bn).  A binary file has no line structure, so a control byte in
 * the first GT_MAX_LINE bytes is reported instead of the length; looking at
 * those bytes only keeps the answer independent of how the input was read.
 */
static migad_status line_too_long(struct gt_parser *p, const char *a, size_t an, const char *b,
                                  size_t bn)
{
    size_t col;

    if (an > GT_MAX_LINE)
        an = GT_MAX_LINE;
    if (bn > GT_MAX_LINE - an)
        bn = GT_MAX_LINE - an;
    col = find_control(a, an);
    if (col)
        return not_text(p, (unsigned char)a[col - 1], col);
    col = find_control(b, bn);
    if (col)
        return not_text(p, (unsigned char)b[col - 1], an + col);
    return fail(p, MIGAD_ENOMEM, "line is longer than %d bytes", GT_MAX_LINE);
}

/* ------------------------------------------------------------------------ */
/* One line                                                                  */

static migad_status append(struct gt_parser *p, const struct migad_interval *iv)
{
    struct migad_labels *l = p->l;

    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        struct migad_interval *grown;

        if (l->n >= GT_MAX_INTERVALS)
            return fail(p, MIGAD_ENOMEM, "too many intervals (the limit is %d)",
                        GT_MAX_INTERVALS);
        if (cap > GT_MAX_INTERVALS)
            cap = GT_MAX_INTERVALS;
        grown = realloc(l->iv, cap * sizeof *grown);
        if (!grown)
            return fail(p, MIGAD_ENOMEM, "out of memory");
        l->iv = grown;
        l->cap = cap;
    }
    l->iv[l->n++] = *iv;
    return MIGAD_OK;
}

/* key=value into iv; `seen` has one bit per gt_keys entry already given. */
static migad_status parse_key_value(struct gt_parser *p, struct migad_interval *iv,
                                    unsigned *seen, const char *tok, size_t n)
{
    const char *eq = memchr(tok, '=', n);
    const char *val;
    const struct gt_key *key = NULL;
    size_t klen, vlen, k;
    struct gt_quote q;
    char *field;

    if (!eq || eq == tok) {
        q = quote(tok, n);
        return fail(p, MIGAD_EFORMAT, "expected key=value: '%.*s%s'", q.len, q.text, q.more);
    }
    klen = (size_t)(eq - tok);
    val = eq + 1;
    vlen = n - klen - 1;
    for (k = 0; k < GT_NKEYS; k++) {
        if (gt_keys[k].kind == iv->kind && token_is(tok, klen, gt_keys[k].name)) {
            key = &gt_keys[k];
            break;
        }
    }
    if (!key) {
        q = quote(tok, klen);
        return fail(p, MIGAD_EFORMAT, "unknown key '%.*s%s' for %s (expected %s)", q.len,
                    q.text, q.more, kind_name(iv->kind), kind_keys(iv->kind));
    }
    if (*seen & (1u << k))
        return fail(p, MIGAD_EFORMAT, "duplicate key '%s'", key->name);
    *seen |= 1u << k;
    if (vlen == 0)
        return fail(p, MIGAD_EFORMAT, "empty value for key '%s'", key->name);
    q = quote(val, vlen);
    if (vlen >= key->size)
        return fail(p, MIGAD_EFORMAT, "value of key '%s' is longer than %zu bytes: '%.*s%s'",
                    key->name, key->size - 1, q.len, q.text, q.more);
    field = (char *)iv + key->offset;
    if (key->is_mac) {
        /* aa:bb:cc:dd:ee:ff: six pairs of hex digits, five colons. */
        bool ok = vlen == 17;
        for (size_t i = 0; ok && i < 17; i++)
            ok = i % 3 == 2 ? val[i] == ':' : hex_value(val[i]) >= 0;
        if (!ok)
            return fail(p, MIGAD_EFORMAT, "invalid mac (expected aa:bb:cc:dd:ee:ff): '%.*s%s'",
                        q.len, q.text, q.more);
        for (size_t i = 0; i < 17; i++)
            field[i] = i % 3 == 2 ? ':' : "0123456789abcdef"[hex_value(val[i])];
        field[17] = '\0';
        return MIGAD_OK;
    }
    if (key->offset == offsetof(struct migad_interval, nodes)) {
        /* names separated by single commas: no empty name */
        bool ok = val[0] != ',' && val[vlen - 1] != ',';
        for (size_t i = 1; ok && i < vlen; i++)
            ok = !(val[i] == ',' && val[i - 1] == ',');
        if (!ok)
            return fail(p, MIGAD_EFORMAT,
                        "invalid nodes (expected names separated by commas): '%.*s%s'", q.len,
                        q.text, q.more);
    }
    memcpy(field, val, vlen);
    field[vlen] = '\0';
    return MIGAD_OK;
}

/* Parse one line (without its LF); s may end with the CR of a CRLF. */
static migad_status parse_line(struct gt_parser *p, const char *s, size_t n)
{
    struct migad_interval iv;
    const char *tok, *kind, *start = NULL, *end = NULL;
    size_t pos = 0, len, klen, slen = 0, elen = 0, col;
    unsigned seen = 0;
    const char *why = "";
    struct gt_quote q, q2;
    migad_status st;

    p->lineno++;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    if (n > GT_MAX_LINE)
        return line_too_long(p, s, n, NULL, 0);
    col = find_control(s, n);
    if (col)
        return not_text(p, (unsigned char)s[col - 1], col);
    if (p->lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* byte-order mark */
    col = find_bad_utf8(s + pos, n - pos);
    if (col)
        return fail(p, MIGAD_EFORMAT, "invalid UTF-8 (byte 0x%02x at column %zu)",
                    (unsigned char)s[pos + col - 1], pos + col);

    if (!next_field(s, n, &pos, &kind, &klen))
        return MIGAD_OK; /* blank or comment */
    memset(&iv, 0, sizeof iv);
    if (token_is(kind, klen, "attack")) {
        iv.kind = MIGAD_INTERVAL_ATTACK;
    } else if (token_is(kind, klen, "migration")) {
        iv.kind = MIGAD_INTERVAL_MIGRATION;
    } else {
        q = quote(kind, klen);
        return fail(p, MIGAD_EFORMAT,
                    "unknown interval kind '%.*s%s' (expected attack or migration)",
                    q.len, q.text, q.more);
    }

    if (!next_field(s, n, &pos, &start, &slen)) {
        q = quote(kind, klen);
        return fail(p, MIGAD_EFORMAT, "missing start time: '%.*s%s'", q.len, q.text, q.more);
    }
    if (!next_field(s, n, &pos, &end, &elen)) {
        q = quote(kind, (size_t)(start + slen - kind));
        return fail(p, MIGAD_EFORMAT, "missing end time: '%.*s%s'", q.len, q.text, q.more);
    }
    if (!parse_time(start, slen, &iv.start, &why)) {
        q = quote(start, slen);
        return fail(p, MIGAD_EFORMAT, "invalid start time (%s): '%.*s%s'", why, q.len, q.text,
                    q.more);
    }
    if (!parse_time(end, elen, &iv.end, &why)) {
        q = quote(end, elen);
        return fail(p, MIGAD_EFORMAT, "invalid end time (%s): '%.*s%s'", why, q.len, q.text,
                    q.more);
    }
    if (iv.end <= iv.start) {
        q = quote(start, slen);
        q2 = quote(end, elen);
        return fail(p, MIGAD_EFORMAT, "end time is not after start time: '%.*s%s %.*s%s'", q.len,
                    q.text, q.more, q2.len, q2.text, q2.more);
    }

    while (next_field(s, n, &pos, &tok, &len)) {
        st = parse_key_value(p, &iv, &seen, tok, len);
        if (st != MIGAD_OK)
            return st;
    }
    return append(p, &iv);
}

/* ------------------------------------------------------------------------ */
/* Line splitting over chunks                                                */

/* Parse the complete lines of data; keep a trailing partial line in carry. */
static migad_status feed(struct gt_parser *p, const char *data, size_t len)
{
    migad_status st = MIGAD_OK;

    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t seg = nl ? (size_t)(nl - data) : len;

        if (p->ncarry == 0 && nl) {
            st = parse_line(p, data, seg); /* whole line in data: no copy */
        } else {
            if (seg > sizeof p->carry - p->ncarry) {
                p->lineno++;
                return line_too_long(p, p->carry, p->ncarry, data, seg);
            }
            memcpy(p->carry + p->ncarry, data, seg);
            p->ncarry += seg;
            if (nl) {
                st = parse_line(p, p->carry, p->ncarry);
                p->ncarry = 0;
            }
        }
        if (st != MIGAD_OK || !nl)
            return st;
        data = nl + 1;
        len -= seg + 1;
    }
    return MIGAD_OK;
}

/* End of input: parse a last line that has no line feed. */
static migad_status finish(struct gt_parser *p)
{
    migad_status st = MIGAD_OK;

    if (p->ncarry > 0)
        st = parse_line(p, p->carry, p->ncarry);
    p->ncarry = 0;
    return st;
}

/* ------------------------------------------------------------------------ */
/* Sorting and the unions                                                    */

/* Sort key: (start, end, kind), then the position in the file. */
struct gt_sort_key {
    migad_ns start, end;
    int kind;
    size_t index;
};

static struct gt_sort_key sort_key(const struct migad_interval *iv, size_t index)
{
    struct gt_sort_key k = {iv->start, iv->end, (int)iv->kind, index};
    return k;
}

static int compare_sort_keys(const void *pa, const void *pb)
{
    const struct gt_sort_key *a = pa, *b = pb;

    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Sort l->iv by (start, end, kind, file order).  Files are usually written
 * in order already, so check first. */
static bool sort_intervals(struct migad_labels *l)
{
    struct gt_sort_key *keys;
    struct migad_interval *sorted;
    size_t i;

    for (i = 1; i < l->n; i++) {
        struct gt_sort_key prev = sort_key(&l->iv[i - 1], i - 1), cur = sort_key(&l->iv[i], i);
        if (compare_sort_keys(&prev, &cur) > 0)
            break;
    }
    if (i >= l->n)
        return true;

    /* Sort small keys rather than the ~390-byte records, then permute. */
    keys = malloc(l->n * sizeof *keys);
    sorted = malloc(l->n * sizeof *sorted);
    if (!keys || !sorted) {
        free(keys);
        free(sorted);
        return false;
    }
    for (i = 0; i < l->n; i++)
        keys[i] = sort_key(&l->iv[i], i);
    qsort(keys, l->n, sizeof *keys, compare_sort_keys);
    for (i = 0; i < l->n; i++)
        sorted[i] = l->iv[keys[i].index];
    free(keys);
    free(l->iv);
    l->iv = sorted;
    l->cap = l->n;
    return true;
}

/* Whether an interval applies to the bridge of `node` (NULL: every node). */
static bool on_node(const struct migad_interval *iv, const char *node)
{
    size_t len;

    if (!node || iv->nodes[0] == '\0')
        return true;
    len = strlen(node);
    for (const char *s = iv->nodes;;) {
        size_t n = strcspn(s, ",");
        if (n == len && memcmp(s, node, len) == 0)
            return true;
        if (s[n] == '\0')
            return false;
        s += n + 1;
    }
}

/* The union of the intervals of one kind (on `node`'s bridge) as disjoint
 * sorted spans (l->iv must be sorted by start).  Touching intervals merge
 * into one span. */
static bool build_union(const struct migad_labels *l, enum migad_interval_kind kind,
                        const char *node, struct gt_span **out, size_t *count)
{
    struct gt_span *sp;
    size_t m = 0, total = 0;

    *out = NULL;
    *count = 0;
    for (size_t i = 0; i < l->n; i++)
        total += l->iv[i].kind == kind && on_node(&l->iv[i], node);
    if (total == 0)
        return true;
    sp = malloc(total * sizeof *sp);
    if (!sp)
        return false;
    for (size_t i = 0; i < l->n; i++) {
        const struct migad_interval *iv = &l->iv[i];
        if (iv->kind != kind || !on_node(iv, node))
            continue;
        if (m > 0 && iv->start <= sp[m - 1].end) {
            if (iv->end > sp[m - 1].end)
                sp[m - 1].end = iv->end;
            continue;
        }
        /* The previous span is final: every later interval starts after it. */
        sp[m].start = iv->start;
        sp[m].end = iv->end;
        sp[m].before = m ? sp[m - 1].before + (sp[m - 1].end - sp[m - 1].start) : 0;
        m++;
    }
    *out = sp;
    *count = m;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

static void parser_init(struct gt_parser *p, const char *name, char *err)
{
    p->name = name ? name : "<memory>";
    p->err = err;
    p->lineno = 0;
    p->l = NULL;
    p->ncarry = 0;
    if (err)
        err[0] = '\0';
}

/* Sort, build the unions, hand the labels over. */
static migad_status parser_done(struct gt_parser *p, struct migad_labels **out)
{
    struct migad_labels *l = p->l;

    if (!sort_intervals(l) ||
        !build_union(l, MIGAD_INTERVAL_ATTACK, NULL, &l->attacks, &l->nattacks) ||
        !build_union(l, MIGAD_INTERVAL_MIGRATION, NULL, &l->migrations, &l->nmigrations)) {
        migad_seterr(p->err, "%s: out of memory", p->name);
        migad_labels_free(l);
        p->l = NULL;
        return MIGAD_ENOMEM;
    }
    *out = l;
    p->l = NULL;
    return MIGAD_OK;
}

migad_status migad_labels_parse(const char *text, size_t len, const char *name,
                                struct migad_labels **out, char err[MIGAD_ERRBUF_SIZE])
{
    struct gt_parser p;
    migad_status st;

    parser_init(&p, name, err);
    if (!out || (!text && len > 0)) {
        migad_seterr(err, "%s: invalid argument", p.name);
        return MIGAD_EINVAL;
    }
    *out = NULL;
    p.l = calloc(1, sizeof *p.l);
    if (!p.l) {
        migad_seterr(err, "%s: out of memory", p.name);
        return MIGAD_ENOMEM;
    }
    st = len > 0 ? feed(&p, text, len) : MIGAD_OK;
    if (st == MIGAD_OK)
        st = finish(&p);
    if (st != MIGAD_OK) {
        migad_labels_free(p.l);
        return st;
    }
    return parser_done(&p, out);
}

migad_status migad_labels_load(const char *path, struct migad_labels **out,
                               char err[MIGAD_ERRBUF_SIZE])
{
    struct gt_parser p;
    migad_status st = MIGAD_OK;
    char *buf;
    FILE *f;

    parser_init(&p, path, err);
    if (!out || !path) {
        migad_seterr(err, "%s: invalid argument", p.name);
        return MIGAD_EINVAL;
    }
    *out = NULL;
    f = fopen(path, "rb");
    if (!f) {
        migad_seterr(err, "cannot open %s: %s", path, strerror(errno));
        return MIGAD_EIO;
    }
    buf = malloc(GT_READ_CHUNK);
    p.l = calloc(1, sizeof *p.l);
    if (!buf || !p.l) {
        migad_seterr(err, "%s: out of memory", path);
        st = MIGAD_ENOMEM;
    }
    while (st == MIGAD_OK) {
        size_t got = fread(buf, 1, GT_READ_CHUNK, f);
        if (got > 0)
            st = feed(&p, buf, got);
        if (st != MIGAD_OK || got < GT_READ_CHUNK) {
            if (st == MIGAD_OK && ferror(f)) {
                migad_seterr(err, "cannot read %s: %s", path, strerror(errno));
                st = MIGAD_EIO;
            }
            break;
        }
    }
    free(buf);
    fclose(f);
    if (st == MIGAD_OK)
        st = finish(&p);
    if (st != MIGAD_OK) {
        migad_labels_free(p.l);
        return st;
    }
    return parser_done(&p, out);
}

size_t migad_labels_count(const struct migad_labels *l)
{
    return l ? l->n : 0;
}

const struct migad_interval *migad_labels_get(const struct migad_labels *l, size_t i)
{
    return l && i < l->n ? &l->iv[i] : NULL;
}

/* Index of the first span that ends after t (spans are disjoint and sorted,
 * so their ends increase too), or n. */
static size_t first_ending_after(const struct gt_span *sp, size_t n, migad_ns t)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp[mid].end <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Length of the union of the spans before t: C(t). */
static migad_ns covered_before(const struct gt_span *sp, size_t n, migad_ns t)
{
    size_t lo = 0, hi = n;
    const struct gt_span *last;

    while (lo < hi) { /* lo = number of spans starting before t */
        size_t mid = lo + (hi - lo) / 2;
        if (sp[mid].start < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    last = &sp[lo - 1];
    return last->before + ((last->end < t ? last->end : t) - last->start);
}

migad_status migad_labels_select_node(struct migad_labels *l, const char *node)
{
    struct gt_span *sp;
    size_t n;

    if (!l)
        return MIGAD_EINVAL;
    if (!build_union(l, MIGAD_INTERVAL_ATTACK, node, &sp, &n))
        return MIGAD_ENOMEM;
    free(l->attacks);
    l->attacks = sp;
    l->nattacks = n;
    return MIGAD_OK;
}

void migad_labels_bin(const struct migad_labels *l, migad_ns start, migad_ns width,
                      int *gt, double *imi)
{
    migad_ns end;
    size_t i;

    if (gt)
        *gt = 0;
    if (imi)
        *imi = 0.0;
    if (!l || width <= 0)
        return;
    /* Saturate: no interval reaches past INT64_MAX, so the bin's coverage
     * is unchanged by cutting it there. */
    end = start > INT64_MAX - width ? INT64_MAX : start + width;
    if (gt) {
        i = first_ending_after(l->attacks, l->nattacks, start);
        *gt = i < l->nattacks && l->attacks[i].start < end;
    }
    if (imi && l->nmigrations > 0) {
        migad_ns covered = covered_before(l->migrations, l->nmigrations, end) -
                           covered_before(l->migrations, l->nmigrations, start);
        *imi = (double)covered / (double)width;
    }
}

/* Nanoseconds as seconds with exactly 9 fraction digits (t >= 0). */
static int write_time(FILE *f, migad_ns t)
{
    return fprintf(f, "%" PRId64 ".%09" PRId64, t / MIGAD_NS_PER_SEC, t % MIGAD_NS_PER_SEC);
}

migad_status migad_labels_write(const struct migad_labels *l, const char *path,
                                char err[MIGAD_ERRBUF_SIZE])
{
    FILE *f;
    bool failed;

    if (err)
        err[0] = '\0';
    if (!path) {
        migad_seterr(err, "invalid argument: no output path");
        return MIGAD_EINVAL;
    }
    f = fopen(path, "w");
    if (!f) {
        migad_seterr(err, "cannot open %s: %s", path, strerror(errno));
        return MIGAD_EIO;
    }
    fputs("# migad ground truth (docs/groundtruth.md): kind start end key=value...,"
          " times in seconds since 1970-01-01T00:00:00Z\n",
          f);
    for (size_t i = 0; i < migad_labels_count(l); i++) {
        const struct migad_interval *iv = &l->iv[i];

        fputs(kind_name(iv->kind), f);
        fputc(' ', f);
        write_time(f, iv->start);
        fputc(' ', f);
        write_time(f, iv->end);
        for (size_t k = 0; k < GT_NKEYS; k++) {
            const char *value = (const char *)iv + gt_keys[k].offset;
            if (gt_keys[k].kind == iv->kind && value[0] != '\0')
                fprintf(f, " %s=%s", gt_keys[k].name, value);
        }
        fputc('\n', f);
    }
    failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        migad_seterr(err, "cannot write %s: %s", path, strerror(errno));
        return MIGAD_EIO;
    }
    return MIGAD_OK;
}

void migad_labels_free(struct migad_labels *l)
{
    if (!l)
        return;
    free(l->iv);
    free(l->attacks);
    free(l->migrations);
    free(l);
}
