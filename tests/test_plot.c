/*
 * SVG figures (include/migad/plot.h): the 1-2-5 tick rule on hand-picked
 * ranges, well-formed XML (a small balanced-tag parser here, and xmllint
 * when installed), the GT and IMI bands of a hand-made graph at the x
 * positions the layout implies, escaping, determinism (same input, same
 * bytes) and the errors.
 */
#define _GNU_SOURCE 1
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "migad/plot.h"

/* ---- helpers ----------------------------------------------------------- */

/* A writer's output as a NUL-terminated string (caller frees). */
struct buf {
    char *data;
    size_t len;
    FILE *fp;
};

static void buf_open(struct buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->fp = open_memstream(&b->data, &b->len);
}

static void buf_close(struct buf *b)
{
    fclose(b->fp);
    b->fp = NULL;
}

/*
 * Well-formedness, minimally: every tag is closed in order, attribute
 * quotes are balanced, no raw '&' outside an entity, exactly one root.
 * Returns 0 when fine, else -1 with the offset in *where.
 */
static int balanced(const char *s, size_t *where)
{
    const char *stack[256];
    size_t lens[256], depth = 0, roots = 0;
    const char *p = s;
    while (*p) {
        *where = (size_t)(p - s);
        if (*p == '&') {
            const char *e = strchr(p, ';');
            if (!e || e - p > 6)
                return -1;
            p = e + 1;
            continue;
        }
        if (*p != '<') {
            p++;
            continue;
        }
        if (p[1] == '?') {
            const char *e = strstr(p, "?>");
            if (!e)
                return -1;
            p = e + 2;
            continue;
        }
        int closing = p[1] == '/';
        const char *name = p + 1 + closing;
        size_t nlen = strcspn(name, " \t\n/>");
        if (nlen == 0)
            return -1;
        const char *q = name + nlen;
        char quote = 0;
        for (; *q && (quote || *q != '>'); q++) {
            if (quote && *q == quote)
                quote = 0;
            else if (!quote && (*q == '"' || *q == '\''))
                quote = *q;
            else if (!quote && *q == '<')
                return -1;
        }
        if (*q != '>')
            return -1;
        int selfclosing = q[-1] == '/';
        if (closing) {
            if (depth == 0 || lens[depth - 1] != nlen || memcmp(stack[depth - 1], name, nlen))
                return -1;
            depth--;
        } else if (!selfclosing) {
            if (depth == 0)
                roots++;
            if (depth == 256)
                return -1;
            stack[depth] = name;
            lens[depth++] = nlen;
        } else if (depth == 0) {
            roots++;
        }
        p = q + 1;
    }
    return depth == 0 && roots == 1 ? 0 : -1;
}

/* xmllint --noout on the text: 1 ok, 0 rejected, -1 xmllint not installed. */
static int xmllint_ok(const char *svg, int verbose)
{
    if (system("command -v xmllint >/dev/null 2>&1") != 0)
        return -1;
    char path[] = "/tmp/migad-test-plot-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    size_t len = strlen(svg);
    int good = write(fd, svg, len) == (ssize_t)len;
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "xmllint --noout %s 2>&1", path);
    FILE *pp = good ? popen(cmd, "r") : NULL;
    char line[512];
    int msgs = 0;
    while (pp && fgets(line, sizeof line, pp)) {
        if (verbose)
            fprintf(stderr, "xmllint: %s", line);
        msgs++;
    }
    int rc = pp ? pclose(pp) : -1;
    unlink(path);
    return good && rc == 0 && msgs == 0;
}

