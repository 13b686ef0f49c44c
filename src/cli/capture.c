/*
 * The packet inputs of migad extract and migad monitor (capture.h).
 */
#include "capture.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "migad/packet.h"

const char capture_input_help[] =
    "  -r FILE            read a pcap or pcapng file, plain or gzip; - = stdin (repeatable)\n"
    "  -i IFACE           capture live on an interface (repeatable)\n"
    "  -F FILE            read the filter expression from FILE\n"
    "  -c COUNT           stop after COUNT packets (per trace)\n"
    "  -B KIB             live: kernel capture buffer size in KiB\n"
    "  -s SNAPLEN         live: bytes captured per packet (default 262144)\n"
    "  -p                 live: do not put the interface into promiscuous mode\n"
    "      --duration DUR live: stop after DUR (e.g. 10m); default until Ctrl-C\n"
    "      --merge        merge all inputs by time into one trace\n"
    "      --name NAME    trace name (one input, or --merge); default: file base name\n"
    "      --decap        count the inner packets of VXLAN and Geneve tunnels\n";

const char capture_bin_help[] =
    "  -t, --bin WIDTH    bin width, >= 1ms (default 1s); units ns us ms s m h\n"
    "      --max-gap DUR  a silence longer than DUR starts a new segment (default 600s)\n"
    "      --reorder DUR  accept packets up to DUR out of time order (default 2s)\n"
    "      --align MODE   epoch (bins at multiples of WIDTH, default) or first\n"
    "      --flow-timeout DUR  idle time after which a flow is new again (default 60s)\n";

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

void capture_opts_init(struct capture_opts *o)
{
    memset(o, 0, sizeof *o);
    o->src.promisc = 1;
    migad_binner_opts_init(&o->bin);
}

void capture_opts_release(struct capture_opts *o)
{
    free(o->filter);
    o->filter = NULL;
    o->src.filter = NULL;
}

int capture_option(struct capture_opts *o, int c, const char *arg, const char *cmd)
{
    unsigned long long v;
    switch (c) {
    case 'r':
    case 'i':
        if ((c == 'r' ? o->nfiles : o->nifaces) == CAPTURE_MAX_INPUTS) {
            cli_error(cmd, "too many -%c inputs (at most %d)", c, CAPTURE_MAX_INPUTS);
            return EXIT_USAGE;
        }
        if (c == 'r')
            o->files[o->nfiles++] = arg;
        else
            o->ifaces[o->nifaces++] = arg;
        return 0;
    case 'F':
        o->filter_file = arg;
        return 0;
    case 'c':
        if (cli_parse_uint(arg, UINT64_MAX, &o->count) != 0 || o->count == 0) {
            cli_error(cmd, "invalid packet count '%s'", arg);
            return EXIT_USAGE;
        }
        return 0;
    case 'B':
        if (cli_parse_uint(arg, 4u << 20, &v) != 0 || v == 0) {
            cli_error(cmd, "invalid buffer size '%s' (KiB, 1 to 4194304)", arg);
            return EXIT_USAGE;
        }
        o->src.buffer_kib = (int)v;
        return 0;
    case 's':
        if (cli_parse_uint(arg, 262144, &v) != 0) {
            cli_error(cmd, "invalid snapshot length '%s' (0 to 262144)", arg);
            return EXIT_USAGE;
        }
        o->src.snaplen = (int)v;
        return 0;
    case 'p':
        o->src.promisc = 0;
        return 0;
    case 't':
        if (cli_parse_duration(arg, &o->bin.width) != 0) {
            cli_error(cmd, "invalid bin width '%s' (e.g. 1s, 100ms)", arg);
            return EXIT_USAGE;
        }
        return 0;
    case CAPTURE_OPT_MERGE:
        o->merge = 1;
        return 0;
    case CAPTURE_OPT_NAME:
        o->name = arg;
        return 0;
    case CAPTURE_OPT_DECAP:
        o->decode_flags |= MIGAD_DECODE_INNER;
        return 0;
    case CAPTURE_OPT_MAXGAP:
    case CAPTURE_OPT_REORDER:
    case CAPTURE_OPT_FLOWTO:
    case CAPTURE_OPT_DURATION: {
        migad_ns d;
        if (cli_parse_duration(arg, &d) != 0) {
            cli_error(cmd, "invalid duration '%s' for --%s (e.g. 2s, 500ms)", arg,
                      c == CAPTURE_OPT_MAXGAP    ? "max-gap"
                      : c == CAPTURE_OPT_REORDER ? "reorder"
                      : c == CAPTURE_OPT_FLOWTO  ? "flow-timeout"
                                                 : "duration");
            return EXIT_USAGE;
        }
        if (c == CAPTURE_OPT_MAXGAP)
            o->bin.max_gap = d;
        else if (c == CAPTURE_OPT_REORDER)
            o->bin.reorder = d;
        else if (c == CAPTURE_OPT_FLOWTO)
            o->bin.flow_timeout = d;
        else
            o->duration = d;
        return 0;
    }
    case CAPTURE_OPT_ALIGN:
        if (strcmp(arg, "epoch") == 0)
            o->bin.align_first = 0;
        else if (strcmp(arg, "first") == 0)
            o->bin.align_first = 1;
        else {
            cli_error(cmd, "invalid --align '%s' (epoch or first)", arg);
            return EXIT_USAGE;
        }
        return 0;
    }
    return -1;
}

