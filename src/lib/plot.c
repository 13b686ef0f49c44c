/*
 * SVG figures (include/migad/plot.h).
 *
 * How it works: every chart is a "frame" -- a plot area in pixels and a
 * data domain -- plus layers written in painting order: white background,
 * title, bands (anomaly-score graph), grid, axes with ticks and labels,
 * data, legend.  Data coordinates go through fx()/fy() to pixels and are
 * printed with two decimals ("%.2f"), tick labels with exactly the decimals
 * their 1-2-5 step needs, so the bytes depend on the input only.
 *
 * The axes frame is drawn before the data, so a curve on the edge of the
 * plot area (a perfect ROC, a zero score) stays visible on top of it.
 * Text is escaped for XML (& < > " ') and drawn in the generic sans-serif
 * family at 12 px or more; lines are at least 1 px wide, so a printed page
 * stays readable.  No scripts, no external references: one self-contained
 * file that browsers, rsvg and Inkscape render alike.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "migad/plot.h"
#include "errbuf.h"


/* ---- ticks ------------------------------------------------------------ */

/* The 1-2-5 step for about `target` intervals over a span > 0. */
static double nice_step(double span, unsigned target)
{
    if (target < 1)
        target = 1;
    double raw = span / target;
    double mag = pow(10.0, floor(log10(raw)));
    double norm = raw / mag;
    double nice = norm <= 1.0 + 1e-9 ? 1 : norm <= 2.0 + 1e-9 ? 2 : norm <= 5.0 + 1e-9 ? 5 : 10;
    return nice * mag;
}

static void widen(double *lo, double *hi)
{
    if (*lo == *hi) {
        double d = *lo == 0 ? 1 : fabs(*lo) * 0.5;
        *lo -= d;
        *hi += d;
    }
}

size_t migad_plot_ticks(double lo, double hi, unsigned target, double *ticks, size_t max,
                        double *step)
{
    *step = 0;
    if (!isfinite(lo) || !isfinite(hi) || lo > hi)
        return 0;
    widen(&lo, &hi);
    double s = nice_step(hi - lo, target);
    *step = s;
    double k0 = ceil(lo / s - 1e-9), k1 = floor(hi / s + 1e-9);
    size_t n = 0;
    for (double k = k0; k <= k1 && n < max; k += 1) {
        double v = k * s + 0.0;
        if (v == 0)
            v = 0; /* no "-0" */
        ticks[n++] = v;
    }
    return n;
}

void migad_plot_nice_range(double *lo, double *hi, unsigned target)
{
    if (!isfinite(*lo) || !isfinite(*hi) || *lo > *hi)
        return;
    widen(lo, hi);
    double s = nice_step(*hi - *lo, target);
    *lo = floor(*lo / s + 1e-9) * s + 0.0;
    *hi = ceil(*hi / s - 1e-9) * s + 0.0;
}

/* Decimals a tick label with this step needs (0.2 -> 1, 0.05 -> 2). */
static int step_decimals(double step)
{
    if (!(step > 0) || step >= 1)
        return 0;
    int d = (int)ceil(-log10(step) - 1e-9);
    return d > 12 ? 12 : d;
}

/* ---- SVG primitives ---------------------------------------------------- */

#define FONT 13      /* tick labels and legend, px */
#define FONT_AXIS 14 /* axis titles */
#define FONT_TITLE 17

static void put_esc(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&apos;", fp); break;
        default:
            /* Control characters are not allowed in XML 1.0. */
            if ((unsigned char)*s < 0x20 && *s != '\t')
                fputc(' ', fp);
            else
                fputc(*s, fp);
        }
    }
}

/* Number with fixed decimals, never "-0.00". */
static void put_num(FILE *fp, double v, int decimals)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (buf[0] == '-') {
        int zero = 1;
        for (const char *p = buf + 1; *p; p++)
            if (*p != '0' && *p != '.')
                zero = 0;
        if (zero) {
            fputs(buf + 1, fp);
            return;
        }
    }
    fputs(buf, fp);
}

static void px(FILE *fp, double v) { put_num(fp, v, 2); }

