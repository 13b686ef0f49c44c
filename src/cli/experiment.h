/*
 * migad experiment: shared between cmd_experiment.c (the steps) and
 * report.c (the HTML report).  Internal to the command-line layer.
 */
#ifndef MIGAD_CLI_EXPERIMENT_H
#define MIGAD_CLI_EXPERIMENT_H

#include <stddef.h>

#include "migad/migad.h"
#include "migad/sim.h"

#define EXP_PATH_LEN 4096
#define EXP_NAME_LEN 128
#define EXP_MAX_RUNS 64
#define EXP_MAX_DATA 32
#define EXP_MAX_DET 8
#define EXP_MAX_SETS 64
#define EXP_MAX_TARGS 32

/* One run of runs.tsv: two traces (the bridges) and ground truth. */
struct exp_run {
    char name[EXP_NAME_LEN];
    char attack[EXP_NAME_LEN], intensity[EXP_NAME_LEN], overlap[EXP_NAME_LEN];
    char mdout[EXP_PATH_LEN], mdin[EXP_PATH_LEN], gt[EXP_PATH_LEN];
    char mdout_node[EXP_NAME_LEN], mdin_node[EXP_NAME_LEN]; /* "" when not given */
};

/* One combined dataset: the runs of one attack type and intensity. */
struct exp_data {
    char name[EXP_NAME_LEN + 16];
    char attack[EXP_NAME_LEN], intensity[EXP_NAME_LEN];
    size_t runs[EXP_MAX_RUNS], nruns; /* NM runs first, then AM */
    size_t am_run;                    /* the run of the anomaly-score graph */
    size_t rows, rows_nomig, attack_rows;
    int scatter_ok;                           /* the two scatter plots drawn */
    char scatter_err[MIGAD_ERRBUF_SIZE];      /* why not */
    char scatter_svg[2][EXP_PATH_LEN];        /* without, with migration */
};

/* The results of one detector on one dataset. */
struct exp_cell {
    int ok;
    char err[MIGAD_ERRBUF_SIZE];
    double auc_with, auc_without, tpr5_with, tpr5_without;
    double pauc_with, pauc_without;  /* McClish partial AUC up to FPR 0.1 */
    int has_ci;
    double auc_lo, auc_hi;           /* bootstrap interval of auc_with */
    size_t n_mig_only, n_normal;     /* with-rows: gt 0 with imi > 0, and with imi 0 */
    double far_mig, far_normal;      /* alarm rates on them at the model's threshold */
    double threshold;
    char roc_svg[EXP_PATH_LEN], asg_svg[EXP_PATH_LEN];
    char asg_trace[2 * EXP_NAME_LEN + 2];
};

struct experiment {
    /* options */
    const char *out, *traces, *filter, *seed;
    const char *sets[EXP_MAX_SETS];
    size_t nsets;
    const char *det[EXP_MAX_DET];
    size_t ndet;
    const char *targs[EXP_MAX_TARGS]; /* --train-args DET:ARGS, as given */
    size_t ntargs;
    unsigned bootstrap;               /* resamples of the AUC intervals */
    int fit_all;                      /* --fit all: unsupervised detectors see attacks */
    char scatter[2][EXP_NAME_LEN];    /* features of the scatter plots */
    int quiet;
    struct migad_scenario sc; /* the base scenario, with --seed and --set applied */
    int argc;
    char **argv;
    migad_ns t0, started;
    /* state */
    char tracedir[EXP_PATH_LEN];
    struct exp_run runs[EXP_MAX_RUNS];
    size_t nruns;
    struct exp_data data[EXP_MAX_DATA];
    size_t nsets_data;
    struct exp_cell cells[EXP_MAX_DATA][EXP_MAX_DET];
};

/* snprintf that may cut the text (through vsnprintf: no truncation warning). */
void exp_text(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The shortest decimal text that reads back as v (as migad eval prints). */
void exp_num(char out[32], double v);

/* pca, kmeans or gmm: fitted on the normal rows unless --fit all. */
int exp_unsupervised(const char *det);

/* Write OUT/report.html; an exit status (messages on stderr). */
int exp_write_report(const struct experiment *e);

#endif
