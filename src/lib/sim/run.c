/*
 * One simulated run: the testbed of seed 000 (sec. III) built from a
 * scenario, its traffic models started, the world run, the ground truth and
 * the scenario written next to the captures.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attack.h"
#include "http.h"
#include "migad/labels.h"
#include "migad/sim.h"
#include "migration.h"
#include "mgmt.h"
#include "sim.h"

#define NET 0x0a0a0000u /* 10.10.0.0/24 */
#define MAXVMS 120

static migad_ns to_ns(double seconds)
{
    return (migad_ns)llround(seconds * 1e6) * 1000;
}

static void fmt_time(migad_ns t, char *buf, size_t len)
{
    snprintf(buf, len, "%lld.%09lld", (long long)(t / MIGAD_NS_PER_SEC),
             (long long)(t % MIGAD_NS_PER_SEC));
}

static void fmt_ip(uint32_t ip, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static migad_status check(const struct migad_scenario *sc, char *err)
{
    if (sc->vms_a + sc->vms_b > MAXVMS) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "at most %d VMs", MAXVMS);
        return MIGAD_EINVAL;
    }
    if (sc->migrate && sc->migrating_vm >= sc->vms_a) {
        snprintf(err, MIGAD_ERRBUF_SIZE,
                 "migrating_vm %d is not on node A (node A has %d VMs, numbered from 0)",
                 sc->migrating_vm, sc->vms_a);
        return MIGAD_EINVAL;
    }
    if (sc->attack == MIGAD_ATTACK_DOS &&
        (sc->dos_victim >= sc->vms_a + sc->vms_b ||
         (sc->migrate && sc->dos_victim == sc->migrating_vm))) {
        snprintf(err, MIGAD_ERRBUF_SIZE,
                 "dos_victim %d must be a VM (0 to %d) that does not migrate", sc->dos_victim,
                 sc->vms_a + sc->vms_b - 1);
        return MIGAD_EINVAL;
    }
    if (sc->attack != MIGAD_ATTACK_NONE && sc->attack_start >= sc->duration) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "attack_start must be before the end of the run");
        return MIGAD_EINVAL;
    }
    if (sc->migrate && sc->migration_start >= sc->duration) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "migration_start must be before the end of the run");
        return MIGAD_EINVAL;
    }
    return MIGAD_OK;
}

/* The ground truth of the run, in the canonical form of docs/groundtruth.md
 * (the lines are written to memory, parsed and written back by the labels
 * module, which sorts them and fixes the header). */
static migad_status write_gt(const struct migad_scenario *sc, const char *path, migad_ns t0,
                             const struct sim_host *attacker, const struct sim_host *victim,
                             const struct sim_host *vm, const struct sim_migration_result *mr,
                             char *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (!fp) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "out of memory");
        return MIGAD_ENOMEM;
    }
    char a[40], b[40], ip[20], ip2[20];
    if (sc->attack != MIGAD_ATTACK_NONE) {
        fmt_time(t0 + to_ns(sc->attack_start), a, sizeof a);
        fmt_time(t0 + to_ns(sc->duration), b, sizeof b);
        fmt_ip(attacker->ip, ip, sizeof ip);
        if (sc->attack == MIGAD_ATTACK_NETSCAN)
            snprintf(ip2, sizeof ip2, "10.10.0.0/24");
        else
            fmt_ip(victim->ip, ip2, sizeof ip2);
        /* a scan reaches both bridges (ARP broadcasts, VMs on both nodes); a
         * flood only the victim's, which does not migrate */
        const char *nodes = sc->attack == MIGAD_ATTACK_NETSCAN ? ""
                            : victim->node == SIM_NODE_A        ? " nodes=nodeA"
                                                                : " nodes=nodeB";
        fprintf(fp, "attack %s %s type=%s intensity=%s target=%s source=%s%s\n", a, b,
                sc->attack == MIGAD_ATTACK_NETSCAN ? "netscan" : "dos", sc->high ? "high" : "low",
                ip2, ip, nodes);
    }
    if (sc->migrate && mr->start) {
        /* from the migrate command to the last announcement (or the end of
         * the run, if the migration was still going) */
        fmt_time(mr->start, a, sizeof a);
        fmt_time(mr->done ? mr->end : t0 + to_ns(sc->duration), b, sizeof b);
        fmt_ip(vm->ip, ip, sizeof ip);
        fprintf(fp, "migration %s %s vm=%s mac=%02x:%02x:%02x:%02x:%02x:%02x ip=%s from=nodeA to=nodeB\n",
                a, b, vm->name, vm->mac[0], vm->mac[1], vm->mac[2], vm->mac[3], vm->mac[4],
                vm->mac[5], ip);
    }
    if (fclose(fp) != 0) {
        free(text);
        snprintf(err, MIGAD_ERRBUF_SIZE, "out of memory");
        return MIGAD_ENOMEM;
    }
    struct migad_labels *l = NULL;
    migad_status st = migad_labels_parse(text, len, "ground truth", &l, err);
    free(text);
    if (st == MIGAD_OK)
        st = migad_labels_write(l, path, err);
    migad_labels_free(l);
    return st;
}