static void check_wellformed(const char *svg, const char *what)
{
    size_t where = 0;
    int ok = balanced(svg, &where) == 0;
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "%s: not balanced near offset %zu: %.60s\n", what, where, svg + where);
    int lint = xmllint_ok(svg, 1);
    if (lint >= 0)
        CHECK(lint == 1);
    CHECK(strncmp(svg, "<?xml", 5) == 0);
    CHECK(strstr(svg, "<script") == NULL);
    CHECK(strstr(svg, "href") == NULL); /* nothing external */
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(s, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

/* The value of attribute `name` in the element starting at tag. */
static double attr(const char *tag, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *end = strchr(tag, '>');
    const char *p = strstr(tag, key);
    if (!p || (end && p > end))
        return NAN;
    return strtod(p + strlen(key), NULL);
}

/* The checkers themselves reject what they should. */
static void test_checkers(void)
{
    size_t w;
    CHECK(balanced("<?xml version=\"1.0\"?>\n<a x=\"1>2\"><b/>t &amp; u</a>\n", &w) == 0);
    CHECK(balanced("<a><b></a>", &w) != 0);
    CHECK(balanced("<a></a><a></a>", &w) != 0);
    CHECK(balanced("<a>x & y</a>", &w) != 0);
    CHECK(balanced("<a x=\"1></a>", &w) != 0);
    int lint = xmllint_ok("<a><b></a>", 0);
    CHECK(lint == -1 || lint == 0);
    if (lint >= 0)
        CHECK(xmllint_ok("<a><b/></a>", 1) == 1);
    printf("     xmllint %s\n", lint < 0 ? "not installed: balanced-tag check only" : "used");
}

/* ---- ticks ------------------------------------------------------------- */

static void check_ticks(double lo, double hi, unsigned target, const double *want, size_t nwant,
                        double want_step)
{
    double t[MIGAD_PLOT_MAX_TICKS], step;
    size_t n = migad_plot_ticks(lo, hi, target, t, MIGAD_PLOT_MAX_TICKS, &step);
    CHECK_INT(n, nwant);
    CHECK_NEAR(step, want_step, 1e-12 * fabs(want_step));
    for (size_t i = 0; i < n && i < nwant; i++)
        CHECK_NEAR(t[i], want[i], 1e-9 * want_step);
}

static void test_ticks(void)
{
    check_ticks(0, 1, 5, (const double[]){ 0, .2, .4, .6, .8, 1 }, 6, .2);
    check_ticks(0, 100, 5, (const double[]){ 0, 20, 40, 60, 80, 100 }, 6, 20);
    /* raw step 7/5 = 1.4 -> 2 */
    check_ticks(0, 7, 5, (const double[]){ 0, 2, 4, 6 }, 4, 2);
    /* raw 3 -> 5; only the multiples inside the range */
    check_ticks(-3, 12, 5, (const double[]){ 0, 5, 10 }, 3, 5);
    /* raw 0.0185 -> 0.02 */
    check_ticks(0.013, 0.087, 4, (const double[]){ .02, .04, .06, .08 }, 4, .02);
    /* raw 3.2e6 / 5 = 640000 -> 1e6 */
    check_ticks(0, 3.2e6, 5, (const double[]){ 0, 1e6, 2e6, 3e6 }, 4, 1e6);
    /* exactly 1, 2, 5 times a power of ten stay as they are */
    check_ticks(0, 50, 10, (const double[]){ 0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50 }, 11, 5);
    check_ticks(-1, 1, 4, (const double[]){ -1, -.5, 0, .5, 1 }, 5, .5);
    /* degenerate ranges are widened: 5 -> [2.5, 7.5], 0 -> [-1, 1] */
    check_ticks(5, 5, 5, (const double[]){ 3, 4, 5, 6, 7 }, 5, 1);
    check_ticks(0, 0, 4, (const double[]){ -1, -.5, 0, .5, 1 }, 5, .5);
    /* no "-0" */
    double t[MIGAD_PLOT_MAX_TICKS], step;
    size_t n = migad_plot_ticks(-1, 1, 4, t, MIGAD_PLOT_MAX_TICKS, &step);
    CHECK(n == 5 && !signbit(t[2]));
    /* bad ranges */
    CHECK_INT(migad_plot_ticks(1, 0, 5, t, MIGAD_PLOT_MAX_TICKS, &step), 0);
    CHECK_INT(migad_plot_ticks(0, NAN, 5, t, MIGAD_PLOT_MAX_TICKS, &step), 0);
    /* max caps the count */
    CHECK_INT(migad_plot_ticks(0, 1, 5, t, 3, &step), 3);

    double lo = 0.03, hi = 0.87;
    migad_plot_nice_range(&lo, &hi, 6); /* raw .14 -> .2 */
    CHECK_NEAR(lo, 0, 1e-12);
    CHECK_NEAR(hi, 1, 1e-12);
    lo = -3, hi = 12;
    migad_plot_nice_range(&lo, &hi, 5);
    CHECK_NEAR(lo, -5, 1e-12);
    CHECK_NEAR(hi, 15, 1e-12);
}

/* ---- anomaly-score graph ----------------------------------------------- */

/*
 * Ten bins; GT on bins 2-3 (one band), IMI on 5-7 and 9 (two bands).  Bin
 * i covers [i - 0.5, i + 0.5] of a domain [-0.5, 9.5] spread over the plot
 * area (px, pw) read back from the frame rectangle, so band k from bin a to
 * bin b is at x = px + a/10 pw, width (b - a + 1)/10 pw.
 */
static const double g_score[] = { .1, .2, .9, .8, .2, .5, .6, .4, .1, .3 };
static const int g_gt[] = { 0, 0, 1, 1, 0, 0, 0, 0, 0, 0 };
static const double g_imi[] = { 0, 0, 0, 0, 0, 1, .5, 1, 0, .2 };

static char *render_asg(const char *title, int threshold)
{
    struct migad_plot_asg a = { .score = g_score, .gt = g_gt, .imi = g_imi, .n = 10,
                                .has_threshold = threshold, .threshold = 0.45, .title = title };
    struct buf b;
    char err[MIGAD_ERRBUF_SIZE];
    buf_open(&b);
    CHECK_INT(migad_plot_asg_svg(b.fp, &a, err), MIGAD_OK);
    buf_close(&b);
    return b.data;
}

struct band {
    double x, w;
};

static size_t bands_of(const char *svg, const char *cls, struct band *out, size_t max)
{
    char key[32];
    snprintf(key, sizeof key, "class=\"%s\"", cls);
    size_t n = 0;
    for (const char *p = strstr(svg, key); p && n < max; p = strstr(p + 1, key)) {
        const char *tag = p;
        while (tag > svg && *tag != '<')
            tag--;
        if (strncmp(tag, "<rect", 5) != 0)
            continue;
        out[n].x = attr(tag, "x");
        out[n].w = attr(tag, "width");
        n++;
    }
    return n;
}

static void test_asg_bands(void)
{
    char *svg = render_asg("bands", 1);
    check_wellformed(svg, "asg");
    /* the frame: the unfilled black rectangle */
    const char *frame = strstr(svg, "fill=\"none\" stroke=\"#000000\"");
    CHECK(frame != NULL);
    if (!frame) {
        free(svg);
        return;
    }
    while (frame > svg && *frame != '<')
        frame--;
    double px = attr(frame, "x"), pw = attr(frame, "width");
    CHECK(pw > 100);
    struct band b[8];
    CHECK_INT(bands_of(svg, "gt", b, 8), 1);
    CHECK_NEAR(b[0].x, px + 2 * pw / 10, 0.011);
    CHECK_NEAR(b[0].w, 2 * pw / 10, 0.011);
    CHECK_INT(bands_of(svg, "imi", b, 8), 2);
    CHECK_NEAR(b[0].x, px + 5 * pw / 10, 0.011);
    CHECK_NEAR(b[0].w, 3 * pw / 10, 0.011);
    CHECK_NEAR(b[1].x, px + 9 * pw / 10, 0.011);
    CHECK_NEAR(b[1].w, 1 * pw / 10, 0.011);
    /* the bands lie under the curve; IMI under GT */
    CHECK(strstr(svg, "class=\"imi\"") < strstr(svg, "class=\"gt\""));
    CHECK(strstr(svg, "class=\"gt\"") < strstr(svg, "class=\"score\""));
    /* one polyline with 10 points, the threshold line, the legend */
    CHECK_INT(count(svg, "<polyline"), 1);
    const char *pts = strstr(svg, "points=\"");
    CHECK(pts != NULL);
    if (pts) {
        const char *e = strchr(pts + 8, '"');
        size_t commas = 0;
        for (const char *q = pts + 8; q < e; q++)
            commas += *q == ',';
        CHECK_INT(commas, 10);
    }
    CHECK_INT(count(svg, "class=\"threshold\""), 1);
    CHECK(strstr(svg, ">attack (GT)</text>") != NULL);
    CHECK(strstr(svg, ">migration (IMI)</text>") != NULL);
    CHECK(strstr(svg, ">threshold</text>") != NULL);
    /* readable: no font smaller than 11 px */
    for (const char *p = strstr(svg, "font-size=\""); p; p = strstr(p + 1, "font-size=\""))
        CHECK(atoi(p + 11) >= 11);
    free(svg);

    svg = render_asg("no threshold", 0);
    CHECK_INT(count(svg, "class=\"threshold\""), 0);
    CHECK(strstr(svg, ">threshold</text>") == NULL);
    free(svg);
}

static void test_asg_many_bins(void)
{
    size_t n = 100000;
    double *s = malloc(n * sizeof *s);
    for (size_t i = 0; i < n; i++)
        s[i] = (double)(i % 97) / 97.0;
    struct migad_plot_asg a = { .score = s, .n = n };
    struct buf b;
    char err[MIGAD_ERRBUF_SIZE];
    buf_open(&b);
    CHECK_INT(migad_plot_asg_svg(b.fp, &a, err), MIGAD_OK);
    buf_close(&b);
    CHECK_INT(count(b.data, "<polyline"), 1);
    CHECK(b.len < 20 * n); /* about 14 bytes a point */
    CHECK(balanced(b.data, &(size_t){ 0 }) == 0);
    free(b.data);
    free(s);
}

static void test_escaping(void)
{
    char *svg = render_asg("a<b & \"c\" 'd'>", 1);
    check_wellformed(svg, "escaped title");
    CHECK(strstr(svg, "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;") != NULL);
    CHECK(strstr(svg, "a<b") == NULL);
    free(svg);
}

/* ---- ROC and scatter --------------------------------------------------- */

/* test_eval.c's case A: AUC 0.75, 5 points. */
static const double a_score[] = { 0.1, 0.4, 0.35, 0.8 };
static const int a_label[] = { 0, 0, 1, 1 };
static const double b_score[] = { 0.1, 0.4, 0.35, 0.8 };
static const int b_label[] = { 0, 1, 0, 1 };

static char *render_roc(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_roc r1, r2;
    CHECK_INT(migad_roc_compute(&r1, a_score, a_label, 4, err), MIGAD_OK);
    CHECK_INT(migad_roc_compute(&r2, b_score, b_label, 4, err), MIGAD_OK);
    struct migad_plot_curve c[2] = { { "with migration", &r1 }, { "without migration", &r2 } };
    struct buf b;
    buf_open(&b);
    CHECK_INT(migad_plot_roc_svg(b.fp, "ROC <test>", c, 2, err), MIGAD_OK);
    buf_close(&b);
    migad_roc_release(&r1);
    migad_roc_release(&r2);
    return b.data;
}

static void test_roc(void)
{
    char *svg = render_roc();
    check_wellformed(svg, "roc");
    CHECK_INT(count(svg, "class=\"roc\""), 2);
    CHECK_INT(count(svg, "class=\"chance\""), 1);
    CHECK(strstr(svg, ">with migration (AUC 0.750)</text>") != NULL);
    CHECK(strstr(svg, ">without migration (AUC 1.000)</text>") != NULL);
    CHECK(strstr(svg, ">ROC &lt;test&gt;</text>") != NULL);
    /* axes 0..1 with ticks every 0.2 */
    static const char *const labels[] = { ">0.0<", ">0.2<", ">0.4<", ">0.6<", ">0.8<", ">1.0<" };
    for (size_t i = 0; i < 6; i++)
        CHECK_INT(count(svg, labels[i]), 2);
    CHECK(strstr(svg, ">false positive rate</text>") != NULL);
    CHECK(strstr(svg, ">true positive rate</text>") != NULL);
    /* the second curve is dashed, so the pair differs in black and white */
    CHECK(count(svg, "stroke-dasharray=\"9 4\"") >= 1);
    free(svg);

    char err[MIGAD_ERRBUF_SIZE];
    struct buf b;
    buf_open(&b);
    CHECK_INT(migad_plot_roc_svg(b.fp, NULL, NULL, 0, err), MIGAD_EINVAL);
    buf_close(&b);
    CHECK(strstr(err, "curves") != NULL);
    free(b.data);
}

static char *render_scatter(void)
{
    static const double x[] = { 1, 2, 3, 4, 5, 1500 };
    static const double y[] = { 1e5, 2e5, 3e5, 1e6, 2e6, 0 };
    static const unsigned char c[] = { 0, 0, 1, 2, 2, 0 };
    struct migad_plot_scatter s = { x, y, c, 6, "scatter", "pkts", "bytes", 0, 0 };
    struct buf b;
    char err[MIGAD_ERRBUF_SIZE];
    buf_open(&b);
    CHECK_INT(migad_plot_scatter_svg(b.fp, &s, err), MIGAD_OK);
    buf_close(&b);
    return b.data;
}

static void test_scatter(void)
{
    char *svg = render_scatter();
    check_wellformed(svg, "scatter");
    /* one path per class, one marker (M) per point */
    CHECK_INT(count(svg, "class=\"normal\""), 1);
    CHECK_INT(count(svg, "class=\"migration\""), 1);
    CHECK_INT(count(svg, "class=\"attack\""), 1);
    const char *p = strstr(svg, "class=\"normal\"");
    if (p) {
        const char *d = strstr(p, " d=\""), *e = d ? strchr(d + 4, '"') : NULL;
        size_t m = 0;
        for (const char *q = d; q && q < e; q++)
            m += *q == 'M';
        CHECK_INT(m, 3);
    }
    CHECK(strstr(svg, ">normal (3)</text>") != NULL);
    CHECK(strstr(svg, ">attack (2)</text>") != NULL);
    /* large values get a suffix: 2000000 -> "2.0M" or "2M" */
    CHECK(strstr(svg, "M</text>") != NULL);
    free(svg);

    static const double bad[] = { 1, NAN };
    static const unsigned char c[] = { 0, 0 };
    struct migad_plot_scatter s = { bad, bad, c, 2, NULL, NULL, NULL, 0, 0 };
    char err[MIGAD_ERRBUF_SIZE];
    struct buf b;
    buf_open(&b);
    CHECK_INT(migad_plot_scatter_svg(b.fp, &s, err), MIGAD_EINVAL);
    buf_close(&b);
    CHECK(strstr(err, "row 2") != NULL);
    free(b.data);
}

/*
 * A log x axis: v at log10(1 + v).  Values 0, 9, 99, 999: the largest
 * position is log10(1000) = 3, so the axis ends at the first tick at or
 * above it, 1000 (position log10(1001)); ticks 0, 1, 10, 100, 1k.  The plot
 * area is x = 84 .. 84 + 532 (640 wide, margins 84 and 24), so v = 9
 * (position 1) is at 84 + 532 / log10(1001) = 261.3077... and its circle
 * marker starts 3 px to the left: "M258.31".
 */
static void test_scatter_log(void)
{
    static const double x[] = { 0, 9, 99, 999 };
    static const double y[] = { 1, 2, 3, 4 };
    static const unsigned char c[] = { 0, 0, 0, 0 };
    struct migad_plot_scatter s = { x, y, c, 4, "log", "packets", "flows", 1, 0 };
    struct buf b;
    char err[MIGAD_ERRBUF_SIZE];
    buf_open(&b);
    CHECK_INT(migad_plot_scatter_svg(b.fp, &s, err), MIGAD_OK);
    buf_close(&b);
    check_wellformed(b.data, "log scatter");
    static const char *const labels[] = { ">0</text>", ">1</text>", ">10</text>", ">100</text>",
                                          ">1k</text>" };
    for (size_t i = 0; i < 5; i++)
        CHECK(strstr(b.data, labels[i]) != NULL);
    CHECK(strstr(b.data, "M258.31 ") != NULL);
    CHECK(strstr(b.data, ">10k</text>") == NULL);
    free(b.data);

    static const double neg[] = { 1, -0.5 };
    s = (struct migad_plot_scatter){ neg, y, c, 2, NULL, NULL, NULL, 0, 1 };
    buf_open(&b);
    CHECK_INT(migad_plot_scatter_svg(b.fp, &s, err), MIGAD_OK); /* y is the log axis */
    buf_close(&b);
    free(b.data);
    s.logx = 1;
    buf_open(&b);
    CHECK_INT(migad_plot_scatter_svg(b.fp, &s, err), MIGAD_EINVAL);
    buf_close(&b);
    CHECK(strstr(err, "row 2: a negative value on a log axis") != NULL);
    free(b.data);
}

static void test_errors(void)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct buf b;
    buf_open(&b);
    struct migad_plot_asg a = { .score = g_score, .n = 0 };
    CHECK_INT(migad_plot_asg_svg(b.fp, &a, err), MIGAD_EINVAL);
    static const double s[] = { 1, INFINITY };
    a = (struct migad_plot_asg){ .score = s, .n = 2 };
    CHECK_INT(migad_plot_asg_svg(b.fp, &a, err), MIGAD_EINVAL);
    CHECK(strstr(err, "row 2") != NULL);
    a = (struct migad_plot_asg){ .score = g_score, .n = 3, .has_threshold = 1,
                                 .threshold = NAN };
    CHECK_INT(migad_plot_asg_svg(b.fp, &a, err), MIGAD_EINVAL);
    buf_close(&b);
    CHECK_INT(b.len, 0); /* nothing written before the checks pass */
    free(b.data);
}

static void test_deterministic(void)
{
    char *a1 = render_asg("t", 1), *a2 = render_asg("t", 1);
    CHECK(strcmp(a1, a2) == 0);
    char *r1 = render_roc(), *r2 = render_roc();
    CHECK(strcmp(r1, r2) == 0);
    char *s1 = render_scatter(), *s2 = render_scatter();
    CHECK(strcmp(s1, s2) == 0);
    free(a1), free(a2), free(r1), free(r2), free(s1), free(s2);
}

int main(void)
{
    RUN(test_checkers);
    RUN(test_ticks);
    RUN(test_asg_bands);
    RUN(test_asg_many_bins);
    RUN(test_escaping);
    RUN(test_roc);
    RUN(test_scatter);
    RUN(test_scatter_log);
    RUN(test_errors);
    RUN(test_deterministic);
    return check_finish();
}
