/*
 * The packet inputs of migad extract and migad monitor: capture files
 * (-r, one trace each, or --merge into one) and live interfaces (-i, one
 * trace each), the BPF filter (the remaining words, or -F FILE, as in
 * tcpdump), the bin options, and the read loops that decode, bin and hand
 * every finished bin to the command with its trace's name.
 *
 * A command lists CAPTURE_SHORTOPTS and CAPTURE_LONGOPTS in its getopt
 * table, passes each option to capture_option(), then calls
 * capture_args_done() with the words after the options, and capture_run()
 * to read.  Messages name the command (cmd) and the input.
 */
#ifndef MIGAD_CLI_CAPTURE_H
#define MIGAD_CLI_CAPTURE_H

#include <getopt.h>
#include <stdint.h>

#include "migad/features.h"
#include "migad/source.h"

#define CAPTURE_MAX_INPUTS 256

enum {
    CAPTURE_OPT_MERGE = 400, CAPTURE_OPT_NAME, CAPTURE_OPT_DECAP, CAPTURE_OPT_MAXGAP,
    CAPTURE_OPT_REORDER, CAPTURE_OPT_ALIGN, CAPTURE_OPT_FLOWTO, CAPTURE_OPT_DURATION,
};

#define CAPTURE_SHORTOPTS "r:i:F:c:B:s:pt:"
#define CAPTURE_LONGOPTS                                                                  \
    { "bin", required_argument, NULL, 't' },                                             \
    { "merge", no_argument, NULL, CAPTURE_OPT_MERGE },                                   \
    { "name", required_argument, NULL, CAPTURE_OPT_NAME },                               \
    { "decap", no_argument, NULL, CAPTURE_OPT_DECAP },                                   \
    { "max-gap", required_argument, NULL, CAPTURE_OPT_MAXGAP },                          \
    { "reorder", required_argument, NULL, CAPTURE_OPT_REORDER },                         \
    { "align", required_argument, NULL, CAPTURE_OPT_ALIGN },                             \
    { "flow-timeout", required_argument, NULL, CAPTURE_OPT_FLOWTO },                     \
    { "duration", required_argument, NULL, CAPTURE_OPT_DURATION }

/* Help lines of these options, for the commands' --help. */
extern const char capture_input_help[];
extern const char capture_bin_help[];

struct capture_opts {
    const char *files[CAPTURE_MAX_INPUTS];
    int nfiles;
    const char *ifaces[CAPTURE_MAX_INPUTS];
    int nifaces;
    const char *filter_file;
    char *filter;                 /* owned */
    unsigned long long count;     /* -c: packets per trace, 0 = all */
    struct migad_source_opts src;
    migad_ns duration;            /* live: stop after, 0 = until a signal */
    int merge;
    const char *name;
    unsigned decode_flags;
    struct migad_binner_opts bin;
    int quiet;                    /* no summary, progress or drop counts */
};

void capture_opts_init(struct capture_opts *o);
void capture_opts_release(struct capture_opts *o);

/* Option c (one of CAPTURE_SHORTOPTS / CAPTURE_LONGOPTS) with argument arg:
 * 0 taken, EXIT_USAGE after a message, -1 when c is not one of them. */
int capture_option(struct capture_opts *o, int c, const char *arg, const char *cmd);

/* After the options: the filter from argv[first..argc) or -F, the bin
 * options checked against fs, the inputs checked.  EXIT_OK, or an exit
 * status after a message. */
int capture_args_done(struct capture_opts *o, const struct migad_featset *fs, int argc,
                      char **argv, int first, const char *cmd);

/* A finished bin of the trace `trace`; non-zero stops the reading (the
 * callback has said why). */
typedef int (*capture_bin_fn)(void *ctx, const char *trace, const struct migad_bin *bin);

/*
 * Read every input, decode, keep what the filter keeps, bin with the
 * features fs, call fn for every bin in order.  Live capture runs until
 * SIGINT or SIGTERM, -c or --duration, then closes the open bins.  Returns
 * an exit status: EXIT_OK, EXIT_RUNTIME (a damaged or unreadable input, or
 * fn stopped it), EXIT_USAGE (a filter libpcap refuses, an interface that
 * does not exist).
 */
int capture_run(const struct capture_opts *o, const struct migad_featset *fs, capture_bin_fn fn,
                void *ctx, const char *cmd);

#endif
