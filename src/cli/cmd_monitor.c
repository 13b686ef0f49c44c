/*
 * migad monitor: score the bins of live bridges (or of capture files,
 * replayed) with trained models, and report the alarms as they happen.
 *
 * The inputs, the filter and the bins are migad extract's (capture.c):
 * every interface is a trace of its own, cut into bins of the width the
 * models were trained on.  The features each model needs are computed for
 * every bin and rounded as migad extract writes them
 * (migad_feature_as_written), so a bin scores bit for bit as its row in a
 * dataset would under migad score.  Each bin is scored by every model
 * (-m, repeatable); a record is written for each alarm, or for every bin
 * and model with --all, as JSON lines (default) or CSV, flushed as written
 * when capturing live, so that it pipes into jq, a log shipper or a pager.
 *
 * Migration awareness: each record carries the bin's RARP frames (QEMU
 * announces a migrated VM with five RARP broadcasts on the destination's
 * LAN) and "migration": true for a bin within --migration-window after the
 * last RARP seen on the same trace, when the VM's traffic has just moved
 * bridges; an operator reads an alarm there with that in mind.  With -l
 * (ground truth, for replays) records also carry gt and imi.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "capture.h"
#include "cli.h"
#include "migad/dataset.h"
#include "migad/detector.h"
#include "migad/features.h"
#include "migad/labels.h"

#define CMD "monitor"
#define MAX_MODELS 16
#define MAX_TRACES CAPTURE_MAX_INPUTS

static const char help_usage[] =
    "usage: migad monitor -m MODEL [-m MODEL ...] [options] -i IFACE [-i IFACE ...] [EXPRESSION]\n"
    "       migad monitor -m MODEL [-m MODEL ...] [options] -r FILE [-r FILE ...] [EXPRESSION]\n"
    "\n"
    "Score every bin of live interfaces (or of capture files, read as fast as they\n"
    "read) with models written by migad train, and report the alarms as they\n"
    "happen.  EXPRESSION is a BPF filter in tcpdump syntax, as for migad extract.\n"
    "\n"
    "Models:\n"
    "  -m, --model FILE   a model to score with (repeatable, up to 16)\n"
    "\n"
    "Input:\n";

static const char help_bins[] =
    "\n"
    "Bins (as the models' training data was extracted):\n";

static const char help_rest[] =
    "\n"
    "Migration:\n"
    "      --migration-window DUR  mark bins up to DUR after a RARP frame on the same\n"
    "                     trace as \"migration\" (default 30s; 0: the bin's own only)\n"
    "  -l, --labels FILE  ground truth (replays): add gt and imi to the records\n"
    "      --node NAME    with -l: the captures are NAME's bridge\n"
    "\n"
    "Output:\n"
    "  -o FILE            write the records to FILE (default standard output)\n"
    "      --format FMT   jsonl (default) or csv\n"
    "  -a, --all          a record for every bin and model, not only the alarms\n"
    "      --syslog       also send every alarm to syslog (facility daemon, warning)\n"
    "      --alarm-exit   exit with status 3 when there was an alarm\n"
    "  -q, --quiet        no summary or progress on standard error\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 success, 1 runtime error (unreadable or damaged model or input,\n"
    "write error), 2 usage error, 3 with --alarm-exit: at least one alarm.\n"
    "See migad-monitor(1).\n";

enum {
    OPT_WINDOW = 256,
    OPT_NODE,
    OPT_FORMAT,
    OPT_SYSLOG,
    OPT_ALARM_EXIT,
};

/* A model and the feature of each of its columns. */
struct model {
    const char *path;
    struct migad_model *m;
    enum migad_feature ids[MIGAD_F_COUNT];
    size_t d;
    uint64_t bins, alarms, alarms_migration;
};

/* A trace's migration state: when its last RARP bin ended. */
struct trace_state {
    char *name;
    migad_ns last_rarp_end;
    int seen_rarp;
};