/* The filter expression of -F FILE: newlines and tabs as spaces, '#' to
 * the end of a line a comment (as in tcpdump); at most 1 MiB. */
static int read_filter_file(struct capture_opts *o, const char *cmd)
{
    FILE *fp = fopen(o->filter_file, "r");
    if (!fp) {
        cli_error(cmd, "cannot open %s: %s", o->filter_file, strerror(errno));
        return EXIT_USAGE;
    }
    size_t cap = 4096, n = 0;
    o->filter = malloc(cap);
    int ch;
    while (o->filter && (ch = fgetc(fp)) != EOF) {
        if (n + 1 >= cap) {
            if (cap >= (1u << 20)) {
                fclose(fp);
                cli_error(cmd, "%s: filter expression longer than 1 MiB", o->filter_file);
                return EXIT_USAGE;
            }
            char *g = realloc(o->filter, cap *= 2);
            if (!g) {
                free(o->filter);
                o->filter = NULL;
                break;
            }
            o->filter = g;
        }
        if (ch == '#') {
            while ((ch = fgetc(fp)) != EOF && ch != '\n')
                ;
            ch = ' ';
        }
        o->filter[n++] = (char)(ch == '\n' || ch == '\t' || ch == '\r' ? ' ' : ch);
    }
    fclose(fp);
    if (!o->filter) {
        cli_error(cmd, "out of memory");
        return EXIT_RUNTIME;
    }
    o->filter[n] = '\0';
    return EXIT_OK;
}

