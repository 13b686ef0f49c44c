/*
 * migad: the command.  A table of subcommands; each is one file.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cli_cmd commands[] = {
    { "sim", cmd_sim, "the paper's testbed as packet captures with ground truth" },
    { "extract", cmd_extract, "packets to labelled per-bin traffic features (CSV)" },
    { "train", cmd_train, "fit an anomaly detector (pca, kmeans, gmm, svm, ae) and write a model" },
    { "score", cmd_score, "anomaly scores and alarms of feature rows under a model" },
    { "eval", cmd_eval, "ROC, AUC, TPR at FPR, F1 of scores, with and without migration" },
    { "plot", cmd_plot, "figures as SVG: anomaly-score graph, ROC pair, feature scatter" },
    { "experiment", cmd_experiment, "paper 1's whole evaluation: sim to HTML report" },
    { "monitor", cmd_monitor, "score live bridges (or replayed captures) with models, report alarms" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
    fprintf(fp, "usage: migad [--version] [--help] COMMAND [ARGS]\n\n"
                "Network anomaly detection in virtualized clouds, reliable under live migration.\n\n"
                "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\n'migad COMMAND --help' and 'man migad-COMMAND' describe each command.\n"
                "Exit status: 0 success, 1 runtime error, 2 usage error (3: monitor --alarm-exit).\n");
}

int main(int argc, char **argv)
{
    /* A closed pipe (migad extract ... | head) is reported as a write error,
     * not a silent death. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (strcmp(name, "help") == 0 && argc > 2) {
            for (size_t i = 0; i < NCOMMANDS; i++) {
                if (strcmp(argv[2], commands[i].name) == 0) {
                    char *hargv[] = { argv[2], "--help", NULL };
                    return commands[i].run(2, hargv);
                }
            }
            cli_error(NULL, "'%s' is not a migad command", argv[2]);
            return EXIT_USAGE;
        }
        usage(stdout);
        return cli_finish_stdout(NULL);
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("migad %s\n", migad_version());
        return cli_finish_stdout(NULL);
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(name, commands[i].name) == 0) {
            /* getopt's own messages then read "migad CMD: invalid option" */
            char full[64];
            snprintf(full, sizeof full, "migad %s", commands[i].name);
            argv[1] = full;
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    cli_error(NULL, "'%s' is not a migad command (see 'migad --help')", name);
    return EXIT_USAGE;
}