struct monitor {
    struct capture_opts cap;
    struct model models[MAX_MODELS];
    size_t nmodels;
    struct migad_featset fs;
    migad_ns window;
    const char *labels_path, *node, *out_path;
    struct migad_labels *labels;
    enum migad_format format;
    int all, use_syslog, alarm_exit;
    FILE *out;
    int live;
    struct trace_state traces[MAX_TRACES];
    size_t ntraces;
    int header_done;
};

static int parse_args(int argc, char **argv, struct monitor *mo)
{
    static const struct option longopts[] = {
        CAPTURE_LONGOPTS,
        { "model", required_argument, NULL, 'm' },
        { "labels", required_argument, NULL, 'l' },
        { "node", required_argument, NULL, OPT_NODE },
        { "migration-window", required_argument, NULL, OPT_WINDOW },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "all", no_argument, NULL, 'a' },
        { "syslog", no_argument, NULL, OPT_SYSLOG },
        { "alarm-exit", no_argument, NULL, OPT_ALARM_EXIT },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+" CAPTURE_SHORTOPTS "m:l:o:aqh", longopts, NULL)) != -1) {
        int rc = capture_option(&mo->cap, c, optarg, CMD);
        if (rc >= 0) {
            if (rc != 0)
                return rc;
            continue;
        }
        switch (c) {
        case 'm':
            if (mo->nmodels == MAX_MODELS) {
                cli_error(CMD, "too many models (at most %d)", MAX_MODELS);
                return EXIT_USAGE;
            }
            mo->models[mo->nmodels++].path = optarg;
            break;
        case 'l': mo->labels_path = optarg; break;
        case OPT_NODE:
            if (cli_node_option(CMD, optarg) != 0)
                return EXIT_USAGE;
            mo->node = optarg;
            break;
        case OPT_WINDOW:
            if (cli_parse_duration(optarg, &mo->window) != 0) {
                cli_error(CMD, "invalid duration '%s' for --migration-window (e.g. 30s)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'o': mo->out_path = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0)
                mo->format = MIGAD_FORMAT_JSONL;
            else if (strcmp(optarg, "csv") == 0)
                mo->format = MIGAD_FORMAT_CSV;
            else {
                cli_error(CMD, "invalid --format '%s' (jsonl or csv)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'a': mo->all = 1; break;
        case OPT_SYSLOG: mo->use_syslog = 1; break;
        case OPT_ALARM_EXIT: mo->alarm_exit = 1; break;
        case 'q': mo->cap.quiet = 1; break;
        case 'h':
            fputs(help_usage, stdout);
            fputs(capture_input_help, stdout);
            fputs(help_bins, stdout);
            fputs(capture_bin_help, stdout);
            fputs(help_rest, stdout);
            return -1;
        default:
            fprintf(stderr, "Try 'migad monitor --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (mo->nmodels == 0) {
        cli_error(CMD, "no model: give -m MODEL (written by migad train)");
        return EXIT_USAGE;
    }
    /* the features: each model's columns, and RARP for the migration mark */
    mo->fs.n = 0;
    int want[MIGAD_F_COUNT] = { 0 };
    want[MIGAD_F_RARP] = 1;
    for (size_t k = 0; k < mo->nmodels; k++) {
        struct model *md = &mo->models[k];
        char err[MIGAD_ERRBUF_SIZE];
        if (migad_model_load(md->path, &md->m, err) != MIGAD_OK) {
            cli_error(CMD, "%s", err);
            return EXIT_RUNTIME;
        }
        md->d = migad_model_nfeatures(md->m);
        for (size_t j = 0; j < md->d; j++) {
            const char *name = migad_model_feature(md->m, j);
            if (migad_feature_by_name(name, &md->ids[j]) != 0) {
                cli_error(CMD, "%s: the model's feature '%s' is not one of migad extract's "
                               "(see migad extract --list-features)", md->path, name);
                return EXIT_USAGE;
            }
            want[md->ids[j]] = 1;
        }
    }
    for (unsigned f = 0; f < MIGAD_F_COUNT; f++)
        if (want[f])
            mo->fs.ids[mo->fs.n++] = (enum migad_feature)f;
    return capture_args_done(&mo->cap, &mo->fs, argc, argv, optind, CMD);
}

static struct trace_state *trace_state(struct monitor *mo, const char *name)
{
    for (size_t i = 0; i < mo->ntraces; i++)
        if (strcmp(mo->traces[i].name, name) == 0)
            return &mo->traces[i];
    if (mo->ntraces == MAX_TRACES)
        return NULL;
    struct trace_state *t = &mo->traces[mo->ntraces];
    memset(t, 0, sizeof *t);
    if (!(t->name = strdup(name)))
        return NULL;
    mo->ntraces++;
    return t;
}

static void write_header(struct monitor *mo)
{
    if (mo->format == MIGAD_FORMAT_CSV && !mo->header_done) {
        fputs("trace,segment,bin,start,model,detector,score,threshold,alarm,rarp,migration", mo->out);
        fputs(mo->labels ? ",gt,imi\n" : "\n", mo->out);
    }
    mo->header_done = 1;
}

static void write_record(struct monitor *mo, const char *trace, const struct migad_bin *bin,
                         const struct model *md, double score, int alarm, int rarp,
                         int migration, int gt, double imi)
{
    FILE *fp = mo->out;
    char ts[40];
    migad_format_time(bin->start, ts, sizeof ts);
    write_header(mo);
    if (mo->format == MIGAD_FORMAT_CSV) {
        migad_csv_text(fp, trace);
        fprintf(fp, ",%" PRIu32 ",%" PRId64 ",%s,", bin->segment, bin->index, ts);
        migad_csv_text(fp, md->path);
        fprintf(fp, ",%s,%.17g,%.17g,%d,%d,%d", migad_model_detector(md->m), score,
                migad_model_threshold(md->m), alarm, rarp, migration);
        if (mo->labels)
            fprintf(fp, ",%d,%.9g", gt, imi);
        fputc('\n', fp);
    } else {
        fputs("{\"trace\":", fp);
        migad_json_text(fp, trace);
        fprintf(fp, ",\"segment\":%" PRIu32 ",\"bin\":%" PRId64 ",\"start\":%s,\"model\":",
                bin->segment, bin->index, ts);
        migad_json_text(fp, md->path);
        fprintf(fp, ",\"detector\":\"%s\",\"score\":%.17g,\"threshold\":%.17g,\"alarm\":%s,"
                    "\"rarp\":%d,\"migration\":%s",
                migad_model_detector(md->m), score, migad_model_threshold(md->m),
                alarm ? "true" : "false", rarp, migration ? "true" : "false");
        if (mo->labels)
            fprintf(fp, ",\"gt\":%d,\"imi\":%.9g", gt, imi);
        fputs("}\n", fp);
    }
}

static int on_bin(void *ctx, const char *trace, const struct migad_bin *bin)
{
    struct monitor *mo = ctx;
    struct trace_state *ts = trace_state(mo, trace);
    if (!ts) {
        cli_error(CMD, "out of memory, or more than %d traces", MAX_TRACES);
        return 1;
    }
    int rarp = (int)bin->values[MIGAD_F_RARP];
    if (rarp > 0) {
        ts->seen_rarp = 1;
        ts->last_rarp_end = bin->start + bin->width;
    }
    int migration = rarp > 0 ||
                    (ts->seen_rarp && bin->start + bin->width - ts->last_rarp_end <= mo->window);
    int gt = 0;
    double imi = 0;
    if (mo->labels)
        migad_labels_bin(mo->labels, bin->start, bin->width, &gt, &imi);
    for (size_t k = 0; k < mo->nmodels; k++) {
        struct model *md = &mo->models[k];
        double row[MIGAD_F_COUNT], score;
        int alarm;
        char err[MIGAD_ERRBUF_SIZE];
        for (size_t j = 0; j < md->d; j++)
            row[j] = migad_feature_as_written(md->ids[j], bin->values[md->ids[j]]);
        if (migad_model_score_rows(md->m, row, 1, trace, &score, &alarm, err) != MIGAD_OK) {
            cli_error(CMD, "%s (model %s)", err, md->path);
            return 1;
        }
        md->bins++;
        md->alarms += (uint64_t)alarm;
        md->alarms_migration += (uint64_t)(alarm && migration);
        if (alarm || mo->all)
            write_record(mo, trace, bin, md, score, alarm, rarp, migration, gt, imi);
        if (alarm && mo->use_syslog) {
            char t[40];
            migad_format_time(bin->start, t, sizeof t);
            syslog(LOG_WARNING, "alarm trace=%s bin=%" PRId64 " start=%s detector=%s model=%s "
                                "score=%.6g threshold=%.6g rarp=%d migration=%d",
                   trace, bin->index, t, migad_model_detector(md->m), md->path, score,
                   migad_model_threshold(md->m), rarp, migration);
        }
    }
    if (mo->live)
        fflush(mo->out);
    if (ferror(mo->out)) {
        cli_error(CMD, "cannot write the records: %s", strerror(errno));
        return 1;
    }
    return 0;
}

static void release(struct monitor *mo)
{
    for (size_t k = 0; k < mo->nmodels; k++)
        migad_model_free(mo->models[k].m);
    for (size_t i = 0; i < mo->ntraces; i++)
        free(mo->traces[i].name);
    migad_labels_free(mo->labels);
    capture_opts_release(&mo->cap);
}

int cmd_monitor(int argc, char **argv)
{
    struct monitor *mo = calloc(1, sizeof *mo);
    if (!mo) {
        cli_error(CMD, "out of memory");
        return EXIT_RUNTIME;
    }
    capture_opts_init(&mo->cap);
    mo->window = 30 * MIGAD_NS_PER_SEC;
    mo->format = MIGAD_FORMAT_JSONL;
    int rc = parse_args(argc, argv, mo);
    if (rc != EXIT_OK) {
        release(mo);
        free(mo);
        return rc < 0 ? cli_finish_stdout(CMD) : rc;
    }
    rc = cli_labels_open(CMD, mo->labels_path, mo->node, &mo->labels);
    if (rc != EXIT_OK) {
        release(mo);
        free(mo);
        return rc;
    }
    mo->out = stdout;
    if (mo->out_path && strcmp(mo->out_path, "-") != 0 && !(mo->out = fopen(mo->out_path, "w"))) {
        cli_error(CMD, "cannot create %s: %s", mo->out_path, strerror(errno));
        release(mo);
        free(mo);
        return EXIT_RUNTIME;
    }
    mo->live = mo->cap.nifaces > 0;
    if (mo->use_syslog)
        openlog("migad", LOG_PID, LOG_DAEMON);
    rc = capture_run(&mo->cap, &mo->fs, on_bin, mo, CMD);
    if (rc == EXIT_OK)
        write_header(mo); /* a CSV without records still has its header */
    if (mo->use_syslog)
        closelog();
    if (mo->out != stdout) {
        if (fclose(mo->out) != 0 && rc == EXIT_OK) {
            cli_error(CMD, "cannot write %s: %s", mo->out_path, strerror(errno));
            rc = EXIT_RUNTIME;
        }
    } else {
        int rc2 = cli_finish_stdout(CMD);
        if (rc == EXIT_OK)
            rc = rc2;
    }
    uint64_t alarms = 0;
    for (size_t k = 0; k < mo->nmodels; k++) {
        const struct model *md = &mo->models[k];
        alarms += md->alarms;
        if (!mo->cap.quiet && rc != EXIT_USAGE)
            fprintf(stderr, "migad %s: %s (%s): %" PRIu64 " bins scored, %" PRIu64 " alarm%s (%"
                            PRIu64 " in bins marked migration), threshold %.6g\n",
                    CMD, md->path, migad_model_detector(md->m), md->bins, md->alarms,
                    md->alarms == 1 ? "" : "s", md->alarms_migration,
                    migad_model_threshold(md->m));
    }
    if (rc == EXIT_OK && mo->alarm_exit && alarms > 0)
        rc = EXIT_ALARM;
    release(mo);
    free(mo);
    return rc;
}
