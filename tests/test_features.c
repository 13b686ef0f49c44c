/*
 * Binning and feature tests on hand-made decoded packets.  Expected values
 * are worked out by hand in the comments, and a randomized test compares the
 * binner with a brute-force reference written independently below (sorting
 * instead of hashing, direct sums instead of incremental counts).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "migad/features.h"

#define S(x) ((migad_ns)((x) * 1e9 + 0.5))
#define MAXROWS 4096

struct row {
    migad_ns start;
    int64_t index;
    uint32_t segment;
    double v[MIGAD_F_COUNT];
};

struct sink {
    struct row rows[MAXROWS];
    int n;
    int stop_after;
};

static int collect(void *ctx, const struct migad_bin *b)
{
    struct sink *s = ctx;
    if (s->stop_after && s->n >= s->stop_after)
        return 1;
    if (s->n < MAXROWS) {
        struct row *r = &s->rows[s->n];
        r->start = b->start;
        r->index = b->index;
        r->segment = b->segment;
        memcpy(r->v, b->values, sizeof r->v);
    }
    s->n++;
    return 0;
}

static void v4(struct migad_addr *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
    memset(a, 0, sizeof *a);
    a->b[10] = 0xff;
    a->b[11] = 0xff;
    a->b[12] = x;
    a->b[13] = y;
    a->b[14] = z;
    a->b[15] = w;
}

/* An IPv4 TCP packet from 10.0.0.s:sp to 10.0.0.d:dp. */
static struct migad_pkt tcp(double t, int s, int sp, int d, int dp, uint32_t len)
{
    struct migad_pkt p;
    memset(&p, 0, sizeof p);
    p.ts = S(t);
    p.wirelen = p.caplen = len;
    p.l3 = MIGAD_L3_IPV4;
    p.ip_proto = 6;
    v4(&p.src, 10, 0, 0, (uint8_t)s);
    v4(&p.dst, 10, 0, 0, (uint8_t)d);
    p.has_ports = 1;
    p.sport = (uint16_t)sp;
    p.dport = (uint16_t)dp;
    p.tcp_flags = MIGAD_TCP_ACK;
    return p;
}

static struct migad_binner *mk(struct sink *s, const struct migad_binner_opts *o, const char *fs_spec)
{
    struct migad_featset fs;
    char err[MIGAD_ERRBUF_SIZE];
    CHECK_INT(migad_featset_parse(&fs, fs_spec, err), MIGAD_OK);
    struct migad_binner *b = NULL;
    memset(s, 0, sizeof *s);
    CHECK_INT(migad_binner_create(&b, o, &fs, collect, s, err), MIGAD_OK);
    return b;
}

static void add(struct migad_binner *b, struct migad_pkt p)
{
    CHECK_INT(migad_binner_add(b, &p), MIGAD_OK);
}

static struct sink sk;

/* Four packets in one bin; every paper feature by hand. */
static void test_one_bin_paper(void)
{
    struct migad_binner *b = mk(&sk, NULL, "paper");
    /* src: .1 .1 .2 .3 -> counts 2,1,1 of 4: H = 1/2*1 + 2*(1/4*2) = 1.5
     * dst: .9 x4 -> 0
     * sport: 1000 1000 1001 1002 -> 1.5;  dport: 80 x2, 443 x2 -> 1.0
     * sizes: 60 60 100 1500 -> 1.5;  bytes 1720
     * flows: (1:1000,9:80) twice -> 1; (2:1001,9:443); (3:1002,9:443) -> 3 */
    add(b, tcp(100.1, 1, 1000, 9, 80, 60));
    add(b, tcp(100.2, 1, 1000, 9, 80, 60));
    add(b, tcp(100.3, 2, 1001, 9, 443, 100));
    add(b, tcp(100.4, 3, 1002, 9, 443, 1500));
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 1);
    struct row *r = &sk.rows[0];
    CHECK_INT(r->start, S(100));
    CHECK_INT(r->index, 0);
    CHECK_INT(r->v[MIGAD_F_PACKETS], 4);
    CHECK_INT(r->v[MIGAD_F_BYTES], 1720);
    CHECK_INT(r->v[MIGAD_F_FLOWS], 3);
    CHECK_NEAR(r->v[MIGAD_F_H_SRCIP], 1.5, 1e-12);
    CHECK_NEAR(r->v[MIGAD_F_H_DSTIP], 0.0, 1e-12);
    CHECK_NEAR(r->v[MIGAD_F_H_SPORT], 1.5, 1e-12);
    CHECK_NEAR(r->v[MIGAD_F_H_DPORT], 1.0, 1e-12);
    CHECK_NEAR(r->v[MIGAD_F_H_PKTSIZE], 1.5, 1e-12);
    /* not selected: zero */
    CHECK_INT(r->v[MIGAD_F_N_SRCIP], 0);
    migad_binner_free(b);
}