/* <text> at (x, y); anchor "start", "middle" or "end"; extra attributes. */
static void text(FILE *fp, double x, double y, const char *anchor, int size, const char *extra,
                 const char *s)
{
    fputs("<text x=\"", fp);
    px(fp, x);
    fputs("\" y=\"", fp);
    px(fp, y);
    fprintf(fp, "\" text-anchor=\"%s\" font-size=\"%d\"%s%s>", anchor, size, extra ? " " : "",
            extra ? extra : "");
    put_esc(fp, s);
    fputs("</text>\n", fp);
}

static void line(FILE *fp, double x1, double y1, double x2, double y2, const char *style)
{
    fputs("<line x1=\"", fp);
    px(fp, x1);
    fputs("\" y1=\"", fp);
    px(fp, y1);
    fputs("\" x2=\"", fp);
    px(fp, x2);
    fputs("\" y2=\"", fp);
    px(fp, y2);
    fprintf(fp, "\" %s/>\n", style);
}

static void rect(FILE *fp, double x, double y, double w, double h, const char *attrs)
{
    fputs("<rect x=\"", fp);
    px(fp, x);
    fputs("\" y=\"", fp);
    px(fp, y);
    fputs("\" width=\"", fp);
    px(fp, w);
    fputs("\" height=\"", fp);
    px(fp, h);
    fprintf(fp, "\" %s/>\n", attrs);
}

static void begin(FILE *fp, int w, int h, const char *title)
{
    fprintf(fp,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n<title>",
            w, h, w, h);
    put_esc(fp, title);
    fputs("</title>\n", fp);
    fprintf(fp, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
    text(fp, w / 2.0, 26, "middle", FONT_TITLE, "font-weight=\"bold\"", title);
}

static migad_status end(FILE *fp, char *err)
{
    fputs("</svg>\n", fp);
    if (ferror(fp)) {
        migad_seterr(err, "write error");
        return MIGAD_EIO;
    }
    return MIGAD_OK;
}

/* ---- frames and axes --------------------------------------------------- */

struct frame {
    double px, py, pw, ph; /* plot area, pixels */
    double x0, x1, y0, y1; /* data domain */
};

static double fx(const struct frame *f, double v)
{
    return f->px + (v - f->x0) / (f->x1 - f->x0) * f->pw;
}

static double fy(const struct frame *f, double v)
{
    return f->py + f->ph - (v - f->y0) / (f->y1 - f->y0) * f->ph;
}

struct ticks {
    double v[MIGAD_PLOT_MAX_TICKS];
    size_t n;
    double step;
    int log1p; /* v are positions log10(1 + t) of the values t = 0, 1, 10, ... */
};

/*
 * Tick label format of one axis: fixed decimals from the step; values of
 * 100000 or more in thousands, millions, ... with a k, M, G or T suffix, so
 * labels stay short ("1.5M", not "1500000").
 */
struct label_fmt {
    double scale;
    const char *suffix;
    int decimals;
};

static void label_fmt_init(struct label_fmt *lf, const struct ticks *t)
{
    static const char *const suffix[] = { "", "k", "M", "G", "T" };
    double maxabs = 0;
    for (size_t i = 0; i < t->n; i++)
        maxabs = fmax(maxabs, fabs(t->v[i]));
    int k = maxabs >= 1e5 ? (int)floor(log10(maxabs) / 3 + 1e-9) : 0;
    if (k > 4)
        k = 4;
    lf->scale = pow(1000.0, k);
    lf->suffix = suffix[k];
    lf->decimals = step_decimals(t->step / lf->scale);
}

/* The label of a log-axis tick at position log10(1 + t), t 0 or a power of 10. */
static void log_tick_label(char *buf, size_t size, double pos)
{
    static const char *const suffix[] = { "", "k", "M", "G", "T", "P" };
    double t = floor(pow(10, pos) - 1 + 0.5);
    int k = 0;
    while (t >= 1000 && k < 5) {
        t /= 1000;
        k++;
    }
    snprintf(buf, size, "%.0f%s", t, suffix[k]);
}

static void tick_label(char *buf, size_t size, const struct label_fmt *lf, double v)
{
    snprintf(buf, size, "%.*f%s", lf->decimals, v / lf->scale + 0.0, v == 0 ? "" : lf->suffix);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf)); /* "-0.0" -> "0.0" */
}