int capture_args_done(struct capture_opts *o, const struct migad_featset *fs, int argc,
                      char **argv, int first, const char *cmd)
{
    char err[MIGAD_ERRBUF_SIZE];
    /* check the bin options now, so that a bad value is a usage error */
    struct migad_binner *probe;
    if (migad_binner_create(&probe, &o->bin, fs, NULL, NULL, err) != MIGAD_OK) {
        cli_error(cmd, "%s", err);
        return EXIT_USAGE;
    }
    migad_binner_free(probe);
    if (o->nfiles == 0 && o->nifaces == 0) {
        cli_error(cmd, "no input: give -r FILE or -i IFACE (see 'migad %s --help')", cmd);
        return EXIT_USAGE;
    }
    if (o->nfiles && o->nifaces) {
        cli_error(cmd, "-r and -i cannot be mixed");
        return EXIT_USAGE;
    }
    int nstdin = 0;
    for (int i = 0; i < o->nfiles; i++)
        nstdin += strcmp(o->files[i], "-") == 0;
    if (nstdin > 1) {
        cli_error(cmd, "standard input (-r -) can be read only once");
        return EXIT_USAGE;
    }
    if (o->name && !o->merge && o->nfiles + o->nifaces > 1) {
        cli_error(cmd, "--name needs a single input or --merge");
        return EXIT_USAGE;
    }
    if (o->duration && !o->nifaces) {
        cli_error(cmd, "--duration applies to live capture (-i) only");
        return EXIT_USAGE;
    }
    if (o->filter_file) {
        if (first < argc) {
            cli_error(cmd, "give the filter either with -F or on the command line, not both");
            return EXIT_USAGE;
        }
        int rc = read_filter_file(o, cmd);
        if (rc != EXIT_OK)
            return rc;
    } else if (first < argc) {
        size_t len = 1;
        for (int i = first; i < argc; i++)
            len += strlen(argv[i]) + 1;
        o->filter = calloc(1, len);
        if (!o->filter) {
            cli_error(cmd, "out of memory");
            return EXIT_RUNTIME;
        }
        for (int i = first; i < argc; i++) {
            if (i > first)
                strcat(o->filter, " ");
            strcat(o->filter, argv[i]);
        }
    }
    o->src.filter = o->filter;
    return EXIT_OK;
}

/* ---- reading ---------------------------------------------------------- */

#define BATCH 64

/* Per-trace state: a binner and a batch of decoded packets not yet binned. */
struct trace {
    struct migad_pkt batch[BATCH];
    size_t nbatch;
    char *name;
    struct migad_binner *binner;
    capture_bin_fn fn;
    void *ctx;
    int stopped;                  /* fn asked to stop */
    uint64_t packets, truncated, malformed, unsupported;
};

/* What the command reads: the options, the features, the callback. */
struct reader {
    const struct capture_opts *o;
    const struct migad_featset *fs;
    capture_bin_fn fn;
    void *ctx;
    const char *cmd;
};

static int on_bin(void *ctx, const struct migad_bin *bin)
{
    struct trace *t = ctx;
    if (t->fn(t->ctx, t->name, bin) != 0)
        t->stopped = 1;
    return t->stopped;
}

/* Trace name from a path: base name without .gz and a capture extension. */
static char *trace_name(const char *path)
{
    if (strcmp(path, "-") == 0)
        return strdup("stdin");
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *name = strdup(*base ? base : path);
    if (!name)
        return NULL;
    static const char *const exts[] = { ".gz", ".pcapng", ".pcap", ".cap", ".dump" };
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t n = strlen(name), e = strlen(exts[i]);
        if (n > e && strcmp(name + n - e, exts[i]) == 0)
            name[n - e] = '\0';
    }
    return name;
}

static int trace_init(struct trace *t, const char *name, const struct reader *rd)
{
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    t->fn = rd->fn;
    t->ctx = rd->ctx;
    char err[MIGAD_ERRBUF_SIZE];
    if (!t->name) {
        cli_error(rd->cmd, "out of memory");
        return -1;
    }
    if (migad_binner_create(&t->binner, &rd->o->bin, rd->fs, on_bin, t, err) != MIGAD_OK) {
        cli_error(rd->cmd, "%s", err);
        return -1;
    }
    return 0;
}

static void trace_release(struct trace *t)
{
    migad_binner_free(t->binner);
    free(t->name);
    memset(t, 0, sizeof *t);
}

/* Bin the batched packets.  Returns 0, or -1 when the reading must stop. */
static int trace_flush(struct trace *t, const char *cmd)
{
    if (t->nbatch == 0)
        return 0;
    migad_status st = migad_binner_add_batch(t->binner, t->batch, t->nbatch);
    t->nbatch = 0;
    if (st != MIGAD_OK) {
        if (!t->stopped)
            cli_error(cmd, "%s: out of memory while binning", t->name);
        return -1;
    }
    return 0;
}

/* Decode one frame into the batch.  Returns 0, or -1 when the reading must
 * stop. */