/* Eight equiprobable destination ports: exactly 3 bits; three values with
 * counts 1,1,2 of 4 -> 1.5; 1 of 3 each -> log2(3). */
static void test_entropy_values(void)
{
    struct migad_binner *b = mk(&sk, NULL, "h_dport,h_sport,n_dport");
    for (int i = 0; i < 8; i++)
        add(b, tcp(0.5, 1, 5000 + (i % 3), 2, 20 + i, 60));
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 1);
    CHECK_NEAR(sk.rows[0].v[MIGAD_F_H_DPORT], 3.0, 1e-12);
    CHECK_INT(sk.rows[0].v[MIGAD_F_N_DPORT], 8);
    /* sports 5000,5001,5002,5000,5001,5002,5000,5001: counts 3,3,2 of 8
     * H = 2*(3/8)log2(8/3) + (2/8)log2(4) = 0.75*log2(8/3) + 0.5 */
    CHECK_NEAR(sk.rows[0].v[MIGAD_F_H_SPORT], 0.75 * log2(8.0 / 3.0) + 0.5, 1e-12);
    migad_binner_free(b);
}

/* Quiet seconds produce empty rows; bins start at whole seconds. */
static void test_empty_bins(void)
{
    struct migad_binner *b = mk(&sk, NULL, "paper");
    add(b, tcp(10.5, 1, 1, 2, 2, 100));
    add(b, tcp(13.2, 1, 1, 2, 2, 200));
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 4);
    int want[4] = { 1, 0, 0, 1 };
    for (int i = 0; i < 4 && i < sk.n; i++) {
        CHECK_INT(sk.rows[i].index, i);
        CHECK_INT(sk.rows[i].start, S(10 + i));
        CHECK_INT(sk.rows[i].v[MIGAD_F_PACKETS], want[i]);
        CHECK_INT(sk.rows[i].segment, 0);
    }
    CHECK_INT(sk.rows[3].v[MIGAD_F_BYTES], 200);
    migad_binner_free(b);
}

/* A packet 0.8 s out of order lands in its own, earlier bin. */
static void test_reorder_within_window(void)
{
    struct migad_binner *b = mk(&sk, NULL, "paper");
    add(b, tcp(1.2, 1, 1, 2, 2, 100));
    add(b, tcp(2.5, 1, 1, 2, 2, 200));
    add(b, tcp(1.7, 1, 1, 2, 2, 300)); /* late but within the 2 s window */
    add(b, tcp(2.6, 1, 1, 2, 2, 400));
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 2);
    CHECK_INT(sk.rows[0].v[MIGAD_F_BYTES], 400);
    CHECK_INT(sk.rows[1].v[MIGAD_F_BYTES], 600);
    struct migad_binner_stats st;
    migad_binner_stats(b, &st);
    CHECK_INT(st.late, 0);
    CHECK_INT(st.packets, 4);
    migad_binner_free(b);
}

/* The first packet of a capture need not be the oldest: a packet within the
 * window before it makes the trace start earlier. */
