/*
 * migad extract: packets to labelled per-bin features.
 *
 * Reads capture files (-r, repeatable) or live interfaces (-i, repeatable),
 * keeps the packets matching an optional BPF filter, decodes them, cuts them
 * into bins and writes one feature row per bin.  Each input is its own trace
 * unless --merge folds them, by timestamp, into one.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "migad/dataset.h"
#include "migad/features.h"
#include "migad/labels.h"
#include "migad/packet.h"
#include "migad/source.h"

#define CMD "extract"
#define MAX_INPUTS 256

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static const char help_text[] =
    "usage: migad extract [options] -r FILE [-r FILE ...] [EXPRESSION]\n"
    "       migad extract [options] -i IFACE [-i IFACE ...] [EXPRESSION]\n"
    "\n"
    "Cut packets into fixed-width time bins and write one feature vector per bin.\n"
    "EXPRESSION is a BPF filter in tcpdump syntax; matching packets are kept.\n"
    "\n"
    "Input:\n"
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
    "      --decap        count the inner packets of VXLAN and Geneve tunnels\n"
    "\n"
    "Bins and features:\n"
    "  -t, --bin WIDTH    bin width, >= 1ms (default 1s); units ns us ms s m h\n"
    "  -f, --features SET feature set or columns, comma-separated (default paper):\n"
    "                     paper = the 8 features of Shirazi et al.; extended = all\n"
    "      --list-features  list the feature columns and exit\n"
    "      --max-gap DUR  a silence longer than DUR starts a new segment (default 600s)\n"
    "      --reorder DUR  accept packets up to DUR out of time order (default 2s)\n"
    "      --align MODE   epoch (bins at multiples of WIDTH, default) or first\n"
    "      --flow-timeout DUR  idle time after which a flow is new again (default 60s)\n"
    "  -l, --labels FILE  ground-truth intervals: add gt and imi columns\n"
    "      --node NAME    the captures are NAME's bridge: attacks whose ground truth\n"
    "                     names other nodes (nodes=...) are not labelled\n"
    "\n"
    "Output:\n"
    "  -o FILE            write the dataset to FILE (default standard output)\n"
    "      --format FMT   csv (default) or jsonl\n"
    "  -q, --quiet        no summary or progress on standard error\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 success, 1 runtime error (unreadable or damaged input, write\n"
    "error; rows read before the error are still written), 2 usage error.\n"
    "See migad-extract(1) and docs/features.md for the exact feature definitions.\n";

enum {
    OPT_MERGE = 256,
    OPT_NODE,
    OPT_NAME,
    OPT_DECAP,
    OPT_LIST,
    OPT_MAXGAP,
    OPT_REORDER,
    OPT_ALIGN,
    OPT_FLOWTO,
    OPT_FORMAT,
    OPT_DURATION,
};

struct opts {
    const char *files[MAX_INPUTS];
    int nfiles;
    const char *ifaces[MAX_INPUTS];
    int nifaces;
    const char *filter_file;
    char *filter;
    unsigned long long count;
    struct migad_source_opts src;
    migad_ns duration;
    int merge;
    const char *name;
    unsigned decode_flags;
    struct migad_featset fs;
    struct migad_binner_opts bin;
    const char *labels_path;
    const char *node; /* --node: label attacks seen on this node's bridge only */
    const char *out_path;
    enum migad_format format;
    int quiet;
};

#define BATCH 64

/* Per-trace state: a binner, a batch of decoded packets not yet binned, and
 * where the rows go. */
struct trace {
    struct migad_pkt batch[BATCH];
    size_t nbatch;
    char *name;
    struct migad_binner *binner;
    struct migad_writer *writer;
    const struct migad_labels *labels;
    uint64_t packets, truncated, malformed, unsupported;
    migad_status write_status;
};