static int trace_frame(struct trace *t, const struct reader *rd, const struct migad_frame *f)
{
    struct migad_pkt *p = &t->batch[t->nbatch++];
    p->ts = f->ts; /* kept by the decoder, which sets caplen and wirelen */
    enum migad_decode_result r = migad_decode(f->dlt, f->data, f->caplen, f->wirelen,
                                              rd->o->decode_flags, p);
    if (r == MIGAD_DECODE_TRUNCATED)
        t->truncated++;
    else if (r == MIGAD_DECODE_MALFORMED)
        t->malformed++;
    else if (r == MIGAD_DECODE_UNSUPPORTED_LINK)
        t->unsupported++;
    t->packets++;
    return t->nbatch == BATCH ? trace_flush(t, rd->cmd) : 0;
}

static int trace_finish(struct trace *t, const struct reader *rd)
{
    if (trace_flush(t, rd->cmd) != 0 || migad_binner_finish(t->binner) != MIGAD_OK)
        return -1;
    struct migad_binner_stats st;
    migad_binner_stats(t->binner, &st);
    if (!rd->o->quiet) {
        fprintf(stderr, "migad %s: %s: %" PRIu64 " packets, %" PRIu64 " bin%s, %" PRIu32
                        " segment%s",
                rd->cmd, t->name, t->packets, st.bins, st.bins == 1 ? "" : "s", st.segments,
                st.segments == 1 ? "" : "s");
        if (t->truncated || t->malformed || t->unsupported)
            fprintf(stderr, "; not fully decoded: %" PRIu64 " cut by the snapshot length, %" PRIu64
                            " malformed, %" PRIu64 " of an unknown link type",
                    t->truncated, t->malformed, t->unsupported);
        fputc('\n', stderr);
        if (st.late)
            cli_warn(rd->cmd, "%s: %" PRIu64 " packets were more than the reorder window out of "
                              "time order and were counted in a later bin (see --reorder)",
                     t->name, st.late);
        if (st.flows_dropped)
            cli_warn(rd->cmd, "%s: flow table full: %" PRIu64 " packets of untracked flows",
                     t->name, st.flows_dropped);
    }
    return 0;
}

/* The exit status of a file that would not open: a filter libpcap refuses
 * is the command line's fault. */
static int open_failure(const struct capture_opts *o, const char *err)
{
    return o->src.filter && strstr(err, "bad filter") ? EXIT_USAGE : EXIT_RUNTIME;
}

/* Read files one after the other, each its own trace. */
static int run_files(const struct reader *rd)
{
    const struct capture_opts *o = rd->o;
    int rc = EXIT_OK;
    struct cli_progress prog;
    cli_progress_init(&prog, o->quiet);
    for (int i = 0; i < o->nfiles; i++) {
        char err[MIGAD_ERRBUF_SIZE];
        struct migad_source *src;
        if (migad_source_open_file(&src, o->files[i], &o->src, err) != MIGAD_OK) {
            cli_error(rd->cmd, "%s", err);
            rc = open_failure(o, err);
            if (rc == EXIT_USAGE)
                return rc;
            continue;
        }
        char *name = o->name ? strdup(o->name) : trace_name(o->files[i]);
        struct trace t;
        int ok = name && trace_init(&t, name, rd) == 0;
        free(name);
        if (!ok) {
            migad_source_free(src);
            return EXIT_RUNTIME;
        }
        /* batches decoded straight from libpcap, binned, progress between */
        migad_status st;
        uint64_t next_report = 65536;
        for (;;) {
            unsigned max = BATCH, n;
            if (o->count && o->count - t.packets < max)
                max = (unsigned)(o->count - t.packets);
            uint64_t counts[4] = { 0 };
            st = migad_source_decode(src, o->decode_flags, t.batch, max, &n, counts);
            t.nbatch = n;
            t.packets += n;
            t.truncated += counts[MIGAD_DECODE_TRUNCATED];
            t.malformed += counts[MIGAD_DECODE_MALFORMED];
            t.unsupported += counts[MIGAD_DECODE_UNSUPPORTED_LINK];
            if (trace_flush(&t, rd->cmd) != 0) {
                rc = EXIT_RUNTIME;
                break;
            }
            if (st != MIGAD_OK || (o->count && t.packets >= o->count))
                break;
            if (t.packets >= next_report) {
                cli_progress(&prog, "migad %s: %s: %" PRIu64 " packets", rd->cmd, t.name,
                             t.packets);
                next_report = t.packets + 65536;
            }
        }
        cli_progress_done(&prog);
        if (st == MIGAD_ETRUNC || st == MIGAD_EPCAP) {
            cli_error(rd->cmd, "%s (after %" PRIu64 " packets)", migad_source_error(src),
                      t.packets);
            rc = EXIT_RUNTIME;
        }
        /* the bins still open, unless the command stopped the reading */
        if (!t.stopped && trace_finish(&t, rd) != 0)
            rc = EXIT_RUNTIME;
        int stopped = t.stopped;
        trace_release(&t);
        migad_source_free(src);
        if (stopped)
            return EXIT_RUNTIME;
    }
    return rc;
}