migad_status migad_sim_run(const struct migad_scenario *sc, const char *dir,
                           struct migad_sim_report *rep, char err[MIGAD_ERRBUF_SIZE])
{
    migad_status st = check(sc, err);
    if (st != MIGAD_OK)
        return st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "cannot create %.300s: %s", dir, strerror(errno));
        return MIGAD_EIO;
    }
    char pa[4096], pb[4096], pgt[4096], psc[4096];
    snprintf(pa, sizeof pa, "%s/nodeA-virbr0.pcap", dir);
    snprintf(pb, sizeof pb, "%s/nodeB-virbr0.pcap", dir);
    snprintf(pgt, sizeof pgt, "%s/groundtruth.txt", dir);
    snprintf(psc, sizeof psc, "%s/scenario.txt", dir);
    const char *paths[2] = { pa, pb };
    migad_ns t0 = to_ns(sc->t0);
    struct sim *s = sim_create(paths, sc->snaplen, sc->seed, t0, err);
    if (!s)
        return MIGAD_EIO;

    st = MIGAD_ENOMEM;
    struct sim_host *node_a = sim_host_add(s, "nodeA", NET | 1, SIM_NODE_A, 0, NULL);
    struct sim_host *node_b = sim_host_add(s, "nodeB", NET | 2, SIM_NODE_B, 0, NULL);
    struct sim_host *client = sim_host_add(s, "client", NET | 100, SIM_LAN, 0, NULL);
    struct sim_host *attacker = sim_host_add(s, "attacker", NET | 200, SIM_LAN, 0, NULL);
    struct sim_host *router = sim_host_add(s, "router", NET | 254, SIM_LAN, 0, NULL);
    if (!node_a || !node_b || !client || !attacker || !router)
        goto fail;
    node_a->open_tcp[node_a->nopen++] = 22;
    node_a->open_tcp[node_a->nopen++] = 16509;
    node_b->open_tcp[node_b->nopen++] = 22;
    node_b->open_tcp[node_b->nopen++] = 16509;
    struct sim_host *vm[MAXVMS];
    int nvm = sc->vms_a + sc->vms_b;
    uint32_t b_base = sc->vms_a <= 9 ? 21 : 11 + (uint32_t)sc->vms_a;
    for (int i = 0; i < nvm; i++) {
        char name[16];
        snprintf(name, sizeof name, "vm%d", i + 1);
        int on_a = i < sc->vms_a;
        uint32_t host = on_a ? 11 + (uint32_t)i : b_base + (uint32_t)(i - sc->vms_a);
        vm[i] = sim_host_add(s, name, NET | host, on_a ? SIM_NODE_A : SIM_NODE_B, 1, NULL);
        if (!vm[i])
            goto fail;
        vm[i]->open_tcp[vm[i]->nopen++] = 22;
        vm[i]->open_tcp[vm[i]->nopen++] = 80;
    }

    /* background: clients_per_vm HTTP clients per VM, from the client host */
    struct sim_http_cfg hc;
    sim_http_cfg_default(&hc);
    hc.start = t0;
    hc.end = t0 + to_ns(sc->duration);
    hc.think_mean_s = sc->think_mean;
    hc.body_xm = sc->body_xm;
    hc.body_alpha = sc->body_alpha;
    hc.keepalive = sc->keepalive;
    for (int i = 0; i < nvm; i++)
        for (int k = 0; k < sc->clients_per_vm; k++)
            if (sim_http_client(s, client, vm[i], &hc) != 0)
                goto fail;

    /* the attack, from attack_start to the end */
    struct sim_host *victim = NULL;
    if (sc->attack == MIGAD_ATTACK_NETSCAN) {
        struct sim_nmap_cfg nc;
        sim_nmap_cfg_default(&nc);
        nc.start = t0 + to_ns(sc->attack_start);
        nc.end = t0 + to_ns(sc->duration);
        nc.net = NET;
        nc.prefix = 24;
        nc.rate = sc->high ? sc->scan_rate_high : sc->scan_rate_low;
        nc.nports = sc->scan_ports;
        if (sim_attack_nmap(s, attacker, &nc, err) != 0) {
            st = MIGAD_EINVAL;
            goto fail_msg;
        }
    } else if (sc->attack == MIGAD_ATTACK_DOS) {
        victim = vm[sc->dos_victim];
        struct sim_hping_cfg dc;
        sim_hping_cfg_default(&dc);
        dc.start = t0 + to_ns(sc->attack_start);
        dc.end = t0 + to_ns(sc->duration);
        dc.dst = victim->ip;
        dc.rate = sc->high ? sc->dos_rate_high : sc->dos_rate_low;
        dc.rand_source = sc->dos_rand_source;
        dc.gateway = router->ip;
        if (sim_attack_hping(s, attacker, &dc, err) != 0) {
            st = MIGAD_EINVAL;
            goto fail_msg;
        }
    }

    /* management: node A's libvirtd client connection to node B's, with
     * the migration's RPC calls 100 ms before the memory stream starts */
    migad_ns rpc_at = sc->migrate && sc->migration_start >= 0.2 ? t0 + to_ns(sc->migration_start - 0.1) : 0;
    if (sim_mgmt_start(s, node_a, node_b, t0 + to_ns(0.05), t0 + to_ns(sc->duration), rpc_at) != 0)
        goto fail;

    /* the live migration of one VM from node A to node B */
    struct sim_migration_result mr;
    memset(&mr, 0, sizeof mr);
    struct sim_host *mvm = sc->migrate ? vm[sc->migrating_vm] : NULL;
    if (mvm) {
        struct sim_migration_cfg mc;
        sim_migration_cfg_default(&mc);
        mc.start = t0 + to_ns(sc->migration_start);
        mc.ram_bytes = (uint64_t)(sc->vm_ram_mib * 1048576.0);
        mc.zero_fraction = sc->zero_fraction;
        mc.dirty_rate = sc->dirty_mib_s * 1048576.0;
        mc.bandwidth = (uint64_t)(sc->bandwidth_mib_s * 1048576.0);
        mc.downtime_limit = to_ns(sc->downtime_ms / 1000.0);
        if (sim_migrate(s, mvm, node_a, node_b, &mc, &mr) != 0)
            goto fail;
    }

    st = sim_run(s, t0 + to_ns(sc->duration), err);
    if (st != MIGAD_OK)
        goto fail_msg;
    if (rep) {
        memset(rep, 0, sizeof *rep);
        sim_counts(s, 0, &rep->frames[0], &rep->bytes[0]);
        sim_counts(s, 1, &rep->frames[1], &rep->bytes[1]);
        double z = (double)t0;
        rep->mig_start = mr.done ? (double)(mr.start - z) / 1e9 : -1;
        rep->mig_stop = mr.done ? (double)(mr.stop - z) / 1e9 : -1;
        rep->mig_resume = mr.done ? (double)(mr.resume - z) / 1e9 : -1;
        rep->mig_end = mr.done ? (double)(mr.end - z) / 1e9 : -1;
        rep->mig_bytes = mr.bytes;
        rep->mig_rounds = mr.rounds;
    }
    st = sim_finish(s, err);
    if (st == MIGAD_OK)
        st = write_gt(sc, pgt, t0, attacker, victim, mvm, &mr, err);
    if (st == MIGAD_OK)
        st = migad_scenario_write(sc, psc, err);
    sim_free(s);
    return st;
fail:
    snprintf(err, MIGAD_ERRBUF_SIZE, "out of memory");
fail_msg:
    sim_free(s);
    return st;
}
