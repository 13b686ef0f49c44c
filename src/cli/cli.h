/*
 * The command-line layer: the only part of migad that talks to the user and
 * chooses exit codes.  Each subcommand is one file (cmd_*.c) with one entry
 * point listed in the table in main.c.
 */
#ifndef MIGAD_CLI_H
#define MIGAD_CLI_H

#include <stdio.h>

#include "migad/migad.h"

/* Exit codes, documented in migad(1). */
enum {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1,  /* a runtime error: unreadable or damaged input, I/O */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_ALARM = 3,    /* migad monitor --alarm-exit: there was an alarm */
};

struct cli_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

int cmd_extract(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_train(int argc, char **argv);
/* Parse training options only (no -d, -i, -o); an exit status. */
int cmd_train_check(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_experiment(int argc, char **argv);
int cmd_monitor(int argc, char **argv);

/* "migad CMD: message" on stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Parse a duration: a decimal number with an optional unit ns, us, ms, s
 * (default), m or h, e.g. "1", "0.5s", "250ms".  Exact to the nanosecond.
 * Returns 0, or -1 when the text is not a duration or out of range.
 */
int cli_parse_duration(const char *text, migad_ns *out);

/* Parse a non-negative integer (decimal) up to max; 0 or -1. */
int cli_parse_uint(const char *text, unsigned long long max, unsigned long long *out);

/* Monotonic and wall clocks in nanoseconds. */
migad_ns cli_now_mono(void);
migad_ns cli_now_wall(void);

/* Progress on stderr, only when stderr is a terminal (and not quiet). */
struct cli_progress {
    int enabled;
    migad_ns last;
    int shown;
};
void cli_progress_init(struct cli_progress *p, int quiet);
/* Redraw at most every 200 ms; fmt is one line without newline. */
void cli_progress(struct cli_progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_progress_done(struct cli_progress *p);

struct migad_labels;

/* --node NAME (migad extract, monitor): one node name, no comma; 0, or
 * EXIT_USAGE after a message. */
int cli_node_option(const char *cmd, const char *arg);

/*
 * -l FILE and --node NAME (migad extract, monitor): the ground truth of
 * `path` into *out (NULL when path is NULL), kept for node's bridge when
 * node is not NULL.  EXIT_OK, or an exit status after a message (--node
 * without -l is a usage error).
 */
int cli_labels_open(const char *cmd, const char *path, const char *node,
                    struct migad_labels **out);

/* Flush stdout and report a write error (a closed pipe, a full disk). */
int cli_finish_stdout(const char *cmd);

/*
 * The operands left after getopt (argv[optind..]): the first becomes
 * *input when input is not NULL and *input is not set yet (as with -i);
 * any other is an error.  0, or EXIT_USAGE after a message.
 */
int cli_operands(const char *cmd, int argc, char **argv, const char **input);

#endif