static void test_starts_earlier(void)
{
    struct migad_binner *b = mk(&sk, NULL, "packets");
    add(b, tcp(5.5, 1, 1, 2, 2, 60));
    add(b, tcp(4.2, 1, 1, 2, 2, 60));
    add(b, tcp(3.9, 1, 1, 2, 2, 60)); /* 1.6 s before the newest: still in the window */
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 3);
    CHECK_INT(sk.rows[0].start, S(3));
    CHECK_INT(sk.rows[0].index, 0);
    CHECK_INT(sk.rows[2].index, 2);
    for (int i = 0; i < 3; i++)
        CHECK_INT(sk.rows[i].v[MIGAD_F_PACKETS], 1);
    struct migad_binner_stats st;
    migad_binner_stats(b, &st);
    CHECK_INT(st.late, 0);
    migad_binner_free(b);
}

/* Beyond the window a packet goes to the oldest open bin and counts as late.
 * reorder 1 s: after t=5.0 bins 0..3 are final (end + 1 <= 5), so the
 * packet of t=1.2 goes to bin 4. */
static void test_late_beyond_window(void)
{
    struct migad_binner_opts o;
    migad_binner_opts_init(&o);
    o.reorder = S(1);
    struct migad_binner *b = mk(&sk, &o, "paper");
    add(b, tcp(0.5, 1, 1, 2, 2, 100));
    add(b, tcp(5.0, 1, 1, 2, 2, 200));
    add(b, tcp(1.2, 1, 1, 2, 2, 300));
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 6);
    double want[6] = { 100, 0, 0, 0, 300, 200 };
    for (int i = 0; i < 6 && i < sk.n; i++)
        CHECK_INT(sk.rows[i].v[MIGAD_F_BYTES], want[i]);
    struct migad_binner_stats st;
    migad_binner_stats(b, &st);
    CHECK_INT(st.late, 1);
    CHECK_INT(st.segments, 1);
    migad_binner_free(b);
}

/* A silence longer than max_gap starts a new segment without empty rows;
 * so does a jump back in time by more than max_gap. */
static void test_segments(void)
{
    struct migad_binner_opts o;
    migad_binner_opts_init(&o);
    o.max_gap = S(10);
    struct migad_binner *b = mk(&sk, &o, "paper");
    add(b, tcp(0.5, 1, 1, 2, 2, 100));
    add(b, tcp(5.5, 1, 1, 2, 2, 100));   /* 5 s gap: empty bins 1..4 */
    add(b, tcp(100.5, 1, 1, 2, 2, 100)); /* 95 s gap: new segment */
    add(b, tcp(20.5, 1, 1, 2, 2, 100));  /* 80 s back: new segment */
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 8);
    CHECK_INT(sk.rows[0].segment, 0);
    CHECK_INT(sk.rows[5].segment, 0);
    CHECK_INT(sk.rows[5].index, 5);
    CHECK_INT(sk.rows[6].segment, 1);
    CHECK_INT(sk.rows[6].index, 100);
    CHECK_INT(sk.rows[6].start, S(100));
    CHECK_INT(sk.rows[7].segment, 2);
    CHECK_INT(sk.rows[7].index, 20);
    double total = 0;
    for (int i = 0; i < sk.n; i++)
        total += sk.rows[i].v[MIGAD_F_PACKETS];
    CHECK_INT(total, 4);
    migad_binner_free(b);
}

