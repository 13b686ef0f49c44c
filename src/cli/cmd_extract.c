/*
 * migad extract: packets to labelled per-bin features.
 *
 * Reads capture files (-r, repeatable) or live interfaces (-i, repeatable),
 * keeps the packets matching an optional BPF filter, decodes them, cuts them
 * into bins and writes one feature row per bin.  Each input is its own trace
 * unless --merge folds them, by timestamp, into one.  The inputs and their
 * reading are capture.c's, shared with migad monitor.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "cli.h"
#include "migad/dataset.h"
#include "migad/features.h"
#include "migad/labels.h"

#define CMD "extract"

static const char help_usage[] =
    "usage: migad extract [options] -r FILE [-r FILE ...] [EXPRESSION]\n"
    "       migad extract [options] -i IFACE [-i IFACE ...] [EXPRESSION]\n"
    "\n"
    "Cut packets into fixed-width time bins and write one feature vector per bin.\n"
    "EXPRESSION is a BPF filter in tcpdump syntax; matching packets are kept.\n"
    "\n"
    "Input:\n";

static const char help_features[] =
    "\n"
    "Bins and features:\n";

static const char help_output[] =
    "  -f, --features SET feature set or columns, comma-separated (default paper):\n"
    "                     paper = the 8 features of Shirazi et al.; extended = all\n"
    "      --list-features  list the feature columns and exit\n"
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
    OPT_NODE = 256,
    OPT_LIST,
    OPT_FORMAT,
};

struct opts {
    struct capture_opts cap;
    struct migad_featset fs;
    const char *labels_path;
    const char *node; /* --node: label attacks seen on this node's bridge only */
    const char *out_path;
    enum migad_format format;
};

/* Where the rows go. */
struct sink {
    struct migad_writer *writer;
    const struct migad_labels *labels;
};

static int on_bin(void *ctx, const char *trace, const struct migad_bin *bin)
{
    struct sink *k = ctx;
    int gt = 0;
    double imi = 0;
    if (k->labels)
        migad_labels_bin(k->labels, bin->start, bin->width, &gt, &imi);
    if (migad_writer_row(k->writer, trace, bin, gt, imi) != MIGAD_OK) {
        cli_error(CMD, "cannot write the dataset: %s", strerror(errno));
        return 1;
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        CAPTURE_LONGOPTS,
        { "features", required_argument, NULL, 'f' },
        { "labels", required_argument, NULL, 'l' },
        { "node", required_argument, NULL, OPT_NODE },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "list-features", no_argument, NULL, OPT_LIST },
        { "format", required_argument, NULL, OPT_FORMAT },
        { NULL, 0, NULL, 0 },
    };
    char err[MIGAD_ERRBUF_SIZE];
    const char *features = "paper";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+" CAPTURE_SHORTOPTS "f:l:o:qh", longopts, NULL)) != -1) {
        int rc = capture_option(&o->cap, c, optarg, CMD);
        if (rc >= 0) {
            if (rc != 0)
                return rc;
            continue;
        }
        switch (c) {
        case 'f': features = optarg; break;
        case 'l': o->labels_path = optarg; break;
        case OPT_NODE:
            if (cli_node_option(CMD, optarg) != 0)
                return EXIT_USAGE;
            o->node = optarg;
            break;
        case 'o': o->out_path = optarg; break;
        case 'q': o->cap.quiet = 1; break;
        case 'h':
            fputs(help_usage, stdout);
            fputs(capture_input_help, stdout);
            fputs(help_features, stdout);
            fputs(capture_bin_help, stdout);
            fputs(help_output, stdout);
            return -1;
        case OPT_LIST:
            for (unsigned f = 0; f < MIGAD_F_COUNT; f++)
                printf("%-18s %-8s %s\n", migad_feature_name((enum migad_feature)f),
                       f < 8 ? "paper" : "extended", migad_feature_help((enum migad_feature)f));
            return -1;
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
    return capture_args_done(&o->cap, &o->fs, argc, argv, optind, CMD);
}

int cmd_extract(int argc, char **argv)
{
    struct opts o;
    memset(&o, 0, sizeof o);
    capture_opts_init(&o.cap);
    int rc = parse_args(argc, argv, &o);
    if (rc != EXIT_OK) {
        capture_opts_release(&o.cap);
        return rc < 0 ? cli_finish_stdout(CMD) : rc;
    }
    struct migad_labels *labels;
    struct migad_writer *w = NULL;
    FILE *out = stdout;
    rc = cli_labels_open(CMD, o.labels_path, o.node, &labels);
    if (rc != EXIT_OK) {
        capture_opts_release(&o.cap);
        return rc;
    }
    if (o.out_path && strcmp(o.out_path, "-") != 0) {
        out = fopen(o.out_path, "w");
        if (!out) {
            cli_error(CMD, "cannot create %s: %s", o.out_path, strerror(errno));
            migad_labels_free(labels);
            capture_opts_release(&o.cap);
            return EXIT_RUNTIME;
        }
    } else if (o.cap.nifaces) {
        setvbuf(stdout, NULL, _IOLBF, 0); /* live rows as they come */
    }
    if (migad_writer_create(&w, out, o.format, &o.fs, labels != NULL) != MIGAD_OK) {
        cli_error(CMD, "out of memory");
        rc = EXIT_RUNTIME;
    } else {
        migad_writer_header(w);
        struct sink k = { w, labels };
        rc = capture_run(&o.cap, &o.fs, on_bin, &k, CMD);
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
    capture_opts_release(&o.cap);
    return rc;
}