static void grid(FILE *fp, const struct frame *f, const struct ticks *xt, const struct ticks *yt)
{
    fputs("<g class=\"grid\" stroke=\"#d9d9d9\" stroke-width=\"1\">\n", fp);
    for (size_t i = 0; i < xt->n; i++)
        line(fp, fx(f, xt->v[i]), f->py, fx(f, xt->v[i]), f->py + f->ph, "");
    for (size_t i = 0; i < yt->n; i++)
        line(fp, f->px, fy(f, yt->v[i]), f->px + f->pw, fy(f, yt->v[i]), "");
    fputs("</g>\n", fp);
}

static void axes(FILE *fp, const struct frame *f, const struct ticks *xt, const struct ticks *yt,
                 const char *xlabel, const char *ylabel)
{
    rect(fp, f->px, f->py, f->pw, f->ph, "fill=\"none\" stroke=\"#000000\" stroke-width=\"1.2\"");
    fputs("<g class=\"ticks\" stroke=\"#000000\" stroke-width=\"1.2\">\n", fp);
    double bottom = f->py + f->ph;
    for (size_t i = 0; i < xt->n; i++)
        line(fp, fx(f, xt->v[i]), bottom, fx(f, xt->v[i]), bottom + 5, "");
    for (size_t i = 0; i < yt->n; i++)
        line(fp, f->px - 5, fy(f, yt->v[i]), f->px, fy(f, yt->v[i]), "");
    fputs("</g>\n<g class=\"ticklabels\" fill=\"#000000\">\n", fp);
    struct label_fmt xf, yf;
    label_fmt_init(&xf, xt);
    label_fmt_init(&yf, yt);
    char buf[64];
    for (size_t i = 0; i < xt->n; i++) {
        if (xt->log1p)
            log_tick_label(buf, sizeof buf, xt->v[i]);
        else
            tick_label(buf, sizeof buf, &xf, xt->v[i]);
        text(fp, fx(f, xt->v[i]), bottom + 20, "middle", FONT, NULL, buf);
    }
    double wmax = 0;
    for (size_t i = 0; i < yt->n; i++) {
        if (yt->log1p)
            log_tick_label(buf, sizeof buf, yt->v[i]);
        else
            tick_label(buf, sizeof buf, &yf, yt->v[i]);
        wmax = fmax(wmax, 8.0 * (double)strlen(buf));
        text(fp, f->px - 9, fy(f, yt->v[i]) + 4.5, "end", FONT, NULL, buf);
    }
    fputs("</g>\n", fp);
    text(fp, f->px + f->pw / 2, bottom + 46, "middle", FONT_AXIS, NULL, xlabel);
    /* The y title clear of the widest tick label. */
    double ly = f->py + f->ph / 2, lx = fmax(16, f->px - 9 - wmax - 14);
    char tr[128];
    snprintf(tr, sizeof tr, "transform=\"rotate(-90 %.2f %.2f)\"", lx, ly);
    text(fp, lx, ly, "middle", FONT_AXIS, tr, ylabel);
}

/* Rough width of a legend label in pixels at FONT. */
static double text_width(const char *s)
{
    return 7.2 * (double)strlen(s ? s : "");
}

/* ---- anomaly-score graph ---------------------------------------------- */

#define PINK "#f4c2c2"
#define GREEN "#c7e9c0"
#define SCORE_COLOR "#1f3b73"

/* One rect per run of consecutive flagged bins, in data coordinates. */
static void bands(FILE *fp, const struct frame *f, const char *cls, size_t n,
                  const int *gt, const double *imi)
{
    size_t i = 0;
    char attrs[64];
    snprintf(attrs, sizeof attrs, "class=\"%s\"", cls);
    while (i < n) {
        int on = gt ? gt[i] != 0 : imi[i] > 0;
        if (!on) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < n && (gt ? gt[j + 1] != 0 : imi[j + 1] > 0))
            j++;
        double xa = fx(f, (double)i - 0.5), xb = fx(f, (double)j + 0.5);
        rect(fp, xa, f->py, xb - xa, f->ph, attrs);
        i = j + 1;
    }
}