/* Read all files together, merged by timestamp, as one trace. */
static int run_merged_files(const struct reader *rd)
{
    const struct capture_opts *o = rd->o;
    int n = o->nfiles, rc = EXIT_OK;
    struct migad_source **src = calloc((size_t)n, sizeof *src);
    struct migad_frame *head = calloc((size_t)n, sizeof *head);
    int *live = calloc((size_t)n, sizeof *live);
    struct trace t;
    int have_trace = 0;
    if (!src || !head || !live) {
        cli_error(rd->cmd, "out of memory");
        rc = EXIT_RUNTIME;
        goto out;
    }
    for (int i = 0; i < n; i++) {
        char err[MIGAD_ERRBUF_SIZE];
        if (migad_source_open_file(&src[i], o->files[i], &o->src, err) != MIGAD_OK) {
            cli_error(rd->cmd, "%s", err);
            rc = open_failure(o, err);
            goto out;
        }
    }
    if (trace_init(&t, o->name ? o->name : "merged", rd) != 0) {
        rc = EXIT_RUNTIME;
        goto out;
    }
    have_trace = 1;
    for (int i = 0; i < n; i++) {
        migad_status st = migad_source_next(src[i], &head[i]);
        live[i] = st == MIGAD_OK;
        if (st == MIGAD_ETRUNC || st == MIGAD_EPCAP) {
            cli_error(rd->cmd, "%s", migad_source_error(src[i]));
            rc = EXIT_RUNTIME;
        }
    }
    for (;;) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (live[i] && (best < 0 || head[i].ts < head[best].ts))
                best = i;
        if (best < 0)
            break;
        if (trace_frame(&t, rd, &head[best]) != 0) {
            rc = EXIT_RUNTIME;
            break;
        }
        if (o->count && t.packets >= o->count)
            break;
        migad_status st = migad_source_next(src[best], &head[best]);
        if (st != MIGAD_OK) {
            live[best] = 0;
            if (st == MIGAD_ETRUNC || st == MIGAD_EPCAP) {
                cli_error(rd->cmd, "%s", migad_source_error(src[best]));
                rc = EXIT_RUNTIME;
            }
        }
    }
    if (!t.stopped && trace_finish(&t, rd) != 0)
        rc = EXIT_RUNTIME;
    if (t.stopped)
        rc = EXIT_RUNTIME;
out:
    if (have_trace)
        trace_release(&t);
    for (int i = 0; src && i < n; i++)
        migad_source_free(src[i]);
    free(src);
    free(head);
    free(live);
    return rc;
}

