/*
 * The attack models (nmap -sS, hping3 -S), checked on the captures they
 * write, read back with libpcap and decoded with migad_decode (and judged by
 * tshark's expert info when tshark is installed):
 *   - nmap: an ARP sweep of the whole range, SYN probes shaped like nmap's
 *     (window 1024, MSS option only, no DF, TTL 37..59, one source port and
 *     sequence number per round) at the configured rate over nmap's top
 *     ports; SYN-ACK only from open ports of live hosts, each reset by the
 *     attacker's kernel; RST-ACK from closed ports; retransmissions (source
 *     port + 1, try number in the sequence number) only to a host that
 *     stopped answering; nothing to a host that never answered ARP; nothing
 *     before the start, only answers and Linux neighbour probes after the
 *     end;
 *   - hping3: SYNs shaped like hping3's (window 512, no option, no DF,
 *     incrementing source ports) at the configured rate, SYN-ACK and the
 *     attacker's RST for each; with --rand-source, answers to the router,
 *     Linux's SYN-ACK retransmissions after 1, 3, 7, 15, 31 s for as many
 *     requests as the backlog holds (fewer while the queue is more than
 *     half full of old requests), SYN cookies for the rest;
 *   - same seed, same bytes; another seed, other bytes.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "migad/packet.h"
#include "sim/attack.h"
#include "sim/sim.h"

#define T0 (INT64_C(1700000000) * MIGAD_NS_PER_SEC)
#define SEC MIGAD_NS_PER_SEC
#define IP(a, b, c, d)                                                                  \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define ATT_IP IP(10, 10, 0, 200)
#define GW_IP IP(10, 10, 0, 254)

static char dir[256];

/* ---- the world ------------------------------------------------------------- */

struct world {
    struct sim *s;
    struct sim_host *att, *gw, *node[2], *vm[5];
    char path[2][512];
    /* what the checks need after sim_free() */
    uint32_t vm_ip[5];
    uint16_t vm_open[5][8];
    int vm_nopen[5];
    uint8_t att_mac[6], gw_mac[6];
};

static void build(struct world *w, const char *tag, uint64_t seed, int with_gw)
{
    memset(w, 0, sizeof *w);
    snprintf(w->path[0], sizeof w->path[0], "%s/%s-A.pcap", dir, tag);
    snprintf(w->path[1], sizeof w->path[1], "%s/%s-B.pcap", dir, tag);
    const char *paths[2] = { w->path[0], w->path[1] };
    char err[MIGAD_ERRBUF_SIZE];
    w->s = sim_create(paths, 128, seed, T0, err);
    CHECK(w->s != NULL);
    if (!w->s)
        exit(1);
    w->att = sim_host_add(w->s, "attacker", ATT_IP, SIM_LAN, 0, NULL);
    if (with_gw) /* kept out of the nmap runs: on the LAN, its probes are on no bridge */
        w->gw = sim_host_add(w->s, "router", GW_IP, SIM_LAN, 0, NULL);
    w->node[0] = sim_host_add(w->s, "nodeA", IP(10, 10, 0, 1), SIM_NODE_A, 0, NULL);
    w->node[1] = sim_host_add(w->s, "nodeB", IP(10, 10, 0, 2), SIM_NODE_B, 0, NULL);
    static const uint32_t ips[5] = { IP(10, 10, 0, 11), IP(10, 10, 0, 12), IP(10, 10, 0, 13),
                                     IP(10, 10, 0, 21), IP(10, 10, 0, 22) };
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "vm%d", i + 1);
        w->vm[i] = sim_host_add(w->s, name, ips[i], i < 3 ? SIM_NODE_A : SIM_NODE_B, 1, NULL);
        CHECK(w->vm[i] != NULL);
        w->vm[i]->open_tcp[0] = 80;
        w->vm[i]->nopen = 1;
    }
    w->vm[1]->open_tcp[1] = 22; /* vm2 also runs sshd */
    w->vm[1]->nopen = 2;
    for (int i = 0; i < 5; i++) {
        w->vm_ip[i] = w->vm[i]->ip;
        memcpy(w->vm_open[i], w->vm[i]->open_tcp, sizeof w->vm_open[i]);
        w->vm_nopen[i] = w->vm[i]->nopen;
    }
    memcpy(w->att_mac, w->att->mac, 6);
    if (w->gw)
        memcpy(w->gw_mac, w->gw->mac, 6);
}