migad_status migad_plot_asg_svg(FILE *fp, const struct migad_plot_asg *a,
                                char err[MIGAD_ERRBUF_SIZE])
{
    if (!a || !a->score || a->n == 0) {
        migad_seterr(err, "anomaly-score graph: no rows");
        return MIGAD_EINVAL;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < a->n; i++) {
        if (!isfinite(a->score[i])) {
            migad_seterr(err, "anomaly-score graph: row %zu: score %g is not a finite number", i + 1,
                    a->score[i]);
            return MIGAD_EINVAL;
        }
        lo = fmin(lo, a->score[i]);
        hi = fmax(hi, a->score[i]);
    }
    if (a->has_threshold) {
        if (!isfinite(a->threshold)) {
            migad_seterr(err, "anomaly-score graph: threshold is not a finite number");
            return MIGAD_EINVAL;
        }
        lo = fmin(lo, a->threshold);
        hi = fmax(hi, a->threshold);
    }
    const char *title = a->title ? a->title : "Anomaly score";
    const int W = 900, H = 420;
    struct frame f = { 84, 66, W - 84 - 24, H - 66 - 68, -0.5, (double)a->n - 0.5, lo, hi };
    migad_plot_nice_range(&f.y0, &f.y1, 6);
    struct ticks xt = { .log1p = 0 }, yt = { .log1p = 0 };
    double xhi = a->n > 1 ? (double)(a->n - 1) : 1;
    xt.n = migad_plot_ticks(0, xhi, 10, xt.v, MIGAD_PLOT_MAX_TICKS, &xt.step);
    if (xt.step < 1) { /* few bins: one tick per bin */
        xt.n = 0;
        xt.step = 1;
        for (size_t i = 0; i < a->n && i < MIGAD_PLOT_MAX_TICKS; i++)
            xt.v[xt.n++] = (double)i;
    }
    yt.n = migad_plot_ticks(f.y0, f.y1, 6, yt.v, MIGAD_PLOT_MAX_TICKS, &yt.step);

    begin(fp, W, H, title);
    if (a->imi) {
        fputs("<g fill=\"" GREEN "\">\n", fp);
        bands(fp, &f, "imi", a->n, NULL, a->imi);
        fputs("</g>\n", fp);
    }
    if (a->gt) {
        fputs("<g fill=\"" PINK "\" fill-opacity=\"0.8\">\n", fp);
        bands(fp, &f, "gt", a->n, a->gt, NULL);
        fputs("</g>\n", fp);
    }
    grid(fp, &f, &xt, &yt);
    axes(fp, &f, &xt, &yt, a->xlabel ? a->xlabel : "bin",
         a->ylabel ? a->ylabel : "anomaly score");
    fputs("<polyline class=\"score\" fill=\"none\" stroke=\"" SCORE_COLOR
          "\" stroke-width=\"1.5\" stroke-linejoin=\"round\" points=\"", fp);
    for (size_t i = 0; i < a->n; i++) {
        if (i)
            fputc(i % 8 ? ' ' : '\n', fp);
        px(fp, fx(&f, (double)i));
        fputc(',', fp);
        px(fp, fy(&f, a->score[i]));
    }
    fputs("\"/>\n", fp);
    if (a->has_threshold)
        line(fp, f.px, fy(&f, a->threshold), f.px + f.pw, fy(&f, a->threshold),
             "class=\"threshold\" stroke=\"#000000\" stroke-width=\"1.5\" "
             "stroke-dasharray=\"7 4\"");

    /* Legend: one row above the plot area, right-aligned. */
    struct item { const char *label; int kind; } items[4];
    size_t ni = 0;
    items[ni++] = (struct item){ "score", 0 };
    if (a->has_threshold)
        items[ni++] = (struct item){ "threshold", 1 };
    if (a->gt)
        items[ni++] = (struct item){ "attack (GT)", 2 };
    if (a->imi)
        items[ni++] = (struct item){ "migration (IMI)", 3 };
    double total = 0;
    for (size_t k = 0; k < ni; k++)
        total += 30 + text_width(items[k].label) + 18;
    double x = f.px + f.pw - total, y = 48;
    fputs("<g class=\"legend\">\n", fp);
    for (size_t k = 0; k < ni; k++) {
        if (items[k].kind == 0)
            line(fp, x, y - 4, x + 24, y - 4,
                 "stroke=\"" SCORE_COLOR "\" stroke-width=\"2\"");
        else if (items[k].kind == 1)
            line(fp, x, y - 4, x + 24, y - 4,
                 "stroke=\"#000000\" stroke-width=\"1.5\" stroke-dasharray=\"7 4\"");
        else
            rect(fp, x, y - 11, 24, 13,
                 items[k].kind == 2 ? "fill=\"" PINK "\" stroke=\"#b08080\""
                                    : "fill=\"" GREEN "\" stroke=\"#80a080\"");
        text(fp, x + 30, y, "start", FONT, NULL, items[k].label);
        x += 30 + text_width(items[k].label) + 18;
    }
    fputs("</g>\n", fp);
    return end(fp, err);
}

