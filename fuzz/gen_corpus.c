/*
 * Writes the seed corpus of fuzz_decode (fuzz/corpus/decode/): one small
 * file per interesting frame type, built with tests/support/pktbuild.
 * Each file is the fuzz_decode input layout: one selector byte (link type
 * index, MIGAD_DECODE_INNER bit, wirelen slack; see fuzz_decode.c), then
 * the frame.
 *
 *   gen_corpus OUTDIR
 *
 * Built by fuzz/CMakeLists.txt (MIGAD_FUZZ=ON) as fuzz_gen_corpus.  The
 * corpus is committed; rerun this only when adding seeds.
 */
#include "pktbuild.h"

#include <stdio.h>
#include <string.h>

/* Selector bits (fuzz_decode.c links[]). */
enum {
    L_EN10MB = 0, L_RAW = 1, L_RAW101 = 2, L_SLL = 3, L_SLL2 = 4, L_NULL = 5, L_LOOP = 6,
    L_IPV4 = 7, L_IPV6 = 8, L_UNSUPPORTED = 15,
};
#define INNER 0x10
#define SLACK(k) ((k) << 5)

static const uint8_t MA[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t MB[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t TCPOPTS[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1,
                                    0, 0, 0, 0, 1, 3, 3, 7};

static struct pb_ipv4 v4(uint8_t proto)
{
    struct pb_ipv4 h = {.src = {10, 0, 0, 1}, .dst = {10, 0, 0, 2}, .proto = proto, .ttl = 64,
                        .id = 0x1234};
    return h;
}

static struct pb_ipv6 v6(uint8_t next)
{
    struct pb_ipv6 h = {.next = next, .hlim = 64};
    pb_ip6(h.src, "2001:db8::1");
    pb_ip6(h.dst, "fe80::8c36:6ff:fe44:acaf");
    return h;
}

static void tcp_syn(struct pb *b)
{
    pb_tcp(b, &(struct pb_tcp){.sport = 40000, .dport = 80, .seq = 1, .flags = 0x02,
                               .win = 65535, .opts = TCPOPTS, .optlen = sizeof TCPOPTS});
}

static void inner_eth_tcp(struct pb *b)
{
    pb_eth(b, MB, MA, PB_ET_IPV4);
    struct pb_ipv4 h = v4(PB_IPPROTO_TCP);
    pb_ipv4(b, &h);
    pb_tcp(b, &(struct pb_tcp){.sport = 44437, .dport = 443, .flags = 0x18, .win = 100});
    pb_bytes(b, "GET /", 5);
}

static void outer_udp(struct pb *b, uint16_t dport)
{
    pb_eth(b, MB, MA, PB_ET_VLAN);
    pb_vlan(b, 5, PB_ET_IPV4);
    struct pb_ipv4 h = v4(PB_IPPROTO_UDP);
    pb_ipv4(b, &h);
    pb_udp(b, 60887, dport);
}

static int emit(const char *dir, int *n, const char *name, uint8_t sel, const uint8_t *frame,
                size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%02d-%s", dir, ++*n, name);
    FILE *f = fopen(path, "wb");
    if (!f || fputc(sel, f) == EOF || (len && fwrite(frame, 1, len, f) != len)) {
        fprintf(stderr, "gen_corpus: cannot write '%s'\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    uint8_t buf[512];
    struct pb b;
    struct pb_ipv4 h4;
    struct pb_ipv6 h6;
    int n = 0, rc = 0;
    size_t len;

#define START() pb_init(&b, buf, sizeof buf)
#define EMIT(name, sel) (len = pb_finish(&b), rc |= emit(dir, &n, name, sel, buf, len))

    START(); pb_eth(&b, MB, MA, PB_ET_IPV4); h4 = v4(PB_IPPROTO_TCP); pb_ipv4(&b, &h4);
    tcp_syn(&b); EMIT("eth-ipv4-tcp-syn", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV4); h4 = v4(PB_IPPROTO_TCP); pb_ipv4(&b, &h4);
    pb_tcp(&b, &(struct pb_tcp){.sport = 80, .dport = 40000, .flags = 0x18, .win = 5});
    pb_fill(&b, 'a', 40); EMIT("eth-ipv4-tcp-data", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV4); h4 = v4(PB_IPPROTO_UDP); pb_ipv4(&b, &h4);
    pb_udp(&b, 5353, 53); pb_fill(&b, 0, 12); EMIT("eth-ipv4-udp", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV4); h4 = v4(PB_IPPROTO_ICMP); pb_ipv4(&b, &h4);
    pb_icmp(&b, 8, 0, 0x00010001); pb_fill(&b, 0x55, 16); EMIT("eth-ipv4-icmp", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV4); h4 = v4(PB_IPPROTO_UDP);
    h4.opts = (const uint8_t[11]){7, 11, 4}; h4.optlen = 11; pb_ipv4(&b, &h4);
    pb_udp(&b, 1, 2); EMIT("eth-ipv4-options", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV4); h4 = v4(PB_IPPROTO_UDP); h4.mf = 1;
    pb_ipv4(&b, &h4); pb_udp(&b, 53, 3333); pb_fill(&b, 0, 16); EMIT("eth-ipv4-frag-first", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV4); h4 = v4(PB_IPPROTO_UDP); h4.frag_off = 3;
    pb_ipv4(&b, &h4); pb_fill(&b, 0x35, 16); EMIT("eth-ipv4-frag-later", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV6); h6 = v6(PB_IPPROTO_TCP); pb_ipv6(&b, &h6);
    tcp_syn(&b); EMIT("eth-ipv6-tcp", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV6); h6 = v6(PB_IPPROTO_HOPOPTS); pb_ipv6(&b, &h6);
    pb_ipv6_ext(&b, PB_IPPROTO_HOPOPTS, PB_IPPROTO_ROUTING, 8);
    pb_ipv6_ext(&b, PB_IPPROTO_ROUTING, PB_IPPROTO_DSTOPTS, 24);
    pb_ipv6_ext(&b, PB_IPPROTO_DSTOPTS, PB_IPPROTO_AH, 16);
    pb_ipv6_ext(&b, PB_IPPROTO_AH, PB_IPPROTO_TCP, 24);
    tcp_syn(&b); EMIT("eth-ipv6-ext-chain", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV6); h6 = v6(PB_IPPROTO_FRAGMENT); pb_ipv6(&b, &h6);
    pb_ipv6_frag(&b, PB_IPPROTO_UDP, 0, 1, 77); pb_udp(&b, 4000, 5000); pb_fill(&b, 0, 16);
    EMIT("eth-ipv6-frag-first", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV6); h6 = v6(PB_IPPROTO_FRAGMENT); pb_ipv6(&b, &h6);
    pb_ipv6_frag(&b, PB_IPPROTO_UDP, 3, 0, 77); pb_fill(&b, 0, 16);
    EMIT("eth-ipv6-frag-later", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV6); h6 = v6(PB_IPPROTO_ICMPV6); pb_ipv6(&b, &h6);
    pb_icmp6(&b, 135, 0, 0); pb_fill(&b, 0, 16); EMIT("eth-ipv6-icmpv6", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV6); h6 = v6(PB_IPPROTO_ESP); pb_ipv6(&b, &h6);
    pb_fill(&b, 0xee, 24); EMIT("eth-ipv6-esp", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_VLAN); pb_vlan(&b, 0xa064, PB_ET_IPV4);
    h4 = v4(PB_IPPROTO_UDP); pb_ipv4(&b, &h4); pb_udp(&b, 67, 68); EMIT("eth-vlan-udp", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_QINQ); pb_vlan(&b, 30, PB_ET_VLAN);
    pb_vlan(&b, 20, PB_ET_VLAN); pb_vlan(&b, 10, PB_ET_IPV4); h4 = v4(PB_IPPROTO_TCP);
    pb_ipv4(&b, &h4); tcp_syn(&b); EMIT("eth-qinqinq-tcp", L_EN10MB);

    START(); pb_eth(&b, BCAST, MA, PB_ET_QINQ_OLD); pb_vlan(&b, 7, PB_ET_ARP);
    pb_arp(&b, 1, MA, (const uint8_t[4]){10, 0, 0, 1}, (const uint8_t[6]){0},
           (const uint8_t[4]){10, 0, 0, 2});
    EMIT("eth-9100-arp", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_MPLS); pb_mpls(&b, 1000, 0, 0, 64);
    pb_mpls(&b, 29, 6, 1, 255); h4 = v4(PB_IPPROTO_TCP); pb_ipv4(&b, &h4); tcp_syn(&b);
    EMIT("eth-mpls2-tcp", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_MPLS_MC); pb_mpls(&b, 2, 0, 1, 1);
    h6 = v6(PB_IPPROTO_UDP); pb_ipv6(&b, &h6); pb_udp(&b, 9, 10); EMIT("eth-mpls-ipv6", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_MPLS); pb_mpls(&b, 100, 0, 1, 64); pb_u32(&b, 0);
    pb_eth(&b, MA, MB, PB_ET_IPV4); EMIT("eth-mpls-pseudowire", L_EN10MB);

    START(); pb_eth(&b, BCAST, MA, PB_ET_ARP);
    pb_arp(&b, 1, MA, (const uint8_t[4]){192, 0, 2, 1}, (const uint8_t[6]){0},
           (const uint8_t[4]){192, 0, 2, 2});
    EMIT("eth-arp-request", L_EN10MB);

    START(); pb_eth(&b, MA, MB, PB_ET_ARP);
    pb_arp(&b, 2, MB, (const uint8_t[4]){192, 0, 2, 2}, MA, (const uint8_t[4]){192, 0, 2, 1});
    EMIT("eth-arp-reply", L_EN10MB);

    START(); pb_eth(&b, BCAST, MA, PB_ET_RARP);
    pb_arp(&b, 3, MA, (const uint8_t[4]){0}, MA, (const uint8_t[4]){0});
    pb_finish(&b); pb_pad(&b, 60); EMIT("eth-rarp-qemu", L_EN10MB);

    START(); pb_eth(&b, BCAST, MA, PB_ET_ARP); pb_arp_hdr(&b, 6, PB_ET_IPV4, 8, 4, 1);
    pb_fill(&b, 0x77, 24); EMIT("eth-arp-odd-sizes", L_EN10MB);

    START(); pb_eth(&b, (const uint8_t[6]){0x01, 0x80, 0xc2, 0, 0, 0}, MA, 38);
    pb_bytes(&b, "\x42\x42\x03", 3); pb_finish(&b); pb_pad(&b, 60);
    EMIT("eth-llc-stp", L_EN10MB);

    START(); pb_eth(&b, (const uint8_t[6]){0x01, 0x80, 0xc2, 0, 0, 0x0e}, MA, 0x88cc);
    pb_fill(&b, 0, 20); EMIT("eth-lldp", L_EN10MB);

    START(); pb_sll(&b, 4, 1, MA, 6, PB_ET_IPV4); h4 = v4(PB_IPPROTO_UDP); pb_ipv4(&b, &h4);
    pb_udp(&b, 1111, 2222); EMIT("sll-ipv4-udp", L_SLL);

    START(); pb_sll(&b, 0, 65534, NULL, 0, PB_ET_VLAN); pb_vlan(&b, 42, PB_ET_IPV6);
    h6 = v6(PB_IPPROTO_NONE); pb_ipv6(&b, &h6); EMIT("sll-vlan-ipv6", L_SLL);

    START(); pb_sll2(&b, PB_ET_IPV6, 3, 1, 0, MB, 6); h6 = v6(PB_IPPROTO_ICMPV6);
    pb_ipv6(&b, &h6); pb_icmp6(&b, 128, 0, 0x00090001); EMIT("sll2-icmpv6", L_SLL2);

    START(); pb_sll2(&b, PB_ET_RARP, 26, 1, 4, MA, 6);
    pb_arp(&b, 3, MA, (const uint8_t[4]){0}, MA, (const uint8_t[4]){0});
    EMIT("sll2-rarp", L_SLL2);

    START(); pb_null(&b, 2); h4 = v4(PB_IPPROTO_TCP); pb_ipv4(&b, &h4); tcp_syn(&b);
    EMIT("null-ipv4-tcp", L_NULL);

    START(); pb_null(&b, 30); h6 = v6(PB_IPPROTO_TCP); pb_ipv6(&b, &h6); tcp_syn(&b);
    EMIT("null-ipv6-macos", L_NULL);

    START(); pb_loop(&b, 24); h6 = v6(PB_IPPROTO_UDP); pb_ipv6(&b, &h6); pb_udp(&b, 1, 2);
    EMIT("loop-ipv6", L_LOOP);

    START(); h4 = v4(PB_IPPROTO_UDP); pb_ipv4(&b, &h4); pb_udp(&b, 40097, 53);
    EMIT("raw-ipv4-udp", L_RAW);

    START(); h6 = v6(PB_IPPROTO_TCP); pb_ipv6(&b, &h6); tcp_syn(&b);
    EMIT("raw101-ipv6-tcp", L_RAW101);

    START(); h4 = v4(PB_IPPROTO_ICMP); pb_ipv4(&b, &h4); pb_icmp(&b, 3, 3, 0);
    EMIT("dlt228-ipv4-icmp", L_IPV4);

    START(); h6 = v6(PB_IPPROTO_UDP); pb_ipv6(&b, &h6); pb_udp(&b, 1, 2);
    EMIT("dlt229-ipv6-udp", L_IPV6);

    START(); outer_udp(&b, 4789); pb_vxlan(&b, 1111); inner_eth_tcp(&b);
    EMIT("vxlan-inner", L_EN10MB | INNER);
    START(); outer_udp(&b, 4789); pb_vxlan(&b, 1111); inner_eth_tcp(&b);
    EMIT("vxlan-outer", L_EN10MB);

    START(); outer_udp(&b, 6081);
    pb_geneve(&b, 0xabcdef, PB_ET_TEB, (const uint8_t[8]){1, 2, 0x80, 1, 0xde, 0xad, 0xbe, 0xef}, 8);
    inner_eth_tcp(&b); EMIT("geneve-eth-inner", L_EN10MB | INNER);

    START(); outer_udp(&b, 6081); pb_geneve(&b, 7, PB_ET_IPV4, NULL, 0);
    h4 = v4(PB_IPPROTO_ICMP); pb_ipv4(&b, &h4); pb_icmp(&b, 8, 0, 0);
    EMIT("geneve-ipv4-inner", L_EN10MB | INNER);

    START(); pb_sll2(&b, PB_ET_IPV6, 1, 1, 0, MA, 6); h6 = v6(PB_IPPROTO_UDP);
    pb_ipv6(&b, &h6); pb_udp(&b, 1, 6081); pb_geneve(&b, 3, PB_ET_IPV6, NULL, 0);
    pb_ipv6(&b, &h6); pb_udp(&b, 3, 4); EMIT("sll2-geneve-ipv6", L_SLL2 | INNER);

    START(); outer_udp(&b, 4789); pb_vxlan(&b, 1); pb_eth(&b, MB, MA, PB_ET_IPV4);
    h4 = v4(PB_IPPROTO_UDP); pb_ipv4(&b, &h4); pb_udp(&b, 999, 4789); pb_vxlan(&b, 2);
    inner_eth_tcp(&b); EMIT("vxlan-in-vxlan", L_EN10MB | INNER);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV4); h4 = v4(PB_IPPROTO_TCP); pb_ipv4(&b, &h4);
    pb_tcp(&b, &(struct pb_tcp){.sport = 1, .dport = 2, .flags = 0x10}); pb_fill(&b, 0, 20);
    pb_finish(&b); pb_put16(&b, 16, 0); EMIT("eth-ipv4-tso-zero-length", L_EN10MB | SLACK(3));

    START(); pb_eth(&b, MB, MA, PB_ET_IPV4); h4 = v4(PB_IPPROTO_TCP); pb_ipv4(&b, &h4);
    tcp_syn(&b); pb_finish(&b); pb_put8(&b, 14, 0x44); EMIT("eth-ipv4-ihl4", L_EN10MB);

    START(); pb_eth(&b, MB, MA, PB_ET_IPV6); h6 = v6(PB_IPPROTO_TCP); pb_ipv6(&b, &h6);
    tcp_syn(&b); pb_finish(&b); b.len = 14 + 40 + 10; EMIT("eth-ipv6-tcp-cut", L_EN10MB | SLACK(1));

    START(); pb_fill(&b, 0, 32); EMIT("unsupported-link", L_UNSUPPORTED);

#undef START
#undef EMIT
    if (rc == 0)
        printf("wrote %d seeds to %s\n", n, dir);
    return rc ? 1 : 0;
}
