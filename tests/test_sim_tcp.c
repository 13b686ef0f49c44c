/*
 * The simulator's engine, TCP and HTTP models, checked on the captures they
 * write (read back with libpcap and decoded with migad_decode, and with
 * tshark as an independent judge when it is installed):
 *   - where frames are seen: each bridge carries only its own VMs' traffic
 *     and the broadcasts;
 *   - every HTTP connection is complete (SYN, SYN-ACK, FIN both ways);
 *   - no retransmission in a quiet network, tshark finds nothing malformed;
 *   - same seed, same bytes; another seed, other bytes;
 *   - a VM paused for 300 ms and moved to the other node: clients
 *     retransmit, and after its announcement its flows continue, without a
 *     new handshake, on the other bridge.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "migad/packet.h"
#include "sim/http.h"
#include "sim/sim.h"

#define T0 (INT64_C(1700000000) * MIGAD_NS_PER_SEC)
#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static char dir[256];

struct world {
    struct sim *s;
    struct sim_host *client, *vm[5];
};

/* keepalive: requests per connection (a long-lived connection per client
 * makes sure some flows span a pause) */
static void build(struct world *w, const char *tag, uint64_t seed, int keepalive)
{
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/%s-A.pcap", dir, tag);
    snprintf(b, sizeof b, "%s/%s-B.pcap", dir, tag);
    const char *paths[2] = { a, b };
    char err[MIGAD_ERRBUF_SIZE];
    w->s = sim_create(paths, 128, seed, T0, err);
    CHECK(w->s != NULL);
    w->client = sim_host_add(w->s, "client", IP(10, 10, 0, 100), SIM_LAN, 0, NULL);
    static const uint32_t ips[5] = { IP(10, 10, 0, 11), IP(10, 10, 0, 12), IP(10, 10, 0, 13),
                                     IP(10, 10, 0, 21), IP(10, 10, 0, 22) };
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "vm%d", i + 1);
        w->vm[i] = sim_host_add(w->s, name, ips[i], i < 3 ? SIM_NODE_A : SIM_NODE_B, 1, NULL);
        w->vm[i]->open_tcp[0] = 80;
        w->vm[i]->nopen = 1;
        struct sim_http_cfg cfg;
        sim_http_cfg_default(&cfg);
        cfg.start = T0;
        cfg.end = T0 + 30 * MIGAD_NS_PER_SEC;
        cfg.keepalive = keepalive;
        for (int k = 0; k < 2; k++)
            CHECK_INT(sim_http_client(w->s, w->client, w->vm[i], &cfg), 0);
    }
}

static void run(struct world *w, double seconds)
{
    char err[MIGAD_ERRBUF_SIZE];
    CHECK_INT(sim_run(w->s, T0 + (migad_ns)(seconds * 1e9), err), MIGAD_OK);
    CHECK_INT(sim_finish(w->s, err), MIGAD_OK);
    sim_free(w->s);
}

/* ---- reading the captures back ------------------------------------------- */

#define MAXCONN 4096
struct conn {
    uint32_t cip, sip;
    uint16_t cport;
    int syn, synack, fin_c, fin_s, data_c, data_s;
    migad_ns first, last;
};

struct tally {
    uint64_t frames, foreign, bcast;
    struct conn conns[MAXCONN];
    int nconn;
    /* for the migration test: frames of one VM's flows per time range */
    uint32_t vm_ip;
    uint64_t vm_before, vm_after, vm_syn_after;
    migad_ns split;
};

static struct conn *find(struct tally *t, uint32_t cip, uint16_t cport, uint32_t sip)
{
    for (int i = 0; i < t->nconn; i++)
        if (t->conns[i].cip == cip && t->conns[i].cport == cport && t->conns[i].sip == sip)
            return &t->conns[i];
    if (t->nconn == MAXCONN)
        return NULL;
    struct conn *c = &t->conns[t->nconn++];
    memset(c, 0, sizeof *c);
    c->cip = cip;
    c->sip = sip;
    c->cport = cport;
    return c;
}

