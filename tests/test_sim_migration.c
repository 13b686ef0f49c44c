/*
 * A live migration in the simulator, checked on the captures: the memory
 * stream between the two hosts on the migration port at the bandwidth cap,
 * in both bridges' captures; the VM silent during the downtime; the five
 * RARP announcements from its MAC with QEMU's spacing, each followed by a
 * gratuitous ARP; the VM's traffic on the source bridge before and on the
 * destination bridge after.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "migad/packet.h"
#include "sim/http.h"
#include "sim/migration.h"
#include "sim/sim.h"

#define T0 (INT64_C(1700000000) * MIGAD_NS_PER_SEC)
#define SEC MIGAD_NS_PER_SEC
#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static char dir[256];
static struct sim_migration_result res;

static struct sim *world(const char *tag, uint64_t seed, struct sim_migration_cfg *mc)
{
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/%s-A.pcap", dir, tag);
    snprintf(b, sizeof b, "%s/%s-B.pcap", dir, tag);
    const char *paths[2] = { a, b };
    char err[MIGAD_ERRBUF_SIZE];
    struct sim *s = sim_create(paths, 128, seed, T0, err);
    CHECK(s != NULL);
    struct sim_host *ha = sim_host_add(s, "nodeA", IP(10, 10, 0, 1), SIM_NODE_A, 0, NULL);
    struct sim_host *hb = sim_host_add(s, "nodeB", IP(10, 10, 0, 2), SIM_NODE_B, 0, NULL);
    struct sim_host *client = sim_host_add(s, "client", IP(10, 10, 0, 100), SIM_LAN, 0, NULL);
    struct sim_host *vm = sim_host_add(s, "vm1", IP(10, 10, 0, 11), SIM_NODE_A, 1, NULL);
    vm->open_tcp[0] = 80;
    vm->nopen = 1;
    struct sim_http_cfg hc;
    sim_http_cfg_default(&hc);
    hc.start = T0;
    hc.end = T0 + 40 * SEC;
    hc.think_mean_s = 0.1;
    sim_http_client(s, client, vm, &hc);
    sim_http_client(s, client, vm, &hc);
    CHECK_INT(sim_migrate(s, vm, ha, hb, mc, &res), 0);
    return s;
}

struct obs {
    uint64_t stream_frames, stream_bytes;
    migad_ns stream_first, stream_last;
    migad_ns vm_last_before, vm_first_after; /* frames from vm1's IP */
    migad_ns rarp[8];
    int nrarp, garp_after_rarp;
    uint64_t vm_frames;
};

static void observe(const char *path, struct obs *o, migad_ns stop, migad_ns resume)
{
    memset(o, 0, sizeof *o);
    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
    CHECK(p != NULL);
    if (!p)
        return;
    struct pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(p, &h, &d) == 1) {
        migad_ns ts = (migad_ns)h->ts.tv_sec * SEC + h->ts.tv_usec;
        struct migad_pkt k;
        memset(&k, 0, sizeof k);
        migad_decode(DLT_EN10MB, d, h->caplen, h->len, 0, &k);
        if (k.l3 == MIGAD_L3_RARP && k.arp_op == 3 &&
            memcmp(k.arp_sha, "\x52\x54\x00\x0a\x00\x0b", 6) == 0 && o->nrarp < 8) {
            o->rarp[o->nrarp++] = ts;
            CHECK_INT(h->len, 60); /* QEMU's 60-byte announcement */
        }
        if (k.l3 == MIGAD_L3_ARP && o->nrarp > 0 && k.src.b[15] == 11 && k.dst.b[15] == 11)
            o->garp_after_rarp++;
        if (k.l3 != MIGAD_L3_IPV4)
            continue;
        if (k.ip_proto == 6 && (k.dport == 49152 || k.sport == 49152)) {
            o->stream_frames++;
            o->stream_bytes += k.l4_payload;
            if (!o->stream_first)
                o->stream_first = ts;
            o->stream_last = ts;
        }
        if (k.src.b[15] == 11) {
            o->vm_frames++;
            if (ts <= stop)
                o->vm_last_before = ts;
            else if (ts >= resume && !o->vm_first_after)
                o->vm_first_after = ts;
            /* nothing from the VM while it is stopped */
            CHECK(ts <= stop || ts >= resume);
        }
    }
    pcap_close(p);
}

static void run_one(const char *tag, uint64_t seed, struct sim_migration_cfg *mc)
{
    struct sim *s = world(tag, seed, mc);
    char err[MIGAD_ERRBUF_SIZE];
    CHECK_INT(sim_run(s, T0 + 40 * SEC, err), MIGAD_OK);
    CHECK_INT(sim_finish(s, err), MIGAD_OK);
    sim_free(s);
}

static void test_migration(void)
{
    struct sim_migration_cfg mc;
    sim_migration_cfg_default(&mc);
    mc.start = T0 + 10 * SEC;
    mc.ram_bytes = 64ull << 20; /* 64 MiB, 40 % zero pages */
    mc.bandwidth = 16ull << 20; /* 16 MiB/s */
    mc.dirty_rate = 1.0 * (1 << 20); /* 1 MiB/s */
    run_one("m", 3, &mc);
    CHECK(res.done);
    /* first round: 16384 pages, 6553 zero: 9831 * 4104 + 6553 * 8 = 40,399,048
     * bytes, at 16 MiB/s (16,777,216 B/s) 2.408 s; meanwhile 1 MiB/s x 2.408 s
     * = 616 pages dirtied = 2,528,064 bytes, 0.151 s at 16 MiB/s <= 300 ms:
     * stop-and-copy with 256 KiB of device state, 2,790,208 bytes, 0.166 s */
    CHECK(res.rounds == 2);
    CHECK(res.stop > mc.start + 2400 * SIM_MS && res.stop < mc.start + 2420 * SIM_MS);
    migad_ns downtime = res.resume - res.stop;
    CHECK(downtime > 160 * SIM_MS && downtime < 180 * SIM_MS);
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/m-A.pcap", dir);
    snprintf(b, sizeof b, "%s/m-B.pcap", dir);
    struct obs oa, ob;
    observe(a, &oa, res.stop, res.resume);
    observe(b, &ob, res.stop, res.resume);
    /* the stream is on both bridges, the same frames */
    CHECK(oa.stream_frames > 30000);
    CHECK_INT(oa.stream_frames, ob.stream_frames);
    /* its rate: the payload bytes over its duration, within 5 % of the cap */
    double secs = (double)(oa.stream_last - oa.stream_first) / SEC;
    double rate = (double)oa.stream_bytes / secs;
    CHECK_NEAR(rate / (16 << 20), 1.0, 0.05);
    CHECK_INT((int64_t)oa.stream_bytes, (int64_t)res.bytes);
    /* five RARPs on both bridges, at +0, +50, +200, +450, +800 ms */
    CHECK_INT(oa.nrarp, 5);
    CHECK_INT(ob.nrarp, 5);
    static const int at_ms[5] = { 0, 50, 200, 450, 800 };
    for (int i = 0; i < 5 && i < ob.nrarp; i++)
        CHECK_INT(ob.rarp[i] - ob.rarp[0], at_ms[i] * SIM_MS);
    CHECK_INT(ob.garp_after_rarp, 5);
    /* the VM's traffic: on A before the stop (none after), on B after */
    CHECK(oa.vm_last_before > 0 && oa.vm_first_after == 0);
    CHECK(ob.vm_first_after >= res.resume && ob.vm_last_before == 0);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/migad-migtest.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_migration);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (check_failures == 0 && !getenv("MIGAD_KEEP") && system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return check_finish();
}
