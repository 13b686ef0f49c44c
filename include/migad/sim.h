/*
 * The simulator: paper 1's testbed (seed 000, sec. III) as packet captures.
 *
 * Two nodes, each with a VM bridge that is part of the LAN; VMs running HTTP
 * servers on them; an external client host running HTTP clients against
 * every VM; an attacker host; the LAN's router.  One run: background
 * throughout, an attack (nmap SYN scan or hping3 SYN flood) from
 * attack_start to the end, and one VM live-migrating from node A to node B.
 * It writes the capture of each node's bridge, the ground truth, and the
 * scenario itself (so the run can be regenerated): docs/scenario.md.
 * Same scenario and seed, same bytes.
 */
#ifndef MIGAD_SIM_H
#define MIGAD_SIM_H

#include "migad/migad.h"

#ifdef __cplusplus
extern "C" {
#endif

enum migad_attack {
    MIGAD_ATTACK_NONE = 0,
    MIGAD_ATTACK_NETSCAN, /* NS: nmap -sS over the VM subnet */
    MIGAD_ATTACK_DOS,     /* DoS: hping3 -S SYN flood on a VM that does not migrate */
};

struct migad_scenario {
    uint64_t seed;
    double t0;              /* run start, seconds since the epoch */
    double duration;        /* seconds (600) */
    int vms_a, vms_b;       /* VMs on node A and node B (3, 2) */
    int clients_per_vm;     /* HTTP clients per VM (2) */
    double think_mean;      /* mean pause between fetches, s (0.5) */
    double body_xm;         /* smallest HTTP body, bytes (Pareto scale) */
    double body_alpha;      /* Pareto shape of the body size */
    int keepalive;          /* requests per connection (1) */
    uint32_t snaplen;       /* bytes captured per frame (128, as the testbed) */

    enum migad_attack attack;
    int high;               /* AH (1) or AL (0) */
    double attack_start;    /* s from the start (300) */
    double scan_rate_high;  /* nmap --min-rate, probes/s */
    double scan_rate_low;   /* nmap --max-rate, probes/s */
    int scan_ports;         /* nmap's top ports scanned */
    double dos_rate_high;   /* hping3 SYNs/s */
    double dos_rate_low;
    int dos_rand_source;    /* hping3 --rand-source */
    int dos_victim;         /* index of the victim VM (a VM that does not migrate) */

    int migrate;            /* one VM migrates from node A to node B */
    double migration_start; /* s from the start: 150 (NM) or 450 (AM) */
    int migrating_vm;       /* index of the VM (0 = vm1, on node A) */
    double vm_ram_mib;      /* guest RAM */
    double zero_fraction;   /* share of zero pages */
    double dirty_mib_s;     /* guest dirty rate */
    double bandwidth_mib_s; /* migration bandwidth cap */
    double downtime_ms;     /* downtime limit */

    /* Set by migad_scenario_set when the key is given: until then
     * attack_start follows duration (half of it) and migration_start
     * follows attack_start (half of it), so --set duration=120 alone makes
     * a consistent run. */
    int attack_start_given, migration_start_given;
};

/* The paper's BC0 defaults (netscan, high, migration in the normal period). */
void migad_scenario_default(struct migad_scenario *sc);

/* Set one key of the scenario file format from text; err names the key. */
migad_status migad_scenario_set(struct migad_scenario *sc, const char *key, const char *value,
                                char err[MIGAD_ERRBUF_SIZE]);

/* Read a scenario file (key = value lines) over the current values. */
migad_status migad_scenario_load(struct migad_scenario *sc, const char *path,
                                 char err[MIGAD_ERRBUF_SIZE]);

/* Write every key (so the run can be regenerated). */
migad_status migad_scenario_write(const struct migad_scenario *sc, const char *path,
                                  char err[MIGAD_ERRBUF_SIZE]);

/* What a run produced. */
struct migad_sim_report {
    uint64_t frames[2], bytes[2];   /* per bridge: node A, node B */
    double mig_start, mig_stop, mig_resume, mig_end; /* s from the start, -1 if none */
    uint64_t mig_bytes;
    int mig_rounds;
};

/*
 * Run one scenario into directory `dir` (created if missing):
 *   nodeA-virbr0.pcap  nodeB-virbr0.pcap  groundtruth.txt  scenario.txt
 */
migad_status migad_sim_run(const struct migad_scenario *sc, const char *dir,
                           struct migad_sim_report *rep, char err[MIGAD_ERRBUF_SIZE]);

#ifdef __cplusplus
}
#endif

#endif