/* Live capture: poll every interface; one trace each, or one merged. */
static int run_live(const struct reader *rd)
{
    const struct capture_opts *o = rd->o;
    int n = o->nifaces, rc = EXIT_OK, ntraces = o->merge ? 1 : n;
    struct migad_source **src = calloc((size_t)n, sizeof *src);
    struct trace *tr = calloc((size_t)ntraces, sizeof *tr);
    struct pollfd *pfd = calloc((size_t)n, sizeof *pfd);
    int ninit = 0;
    if (!src || !tr || !pfd) {
        cli_error(rd->cmd, "out of memory");
        rc = EXIT_RUNTIME;
        goto out;
    }
    for (int i = 0; i < n; i++) {
        char err[MIGAD_ERRBUF_SIZE];
        migad_status st = migad_source_open_live(&src[i], o->ifaces[i], &o->src, err);
        if (st != MIGAD_OK) {
            cli_error(rd->cmd, "%s", err);
            rc = st == MIGAD_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
            goto out;
        }
        pfd[i].fd = migad_source_fd(src[i]);
        pfd[i].events = POLLIN;
    }
    for (int i = 0; i < ntraces; i++) {
        const char *name = o->name ? o->name : o->merge ? "merged" : o->ifaces[i];
        if (trace_init(&tr[i], name, rd) != 0) {
            rc = EXIT_RUNTIME;
            goto out;
        }
        ninit++;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    migad_ns t_end = o->duration ? cli_now_mono() + o->duration : 0;
    int done = 0;
    while (!done && !stop_requested) {
        int pr = poll(pfd, (nfds_t)n, 100);
        if (pr < 0 && errno != EINTR) {
            cli_error(rd->cmd, "poll: %s", strerror(errno));
            rc = EXIT_RUNTIME;
            break;
        }
        for (int i = 0; i < n && !done; i++) {
            struct trace *t = &tr[o->merge ? 0 : i];
            struct migad_frame f;
            migad_status st;
            while ((st = migad_source_next(src[i], &f)) == MIGAD_OK) {
                if (trace_frame(t, rd, &f) != 0) {
                    rc = EXIT_RUNTIME;
                    done = 1;
                    break;
                }
                if (o->count && t->packets >= o->count) {
                    done = 1;
                    break;
                }
            }
            if (st != MIGAD_OK && st != MIGAD_EAGAIN && st != MIGAD_EOF) {
                cli_error(rd->cmd, "%s", migad_source_error(src[i]));
                rc = EXIT_RUNTIME;
                done = 1;
            }
        }
        migad_ns now = cli_now_wall();
        for (int i = 0; i < ntraces && !done; i++)
            if (trace_flush(&tr[i], rd->cmd) != 0 ||
                migad_binner_advance(tr[i].binner, now) != MIGAD_OK) {
                rc = EXIT_RUNTIME;
                done = 1;
            }
        if (t_end && cli_now_mono() >= t_end)
            done = 1;
    }
    /* unless stopped by an error: the quiet bins up to now, then the open ones */
    int stopped = 0;
    for (int i = 0; i < ntraces; i++)
        stopped |= tr[i].stopped;
    if (!stopped) {
        migad_ns now = cli_now_wall();
        for (int i = 0; i < ntraces; i++) {
            if (trace_flush(&tr[i], rd->cmd) != 0 ||
                migad_binner_advance(tr[i].binner, now + o->bin.reorder) != MIGAD_OK ||
                trace_finish(&tr[i], rd) != 0)
                rc = EXIT_RUNTIME;
        }
    }
    if (!o->quiet) {
        for (int i = 0; i < n; i++) {
            uint64_t recv, drop;
            migad_source_stats(src[i], &recv, &drop);
            fprintf(stderr, "migad %s: %s: libpcap counted %" PRIu64 " packets received, %" PRIu64
                            " dropped\n",
                    rd->cmd, o->ifaces[i], recv, drop);
        }
    }
out:
    for (int i = 0; i < ninit; i++)
        trace_release(&tr[i]);
    for (int i = 0; src && i < n; i++)
        migad_source_free(src[i]);
    free(src);
    free(tr);
    free(pfd);
    return rc;
}

int capture_run(const struct capture_opts *o, const struct migad_featset *fs, capture_bin_fn fn,
                void *ctx, const char *cmd)
{
    struct reader rd = { o, fs, fn, ctx, cmd };
    if (o->nifaces)
        return run_live(&rd);
    return o->merge ? run_merged_files(&rd) : run_files(&rd);
}