/* Bins aligned on the first packet, and a 1 ms width. */
static void test_align_and_width(void)
{
    struct migad_binner_opts o;
    migad_binner_opts_init(&o);
    o.align_first = 1;
    o.width = S(0.25);
    struct migad_binner *b = mk(&sk, &o, "packets");
    add(b, tcp(7.1, 1, 1, 2, 2, 60));
    add(b, tcp(7.3, 1, 1, 2, 2, 60));  /* 0.2 after the first: bin 0 */
    add(b, tcp(7.36, 1, 1, 2, 2, 60)); /* 0.26: bin 1 */
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 2);
    CHECK_INT(sk.rows[0].start, S(7.1));
    CHECK_INT(sk.rows[0].v[MIGAD_F_PACKETS], 2);
    CHECK_INT(sk.rows[1].start, S(7.35));
    migad_binner_free(b);

    migad_binner_opts_init(&o);
    o.width = S(0.001);
    b = mk(&sk, &o, "packets");
    add(b, tcp(3.0004, 1, 1, 2, 2, 60));
    add(b, tcp(3.0031, 1, 1, 2, 2, 60));
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 4); /* 3.000, 3.001, 3.002, 3.003 */
    CHECK_INT(sk.rows[3].start, S(3.003));
    migad_binner_free(b);

    char err[MIGAD_ERRBUF_SIZE];
    struct migad_featset fs;
    migad_featset_parse(&fs, "paper", err);
    o.width = S(0.0005);
    CHECK_INT(migad_binner_create(&b, &o, &fs, collect, &sk, err), MIGAD_EINVAL);
    CHECK(b == NULL);
}

/* Flows are bidirectional; non-IP frames are keyed by MAC pair. */
static void test_flows(void)
{
    struct migad_binner *b = mk(&sk, NULL, "flows,n_srcip,n_dstip,arp,rarp");
    add(b, tcp(0.1, 1, 1000, 2, 80, 60));
    add(b, tcp(0.2, 2, 80, 1, 1000, 60)); /* reply: same flow */
    add(b, tcp(0.3, 1, 1001, 2, 80, 60)); /* new source port: new flow */
    struct migad_pkt arp;
    memset(&arp, 0, sizeof arp);
    arp.ts = S(0.4);
    arp.wirelen = 60;
    arp.l3 = MIGAD_L3_ARP;
    arp.ethertype = 0x0806;
    arp.has_mac = 1;
    memcpy(arp.src_mac, "\x52\x54\x00\x00\x00\x01", 6);
    memset(arp.dst_mac, 0xff, 6);
    v4(&arp.src, 10, 0, 0, 1);
    v4(&arp.dst, 10, 0, 0, 7);
    add(b, arp);
    arp.ts = S(0.5);
    add(b, arp); /* same MAC pair: same flow */
    arp.l3 = MIGAD_L3_RARP;
    arp.ethertype = 0x8035;
    v4(&arp.src, 0, 0, 0, 0); /* QEMU's announcement: 0.0.0.0 both ways */
    v4(&arp.dst, 0, 0, 0, 0);
    add(b, arp); /* other ethertype: another flow */
    /* an ARP whose addresses were not IPv4 (not decoded, left all zero):
     * no address; same MAC pair and ethertype as the first ARP: same flow */
    arp.l3 = MIGAD_L3_ARP;
    arp.ethertype = 0x0806;
    memset(&arp.src, 0, sizeof arp.src);
    memset(&arp.dst, 0, sizeof arp.dst);
    add(b, arp);
    /* an IPv6 packet from ::ffff:10.0.0.1 is not the IPv4 10.0.0.1 */
    struct migad_pkt six = tcp(0.6, 1, 1000, 2, 80, 80);
    six.l3 = MIGAD_L3_IPV6;
    add(b, six); /* new source, new destination, new flow */
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 1);
    CHECK_INT(sk.rows[0].v[MIGAD_F_FLOWS], 5);
    CHECK_INT(sk.rows[0].v[MIGAD_F_ARP], 3);
    CHECK_INT(sk.rows[0].v[MIGAD_F_RARP], 1);
    /* sources: 10.0.0.1, 10.0.0.2, 0.0.0.0 (the RARP's), ::ffff:10.0.0.1 -> 4 */
    CHECK_INT(sk.rows[0].v[MIGAD_F_N_SRCIP], 4);
    /* destinations: .2 .1 .7 0.0.0.0 ::ffff:10.0.0.2 -> 5 */
    CHECK_INT(sk.rows[0].v[MIGAD_F_N_DSTIP], 5);
    migad_binner_free(b);
}