/* ---- ROC --------------------------------------------------------------- */

static const char *const palette[] = { "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e",
                                       "#9467bd", "#8c564b", "#e377c2", "#17becf" };
static const char *const dashes[] = { "",    "9 4",  "2 3", "9 3 2 3",
                                      "5 5", "12 3", "1 4", "6 2 2 2" };
#define MAX_CURVES (sizeof palette / sizeof palette[0])

static void curve_style(char *buf, size_t size, size_t k)
{
    snprintf(buf, size, "fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\"%s%s%s",
             palette[k], dashes[k][0] ? " stroke-dasharray=\"" : "", dashes[k],
             dashes[k][0] ? "\"" : "");
}

migad_status migad_plot_roc_svg(FILE *fp, const char *title,
                                const struct migad_plot_curve *curves, size_t ncurves,
                                char err[MIGAD_ERRBUF_SIZE])
{
    if (!curves || ncurves == 0 || ncurves > MAX_CURVES) {
        migad_seterr(err, "ROC chart: want 1 to %zu curves, not %zu", MAX_CURVES, ncurves);
        return MIGAD_EINVAL;
    }
    for (size_t k = 0; k < ncurves; k++)
        if (!curves[k].roc || curves[k].roc->npoints < 2) {
            migad_seterr(err, "ROC chart: curve %zu ('%s') has no points", k + 1,
                    curves[k].label ? curves[k].label : "");
            return MIGAD_EINVAL;
        }
    if (!title)
        title = "ROC";
    const int W = 580, H = 560;
    struct frame f = { 84, 60, 440, 440, 0, 1, 0, 1 };
    struct ticks t = { .log1p = 0 };
    t.n = migad_plot_ticks(0, 1, 5, t.v, MIGAD_PLOT_MAX_TICKS, &t.step);
    begin(fp, W, H, title);
    grid(fp, &f, &t, &t);
    axes(fp, &f, &t, &t, "false positive rate", "true positive rate");
    line(fp, fx(&f, 0), fy(&f, 0), fx(&f, 1), fy(&f, 1),
         "class=\"chance\" stroke=\"#808080\" stroke-width=\"1\" stroke-dasharray=\"3 3\"");
    char style[160];
    for (size_t k = 0; k < ncurves; k++) {
        const struct migad_roc *r = curves[k].roc;
        curve_style(style, sizeof style, k);
        fprintf(fp, "<polyline class=\"roc\" %s stroke-linejoin=\"round\" points=\"", style);
        for (size_t i = 0; i < r->npoints; i++) {
            if (i)
                fputc(i % 8 ? ' ' : '\n', fp);
            px(fp, fx(&f, r->fpr[i]));
            fputc(',', fp);
            px(fp, fy(&f, r->tpr[i]));
        }
        fputs("\"/>\n", fp);
    }

    /* Legend: a boxed list in the lower right corner (ROC curves bow to the
     * upper left, so that corner is the emptiest). */
    char labels[MAX_CURVES + 1][256];
    double wmax = 0;
    for (size_t k = 0; k < ncurves; k++) {
        snprintf(labels[k], sizeof labels[k], "%s (AUC %.3f)",
                 curves[k].label ? curves[k].label : "", migad_roc_auc(curves[k].roc));
        wmax = fmax(wmax, text_width(labels[k]));
    }
    snprintf(labels[ncurves], sizeof labels[ncurves], "chance (AUC 0.500)");
    wmax = fmax(wmax, text_width(labels[ncurves]));
    double bw = wmax + 54, bh = 22.0 * (double)(ncurves + 1) + 10;
    if (bw > f.pw - 20)
        bw = f.pw - 20;
    double bx = f.px + f.pw - bw - 10, by = f.py + f.ph - bh - 10;
    fputs("<g class=\"legend\">\n", fp);
    rect(fp, bx, by, bw, bh,
         "fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#808080\" stroke-width=\"1\"");
    for (size_t k = 0; k <= ncurves; k++) {
        double y = by + 22.0 * (double)k + 22;
        if (k < ncurves)
            curve_style(style, sizeof style, k);
        else
            snprintf(style, sizeof style,
                     "stroke=\"#808080\" stroke-width=\"1\" stroke-dasharray=\"3 3\"");
        line(fp, bx + 10, y - 4.5, bx + 40, y - 4.5, style);
        text(fp, bx + 48, y, "start", FONT, NULL, labels[k]);
    }
    fputs("</g>\n", fp);
    return end(fp, err);
}