static int vm_port_open(const struct world *w, int k, uint16_t port)
{
    for (int i = 0; i < w->vm_nopen[k]; i++)
        if (w->vm_open[k][i] == port)
            return 1;
    return 0;
}

static void finish(struct world *w, migad_ns t_end)
{
    char err[MIGAD_ERRBUF_SIZE];
    CHECK_INT(sim_run(w->s, t_end, err), MIGAD_OK);
    CHECK_INT(sim_finish(w->s, err), MIGAD_OK);
    sim_free(w->s);
    w->s = NULL;
    w->att = w->gw = w->node[0] = w->node[1] = NULL;
    memset(w->vm, 0, sizeof w->vm);
}

/* ---- the captures, read back ------------------------------------------------ */

struct rec {
    migad_ns ts;
    int bridge;
    int df;
    uint8_t tcp_optlen;
    struct migad_pkt p;
    uint32_t caplen;
    uint8_t raw[128];
};

struct cap {
    struct rec *r;
    size_t n, cap;
};

static void cap_load(struct cap *c, const char *path, int bridge)
{
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, eb);
    CHECK(pc != NULL);
    if (!pc)
        return;
    struct pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(pc, &h, &d) == 1) {
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 4096;
            c->r = realloc(c->r, c->cap * sizeof *c->r);
            if (!c->r)
                exit(1);
        }
        struct rec *r = &c->r[c->n++];
        memset(r, 0, sizeof *r);
        r->ts = (migad_ns)h->ts.tv_sec * SEC + h->ts.tv_usec;
        r->bridge = bridge;
        r->caplen = h->caplen < sizeof r->raw ? h->caplen : (uint32_t)sizeof r->raw;
        memcpy(r->raw, d, r->caplen);
        r->p.ts = r->ts;
        CHECK_INT(migad_decode(DLT_EN10MB, d, h->caplen, h->len, 0, &r->p), MIGAD_DECODE_OK);
        if (r->p.l3 == MIGAD_L3_IPV4 && h->caplen >= 14 + 20 + 20) {
            r->df = (d[14 + 6] & 0x40) != 0;
            if (r->p.ip_proto == 6)
                r->tcp_optlen = (uint8_t)((d[14 + 20 + 12] >> 4) * 4 - 20);
        }
    }
    pcap_close(pc);
}

static int rec_cmp(const void *x, const void *y)
{
    const struct rec *a = x, *b = y;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    if (a->caplen != b->caplen)
        return a->caplen < b->caplen ? -1 : 1;
    int m = memcmp(a->raw, b->raw, a->caplen);
    if (m)
        return m;
    return a->bridge - b->bridge;
}

/* Both bridges' frames, each frame on the wire once (a flooded frame is
 * seen on both bridges), in time order. */
static void cap_wire(struct cap *c, const struct world *w)
{
    memset(c, 0, sizeof *c);
    cap_load(c, w->path[0], 0);
    cap_load(c, w->path[1], 1);
    qsort(c->r, c->n, sizeof *c->r, rec_cmp);
    size_t o = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (o > 0 && c->r[o - 1].ts == c->r[i].ts && c->r[o - 1].caplen == c->r[i].caplen &&
            memcmp(c->r[o - 1].raw, c->r[i].raw, c->r[i].caplen) == 0)
            continue;
        c->r[o++] = c->r[i];
    }
    c->n = o;
}

static uint32_t v4(const struct migad_addr *a)
{
    return (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 | (uint32_t)a->b[14] << 8 |
           a->b[15];
}

static int is_tcp(const struct rec *r, uint8_t flags)
{
    return r->p.l3 == MIGAD_L3_IPV4 && r->p.ip_proto == 6 && r->p.tcp_flags == flags;
}

static int from_ip(const struct rec *r, uint32_t ip)
{
    return r->p.l3 == MIGAD_L3_IPV4 && v4(&r->p.src) == ip;
}

/* Rate inside bursts (no gap above `gap`) of at least 100 packets. */
static double burst_rate(const migad_ns *t, size_t n, migad_ns gap)
{
    double pkts = 0, span = 0;
    size_t b = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i == n || t[i] - t[i - 1] > gap) {
            if (i - b >= 100) {
                pkts += (double)(i - 1 - b);
                span += (double)(t[i - 1] - t[b]) / (double)SEC;
            }
            b = i;
        }
    }
    return span > 0 ? pkts / span : 0;
}