static struct migad_pkt seg(double t, int from_client, uint32_t seq, uint32_t len, uint8_t flags)
{
    struct migad_pkt p = from_client ? tcp(t, 1, 40000, 2, 80, 60 + len)
                                     : tcp(t, 2, 80, 1, 40000, 60 + len);
    p.tcp_seq = seq;
    p.tcp_flags = flags;
    p.l4_payload = len;
    return p;
}

/* new_flows and retrans on a scripted connection. */
static void test_stateful(void)
{
    struct migad_binner_opts o;
    migad_binner_opts_init(&o);
    o.flow_timeout = S(60);
    struct migad_binner *b = mk(&sk, &o, "new_flows,retrans,syn,synack,fin,rst");
    const uint8_t A = MIGAD_TCP_ACK;
    add(b, seg(0.1, 1, 1000, 0, MIGAD_TCP_SYN));        /* new flow */
    add(b, seg(0.2, 0, 5000, 0, MIGAD_TCP_SYN | A));
    add(b, seg(0.3, 1, 1001, 0, A));
    add(b, seg(0.4, 1, 1001, 100, A | MIGAD_TCP_PSH)); /* 1001..1101 */
    add(b, seg(1.4, 1, 1001, 100, A | MIGAD_TCP_PSH)); /* retransmission */
    add(b, seg(1.5, 1, 1100, 1, A));                   /* keep-alive: next-1, 1 byte */
    add(b, seg(1.6, 1, 1101, 0, A));                   /* pure ACK: no sequence space */
    add(b, seg(2.1, 1, 7000, 0, MIGAD_TCP_SYN));       /* SYN with a new ISN: new connection */
    add(b, seg(2.2, 1, 7000, 0, MIGAD_TCP_SYN));       /* SYN retransmitted */
    add(b, seg(32.0, 0, 5001, 0, A | MIGAD_TCP_FIN));  /* 30 s idle: same flow */
    add(b, seg(100.0, 1, 9000, 0, A | MIGAD_TCP_RST)); /* 68 s idle: new again */
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 101);
    CHECK_INT(sk.rows[0].v[MIGAD_F_NEW_FLOWS], 1);
    CHECK_INT(sk.rows[0].v[MIGAD_F_SYN], 1);
    CHECK_INT(sk.rows[0].v[MIGAD_F_SYNACK], 1);
    CHECK_INT(sk.rows[0].v[MIGAD_F_RETRANS], 0);
    CHECK_INT(sk.rows[1].v[MIGAD_F_RETRANS], 1);
    CHECK_INT(sk.rows[1].v[MIGAD_F_NEW_FLOWS], 0);
    CHECK_INT(sk.rows[2].v[MIGAD_F_NEW_FLOWS], 1);
    CHECK_INT(sk.rows[2].v[MIGAD_F_RETRANS], 1);
    CHECK_INT(sk.rows[2].v[MIGAD_F_SYN], 2);
    CHECK_INT(sk.rows[32].v[MIGAD_F_FIN], 1);
    CHECK_INT(sk.rows[32].v[MIGAD_F_NEW_FLOWS], 0);
    CHECK_INT(sk.rows[100].v[MIGAD_F_NEW_FLOWS], 1);
    CHECK_INT(sk.rows[100].v[MIGAD_F_RST], 1);
    migad_binner_free(b);
}