/* ---- scatter ----------------------------------------------------------- */

static const char *const class_name[MIGAD_PLOT_NCLASSES] = { "normal", "migration",
                                                             "attack" };
static const char *const class_style[MIGAD_PLOT_NCLASSES] = {
    "fill=\"#7f7f7f\" fill-opacity=\"0.55\" stroke=\"none\"",
    "fill=\"#2ca02c\" fill-opacity=\"0.75\" stroke=\"#1a601a\" stroke-width=\"0.6\"",
    "fill=\"#d62728\" fill-opacity=\"0.8\" stroke=\"#7a1516\" stroke-width=\"0.6\"",
};

enum migad_plot_class migad_plot_row_class(const struct migad_table *t, size_t i)
{
    if (t->gt && t->gt[i] > 0)
        return MIGAD_PLOT_ATTACK;
    if (t->imi && t->imi[i] > 0)
        return MIGAD_PLOT_MIGRATION;
    return MIGAD_PLOT_NORMAL;
}

/* A marker of class c centred at (x, y), as path commands. */
static void marker(FILE *fp, int c, double x, double y)
{
    switch (c) {
    case MIGAD_PLOT_NORMAL:
        fputs("M", fp);
        px(fp, x - 3);
        fputc(' ', fp);
        px(fp, y);
        fputs("a3 3 0 1 0 6 0a3 3 0 1 0 -6 0", fp);
        break;
    case MIGAD_PLOT_MIGRATION:
        fputs("M", fp);
        px(fp, x - 3);
        fputc(' ', fp);
        px(fp, y - 3);
        fputs("h6v6h-6z", fp);
        break;
    default:
        fputs("M", fp);
        px(fp, x);
        fputc(' ', fp);
        px(fp, y - 4);
        fputs("l4 7h-8z", fp);
        break;
    }
}

/* A scatter coordinate on its axis: log10(1 + v) on a log axis. */
static double axis_pos(int log1p, double v)
{
    return log1p ? log10(1 + v) : v;
}

/*
 * The domain [*lo, *hi] (positions) and ticks of a log axis whose largest
 * value sits at position `hi`: ticks at the values 0, 1, 10, ..., 10^K,
 * the first power of ten at or above the largest value (at least 10).
 */
static void log_axis(double *lo, double *hi, struct ticks *t)
{
    int top = 1;
    while (top < 18 && log10(1 + pow(10, top)) < *hi)
        top++;
    t->n = 0;
    t->v[t->n++] = 0;
    /* about 6 ticks at most: every decade, or every second, third, ... */
    int every = (top + 5) / 6;
    for (int k = 0; k <= top && t->n < MIGAD_PLOT_MAX_TICKS; k += every)
        t->v[t->n++] = log10(1 + pow(10, k));
    *lo = 0;
    *hi = t->v[t->n - 1];
    if (*hi < log10(1 + pow(10, top))) {
        *hi = log10(1 + pow(10, top));
        if (t->n < MIGAD_PLOT_MAX_TICKS)
            t->v[t->n++] = *hi;
    }
    t->step = 1;
    t->log1p = 1;
}