static int files_equal(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int eq = fa && fb;
    while (eq) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb)
            eq = 0;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return eq;
}

/* ---- nmap ------------------------------------------------------------------ */

static void pause_vm5(struct sim *s, void *arg)
{
    (void)s;
    ((struct sim_host *)arg)->paused = 1;
}

#define NM_START (T0 + 1 * SEC)
#define NM_END (T0 + 9 * SEC)
#define NM_RATE 2000.0

static void run_nmap(struct world *w, const char *tag, uint64_t seed)
{
    build(w, tag, seed, 0);
    w->vm[3]->paused = 1; /* vm4 is down all along: never answers ARP */
    /* vm5 stops answering during the first round's SYN phase */
    sim_at(w->s, T0 + 3 * SEC, pause_vm5, w->vm[4]);
    struct sim_nmap_cfg c;
    sim_nmap_cfg_default(&c);
    c.start = NM_START;
    c.end = NM_END;
    c.net = IP(10, 10, 0, 0);
    c.prefix = 24;
    c.rate = NM_RATE;
    char err[MIGAD_ERRBUF_SIZE];
    CHECK_INT(sim_attack_nmap(w->s, w->att, &c, err), 0);
    finish(w, T0 + 20 * SEC);
}

static void test_nmap(void)
{
    struct world w;
    run_nmap(&w, "nmap", 1);
    struct cap c;
    cap_wire(&c, &w);
    CHECK(c.n > 10000);

    static uint8_t asked[256];
    memset(asked, 0, sizeof asked);
    migad_ns *t = calloc(c.n, sizeof *t);
    size_t nt = 0;
    static uint8_t port_seen[65536];
    memset(port_seen, 0, sizeof port_seen);
    int nports_vm1 = 0;
    size_t syn = 0, synack = 0, rstack = 0, att_rst = 0, retrans = 0, bad = 0;
    uint16_t base = 0;
    uint32_t seq0 = 0;
    int first_round = 1;
    migad_ns last_arp_sweep = 0;
    for (size_t i = 0; i < c.n; i++) {
        const struct rec *r = &c.r[i];
        CHECK(r->ts >= NM_START);
        if (r->p.l3 == MIGAD_L3_ARP && r->p.arp_op == MIGAD_ARP_REQUEST &&
            v4(&r->p.src) == ATT_IP) {
            CHECK(r->ts < NM_END);
            t[nt++] = r->ts;
            uint32_t tpa = v4(&r->p.dst);
            CHECK((tpa >> 8) == (IP(10, 10, 0, 0) >> 8));
            if (first_round)
                asked[tpa & 255] = 1;
            last_arp_sweep = r->ts;
            continue;
        }
        if (is_tcp(r, MIGAD_TCP_SYN) && from_ip(r, ATT_IP)) {
            CHECK(r->ts < NM_END);
            t[nt++] = r->ts;
            syn++;
            uint32_t dst = v4(&r->p.dst);
            /* nmap's probe: 44-byte IP packet, MSS only, window 1024, no DF */
            if (r->p.ip_len != 44 || r->tcp_optlen != 4 || r->p.tcp_win != 1024 || r->df ||
                r->p.ttl < 37 || r->p.ttl > 59 || r->p.tcp_ack != 0)
                bad++;
            if (!base) {
                base = r->p.sport;
                seq0 = r->p.tcp_seq;
                CHECK(base >= 33000 && base < 65280);
            }
            uint32_t x = r->p.tcp_seq ^ seq0;
            if (x != 0 && x != 0x00010001 && first_round)
                first_round = 0; /* a new round: new sequence number */
            if (first_round) {
                if (r->p.sport == base + 1) {
                    retrans++;
                    CHECK(dst == w.vm_ip[4]); /* only the host that stopped answering */
                    CHECK_INT(x, 0x00010001); /* try 1 in the sequence number too */
                } else {
                    CHECK_INT(r->p.sport, base);
                    CHECK_INT(x, 0);
                }
                if (dst == w.vm_ip[0] && !port_seen[r->p.dport]) {
                    port_seen[r->p.dport] = 1;
                    nports_vm1++;
                }
            }
            CHECK(dst != w.vm_ip[3]); /* down: not scanned */
            CHECK(dst != ATT_IP);
            continue;
        }
        if (is_tcp(r, MIGAD_TCP_SYN | MIGAD_TCP_ACK)) {
            synack++;
            int h = -1;
            for (int k = 0; k < 5; k++)
                if (from_ip(r, w.vm_ip[k]))
                    h = k;
            CHECK(h >= 0);
            if (h >= 0)
                CHECK(vm_port_open(&w, h, r->p.sport));
            CHECK_INT(v4(&r->p.dst), ATT_IP);
            /* Linux's SYN-ACK to an MSS-only SYN */
            CHECK(r->df && r->p.ip_id == 0 && r->p.ttl == 64 && r->p.tcp_win == 64240 &&
                  r->tcp_optlen == 4);
            CHECK(r->ts < NM_END + 5 * SIM_MS);
            continue;
        }
        if (is_tcp(r, MIGAD_TCP_RST | MIGAD_TCP_ACK)) {
            rstack++;
            CHECK(r->df && r->p.ip_id == 0 && r->p.tcp_win == 0 && r->p.tcp_seq == 0);
            CHECK(r->ts < NM_END + 5 * SIM_MS);
            continue;
        }
        if (is_tcp(r, MIGAD_TCP_RST) && from_ip(r, ATT_IP)) {
            att_rst++;
            CHECK(r->df && r->p.ip_id == 0 && r->p.tcp_win == 0 && r->p.tcp_ack == 0);
            continue;
        }
        if (r->p.l3 == MIGAD_L3_ARP) {
            /* replies to the sweep, and the hosts' neighbour probes of the
             * attacker (unicast, 5 s after first use) with its answers */
            if (r->p.arp_op == MIGAD_ARP_REQUEST)
                CHECK(r->p.dst_mac[0] != 0xff && v4(&r->p.dst) == ATT_IP);
            CHECK(r->ts < NM_END + 5 * SEC + SIM_MS);
            continue;
        }
        bad++;
    }
    CHECK_INT(bad, 0);
    /* the first sweep asks every address of the /24 but the attacker's */
    int nasked = 0;
    for (int i = 0; i < 256; i++)
        nasked += asked[i];
    CHECK_INT(nasked, 255);
    CHECK(!asked[200]);
    CHECK(last_arp_sweep > 0);
    /* the top 1000 ports, each probed on vm1 */
    CHECK_INT(nports_vm1, 1000);
    int ntop;
    const uint16_t *top = sim_nmap_top_ports(&ntop);
    CHECK_INT(ntop, 1000);
    for (int i = 0; i < ntop; i++)
        CHECK(port_seen[top[i]]);
    CHECK(port_seen[80] && port_seen[22] && port_seen[443] && port_seen[3389]);
    /* rate inside the bursts */
    double rate = burst_rate(t, nt, 5 * SIM_MS);
    CHECK_NEAR(rate, NM_RATE, NM_RATE * 0.03);
    /* every SYN-ACK reset by the attacker's kernel; closed ports reset */
    CHECK(synack > 0);
    CHECK_INT(att_rst, synack);
    CHECK(rstack > 900);
    CHECK(retrans > 100);
    free(t);
    free(c.r);
}

