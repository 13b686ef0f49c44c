/*
 * migad sim: the paper's testbed as packet captures with exact ground truth.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "migad/sim.h"

#define CMD "sim"

static const char help_text[] =
    "usage: migad sim [options] [-o DIR]\n"
    "\n"
    "Write the traffic of paper 1's testbed (two KVM nodes, five HTTP-server VMs,\n"
    "an HTTP client host, an attacker) as captures of both nodes' VM bridges, with\n"
    "exact ground truth.  By default the paper's matrix: netscan and DoS, high and\n"
    "low intensity, migration in the normal (NM) or the attack (AM) period: 8 runs,\n"
    "16 captures, each run in DIR/<ns|dos>-<high|low>-<nm|am>/.\n"
    "\n"
    "  -o, --out DIR        output directory (default sim-out)\n"
    "  -s, --scenario FILE  read a scenario file (docs/scenario.md); default BC0\n"
    "      --set KEY=VALUE  set one scenario key (repeatable), e.g. --set duration=120\n"
    "      --seed N         the seed (same seed, same bytes)\n"
    "      --single         run the scenario once, as given, into DIR\n"
    "      --print          print the scenario (all keys) and exit\n"
    "  -q, --quiet          no progress on standard error\n"
    "  -h, --help           show this help\n"
    "\n"
    "Each run directory holds nodeA-virbr0.pcap (the source node's bridge, MDout),\n"
    "nodeB-virbr0.pcap (the destination's, MDin), groundtruth.txt and scenario.txt\n"
    "('migad sim --single -s DIR/scenario.txt' regenerates it byte for byte).\n"
    "In the matrix, the migration starts halfway through the normal period (NM)\n"
    "or halfway through the attack (AM), and run i uses seed + i.\n"
    "\n"
    "Exit status: 0 success, 1 runtime error, 2 usage error.\n";

static int mkdir_p(const char *dir)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int run_one(const struct migad_scenario *sc, const char *dir, const char *name, int quiet)
{
    char err[MIGAD_ERRBUF_SIZE];
    struct migad_sim_report rep;
    migad_ns t = cli_now_mono();
    if (!quiet)
        fprintf(stderr, "migad sim: %s ...", name);
    migad_status st = migad_sim_run(sc, dir, &rep, err);
    if (st != MIGAD_OK) {
        if (!quiet)
            fputc('\n', stderr);
        cli_error(CMD, "%s: %s", name, err);
        return st == MIGAD_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (!quiet) {
        fprintf(stderr, "\rmigad sim: %s: node A %" PRIu64 " frames, node B %" PRIu64 " frames",
                name, rep.frames[0], rep.frames[1]);
        if (rep.mig_start >= 0)
            fprintf(stderr, "; migration %.1f-%.1f s, downtime %.0f ms, %d rounds", rep.mig_start,
                    rep.mig_end, (rep.mig_resume - rep.mig_stop) * 1000, rep.mig_rounds);
        fprintf(stderr, " (%.1f s)\n", (double)(cli_now_mono() - t) / 1e9);
    }
    return EXIT_OK;
}

int cmd_sim(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' },
        { "scenario", required_argument, NULL, 's' },
        { "set", required_argument, NULL, 'S' },
        { "seed", required_argument, NULL, 'e' },
        { "single", no_argument, NULL, '1' },
        { "print", no_argument, NULL, 'P' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct migad_scenario sc;
    migad_scenario_default(&sc);
    const char *out = "sim-out";
    int single = 0, quiet = 0, print = 0, c;
    char err[MIGAD_ERRBUF_SIZE];
    optind = 1;
    while ((c = getopt_long(argc, argv, "+o:s:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's':
            if (migad_scenario_load(&sc, optarg, err) != MIGAD_OK) {
                cli_error(CMD, "%s", err);
                return EXIT_USAGE;
            }
            break;
        case 'S': {
            char *eq = strchr(optarg, '=');
            if (!eq) {
                cli_error(CMD, "--set needs KEY=VALUE: '%s'", optarg);
                return EXIT_USAGE;
            }
            *eq = '\0';
            if (migad_scenario_set(&sc, optarg, eq + 1, err) != MIGAD_OK) {
                cli_error(CMD, "%s", err);
                return EXIT_USAGE;
            }
            break;
        }
        case 'e':
            if (migad_scenario_set(&sc, "seed", optarg, err) != MIGAD_OK) {
                cli_error(CMD, "%s", err);
                return EXIT_USAGE;
            }
            break;
        case '1': single = 1; break;
        case 'P': print = 1; break;
        case 'q': quiet = 1; break;
        case 'h':
            fputs(help_text, stdout);
            return cli_finish_stdout(CMD);
        default:
            fprintf(stderr, "Try 'migad sim --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (cli_operands(CMD, argc, argv, NULL) != 0)
        return EXIT_USAGE;
    if (print) {
        if (migad_scenario_write(&sc, "/dev/stdout", err) != MIGAD_OK) {
            cli_error(CMD, "%s", err);
            return EXIT_RUNTIME;
        }
        return EXIT_OK;
    }
    if (mkdir_p(out) != 0) {
        cli_error(CMD, "cannot create %s: %s", out, strerror(errno));
        return EXIT_RUNTIME;
    }
    if (single)
        return run_one(&sc, out, out, quiet);

    /* the paper's matrix: 2 types x 2 intensities x 2 overlaps */
    static const struct {
        enum migad_attack attack;
        const char *name;
    } types[2] = { { MIGAD_ATTACK_NETSCAN, "ns" }, { MIGAD_ATTACK_DOS, "dos" } };
    char index[4096];
    snprintf(index, sizeof index, "%s/runs.tsv", out);
    FILE *idx = fopen(index, "w");
    if (!idx) {
        cli_error(CMD, "cannot create %s: %s", index, strerror(errno));
        return EXIT_RUNTIME;
    }
    fprintf(idx, "run\tattack\tintensity\toverlap\tmdout\tmdin\tgroundtruth\tmdout_node\t"
                 "mdin_node\n");
    int rc = EXIT_OK, i = 0;
    uint64_t seed = sc.seed;
    for (int t = 0; t < 2 && rc == EXIT_OK; t++) {
        for (int high = 1; high >= 0 && rc == EXIT_OK; high--) {
            for (int am = 0; am < 2 && rc == EXIT_OK; am++, i++) {
                struct migad_scenario r = sc;
                r.attack = types[t].attack;
                r.high = high;
                r.migrate = 1;
                r.migration_start = am ? r.attack_start + (r.duration - r.attack_start) / 2
                                       : r.attack_start / 2;
                r.seed = seed + (uint64_t)i;
                char name[32], dir[4096];
                snprintf(name, sizeof name, "%s-%s-%s", types[t].name, high ? "high" : "low",
                         am ? "am" : "nm");
                snprintf(dir, sizeof dir, "%s/%s", out, name);
                rc = run_one(&r, dir, name, quiet);
                fprintf(idx,
                        "%s\t%s\t%s\t%s\t%s/nodeA-virbr0.pcap\t%s/nodeB-virbr0.pcap\t"
                        "%s/groundtruth.txt\tnodeA\tnodeB\n",
                        name, t ? "dos" : "netscan", high ? "high" : "low", am ? "AM" : "NM",
                        name, name, name);
            }
        }
    }
    if (fclose(idx) != 0 && rc == EXIT_OK) {
        cli_error(CMD, "cannot write %s: %s", index, strerror(errno));
        rc = EXIT_RUNTIME;
    }
    return rc;
}