/* Port classes by destination port. */
static void test_port_classes(void)
{
    struct migad_binner *b = mk(&sk, NULL, "extended");
    add(b, tcp(0.1, 1, 50000, 2, 80, 100));    /* well-known */
    add(b, tcp(0.2, 2, 80, 1, 50000, 1500));   /* dynamic */
    add(b, tcp(0.3, 1, 50000, 2, 1023, 70));   /* well-known */
    add(b, tcp(0.4, 1, 50000, 2, 1024, 80));   /* registered */
    add(b, tcp(0.5, 1, 50000, 2, 49151, 90));  /* registered */
    add(b, tcp(0.6, 1, 50000, 2, 49152, 110)); /* dynamic */
    struct migad_pkt icmp = tcp(0.7, 1, 0, 2, 0, 98);
    icmp.has_ports = 0;
    icmp.ip_proto = 1;
    icmp.has_icmp = 1;
    icmp.tcp_flags = 0;
    add(b, icmp);
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    const double *v = sk.rows[0].v;
    CHECK_INT(v[MIGAD_F_PKTS_WELLKNOWN], 2);
    CHECK_INT(v[MIGAD_F_BYTES_WELLKNOWN], 170);
    CHECK_INT(v[MIGAD_F_PKTS_REGISTERED], 2);
    CHECK_INT(v[MIGAD_F_BYTES_REGISTERED], 170);
    CHECK_INT(v[MIGAD_F_PKTS_DYNAMIC], 2);
    CHECK_INT(v[MIGAD_F_BYTES_DYNAMIC], 1610);
    CHECK_INT(v[MIGAD_F_PKTS_NOPORT], 1);
    CHECK_INT(v[MIGAD_F_BYTES_NOPORT], 98);
    CHECK_INT(v[MIGAD_F_ICMP], 1);
    /* sports 50000 x5 + 80: the ICMP has none -> counts 5,1 of 6 */
    CHECK_NEAR(v[MIGAD_F_H_SPORT], (5.0 / 6) * log2(6.0 / 5) + (1.0 / 6) * log2(6.0), 1e-12);
    migad_binner_free(b);
}

/* A callback that refuses a row stops the binner. */
static void test_callback_stop(void)
{
    struct migad_binner *b = mk(&sk, NULL, "paper");
    sk.stop_after = 1;
    add(b, tcp(0.5, 1, 1, 2, 2, 60));
    /* t=5.5 makes bins 0..2 final (end + 2 s <= 5.5): the second is refused */
    struct migad_pkt p = tcp(5.5, 1, 1, 2, 2, 60);
    CHECK_INT(migad_binner_add(b, &p), MIGAD_EIO);
    CHECK_INT(sk.n, 1); /* the one row accepted */
    CHECK_INT(migad_binner_finish(b), MIGAD_EIO);
    migad_binner_free(b);
}

static void test_featset_parse(void)
{
    struct migad_featset fs;
    char err[MIGAD_ERRBUF_SIZE];
    CHECK_INT(migad_featset_parse(&fs, "paper", err), MIGAD_OK);
    CHECK_INT(fs.n, 8);
    CHECK_STR(migad_feature_name(fs.ids[0]), "packets");
    CHECK_STR(migad_feature_name(fs.ids[7]), "h_pktsize");
    CHECK_INT(migad_featset_parse(&fs, "rarp, paper,packets", err), MIGAD_OK);
    CHECK_INT(fs.n, 9);
    CHECK_STR(migad_feature_name(fs.ids[0]), "rarp");
    CHECK_INT(migad_featset_parse(&fs, "extended", err), MIGAD_OK);
    CHECK_INT(fs.n, MIGAD_F_COUNT);
    CHECK_INT(migad_featset_parse(&fs, "paper,bogus", err), MIGAD_EINVAL);
    CHECK(strstr(err, "'bogus'") != NULL);
    CHECK_INT(migad_featset_parse(&fs, "paper,,bytes", err), MIGAD_EINVAL);
    CHECK_INT(migad_featset_parse(&fs, "", err), MIGAD_EINVAL);
}

/* ---- randomized comparison with a brute-force reference ----------------- */

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Entropy of n values by sorting and counting runs. */
static double ref_entropy(uint64_t *vals, int n, int *distinct)
{
    *distinct = 0;
    if (n == 0)
        return 0;
    qsort(vals, (size_t)n, sizeof *vals, cmp_u64);
    double h = 0;
    int i = 0;
    while (i < n) {
        int j = i;
        while (j < n && vals[j] == vals[i])
            j++;
        double p = (double)(j - i) / n;
        h -= p * log2(p);
        (*distinct)++;
        i = j;
    }
    return h;
}