migad_status migad_plot_scatter_svg(FILE *fp, const struct migad_plot_scatter *s,
                                    char err[MIGAD_ERRBUF_SIZE])
{
    if (!s || !s->x || !s->y || !s->cls || s->n == 0) {
        migad_seterr(err, "scatter plot: no rows");
        return MIGAD_EINVAL;
    }
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    size_t count[MIGAD_PLOT_NCLASSES] = { 0 };
    for (size_t i = 0; i < s->n; i++) {
        if (!isfinite(s->x[i]) || !isfinite(s->y[i])) {
            migad_seterr(err, "scatter plot: row %zu: value is not a finite number", i + 1);
            return MIGAD_EINVAL;
        }
        if ((s->logx && s->x[i] < 0) || (s->logy && s->y[i] < 0)) {
            migad_seterr(err, "scatter plot: row %zu: a negative value on a log axis", i + 1);
            return MIGAD_EINVAL;
        }
        if (s->cls[i] >= MIGAD_PLOT_NCLASSES) {
            migad_seterr(err, "scatter plot: row %zu: class %u out of range", i + 1,
                    (unsigned)s->cls[i]);
            return MIGAD_EINVAL;
        }
        count[s->cls[i]]++;
        xlo = fmin(xlo, axis_pos(s->logx, s->x[i]));
        xhi = fmax(xhi, axis_pos(s->logx, s->x[i]));
        ylo = fmin(ylo, axis_pos(s->logy, s->y[i]));
        yhi = fmax(yhi, axis_pos(s->logy, s->y[i]));
    }
    const char *title = s->title ? s->title : "Features";
    const int W = 640, H = 540;
    struct frame f = { 84, 66, W - 84 - 24, H - 66 - 68, xlo, xhi, ylo, yhi };
    struct ticks xt = { .log1p = 0 }, yt = { .log1p = 0 };
    if (s->logx) {
        log_axis(&f.x0, &f.x1, &xt);
    } else {
        migad_plot_nice_range(&f.x0, &f.x1, 6);
        xt.n = migad_plot_ticks(f.x0, f.x1, 6, xt.v, MIGAD_PLOT_MAX_TICKS, &xt.step);
    }
    if (s->logy) {
        log_axis(&f.y0, &f.y1, &yt);
    } else {
        migad_plot_nice_range(&f.y0, &f.y1, 6);
        yt.n = migad_plot_ticks(f.y0, f.y1, 6, yt.v, MIGAD_PLOT_MAX_TICKS, &yt.step);
    }
    begin(fp, W, H, title);
    grid(fp, &f, &xt, &yt);
    axes(fp, &f, &xt, &yt, s->xlabel ? s->xlabel : "x", s->ylabel ? s->ylabel : "y");
    for (int c = 0; c < MIGAD_PLOT_NCLASSES; c++) {
        if (!count[c])
            continue;
        fprintf(fp, "<path class=\"%s\" %s d=\"", class_name[c], class_style[c]);
        size_t k = 0;
        for (size_t i = 0; i < s->n; i++) {
            if (s->cls[i] != c)
                continue;
            if (k++)
                fputc(k % 6 ? ' ' : '\n', fp);
            marker(fp, c, fx(&f, axis_pos(s->logx, s->x[i])),
                   fy(&f, axis_pos(s->logy, s->y[i])));
        }
        fputs("\"/>\n", fp);
    }
    fputs("<g class=\"legend\">\n", fp);
    char label[64];
    double total = 0;
    for (int c = 0; c < MIGAD_PLOT_NCLASSES; c++) {
        snprintf(label, sizeof label, "%s (%zu)", class_name[c], count[c]);
        total += 16 + text_width(label) + 18;
    }
    double x = f.px + f.pw - total, y = 48;
    for (int c = 0; c < MIGAD_PLOT_NCLASSES; c++) {
        snprintf(label, sizeof label, "%s (%zu)", class_name[c], count[c]);
        fprintf(fp, "<path %s d=\"", class_style[c]);
        marker(fp, c, x + 5, y - 4.5);
        fputs("\"/>\n", fp);
        text(fp, x + 16, y, "start", FONT, NULL, label);
        x += 16 + text_width(label) + 18;
    }
    fputs("</g>\n", fp);
    return end(fp, err);
}