/* ---- hping3 ------------------------------------------------------------------ */

#define HP_START (T0 + 2 * SEC)
#define HP_END (T0 + 7 * SEC)

static void run_hping(struct world *w, const char *tag, uint64_t seed, int spoof, int backlog)
{
    build(w, tag, seed, 1);
    struct sim_hping_cfg c;
    sim_hping_cfg_default(&c);
    c.start = HP_START;
    c.end = spoof ? HP_START + 2 * SEC : HP_END;
    c.dst = w->vm[3]->ip;
    c.rate = spoof ? 200 : 1000;
    c.rand_source = spoof;
    c.gateway = GW_IP;
    c.backlog = backlog;
    char err[MIGAD_ERRBUF_SIZE];
    CHECK_INT(sim_attack_hping(w->s, w->att, &c, err), 0);
    finish(w, T0 + 60 * SEC);
}

static void test_hping(void)
{
    struct world w;
    run_hping(&w, "hping", 7, 0, 128);
    struct cap c;
    cap_wire(&c, &w);
    migad_ns *t = calloc(c.n + 1, sizeof *t);
    size_t nsyn = 0, synack = 0, rst = 0, bad = 0;
    uint16_t prev = 0;
    for (size_t i = 0; i < c.n; i++) {
        const struct rec *r = &c.r[i];
        CHECK(r->ts >= HP_START);
        if (is_tcp(r, MIGAD_TCP_SYN)) {
            CHECK(from_ip(r, ATT_IP) && v4(&r->p.dst) == w.vm_ip[3] && r->p.dport == 80);
            if (r->p.ip_len != 40 || r->tcp_optlen != 0 || r->p.tcp_win != 512 || r->df ||
                r->p.ttl != 64)
                bad++;
            if (nsyn)
                CHECK_INT(r->p.sport, (uint16_t)(prev + 1));
            prev = r->p.sport;
            CHECK(r->ts < HP_END);
            t[nsyn++] = r->ts;
        } else if (is_tcp(r, MIGAD_TCP_SYN | MIGAD_TCP_ACK)) {
            synack++;
            CHECK(from_ip(r, w.vm_ip[3]) && r->p.sport == 80);
            CHECK(r->ts < HP_END + SIM_MS); /* reset at once: no retransmission */
        } else if (is_tcp(r, MIGAD_TCP_RST)) {
            rst++;
            CHECK(from_ip(r, ATT_IP));
        } else if (r->p.l3 == MIGAD_L3_ARP) {
            CHECK(r->ts < HP_END + 5 * SEC + SIM_MS);
        } else {
            bad++;
        }
    }
    CHECK_INT(bad, 0);
    CHECK_INT(nsyn, 5000);
    CHECK_NEAR(burst_rate(t, nsyn, 5 * SIM_MS), 1000, 10);
    CHECK_INT(synack, nsyn);
    CHECK_INT(rst, nsyn);
    free(t);
    free(c.r);
}