#define NPKT 3000
static struct migad_pkt pk[NPKT];

/* width: bin width; 50 ms with the 2 s window keeps 64 bins open, which
 * switches the 16-bit tables to their hashed mode */
static void random_vs_reference(double width)
{
    /* packets over 0..60 s, in order with jitter below the 2 s window */
    for (int i = 0; i < NPKT; i++) {
        double t = 1000.0 + 60.0 * i / NPKT + (double)(rnd() % 1000) / 1000.0;
        pk[i] = tcp(t, (int)(rnd() % 6), 1000 + (int)(rnd() % 5), (int)(rnd() % 4),
                    (int)(rnd() % 3) * 1000, (uint32_t)(60 + rnd() % 4 * 100));
        if (rnd() % 50 == 0)
            pk[i].wirelen = 65536 + (uint32_t)(rnd() % 3); /* beyond 16 bits */
        if (rnd() % 5 == 0) {
            pk[i].has_ports = 0;
            pk[i].ip_proto = 1;
        }
    }
    struct migad_binner_opts o;
    migad_binner_opts_init(&o);
    o.width = S(width);
    struct migad_binner *b = mk(&sk, &o, "extended");
    for (int i = 0; i < NPKT; i++)
        add(b, pk[i]);
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    /* one row per bin from the earliest packet's bin to the latest's */
    migad_ns tmin = pk[0].ts, tmax = pk[0].ts;
    for (int i = 1; i < NPKT; i++) {
        tmin = pk[i].ts < tmin ? pk[i].ts : tmin;
        tmax = pk[i].ts > tmax ? pk[i].ts : tmax;
    }
    CHECK_INT(sk.n, tmax / S(width) - tmin / S(width) + 1);
    if (width == 1.0)
        CHECK_INT(sk.n, 61); /* 1000.0x .. 1060.9x */
    CHECK(sk.n <= MAXROWS);
    static uint64_t vs[NPKT], vd[NPKT], vsp[NPKT], vdp[NPKT], vz[NPKT], vf[NPKT];
    for (int r = 0; r < sk.n; r++) {
        migad_ns lo = sk.rows[r].start, hi = lo + S(width);
        int n = 0, np = 0;
        double bytes = 0;
        for (int i = 0; i < NPKT; i++) {
            if (pk[i].ts < lo || pk[i].ts >= hi)
                continue;
            vs[n] = pk[i].src.b[15];
            vd[n] = pk[i].dst.b[15];
            vz[n] = pk[i].wirelen;
            int a = pk[i].src.b[15], c = pk[i].dst.b[15];
            int sp = pk[i].has_ports ? pk[i].sport : 0, dp = pk[i].has_ports ? pk[i].dport : 0;
            uint64_t e1 = (uint64_t)a << 16 | (uint64_t)sp, e2 = (uint64_t)c << 16 | (uint64_t)dp;
            vf[n] = (e1 < e2 ? e1 << 24 | e2 : e2 << 24 | e1) << 8 | pk[i].ip_proto;
            if (pk[i].has_ports) {
                vsp[np] = pk[i].sport;
                vdp[np] = pk[i].dport;
                np++;
            }
            bytes += pk[i].wirelen;
            n++;
        }
        const double *v = sk.rows[r].v;
        int d;
        CHECK_INT(v[MIGAD_F_PACKETS], n);
        CHECK_INT(v[MIGAD_F_BYTES], bytes);
        CHECK_NEAR(v[MIGAD_F_H_SRCIP], ref_entropy(vs, n, &d), 1e-9);
        CHECK_INT(v[MIGAD_F_N_SRCIP], d);
        CHECK_NEAR(v[MIGAD_F_H_DSTIP], ref_entropy(vd, n, &d), 1e-9);
        CHECK_INT(v[MIGAD_F_N_DSTIP], d);
        CHECK_NEAR(v[MIGAD_F_H_SPORT], ref_entropy(vsp, np, &d), 1e-9);
        CHECK_INT(v[MIGAD_F_N_SPORT], d);
        CHECK_NEAR(v[MIGAD_F_H_DPORT], ref_entropy(vdp, np, &d), 1e-9);
        CHECK_INT(v[MIGAD_F_N_DPORT], d);
        CHECK_NEAR(v[MIGAD_F_H_PKTSIZE], ref_entropy(vz, n, &d), 1e-9);
        ref_entropy(vf, n, &d);
        CHECK_INT(v[MIGAD_F_FLOWS], d);
    }
    migad_binner_free(b);
}

