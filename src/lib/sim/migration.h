/*
 * Live migration of a VM between two nodes, as QEMU's pre-copy migration
 * under libvirt puts it on the wire (QEMU migration/ram.c, net/announce.c;
 * libvirt's migration ports 49152-49215):
 *
 *   1. The source node's host opens a TCP connection to the destination
 *      node's host on the migration port and streams the VM's RAM at most at
 *      the bandwidth cap: first every non-zero page (zero pages travel as
 *      small records), then, round after round, the pages the guest dirtied
 *      meanwhile (dirty rate x the previous round's duration).
 *   2. When the remaining dirty memory can be sent within the downtime
 *      limit (or after the maximum number of rounds), the VM is stopped: it
 *      neither sends nor receives; the rest is sent (stop-and-copy).
 *   3. The VM resumes on the destination node and QEMU announces it with
 *      five RARP requests from its MAC (first at once, then after 50, 150,
 *      250 and 350 ms: announce-initial 50 ms, announce-step 100 ms), each
 *      followed by the guest's gratuitous ARP (virtio-net guest announce).
 *      The LAN switch learns the VM's new port from them; its traffic then
 *      flows, without new handshakes, through the destination's bridge.
 */
#ifndef MIGAD_SIM_MIGRATION_H
#define MIGAD_SIM_MIGRATION_H

#include "sim.h"

struct sim_migration_cfg {
    migad_ns start;            /* when the migrate command is issued */
    uint64_t ram_bytes;        /* guest RAM */
    double zero_fraction;      /* share of zero pages (sent as 8-byte records) */
    double dirty_rate;         /* bytes per second the guest dirties */
    uint64_t bandwidth;        /* bytes per second cap (QEMU max-bandwidth) */
    migad_ns downtime_limit;   /* QEMU downtime-limit (default 300 ms) */
    int max_rounds;            /* rounds before stop-and-copy is forced */
    uint16_t port;             /* migration port on the destination (49152) */
    migad_ns owd;              /* one-way delay between the hosts */
};

/* What happened, for the ground truth (filled in as the run goes). */
struct sim_migration_result {
    migad_ns start, stop, resume, end;  /* end: the last RARP */
    uint64_t bytes;                     /* RAM bytes sent */
    int rounds;
    int done;
};

void sim_migration_cfg_default(struct sim_migration_cfg *c);

/* Migrate `vm` (located on src_host's node) to dst_host's node.  `res` must
 * stay valid for the run.  0, or -1 when out of memory. */
int sim_migrate(struct sim *s, struct sim_host *vm, struct sim_host *src_host,
                struct sim_host *dst_host, const struct sim_migration_cfg *cfg,
                struct sim_migration_result *res);

#endif