static uint32_t v4(const struct migad_addr *a)
{
    return (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 | (uint32_t)a->b[14] << 8 | a->b[15];
}

/* Read one bridge; `mine` lists the IPs located on it. */
static void read_bridge(const char *path, const uint32_t *mine, int nmine, struct tally *t)
{
    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
    CHECK(p != NULL);
    if (!p)
        return;
    struct pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(p, &h, &d) == 1) {
        struct migad_pkt k;
        memset(&k, 0, sizeof k);
        migad_ns ts = (migad_ns)h->ts.tv_sec * MIGAD_NS_PER_SEC + h->ts.tv_usec;
        migad_decode(DLT_EN10MB, d, h->caplen, h->len, 0, &k);
        t->frames++;
        if (k.l3 != MIGAD_L3_IPV4) {
            t->bcast++;
            continue;
        }
        uint32_t s = v4(&k.src), dd = v4(&k.dst);
        int ours = 0;
        for (int i = 0; i < nmine; i++)
            ours |= mine[i] == s || mine[i] == dd;
        if (!ours)
            t->foreign++;
        if (t->vm_ip && (s == t->vm_ip || dd == t->vm_ip)) {
            if (ts < t->split)
                t->vm_before++;
            else {
                t->vm_after++;
                t->vm_syn_after += (k.tcp_flags & MIGAD_TCP_SYN) != 0;
            }
        }
        if (k.ip_proto != 6)
            continue;
        int from_client = k.dport == 80;
        struct conn *c = from_client ? find(t, s, k.sport, dd) : find(t, dd, k.dport, s);
        if (!c)
            continue;
        if (!c->first)
            c->first = ts;
        c->last = ts;
        uint8_t f = k.tcp_flags;
        if ((f & MIGAD_TCP_SYN) && !(f & MIGAD_TCP_ACK))
            c->syn++;
        if ((f & MIGAD_TCP_SYN) && (f & MIGAD_TCP_ACK))
            c->synack++;
        if (f & MIGAD_TCP_FIN)
            *(from_client ? &c->fin_c : &c->fin_s) += 1;
        if (k.l4_payload)
            *(from_client ? &c->data_c : &c->data_s) += 1;
    }
    pcap_close(p);
}

static const uint32_t node_a[3] = { IP(10, 10, 0, 11), IP(10, 10, 0, 12), IP(10, 10, 0, 13) };
static const uint32_t node_b[2] = { IP(10, 10, 0, 21), IP(10, 10, 0, 22) };

static int count_cmd(const char *cmd)
{
    FILE *fp = popen(cmd, "r");
    if (!fp)
        return -1;
    int n = 0;
    char line[1024];
    while (fgets(line, sizeof line, fp))
        n++;
    pclose(fp);
    return n;
}

static int have_tshark(void)
{
    return system("command -v tshark >/dev/null 2>&1") == 0;
}

static struct tally ta, tb;

static void test_background(void)
{
    struct world w;
    build(&w, "bg", 7, 1);
    run(&w, 32);
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/bg-A.pcap", dir);
    snprintf(b, sizeof b, "%s/bg-B.pcap", dir);
    memset(&ta, 0, sizeof ta);
    memset(&tb, 0, sizeof tb);
    read_bridge(a, node_a, 3, &ta);
    read_bridge(b, node_b, 2, &tb);
    CHECK(ta.frames > 1000);
    CHECK(tb.frames > 700);
    CHECK_INT(ta.foreign, 0); /* nothing of node B's VMs on node A's bridge */
    CHECK_INT(tb.foreign, 0);
    /* 6 clients on A, 4 on B, one fetch per ~0.5 s think + transfer:
     * about 30 s / 0.5 s = 60 fetches per client, at least 40 */
    CHECK(ta.nconn > 6 * 40);
    CHECK(tb.nconn > 4 * 40);
    int incomplete = 0;
    for (int k = 0; k < 2; k++) {
        struct tally *t = k ? &tb : &ta;
        for (int i = 0; i < t->nconn; i++) {
            struct conn *c = &t->conns[i];
            /* connections still open at the 30 s end of the clients
             * finish within the 2 s that follow */
            if (!(c->syn == 1 && c->synack == 1 && c->fin_c == 1 && c->fin_s == 1 &&
                  c->data_c >= 1 && c->data_s >= 1))
                incomplete++;
        }
    }
    CHECK_INT(incomplete, 0);
    if (have_tshark()) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "tshark -r %s -Y 'tcp.analysis.retransmission || tcp.analysis.lost_segment || "
                 "tcp.analysis.ack_lost_segment || _ws.malformed || _ws.expert.severity >= 6291456 "
                 "&& !(tcp.analysis.window_update)' 2>/dev/null", a);
        CHECK_INT(count_cmd(cmd), 0);
        snprintf(cmd, sizeof cmd, "tshark -r %s -Y 'http.request' 2>/dev/null", b);
        CHECK(count_cmd(cmd) > 4 * 40);
    } else {
        printf("skip: tshark not installed\n");
    }
}