static void test_random_vs_reference(void)
{
    random_vs_reference(1.0);
    random_vs_reference(0.05);
}

/* A flood with spoofed sources: tables far beyond the caches (the batch
 * path's prefetching switches on), IPv6 flows in the five-word table, and
 * every key seen twice or once, so distinct counts and the entropy follow
 * from the construction: N IPv4 sources sending 2 packets each and M IPv6
 * sources sending 1, all to one IPv4 and one IPv6 address, in one bin. */
static void test_large_tables(void)
{
    enum { N = 300000, M = 20000, T = 2 * N + M, B = 64 };
    static struct migad_pkt pk2[T];
    for (int i = 0; i < T; i++) {
        struct migad_pkt *p = &pk2[i];
        int k = i < N ? i : i < 2 * N ? 2 * N - 1 - i : i - 2 * N;
        if (i < 2 * N) {
            *p = tcp(1000.0, 0, 1024 + (k & 0x7fff), 1, 80, 60);
            v4(&p->src, 10, (uint8_t)(k >> 16), (uint8_t)(k >> 8), (uint8_t)k);
        } else {
            *p = tcp(1000.0, 0, 40000, 1, 443, 80);
            p->l3 = MIGAD_L3_IPV6;
            memset(&p->src, 0, sizeof p->src);
            memset(&p->dst, 0, sizeof p->dst);
            p->src.b[0] = 0x20;
            p->src.b[1] = 0x01;
            p->src.b[14] = (uint8_t)(k >> 8);
            p->src.b[15] = (uint8_t)k;
            p->dst.b[0] = 0x20;
            p->dst.b[15] = 1;
        }
        p->ts = S(1000.0) + (migad_ns)i * 1000; /* 0.62 s in all */
    }
    struct migad_binner *b = mk(&sk, NULL, "packets,flows,h_srcip,n_srcip,n_dstip");
    for (int i = 0; i < T; i += B)
        CHECK_INT(migad_binner_add_batch(b, pk2 + i, (size_t)(T - i < B ? T - i : B)), MIGAD_OK);
    CHECK_INT(migad_binner_finish(b), MIGAD_OK);
    CHECK_INT(sk.n, 1);
    const double *v = sk.rows[0].v;
    CHECK_INT(v[MIGAD_F_PACKETS], T);
    CHECK_INT(v[MIGAD_F_FLOWS], N + M);
    CHECK_INT(v[MIGAD_F_N_SRCIP], N + M);
    CHECK_INT(v[MIGAD_F_N_DSTIP], 2);
    /* H = log2 T - (1/T) sum c log2 c, c = 2 for N sources and 1 for M */
    CHECK_NEAR(v[MIGAD_F_H_SRCIP], log2((double)T) - 2.0 * N / T, 1e-9);
    migad_binner_free(b);
}

int main(void)
{
    RUN(test_one_bin_paper);
    RUN(test_large_tables);
    RUN(test_entropy_values);
    RUN(test_empty_bins);
    RUN(test_reorder_within_window);
    RUN(test_starts_earlier);
    RUN(test_late_beyond_window);
    RUN(test_segments);
    RUN(test_align_and_width);
    RUN(test_flows);
    RUN(test_stateful);
    RUN(test_port_classes);
    RUN(test_callback_stop);
    RUN(test_featset_parse);
    RUN(test_random_vs_reference);
    return check_finish();
}