/* A spoofed flood of 400 SYNs against a SYN queue of `backlog`. */
static void check_spoofed(const char *tag, uint64_t seed, int backlog)
{
    struct world w;
    run_hping(&w, tag, seed, 1, backlog);
    struct cap c;
    cap_wire(&c, &w);
    size_t nsyn = 0, bad = 0;
    /* SYN-ACKs per flow (source port of the SYN = dport of the SYN-ACK) */
    static int nsa[65536];
    static migad_ns ts[65536][8];
    memset(nsa, 0, sizeof nsa);
    size_t martian = 0;
    for (size_t i = 0; i < c.n; i++) {
        const struct rec *r = &c.r[i];
        if (is_tcp(r, MIGAD_TCP_SYN)) {
            uint32_t src = v4(&r->p.src);
            CHECK(src != ATT_IP && (src >> 8) != (ATT_IP >> 8));
            CHECK(memcmp(r->p.src_mac, w.att_mac, 6) == 0);
            if ((src >> 24) == 0 || (src >> 24) == 127 || (src >> 24) >= 224)
                martian++;
            nsyn++;
        } else if (is_tcp(r, MIGAD_TCP_SYN | MIGAD_TCP_ACK)) {
            CHECK(memcmp(r->p.dst_mac, w.gw_mac, 6) == 0); /* off-subnet: to the router */
            uint16_t p = r->p.dport;
            if (nsa[p] < 8)
                ts[p][nsa[p]] = r->ts;
            nsa[p]++;
        } else if (r->p.l3 != MIGAD_L3_ARP) {
            bad++; /* no RST: nobody answers a spoofed SYN-ACK */
        }
    }
    CHECK_INT(bad, 0);
    CHECK_INT(nsyn, 400);
    size_t flows = 0, retx = 0, full = 0;
    for (int p = 0; p < 65536; p++) {
        if (!nsa[p])
            continue;
        flows++;
        if (nsa[p] == 1)
            continue;
        retx++;
        /* Linux's timeouts: 1, 2, 4, 8, 16 s; while the queue is more than
         * half full of old requests, they get only 2 retransmissions */
        CHECK(nsa[p] == 6 || (backlog < 1024 && nsa[p] == 3));
        full += nsa[p] == 6;
        for (int k = 1; k < nsa[p] && k < 8; k++)
            CHECK_NEAR((double)(ts[p][k] - ts[p][k - 1]) / (double)SEC, (double)(1 << (k - 1)),
                       0.001);
    }
    CHECK_INT(flows + martian, nsyn);
    /* as many retransmitting requests as the queue holds; SYN cookies for
     * the others */
    CHECK_INT(retx, backlog >= 1024 ? flows : (size_t)backlog);
    /* pruning stops once the queue is down to half */
    CHECK_INT(full, backlog >= 1024 ? flows : (size_t)backlog / 2);
    free(c.r);
}