static int same_file(const char *x, const char *y)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", x, y);
    return system(cmd) == 0;
}

static void test_determinism(void)
{
    struct world w;
    build(&w, "d1", 11, 1);
    run(&w, 10);
    build(&w, "d2", 11, 1);
    run(&w, 10);
    build(&w, "d3", 12, 1);
    run(&w, 10);
    char p1[512], p2[512], p3[512];
    snprintf(p1, sizeof p1, "%s/d1-A.pcap", dir);
    snprintf(p2, sizeof p2, "%s/d2-A.pcap", dir);
    snprintf(p3, sizeof p3, "%s/d3-A.pcap", dir);
    CHECK(same_file(p1, p2));
    CHECK(!same_file(p1, p3));
}

/* ---- a VM paused and moved, as by a live migration ------------------------- */

struct move {
    struct sim_host *vm;
};

static void stop_vm(struct sim *s, void *arg)
{
    (void)s;
    struct move *m = arg;
    m->vm->paused = 1;
}

static void resume_vm(struct sim *s, void *arg)
{
    struct move *m = arg;
    m->vm->node = SIM_NODE_B;
    m->vm->paused = 0;
    uint8_t f[64];
    uint32_t n = sim_frame_arp(f, 0x8035, 3, sim_broadcast, m->vm->mac, 0, m->vm->mac, 0);
    sim_transmit(s, m->vm, f, n);
}

static void test_pause_and_move(void)
{
    struct world w;
    build(&w, "mv", 5, 1000);
    static struct move mv;
    mv.vm = w.vm[0];
    /* the VM stops at 10.0 s and runs again on node B at 10.3 s */
    sim_at(w.s, T0 + 10 * MIGAD_NS_PER_SEC, stop_vm, &mv);
    sim_at(w.s, T0 + 10300 * SIM_MS, resume_vm, &mv);
    run(&w, 32);
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/mv-A.pcap", dir);
    snprintf(b, sizeof b, "%s/mv-B.pcap", dir);
    memset(&ta, 0, sizeof ta);
    memset(&tb, 0, sizeof tb);
    ta.vm_ip = tb.vm_ip = IP(10, 10, 0, 11);
    ta.split = tb.split = T0 + 10300 * SIM_MS;
    read_bridge(a, node_a, 3, &ta);
    const uint32_t b_after[3] = { IP(10, 10, 0, 21), IP(10, 10, 0, 22), IP(10, 10, 0, 11) };
    read_bridge(b, b_after, 3, &tb);
    CHECK(ta.vm_before > 100);     /* vm1 on A before */
    CHECK_INT(tb.vm_before, 0);    /* and not on B */
    CHECK(tb.vm_after > 100);      /* on B after */
    /* on A after the move: only the client's segments sent before the
     * switch learned the new port, within the first second */
    CHECK(ta.vm_after < 50);
    /* flows moved without a new handshake: the first frames of vm1 on B are
     * not all SYNs, and some connections have frames on both bridges */
    CHECK(tb.vm_after > tb.vm_syn_after);
    int moved = 0;
    for (int i = 0; i < ta.nconn; i++)
        for (int j = 0; j < tb.nconn; j++)
            if (ta.conns[i].sip == IP(10, 10, 0, 11) && tb.conns[j].sip == ta.conns[i].sip &&
                tb.conns[j].cport == ta.conns[i].cport && tb.conns[j].syn == 0)
                moved++;
    CHECK(moved >= 1);
    if (have_tshark()) {
        char cmd[4096];
        /* a segment lost on A while vm1 was stopped is sent again, and
         * seen again on B: retransmissions appear in the two bridges'
         * captures merged */
        snprintf(cmd, sizeof cmd,
                 "mergecap -w %s/mv-AB.pcap %s %s && tshark -r %s/mv-AB.pcap "
                 "-Y 'tcp.analysis.retransmission && ip.addr==10.10.0.11' "
                 "-T fields -e frame.time_epoch 2>/dev/null", dir, a, b, dir);
        int retrans = count_cmd(cmd);
        CHECK(retrans >= 1);
        snprintf(cmd, sizeof cmd, "tshark -r %s -Y 'arp.opcode==3' 2>/dev/null", b);
        CHECK_INT(count_cmd(cmd), 1);
    }
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/migad-simtest.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_background);
    RUN(test_determinism);
    RUN(test_pause_and_move);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (check_failures == 0 && system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return check_finish();
}