static int on_bin(void *ctx, const struct migad_bin *bin)
{
    struct trace *t = ctx;
    int gt = 0;
    double imi = 0;
    if (t->labels)
        migad_labels_bin(t->labels, bin->start, bin->width, &gt, &imi);
    t->write_status = migad_writer_row(t->writer, t->name, bin, gt, imi);
    return t->write_status != MIGAD_OK;
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

static int trace_init(struct trace *t, const char *name, const struct opts *o,
                      const struct migad_labels *labels, struct migad_writer *w)
{
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    t->writer = w;
    t->labels = labels;
    char err[MIGAD_ERRBUF_SIZE];
    if (!t->name) {
        cli_error(CMD, "out of memory");
        return -1;
    }
    if (migad_binner_create(&t->binner, &o->bin, &o->fs, on_bin, t, err) != MIGAD_OK) {
        cli_error(CMD, "%s", err);
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

/* Bin the batched packets.  Returns 0, or -1 on a fatal error. */
static int trace_flush(struct trace *t)
{
    if (t->nbatch == 0)
        return 0;
    migad_status st = migad_binner_add_batch(t->binner, t->batch, t->nbatch);
    t->nbatch = 0;
    if (st != MIGAD_OK) {
        if (t->write_status != MIGAD_OK)
            cli_error(CMD, "cannot write the dataset: %s", strerror(errno));
        else
            cli_error(CMD, "%s: out of memory while binning", t->name);
        return -1;
    }
    return 0;
}

/* Decode one frame into the batch.  Returns 0, or -1 on a fatal error. */
static int trace_frame(struct trace *t, const struct opts *o, const struct migad_frame *f)
{
    struct migad_pkt *p = &t->batch[t->nbatch++];
    p->ts = f->ts; /* kept by the decoder, which sets caplen and wirelen */
    enum migad_decode_result r = migad_decode(f->dlt, f->data, f->caplen, f->wirelen,
                                              o->decode_flags, p);
    if (r == MIGAD_DECODE_OK)
        ;
    else if (r == MIGAD_DECODE_TRUNCATED)
        t->truncated++;
    else if (r == MIGAD_DECODE_MALFORMED)
        t->malformed++;
    else if (r == MIGAD_DECODE_UNSUPPORTED_LINK)
        t->unsupported++;
    t->packets++;
    return t->nbatch == BATCH ? trace_flush(t) : 0;
}

static int trace_finish(struct trace *t, const struct opts *o)
{
    if (trace_flush(t) != 0)
        return -1;
    if (migad_binner_finish(t->binner) != MIGAD_OK) {
        cli_error(CMD, "cannot write the dataset: %s", strerror(errno));
        return -1;
    }
    struct migad_binner_stats st;
    migad_binner_stats(t->binner, &st);
    if (!o->quiet) {
        fprintf(stderr, "migad extract: %s: %" PRIu64 " packets, %" PRIu64 " bin%s, %" PRIu32
                        " segment%s",
                t->name, t->packets, st.bins, st.bins == 1 ? "" : "s", st.segments, st.segments == 1 ? "" : "s");
        if (t->truncated || t->malformed || t->unsupported)
            fprintf(stderr, "; not fully decoded: %" PRIu64 " cut by the snapshot length, %" PRIu64
                            " malformed, %" PRIu64 " of an unknown link type",
                    t->truncated, t->malformed, t->unsupported);
        fputc('\n', stderr);
        if (st.late)
            cli_warn(CMD, "%s: %" PRIu64 " packets were more than the reorder window out of "
                          "time order and were counted in a later bin (see --reorder)",
                     t->name, st.late);
        if (st.flows_dropped)
            cli_warn(CMD, "%s: flow table full: %" PRIu64 " packets of untracked flows",
                     t->name, st.flows_dropped);
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        { "bin", required_argument, NULL, 't' },
        { "features", required_argument, NULL, 'f' },
        { "labels", required_argument, NULL, 'l' },
        { "node", required_argument, NULL, OPT_NODE },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "merge", no_argument, NULL, OPT_MERGE },
        { "name", required_argument, NULL, OPT_NAME },
        { "decap", no_argument, NULL, OPT_DECAP },
        { "list-features", no_argument, NULL, OPT_LIST },
        { "max-gap", required_argument, NULL, OPT_MAXGAP },
        { "reorder", required_argument, NULL, OPT_REORDER },
        { "align", required_argument, NULL, OPT_ALIGN },
        { "flow-timeout", required_argument, NULL, OPT_FLOWTO },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "duration", required_argument, NULL, OPT_DURATION },
        { NULL, 0, NULL, 0 },
    };
    char err[MIGAD_ERRBUF_SIZE];
    const char *features = "paper";
    unsigned long long v;
    int c;
    o->src.promisc = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+r:i:F:c:B:s:pt:f:l:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (o->nfiles == MAX_INPUTS) {
                cli_error(CMD, "too many -r inputs (at most %d)", MAX_INPUTS);
                return EXIT_USAGE;
            }
            o->files[o->nfiles++] = optarg;
            break;
        case 'i':
            if (o->nifaces == MAX_INPUTS) {
                cli_error(CMD, "too many -i inputs (at most %d)", MAX_INPUTS);
                return EXIT_USAGE;
            }
            o->ifaces[o->nifaces++] = optarg;
            break;
        case 'F': o->filter_file = optarg; break;
        case 'c':
            if (cli_parse_uint(optarg, UINT64_MAX, &o->count) != 0 || o->count == 0) {
                cli_error(CMD, "invalid packet count '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'B':
            if (cli_parse_uint(optarg, 4u << 20, &v) != 0 || v == 0) {
                cli_error(CMD, "invalid buffer size '%s' (KiB, 1 to 4194304)", optarg);
                return EXIT_USAGE;
            }
            o->src.buffer_kib = (int)v;
            break;
        case 's':
            if (cli_parse_uint(optarg, 262144, &v) != 0) {
                cli_error(CMD, "invalid snapshot length '%s' (0 to 262144)", optarg);
                return EXIT_USAGE;
            }
            o->src.snaplen = (int)v;
            break;
        case 'p': o->src.promisc = 0; break;
        case 't':
            if (cli_parse_duration(optarg, &o->bin.width) != 0) {
                cli_error(CMD, "invalid bin width '%s' (e.g. 1s, 100ms)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'f': features = optarg; break;
        case 'l': o->labels_path = optarg; break;
        case OPT_NODE:
            if (!*optarg || strchr(optarg, ',')) {
                cli_error(CMD, "--node '%s': want one node name", optarg);
                return EXIT_USAGE;
            }
            o->node = optarg;
            break;
        case 'o': o->out_path = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h':
            fputs(help_text, stdout);
            return -1;
        case OPT_MERGE: o->merge = 1; break;
        case OPT_NAME: o->name = optarg; break;
        case OPT_DECAP: o->decode_flags |= MIGAD_DECODE_INNER; break;
        case OPT_LIST:
            for (unsigned f = 0; f < MIGAD_F_COUNT; f++)
                printf("%-18s %-8s %s\n", migad_feature_name((enum migad_feature)f),
                       f < 8 ? "paper" : "extended", migad_feature_help((enum migad_feature)f));
            return -1;
        case OPT_MAXGAP:
        case OPT_REORDER:
        case OPT_FLOWTO:
        case OPT_DURATION: {
            migad_ns d;
            if (cli_parse_duration(optarg, &d) != 0) {
                cli_error(CMD, "invalid duration '%s' for --%s (e.g. 2s, 500ms)", optarg,
                          c == OPT_MAXGAP    ? "max-gap"
                          : c == OPT_REORDER ? "reorder"
                          : c == OPT_FLOWTO  ? "flow-timeout"
                                             : "duration");
                return EXIT_USAGE;
            }
            if (c == OPT_MAXGAP)
                o->bin.max_gap = d;
            else if (c == OPT_REORDER)
                o->bin.reorder = d;
            else if (c == OPT_FLOWTO)
                o->bin.flow_timeout = d;
            else
                o->duration = d;
            break;
        }
        case OPT_ALIGN:
            if (strcmp(optarg, "epoch") == 0)
                o->bin.align_first = 0;
            else if (strcmp(optarg, "first") == 0)
                o->bin.align_first = 1;
            else {
                cli_error(CMD, "invalid --align '%s' (epoch or first)", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") == 0)
                o->format = MIGAD_FORMAT_CSV;
            else if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0)
                o->format = MIGAD_FORMAT_JSONL;
            else {
                cli_error(CMD, "invalid --format '%s' (csv or jsonl)", optarg);
                return EXIT_USAGE;
            }
            break;
        default:
            fprintf(stderr, "Try 'migad extract --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (migad_featset_parse(&o->fs, features, err) != MIGAD_OK) {
        cli_error(CMD, "%s", err);
        return EXIT_USAGE;
    }
    /* check the bin options now, so that a bad value is a usage error */
    struct migad_binner *probe;
    if (migad_binner_create(&probe, &o->bin, &o->fs, NULL, NULL, err) != MIGAD_OK) {
        cli_error(CMD, "%s", err);
        return EXIT_USAGE;
    }
    migad_binner_free(probe);
    if (o->nfiles == 0 && o->nifaces == 0) {
        cli_error(CMD, "no input: give -r FILE or -i IFACE (see 'migad extract --help')");
        return EXIT_USAGE;
    }
    if (o->nfiles && o->nifaces) {
        cli_error(CMD, "-r and -i cannot be mixed");
        return EXIT_USAGE;
    }
    int nstdin = 0;
    for (int i = 0; i < o->nfiles; i++)
        nstdin += strcmp(o->files[i], "-") == 0;
    if (nstdin > 1) {
        cli_error(CMD, "standard input (-r -) can be read only once");
        return EXIT_USAGE;
    }
    if (o->name && !o->merge && o->nfiles + o->nifaces > 1) {
        cli_error(CMD, "--name needs a single input or --merge");
        return EXIT_USAGE;
    }
    if (o->duration && !o->nifaces) {
        cli_error(CMD, "--duration applies to live capture (-i) only");
        return EXIT_USAGE;
    }
    /* The filter: remaining words, or -F FILE (as in tcpdump). */
    if (o->filter_file) {
        if (optind < argc) {
            cli_error(CMD, "give the filter either with -F or on the command line, not both");
            return EXIT_USAGE;
        }
        FILE *fp = fopen(o->filter_file, "r");
        if (!fp) {
            cli_error(CMD, "cannot open %s: %s", o->filter_file, strerror(errno));
            return EXIT_USAGE;
        }
        size_t cap = 4096, n = 0;
        o->filter = malloc(cap);
        int ch;
        while (o->filter && (ch = fgetc(fp)) != EOF) {
            if (n + 1 >= cap) {
                if (cap >= (1u << 20)) {
                    fclose(fp);
                    cli_error(CMD, "%s: filter expression longer than 1 MiB", o->filter_file);
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
            /* tcpdump: '#' starts a comment to the end of the line */
            if (ch == '#') {
                while ((ch = fgetc(fp)) != EOF && ch != '\n')
                    ;
                ch = ' ';
            }
            o->filter[n++] = (char)(ch == '\n' || ch == '\t' || ch == '\r' ? ' ' : ch);
        }
        fclose(fp);
        if (!o->filter) {
            cli_error(CMD, "out of memory");
            return EXIT_RUNTIME;
        }
        o->filter[n] = '\0';
    } else if (optind < argc) {
        size_t len = 1;
        for (int i = optind; i < argc; i++)
            len += strlen(argv[i]) + 1;
        o->filter = calloc(1, len);
        if (!o->filter) {
            cli_error(CMD, "out of memory");
            return EXIT_RUNTIME;
        }
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                strcat(o->filter, " ");
            strcat(o->filter, argv[i]);
        }
    }
    o->src.filter = o->filter;
    return EXIT_OK;
}

/* Read files one after the other, each its own trace. */
static int run_files(struct opts *o, const struct migad_labels *labels, struct migad_writer *w)
{
    int rc = EXIT_OK;
    struct cli_progress prog;
    cli_progress_init(&prog, o->quiet);
    for (int i = 0; i < o->nfiles; i++) {
        char err[MIGAD_ERRBUF_SIZE];
        struct migad_source *src;
        if (migad_source_open_file(&src, o->files[i], &o->src, err) != MIGAD_OK) {
            cli_error(CMD, "%s", err);
            rc = EXIT_RUNTIME;
            if (o->src.filter && strstr(err, "bad filter"))
                return EXIT_USAGE;
            continue;
        }
        char *name = o->name ? strdup(o->name) : trace_name(o->files[i]);
        struct trace t;
        int ok = name && trace_init(&t, name, o, labels, w) == 0;
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
            if (trace_flush(&t) != 0) {
                rc = EXIT_RUNTIME;
                break;
            }
            if (st != MIGAD_OK || (o->count && t.packets >= o->count))
                break;
            if (t.packets >= next_report) {
                cli_progress(&prog, "migad extract: %s: %" PRIu64 " packets", t.name, t.packets);
                next_report = t.packets + 65536;
            }
        }
        cli_progress_done(&prog);
        if (st == MIGAD_ETRUNC || st == MIGAD_EPCAP) {
            cli_error(CMD, "%s (after %" PRIu64 " packets)", migad_source_error(src), t.packets);
            rc = EXIT_RUNTIME;
        }
        if (trace_finish(&t, o) != 0)
            rc = EXIT_RUNTIME;
        trace_release(&t);
        migad_source_free(src);
        if (rc == EXIT_RUNTIME && w && ferror(stdout))
            break;
    }
    return rc;
}

/* Read all files together, merged by timestamp, as one trace. */
static int run_merged_files(struct opts *o, const struct migad_labels *labels,
                            struct migad_writer *w)
{
    int n = o->nfiles, rc = EXIT_OK;
    struct migad_source **src = calloc((size_t)n, sizeof *src);
    struct migad_frame *head = calloc((size_t)n, sizeof *head);
    int *live = calloc((size_t)n, sizeof *live);
    struct trace t;
    int have_trace = 0;
    if (!src || !head || !live) {
        cli_error(CMD, "out of memory");
        rc = EXIT_RUNTIME;
        goto out;
    }
    for (int i = 0; i < n; i++) {
        char err[MIGAD_ERRBUF_SIZE];
        if (migad_source_open_file(&src[i], o->files[i], &o->src, err) != MIGAD_OK) {
            cli_error(CMD, "%s", err);
            rc = EXIT_RUNTIME;
            goto out;
        }
    }
    if (trace_init(&t, o->name ? o->name : "merged", o, labels, w) != 0) {
        rc = EXIT_RUNTIME;
        goto out;
    }
    have_trace = 1;
    for (int i = 0; i < n; i++) {
        migad_status st = migad_source_next(src[i], &head[i]);
        live[i] = st == MIGAD_OK;
        if (st == MIGAD_ETRUNC || st == MIGAD_EPCAP) {
            cli_error(CMD, "%s", migad_source_error(src[i]));
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
        if (trace_frame(&t, o, &head[best]) != 0) {
            rc = EXIT_RUNTIME;
            break;
        }
        if (o->count && t.packets >= o->count)
            break;
        migad_status st = migad_source_next(src[best], &head[best]);
        if (st != MIGAD_OK) {
            live[best] = 0;
            if (st == MIGAD_ETRUNC || st == MIGAD_EPCAP) {
                cli_error(CMD, "%s", migad_source_error(src[best]));
                rc = EXIT_RUNTIME;
            }
        }
    }
    if (trace_finish(&t, o) != 0)
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
static int run_live(struct opts *o, const struct migad_labels *labels, struct migad_writer *w)
{
    int n = o->nifaces, rc = EXIT_OK, ntraces = o->merge ? 1 : n;
    struct migad_source **src = calloc((size_t)n, sizeof *src);
    struct trace *tr = calloc((size_t)ntraces, sizeof *tr);
    struct pollfd *pfd = calloc((size_t)n, sizeof *pfd);
    int ninit = 0;
    if (!src || !tr || !pfd) {
        cli_error(CMD, "out of memory");
        rc = EXIT_RUNTIME;
        goto out;
    }
    for (int i = 0; i < n; i++) {
        char err[MIGAD_ERRBUF_SIZE];
        migad_status st = migad_source_open_live(&src[i], o->ifaces[i], &o->src, err);
        if (st != MIGAD_OK) {
            cli_error(CMD, "%s", err);
            rc = st == MIGAD_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
            goto out;
        }
        pfd[i].fd = migad_source_fd(src[i]);
        pfd[i].events = POLLIN;
    }
    for (int i = 0; i < ntraces; i++) {
        const char *name = o->name ? o->name : o->merge ? "merged" : o->ifaces[i];
        if (trace_init(&tr[i], name, o, labels, w) != 0) {
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
            cli_error(CMD, "poll: %s", strerror(errno));
            rc = EXIT_RUNTIME;
            break;
        }
        for (int i = 0; i < n && !done; i++) {
            struct trace *t = &tr[o->merge ? 0 : i];
            struct migad_frame f;
            migad_status st;
            while ((st = migad_source_next(src[i], &f)) == MIGAD_OK) {
                if (trace_frame(t, o, &f) != 0) {
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
                cli_error(CMD, "%s", migad_source_error(src[i]));
                rc = EXIT_RUNTIME;
                done = 1;
            }
        }
        migad_ns now = cli_now_wall();
        for (int i = 0; i < ntraces; i++)
            if (trace_flush(&tr[i]) != 0 || migad_binner_advance(tr[i].binner, now) != MIGAD_OK) {
                cli_error(CMD, "cannot write the dataset: %s", strerror(errno));
                rc = EXIT_RUNTIME;
                done = 1;
            }
        if (w)
            fflush(stdout);
        if (t_end && cli_now_mono() >= t_end)
            done = 1;
    }
    /* write the quiet bins up to now, then the open ones */
    migad_ns now = cli_now_wall();
    for (int i = 0; i < ntraces; i++) {
        trace_flush(&tr[i]);
        migad_binner_advance(tr[i].binner, now + o->bin.reorder);
        if (trace_finish(&tr[i], o) != 0)
            rc = EXIT_RUNTIME;
    }
    if (!o->quiet) {
        for (int i = 0; i < n; i++) {
            uint64_t recv, drop;
            migad_source_stats(src[i], &recv, &drop);
            fprintf(stderr, "migad extract: %s: libpcap counted %" PRIu64 " packets received, %" PRIu64
                            " dropped\n",
                    o->ifaces[i], recv, drop);
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

int cmd_extract(int argc, char **argv)
{
    struct opts o;
    memset(&o, 0, sizeof o);
    migad_binner_opts_init(&o.bin);
    int rc = parse_args(argc, argv, &o);
    if (rc != EXIT_OK) {
        free(o.filter);
        return rc < 0 ? cli_finish_stdout(CMD) : rc;
    }
    struct migad_labels *labels = NULL;
    struct migad_writer *w = NULL;
    FILE *out = stdout;
    char err[MIGAD_ERRBUF_SIZE];
    if (o.node && !o.labels_path) {
        cli_error(CMD, "--node applies to the labels: give -l FILE too");
        free(o.filter);
        return EXIT_USAGE;
    }
    if (o.labels_path && migad_labels_load(o.labels_path, &labels, err) != MIGAD_OK) {
        cli_error(CMD, "%s", err);
        free(o.filter);
        return EXIT_RUNTIME;
    }
    if (labels && o.node && migad_labels_select_node(labels, o.node) != MIGAD_OK) {
        cli_error(CMD, "out of memory");
        migad_labels_free(labels);
        free(o.filter);
        return EXIT_RUNTIME;
    }
    if (o.out_path && strcmp(o.out_path, "-") != 0) {
        out = fopen(o.out_path, "w");
        if (!out) {
            cli_error(CMD, "cannot create %s: %s", o.out_path, strerror(errno));
            migad_labels_free(labels);
            free(o.filter);
            return EXIT_RUNTIME;
        }
    }
    if (migad_writer_create(&w, out, o.format, &o.fs, labels != NULL) != MIGAD_OK) {
        cli_error(CMD, "out of memory");
        rc = EXIT_RUNTIME;
    } else {
        migad_writer_header(w);
        if (o.nifaces)
            rc = run_live(&o, labels, w);
        else if (o.merge)
            rc = run_merged_files(&o, labels, w);
        else
            rc = run_files(&o, labels, w);
    }
    migad_writer_free(w);
    if (out != stdout) {
        if (fclose(out) != 0 && rc == EXIT_OK) {
            cli_error(CMD, "cannot write %s: %s", o.out_path, strerror(errno));
            rc = EXIT_RUNTIME;
        }
    } else {
        int rc2 = cli_finish_stdout(CMD);
        if (rc == EXIT_OK)
            rc = rc2;
    }
    migad_labels_free(labels);
    free(o.filter);
    return rc;
}