static void test_hping_spoofed(void)
{
    check_spoofed("hpspoof", 9, 64);
    check_spoofed("hpspoof2", 10, 1024);
}

/* ---- determinism and tshark -------------------------------------------------- */

static void test_determinism(void)
{
    struct world a, b, d;
    run_nmap(&a, "det1", 42);
    run_nmap(&b, "det2", 42);
    run_nmap(&d, "det3", 43);
    for (int i = 0; i < 2; i++) {
        CHECK(files_equal(a.path[i], b.path[i]));
        CHECK(!files_equal(a.path[i], d.path[i]));
    }
    run_hping(&a, "det4", 42, 1, 64);
    run_hping(&b, "det5", 42, 1, 64);
    run_hping(&d, "det6", 43, 1, 64);
    CHECK(files_equal(a.path[1], b.path[1]));
    CHECK(!files_equal(a.path[1], d.path[1]));
}

static void tshark_expert(const char *path)
{
    if (system("tshark -v >/dev/null 2>&1") != 0) {
        printf("skip tshark (not installed)\n");
        return;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "tshark -r '%s' -q -z expert 2>&1", path);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p)
        return;
    char line[512];
    int errors = 0, lines = 0;
    while (fgets(line, sizeof line, p)) {
        lines++;
        if (strstr(line, "Errors (") || strstr(line, "Malformed") || strstr(line, "Error/")) {
            errors++;
            fprintf(stderr, "tshark: %s", line);
        }
    }
    CHECK_INT(pclose(p), 0);
    CHECK_INT(errors, 0);
    CHECK(lines > 0);
}

static void test_tshark(void)
{
    char a[512], b[512], d[512];
    snprintf(a, sizeof a, "%s/nmap-A.pcap", dir);
    snprintf(b, sizeof b, "%s/hping-B.pcap", dir);
    snprintf(d, sizeof d, "%s/hpspoof-B.pcap", dir);
    tshark_expert(a);
    tshark_expert(b);
    tshark_expert(d);
}

static void test_bad_config(void)
{
    struct world w;
    build(&w, "bad", 1, 1);
    char err[MIGAD_ERRBUF_SIZE];
    struct sim_nmap_cfg n;
    sim_nmap_cfg_default(&n);
    n.start = T0;
    n.end = T0 + SEC;
    n.prefix = 8;
    CHECK_INT(sim_attack_nmap(w.s, w.att, &n, err), -1);
    CHECK(strstr(err, "prefix") != NULL);
    struct sim_hping_cfg h;
    sim_hping_cfg_default(&h);
    h.start = T0;
    h.end = T0 + SEC;
    h.dst = IP(10, 10, 0, 99); /* nobody */
    CHECK_INT(sim_attack_hping(w.s, w.att, &h, err), -1);
    finish(&w, T0 + SEC);
}

static void cleanup(void)
{
    static const char *tags[] = { "nmap", "hping", "hpspoof", "det1", "det2", "det3",
                                  "det4", "det5", "det6", "bad", "hpspoof2" };
    char p[600];
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        for (int k = 0; k < 2; k++) {
            snprintf(p, sizeof p, "%s/%s-%c.pcap", dir, tags[i], k ? 'B' : 'A');
            unlink(p);
        }
    }
    rmdir(dir);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/migad-test-attack-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_nmap);
    RUN(test_hping);
    RUN(test_hping_spoofed);
    RUN(test_tshark);
    RUN(test_determinism);
    RUN(test_bad_config);
    if (getenv("MIGAD_TEST_KEEP"))
        printf("captures kept in %s\n", dir);
    else
        cleanup();
    return check_finish();
}
