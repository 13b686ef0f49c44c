#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "migad/labels.h"

__attribute__((format(printf, 3, 0)))
static void vmsg(const char *cmd, const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "migad%s%s: %s", cmd ? " " : "", cmd ? cmd : "", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(cmd, "", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(cmd, "warning: ", fmt, ap);
    va_end(ap);
}

int cli_parse_uint(const char *text, unsigned long long max, unsigned long long *out)
{
    if (!text || !*text)
        return -1;
    unsigned long long v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        unsigned d = (unsigned)(*p - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int cli_parse_duration(const char *text, migad_ns *out)
{
    if (!text || !*text)
        return -1;
    const char *p = text;
    uint64_t ip = 0, frac = 0, fscale = 1;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (ip > UINT64_C(1000000000000))
            return -1;
        ip = ip * 10 + (uint64_t)(*p++ - '0');
        digits++;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (fscale < UINT64_C(1000000000)) { /* digits past the 9th are below 1 ns */
                frac = frac * 10 + (uint64_t)(*p - '0');
                fscale *= 10;
            }
            p++;
            digits++;
        }
    }
    if (!digits)
        return -1;
    uint64_t unit;
    if (!*p || strcmp(p, "s") == 0)
        unit = 1000000000u;
    else if (strcmp(p, "ms") == 0)
        unit = 1000000u;
    else if (strcmp(p, "us") == 0)
        unit = 1000u;
    else if (strcmp(p, "ns") == 0)
        unit = 1u;
    else if (strcmp(p, "m") == 0 || strcmp(p, "min") == 0)
        unit = UINT64_C(60000000000);
    else if (strcmp(p, "h") == 0)
        unit = UINT64_C(3600000000000);
    else
        return -1;
    if (ip > (uint64_t)INT64_MAX / unit)
        return -1;
    /* frac / fscale * unit without overflow: frac, fscale <= 1e9 */
    uint64_t f = unit >= fscale ? frac * (unit / fscale) + frac * (unit % fscale) / fscale
                                : frac * unit / fscale;
    uint64_t total = ip * unit + f;
    if (total > (uint64_t)INT64_MAX)
        return -1;
    *out = (migad_ns)total;
    return 0;
}

static migad_ns clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (migad_ns)ts.tv_sec * MIGAD_NS_PER_SEC + ts.tv_nsec;
}

migad_ns cli_now_mono(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

migad_ns cli_now_wall(void)
{
    return clock_ns(CLOCK_REALTIME);
}

void cli_progress_init(struct cli_progress *p, int quiet)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->last = 0;
    p->shown = 0;
}

void cli_progress(struct cli_progress *p, const char *fmt, ...)
{
    if (!p->enabled)
        return;
    migad_ns now = cli_now_mono();
    if (p->shown && now - p->last < 200 * 1000000)
        return;
    p->last = now;
    p->shown = 1;
    va_list ap;
    va_start(ap, fmt);
    fputs("\r\033[K", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
}

void cli_progress_done(struct cli_progress *p)
{
    if (p->enabled && p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->shown = 0;
}

int cli_operands(const char *cmd, int argc, char **argv, const char **input)
{
    if (optind < argc && input && !*input)
        *input = argv[optind++];
    if (optind < argc) {
        cli_error(cmd, "unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    return 0;
}

int cli_finish_stdout(const char *cmd)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE)
            cli_error(cmd, "write error on standard output: %s", strerror(errno));
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

int cli_node_option(const char *cmd, const char *arg)
{
    if (!*arg || strchr(arg, ',')) {
        cli_error(cmd, "--node '%s': want one node name", arg);
        return EXIT_USAGE;
    }
    return 0;
}

int cli_labels_open(const char *cmd, const char *path, const char *node,
                    struct migad_labels **out)
{
    char err[MIGAD_ERRBUF_SIZE];
    *out = NULL;
    if (node && !path) {
        cli_error(cmd, "--node applies to the labels: give -l FILE too");
        return EXIT_USAGE;
    }
    if (!path)
        return EXIT_OK;
    if (migad_labels_load(path, out, err) != MIGAD_OK) {
        cli_error(cmd, "%s", err);
        return EXIT_RUNTIME;
    }
    if (node && migad_labels_select_node(*out, node) != MIGAD_OK) {
        cli_error(cmd, "out of memory");
        migad_labels_free(*out);
        *out = NULL;
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}
