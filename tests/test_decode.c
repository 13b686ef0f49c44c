/*
 * Unit tests for migad_decode() (src/lib/decode.c).
 *
 * Frames are built with tests/support/pktbuild (independent of libmigad) and
 * every expected value is worked out by hand below.  Each frame is copied
 * into a heap block of exactly caplen bytes before decoding, so a sanitizer
 * build catches any read past the captured bytes.  When the shared capture
 * collection is present (../../shared/data/pcaps from tests/), a few facts
 * from its CATALOG.md are checked on real traffic too.
 */
#include "check.h"
#include "pktbuild.h"

#include "migad/packet.h"
#include "migad/source.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCAP_DIR MIGAD_TEST_DIR "/../../shared/data/pcaps"

static const uint8_t MAC_A[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
static const uint8_t MAC_B[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};
static const uint8_t MAC_BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Decode `caplen` bytes of `frame` from an exactly-sized heap copy. */
static enum migad_decode_result dec_n(int dlt, const uint8_t *frame, uint32_t caplen,
                                      uint32_t wirelen, unsigned flags, struct migad_pkt *p)
{
    uint8_t *copy = malloc(caplen ? caplen : 1);
    if (!copy)
        abort();
    if (caplen)
        memcpy(copy, frame, caplen);
    enum migad_decode_result r = migad_decode(dlt, copy, caplen, wirelen, flags, p);
    free(copy);
    return r;
}

static enum migad_decode_result dec(int dlt, const uint8_t *frame, size_t len, unsigned flags,
                                    struct migad_pkt *p)
{
    return dec_n(dlt, frame, (uint32_t)len, (uint32_t)len, flags, p);
}

/* Is `x` the IPv4-mapped address ::ffff:a.b.c.d? */
static int is_v4(const struct migad_addr *x, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    const uint8_t want[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
    return memcmp(x->b, want, 16) == 0;
}

static int is_v6(const struct migad_addr *x, const char *text)
{
    uint8_t want[16];
    if (pb_ip6(want, text) != 0)
        return 0;
    return memcmp(x->b, want, 16) == 0;
}

static int is_zero_addr(const struct migad_addr *x)
{
    static const uint8_t z[16];
    return memcmp(x->b, z, 16) == 0;
}

/* Ethernet + IPv4 10.0.0.1 -> 10.0.0.2 header with the given protocol. */
static void eth_ipv4(struct pb *b, uint8_t proto)
{
    pb_eth(b, MAC_B, MAC_A, PB_ET_IPV4);
    pb_ipv4(b, &(struct pb_ipv4){.src = {10, 0, 0, 1}, .dst = {10, 0, 0, 2}, .proto = proto,
                                 .ttl = 64, .id = 0x1234});
}

/* ---- Ethernet, IPv4, transports ---------------------------------------- */

static void test_eth_ipv4_tcp(void)
{
    static const uint8_t opts[12] = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0}; /* NOP NOP TS */
    uint8_t buf[256], pay[100];
    struct pb b;
    memset(pay, 'x', sizeof pay);
    pb_init(&b, buf, sizeof buf);
    eth_ipv4(&b, PB_IPPROTO_TCP);
    pb_tcp(&b, &(struct pb_tcp){.sport = 40000, .dport = 80, .seq = 0xdeadbeef, .ack = 7,
                                .flags = 0x18, .win = 512, .opts = opts, .optlen = 12});
    pb_bytes(&b, pay, sizeof pay);
    size_t len = pb_finish(&b);
    /* 14 Ethernet + 20 IPv4 + 32 TCP (5 + 3 words) + 100 payload */
    CHECK_INT(len, 166);
    /* the builder's IPv4 header checksum verifies: sum over the header is 0 */
    CHECK_INT(pb_cksum(buf + 14, 20), 0);

    struct migad_pkt p;
    p.ts = 123456789;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.ts, 123456789);
    CHECK_INT(p.caplen, 166);
    CHECK_INT(p.wirelen, 166);
    CHECK_INT(p.has_mac, 1);
    CHECK(memcmp(p.src_mac, MAC_A, 6) == 0);
    CHECK(memcmp(p.dst_mac, MAC_B, 6) == 0);
    CHECK_INT(p.ethertype, 0x0800);
    CHECK_INT(p.vlan_depth, 0);
    CHECK_INT(p.vlan_id, 0);
    CHECK_INT(p.mpls_depth, 0);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);
    CHECK_INT(p.ip_proto, 6);
    CHECK_INT(p.frag, MIGAD_FRAG_NONE);
    CHECK_INT(p.ttl, 64);
    CHECK(is_v4(&p.src, 10, 0, 0, 1));
    CHECK(is_v4(&p.dst, 10, 0, 0, 2));
    CHECK_INT(p.ip_id, 0x1234);
    CHECK_INT(p.ip_len, 152); /* 20 + 32 + 100 */
    CHECK_INT(p.has_ports, 1);
    CHECK_INT(p.sport, 40000);
    CHECK_INT(p.dport, 80);
    CHECK_INT(p.tcp_flags, MIGAD_TCP_PSH | MIGAD_TCP_ACK);
    CHECK_INT(p.tcp_seq, 0xdeadbeefu);
    CHECK_INT(p.tcp_ack, 7);
    CHECK_INT(p.tcp_win, 512);
    CHECK_INT(p.l4_payload, 100);
    CHECK_INT(p.has_icmp, 0);
    CHECK_INT(p.arp_op, 0);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_NONE);
    CHECK_INT(p.vni, 0);

    /* snaplen 96 cuts the payload only: still OK, l4_payload from IP lengths */
    CHECK_INT(dec_n(DLT_EN10MB, buf, 96, 166, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.caplen, 96);
    CHECK_INT(p.wirelen, 166);
    CHECK_INT(p.l4_payload, 100);
    CHECK_INT(p.ip_len, 152);

    /* every TCP flag bit comes through */
    pb_put8(&b, 14 + 20 + 13, 0xff);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tcp_flags, 0xff);
}

static void test_eth_ipv4_udp_padding(void)
{
    uint8_t buf[128];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    eth_ipv4(&b, PB_IPPROTO_UDP);
    pb_udp(&b, 5353, 53);
    pb_bytes(&b, "abcd", 4);
    CHECK_INT(pb_finish(&b), 46); /* 14 + 20 + 8 + 4 */
    CHECK_INT(pb_pad(&b, 60), 60); /* Ethernet minimum: 14 bytes of padding */

    struct migad_pkt p;
    CHECK_INT(dec(DLT_EN10MB, buf, 60, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.ip_proto, 17);
    CHECK_INT(p.has_ports, 1);
    CHECK_INT(p.sport, 5353);
    CHECK_INT(p.dport, 53);
    CHECK_INT(p.ip_len, 32);    /* 20 + 8 + 4: padding is not IP */
    CHECK_INT(p.l4_payload, 4); /* 32 - 20 - 8, not 60 - 42 */
    CHECK_INT(p.tcp_flags, 0);
}

static void test_ipv4_icmp(void)
{
    uint8_t buf[128];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    eth_ipv4(&b, PB_IPPROTO_ICMP);
    pb_icmp(&b, 8, 0, 0x00010002);
    pb_fill(&b, 0x55, 56);
    size_t len = pb_finish(&b);
    CHECK_INT(pb_cksum(buf + 34, len - 34), 0); /* ICMP checksum verifies */

    struct migad_pkt p;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);
    CHECK_INT(p.ip_proto, 1);
    CHECK_INT(p.has_icmp, 1);
    CHECK_INT(p.icmp_type, 8);
    CHECK_INT(p.icmp_code, 0);
    CHECK_INT(p.has_ports, 0);
    CHECK_INT(p.l4_payload, 0);
    CHECK_INT(p.ip_len, 84); /* 20 + 8 + 56 */

    /* destination unreachable, port unreachable */
    pb_put8(&b, 34, 3);
    pb_put8(&b, 35, 3);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.icmp_type, 3);
    CHECK_INT(p.icmp_code, 3);
}

static void test_ipv4_options(void)
{
    /* Record Route (7) with room for 2 addresses: type, len 11, ptr 4, 8 bytes;
     * padded to 12 with an EOL: IHL = 5 + 3 = 8 */
    static const uint8_t rr[11] = {7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0};
    uint8_t buf[128];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV4);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {192, 168, 1, 1}, .dst = {192, 168, 1, 2},
                                  .proto = PB_IPPROTO_UDP, .ttl = 1, .opts = rr, .optlen = 11});
    pb_udp(&b, 1000, 2000);
    pb_fill(&b, 0, 10);
    size_t len = pb_finish(&b);
    CHECK_INT(buf[14], 0x48);
    CHECK_INT(len, 14 + 32 + 8 + 10);

    struct migad_pkt p;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.ttl, 1);
    CHECK_INT(p.sport, 1000);
    CHECK_INT(p.dport, 2000);
    CHECK_INT(p.ip_len, 50);     /* 32 + 8 + 10 */
    CHECK_INT(p.l4_payload, 10); /* 50 - 32 - 8 */

    /* snaplen inside the options: IPv4 fields kept, TRUNCATED, no ports */
    CHECK_INT(dec_n(DLT_EN10MB, buf, 14 + 24, (uint32_t)len, 0, &p), MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);
    CHECK(is_v4(&p.src, 192, 168, 1, 1));
    CHECK_INT(p.has_ports, 0);
}

static void test_ipv4_fragments(void)
{
    uint8_t buf[128];
    struct pb b;
    struct migad_pkt p;

    /* first fragment: MF set, offset 0, carries the UDP header */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV4);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {10, 1, 1, 1}, .dst = {10, 2, 2, 2},
                                  .proto = PB_IPPROTO_UDP, .ttl = 60, .id = 777, .mf = 1});
    pb_udp(&b, 53, 33333);
    pb_fill(&b, 0xaa, 24);
    size_t len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.frag, MIGAD_FRAG_FIRST);
    CHECK_INT(p.ip_id, 777);
    CHECK_INT(p.has_ports, 1);
    CHECK_INT(p.sport, 53);
    CHECK_INT(p.dport, 33333);
    CHECK_INT(p.l4_payload, 24); /* of this fragment: 52 - 20 - 8 */

    /* middle fragment: offset 4 (32 bytes), MF set: no L4 header */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV4);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {10, 1, 1, 1}, .dst = {10, 2, 2, 2},
                                  .proto = PB_IPPROTO_UDP, .ttl = 60, .id = 777, .mf = 1,
                                  .frag_off = 4});
    pb_fill(&b, 0x35, 24); /* looks like port 13621 if wrongly parsed */
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.frag, MIGAD_FRAG_LATER);
    CHECK_INT(p.ip_proto, 17);
    CHECK_INT(p.has_ports, 0);
    CHECK_INT(p.sport, 0);
    CHECK_INT(p.dport, 0);
    CHECK_INT(p.l4_payload, 0);
    CHECK_INT(p.ip_len, 44);

    /* last fragment: MF clear, offset 7 */
    pb_put16(&b, 14 + 6, 7);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.frag, MIGAD_FRAG_LATER);
    CHECK_INT(p.has_ports, 0);

    /* DF with offset 0 is not a fragment */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV4);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {10, 1, 1, 1}, .dst = {10, 2, 2, 2},
                                  .proto = PB_IPPROTO_UDP, .ttl = 60, .df = 1});
    pb_udp(&b, 1, 2);
    len = pb_finish(&b);
    CHECK_INT(buf[14 + 6], 0x40);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.frag, MIGAD_FRAG_NONE);
    CHECK_INT(p.has_ports, 1);
}

/* ---- IPv6 ---------------------------------------------------------------- */

static struct pb_ipv6 v6hdr(uint8_t next)
{
    struct pb_ipv6 h = {.next = next, .hlim = 255, .flow = 0x12345};
    pb_ip6(h.src, "2001:db8::1");
    pb_ip6(h.dst, "2001:db8::2");
    return h;
}

static void test_ipv6_tcp(void)
{
    uint8_t buf[128];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_TCP);
    pb_ipv6(&b, &h);
    pb_tcp(&b, &(struct pb_tcp){.sport = 22, .dport = 50000, .seq = 1, .ack = 2, .flags = 0x12,
                                .win = 65535});
    size_t len = pb_finish(&b);
    CHECK_INT(len, 74);

    struct migad_pkt p;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.ethertype, 0x86dd);
    CHECK_INT(p.l3, MIGAD_L3_IPV6);
    CHECK_INT(p.ttl, 255);
    CHECK(is_v6(&p.src, "2001:db8::1"));
    CHECK(is_v6(&p.dst, "2001:db8::2"));
    CHECK_INT(p.ip_len, 60); /* 40 + payload length 20 */
    CHECK_INT(p.ip_proto, 6);
    CHECK_INT(p.ip_id, 0);
    CHECK_INT(p.frag, MIGAD_FRAG_NONE);
    CHECK_INT(p.tcp_flags, MIGAD_TCP_SYN | MIGAD_TCP_ACK);
    CHECK_INT(p.tcp_win, 65535);
    CHECK_INT(p.l4_payload, 0);
}

static void test_ipv6_ext_headers(void)
{
    uint8_t buf[256];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_HOPOPTS);
    pb_ipv6(&b, &h);
    size_t hop = pb_ipv6_ext(&b, PB_IPPROTO_HOPOPTS, PB_IPPROTO_ROUTING, 8);
    size_t rt = pb_ipv6_ext(&b, PB_IPPROTO_ROUTING, PB_IPPROTO_DSTOPTS, 24);
    size_t dst = pb_ipv6_ext(&b, PB_IPPROTO_DSTOPTS, PB_IPPROTO_AH, 16);
    size_t ah = pb_ipv6_ext(&b, PB_IPPROTO_AH, PB_IPPROTO_TCP, 24);
    pb_tcp(&b, &(struct pb_tcp){.sport = 443, .dport = 1025, .flags = 0x10});
    pb_fill(&b, 'p', 7);
    size_t len = pb_finish(&b);
    /* length fields: (8/8)-1 = 0, (24/8)-1 = 2, (16/8)-1 = 1, AH (24/4)-2 = 4 */
    CHECK_INT(buf[hop + 1], 0);
    CHECK_INT(buf[rt + 1], 2);
    CHECK_INT(buf[dst + 1], 1);
    CHECK_INT(buf[ah + 1], 4);
    /* payload length: 8 + 24 + 16 + 24 + 20 + 7 = 99 */
    CHECK_INT(len, 14 + 40 + 99);

    struct migad_pkt p;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.ip_proto, 6);
    CHECK_INT(p.ip_len, 139);
    CHECK_INT(p.sport, 443);
    CHECK_INT(p.dport, 1025);
    CHECK_INT(p.l4_payload, 7); /* 99 - 72 - 20 */

    /* ESP ends the walk */
    pb_put8(&b, ah, PB_IPPROTO_ESP);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.ip_proto, 50);
    CHECK_INT(p.has_ports, 0);
    /* so does no-next-header */
    pb_put8(&b, ah, PB_IPPROTO_NONE);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.ip_proto, 59);
    CHECK_INT(p.has_ports, 0);

    /* an extension header longer than the payload length is malformed:
     * routing length 200 -> (200 + 1) * 8 = 1608 > 99 - 8 */
    pb_put8(&b, ah, PB_IPPROTO_TCP);
    pb_put8(&b, rt + 1, 200);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.l3, MIGAD_L3_IPV6);
    CHECK_INT(p.has_ports, 0);
}

static void test_ipv6_fragments(void)
{
    uint8_t buf[256];
    struct pb b;
    struct migad_pkt p;

    /* first fragment: hop-by-hop, fragment (offset 0, M) then UDP */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_HOPOPTS);
    pb_ipv6(&b, &h);
    pb_ipv6_ext(&b, PB_IPPROTO_HOPOPTS, PB_IPPROTO_FRAGMENT, 8);
    size_t fh = pb_ipv6_frag(&b, PB_IPPROTO_UDP, 0, 1, 0xcafef00d);
    pb_udp(&b, 4000, 5000);
    pb_fill(&b, 0, 32);
    size_t len = pb_finish(&b);
    CHECK_INT(buf[fh + 3], 0x01); /* offset 0, M */
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.frag, MIGAD_FRAG_FIRST);
    CHECK_INT(p.ip_id, 0xcafef00du);
    CHECK_INT(p.ip_proto, 17);
    CHECK_INT(p.has_ports, 1);
    CHECK_INT(p.dport, 5000);
    CHECK_INT(p.l4_payload, 32); /* 8 + 8 + 8 + 32 = 56 payload; 56 - 16 - 8 */

    /* later fragment: offset 5 (40 bytes), no M; no UDP header */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV6);
    h = v6hdr(PB_IPPROTO_FRAGMENT);
    pb_ipv6(&b, &h);
    fh = pb_ipv6_frag(&b, PB_IPPROTO_UDP, 5, 0, 99);
    pb_fill(&b, 0x11, 16);
    len = pb_finish(&b);
    CHECK_INT(buf[fh + 2], 0x00); /* 5 << 3 = 0x0028 */
    CHECK_INT(buf[fh + 3], 0x28);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.frag, MIGAD_FRAG_LATER);
    CHECK_INT(p.ip_id, 99);
    CHECK_INT(p.ip_proto, 17);
    CHECK_INT(p.has_ports, 0);
    CHECK_INT(p.l4_payload, 0);
    CHECK_INT(p.ip_len, 64); /* 40 + 8 + 16 */

    /* atomic fragment (RFC 6946: offset 0, no M) is a whole packet */
    pb_put8(&b, fh + 3, 0);
    pb_put8(&b, fh, PB_IPPROTO_ICMPV6);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.frag, MIGAD_FRAG_NONE);
    CHECK_INT(p.ip_id, 99);
    CHECK_INT(p.ip_proto, 58);
    CHECK_INT(p.has_icmp, 1);
    CHECK_INT(p.icmp_type, 0x11);
}

static void test_icmpv6(void)
{
    uint8_t buf[128];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_ICMPV6);
    pb_ipv6(&b, &h);
    pb_icmp6(&b, 128, 0, 0x00090001);
    pb_fill(&b, 0, 8);
    size_t len = pb_finish(&b);

    struct migad_pkt p;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.ip_proto, 58);
    CHECK_INT(p.has_icmp, 1);
    CHECK_INT(p.icmp_type, 128);
    CHECK_INT(p.icmp_code, 0);
    CHECK_INT(p.has_ports, 0);
}

/* ---- link layers --------------------------------------------------------- */

static void test_vlan(void)
{
    uint8_t buf[128];
    struct pb b;
    struct migad_pkt p;

    /* one 802.1Q tag: PCP 5, VID 100 -> TCI 0xa064 */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_VLAN);
    pb_vlan(&b, 0xa064, PB_ET_IPV4);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {1, 2, 3, 4}, .dst = {5, 6, 7, 8},
                                  .proto = PB_IPPROTO_UDP, .ttl = 9});
    pb_udp(&b, 67, 68);
    size_t len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.vlan_depth, 1);
    CHECK_INT(p.vlan_id, 100);
    CHECK_INT(p.ethertype, 0x0800);
    CHECK_INT(p.sport, 67);
    CHECK(is_v4(&p.dst, 5, 6, 7, 8));

    /* three tags, 802.1ad outer: VIDs 30, 20, 10; the outermost is reported */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_QINQ);
    pb_vlan(&b, 30, PB_ET_VLAN);
    pb_vlan(&b, 20, PB_ET_VLAN);
    pb_vlan(&b, 10, PB_ET_IPV6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_UDP);
    pb_ipv6(&b, &h);
    pb_udp(&b, 1, 2);
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.vlan_depth, 3);
    CHECK_INT(p.vlan_id, 30);
    CHECK_INT(p.ethertype, 0x86dd);
    CHECK_INT(p.l3, MIGAD_L3_IPV6);
    CHECK_INT(p.dport, 2);

    /* legacy 0x9100 outer tag, VID 4095 under DEI */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_QINQ_OLD);
    pb_vlan(&b, 0x1fff, PB_ET_VLAN);
    pb_vlan(&b, 7, PB_ET_ARP);
    pb_arp(&b, 1, MAC_A, (const uint8_t[4]){10, 0, 0, 1}, (const uint8_t[6]){0},
           (const uint8_t[4]){10, 0, 0, 9});
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.vlan_depth, 2);
    CHECK_INT(p.vlan_id, 4095);
    CHECK_INT(p.l3, MIGAD_L3_ARP);

    /* tag cut in the middle: TRUNCATED, Ethernet fields kept */
    CHECK_INT(dec(DLT_EN10MB, buf, 16, 0, &p), MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.has_mac, 1);
    CHECK_INT(p.vlan_depth, 0);
    CHECK_INT(p.l3, MIGAD_L3_NONE);
}

static void test_llc_and_other(void)
{
    uint8_t buf[128];
    struct pb b;
    struct migad_pkt p;

    /* IEEE 802.3 length 38 followed by an STP LLC header */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, (const uint8_t[6]){0x01, 0x80, 0xc2, 0, 0, 0}, MAC_A, 38);
    pb_bytes(&b, "\x42\x42\x03", 3);
    pb_pad(&b, 60);
    CHECK_INT(dec(DLT_EN10MB, buf, 60, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_OTHER);
    CHECK_INT(p.ethertype, 0);
    CHECK_INT(p.has_mac, 1);

    /* 1500 is still a length */
    pb_put16(&b, 12, 1500);
    CHECK_INT(dec(DLT_EN10MB, buf, 60, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_OTHER);
    CHECK_INT(p.ethertype, 0);

    /* LLDP: another ethertype */
    pb_put16(&b, 12, 0x88cc);
    CHECK_INT(dec(DLT_EN10MB, buf, 60, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_OTHER);
    CHECK_INT(p.ethertype, 0x88cc);

    /* Ethernet header alone cut */
    CHECK_INT(dec(DLT_EN10MB, buf, 13, 0, &p), MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.has_mac, 0);
    CHECK_INT(dec(DLT_EN10MB, buf, 0, 0, &p), MIGAD_DECODE_TRUNCATED);
}

static void test_mpls(void)
{
    uint8_t buf[128];
    struct pb b;
    struct migad_pkt p;

    /* two labels, then IPv4/TCP */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_MPLS);
    pb_mpls(&b, 1000, 0, 0, 64);
    size_t bos = pb_mpls(&b, 29, 6, 1, 255);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {10, 1, 2, 1}, .dst = {10, 34, 0, 1},
                                  .proto = PB_IPPROTO_TCP, .ttl = 255});
    pb_tcp(&b, &(struct pb_tcp){.sport = 11001, .dport = 23, .flags = 0x02});
    size_t len = pb_finish(&b);
    /* label 29, TC 6, S, TTL 255: 29 << 12 | 6 << 9 | 1 << 8 | 255 = 0x0001ddff */
    CHECK_INT(buf[bos], 0x00);
    CHECK_INT(buf[bos + 1], 0x01);
    CHECK_INT(buf[bos + 2], 0xdd);
    CHECK_INT(buf[bos + 3], 0xff);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.mpls_depth, 2);
    CHECK_INT(p.ethertype, 0x0800);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);
    CHECK_INT(p.dport, 23);
    CHECK(is_v4(&p.src, 10, 1, 2, 1));

    /* cut inside the label stack */
    CHECK_INT(dec(DLT_EN10MB, buf, 20, 0, &p), MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.mpls_depth, 1);
    CHECK_INT(p.l3, MIGAD_L3_NONE);
    /* cut right after the bottom of stack */
    CHECK_INT(dec(DLT_EN10MB, buf, 22, 0, &p), MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.mpls_depth, 2);

    /* multicast MPLS, one label, IPv6 */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_MPLS_MC);
    pb_mpls(&b, 2, 0, 1, 1);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_NONE);
    pb_ipv6(&b, &h);
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.mpls_depth, 1);
    CHECK_INT(p.ethertype, 0x86dd);
    CHECK_INT(p.l3, MIGAD_L3_IPV6);
    CHECK_INT(p.ip_proto, 59);

    /* pseudowire control word (first nibble 0): not IP */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_MPLS);
    pb_mpls(&b, 100, 0, 1, 64);
    pb_u32(&b, 0);
    pb_eth(&b, MAC_A, MAC_B, PB_ET_IPV4);
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_OTHER);
    CHECK_INT(p.ethertype, 0x8847);
    CHECK_INT(p.mpls_depth, 1);
}

static void test_arp(void)
{
    uint8_t buf[128];
    struct pb b;
    struct migad_pkt p;

    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_BCAST, MAC_A, PB_ET_ARP);
    pb_arp(&b, 1, MAC_A, (const uint8_t[4]){192, 0, 2, 1}, (const uint8_t[6]){0},
           (const uint8_t[4]){192, 0, 2, 2});
    size_t len = pb_finish(&b);
    CHECK_INT(len, 42);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_ARP);
    CHECK_INT(p.ethertype, 0x0806);
    CHECK_INT(p.arp_op, MIGAD_ARP_REQUEST);
    CHECK(memcmp(p.arp_sha, MAC_A, 6) == 0);
    CHECK(is_v4(&p.src, 192, 0, 2, 1));
    CHECK(is_v4(&p.dst, 192, 0, 2, 2));
    CHECK_INT(p.ip_proto, 0);
    CHECK_INT(p.ttl, 0);
    CHECK_INT(p.has_ports, 0);

    /* reply */
    pb_put8(&b, 14 + 7, 2);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.arp_op, MIGAD_ARP_REPLY);

    /* cut after the fixed part: l3 and op known, addresses not */
    CHECK_INT(dec(DLT_EN10MB, buf, 14 + 8, 0, &p), MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.l3, MIGAD_L3_ARP);
    CHECK_INT(p.arp_op, 2);
    CHECK(is_zero_addr(&p.src));
    CHECK_INT(dec(DLT_EN10MB, buf, 14 + 7, 0, &p), MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.l3, MIGAD_L3_NONE);
    CHECK_INT(p.ethertype, 0x0806);

    /* hardware size 8 (not Ethernet): addresses left zero */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_BCAST, MAC_A, PB_ET_ARP);
    pb_arp_hdr(&b, 6, PB_ET_IPV4, 8, 4, 1);
    pb_fill(&b, 0x77, 24); /* 8 + 4 + 8 + 4 */
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_ARP);
    CHECK_INT(p.arp_op, 1);
    CHECK(is_zero_addr(&p.src));
    CHECK(is_zero_addr(&p.dst));
    CHECK_INT(p.arp_sha[0], 0);
}

/* The announcement QEMU sends after a live migration (net/announce.c). */
static void test_rarp_qemu(void)
{
    static const uint8_t guest[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    static const uint8_t zero4[4] = {0, 0, 0, 0};
    uint8_t buf[128];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_BCAST, guest, PB_ET_RARP);
    pb_arp(&b, 3, guest, zero4, guest, zero4);
    pb_finish(&b);
    CHECK_INT(pb_pad(&b, 60), 60); /* 14 + 28 + 18 bytes of zero padding */

    struct migad_pkt p;
    CHECK_INT(dec(DLT_EN10MB, buf, 60, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_RARP);
    CHECK_INT(p.ethertype, 0x8035);
    CHECK_INT(p.arp_op, MIGAD_RARP_REQUEST);
    CHECK(memcmp(p.arp_sha, guest, 6) == 0);
    CHECK(memcmp(p.src_mac, guest, 6) == 0);
    CHECK(memcmp(p.dst_mac, MAC_BCAST, 6) == 0);
    CHECK(is_v4(&p.src, 0, 0, 0, 0));
    CHECK(is_v4(&p.dst, 0, 0, 0, 0));
    CHECK_INT(p.caplen, 60);
}

static void test_sll(void)
{
    uint8_t buf[128];
    struct pb b;
    struct migad_pkt p;

    /* outgoing (4) IPv4 UDP on an Ethernet device (ARPHRD 1) */
    pb_init(&b, buf, sizeof buf);
    pb_sll(&b, 4, 1, MAC_A, 6, PB_ET_IPV4);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {172, 16, 0, 1}, .dst = {172, 16, 0, 2},
                                  .proto = PB_IPPROTO_UDP, .ttl = 64});
    pb_udp(&b, 1111, 2222);
    pb_fill(&b, 0, 3);
    size_t len = pb_finish(&b);
    CHECK_INT(len, 16 + 20 + 8 + 3);
    CHECK_INT(dec(DLT_LINUX_SLL, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.has_mac, 1);
    CHECK(memcmp(p.src_mac, MAC_A, 6) == 0);
    CHECK_INT(p.dst_mac[0], 0); /* unknown */
    CHECK_INT(p.ethertype, 0x0800);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);
    CHECK_INT(p.sport, 1111);
    CHECK_INT(p.dport, 2222);
    CHECK_INT(p.l4_payload, 3);

    /* broadcast (1) RARP: the destination is the broadcast address */
    pb_init(&b, buf, sizeof buf);
    pb_sll(&b, 1, 1, MAC_A, 6, PB_ET_RARP);
    pb_arp(&b, 3, MAC_A, (const uint8_t[4]){0}, MAC_A, (const uint8_t[4]){0});
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_LINUX_SLL, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_RARP);
    CHECK(memcmp(p.dst_mac, MAC_BCAST, 6) == 0);
    CHECK_INT(p.arp_op, 3);

    /* tunnel device without a link address (length 0), VLAN-tagged protocol */
    pb_init(&b, buf, sizeof buf);
    pb_sll(&b, 0, 65534, NULL, 0, PB_ET_VLAN);
    pb_vlan(&b, 42, PB_ET_IPV6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_NONE);
    pb_ipv6(&b, &h);
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_LINUX_SLL, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.has_mac, 0);
    CHECK_INT(p.vlan_id, 42);
    CHECK_INT(p.l3, MIGAD_L3_IPV6);

    /* protocol 0x0004: 802.2 LLC frame */
    pb_init(&b, buf, sizeof buf);
    pb_sll(&b, 0, 1, MAC_A, 6, 0x0004);
    pb_bytes(&b, "\x42\x42\x03", 3);
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_LINUX_SLL, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_OTHER);
    CHECK_INT(p.ethertype, 0);

    /* netlink device (ARPHRD 824): the protocol is a netlink family */
    pb_init(&b, buf, sizeof buf);
    pb_sll(&b, 4, 824, NULL, 0, 0x0800);
    pb_fill(&b, 0x45, 20);
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_LINUX_SLL, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_OTHER);

    CHECK_INT(dec(DLT_LINUX_SLL, buf, 15, 0, &p), MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.has_mac, 0);
}

static void test_sll2(void)
{
    uint8_t buf[128];
    struct pb b;
    struct migad_pkt p;

    pb_init(&b, buf, sizeof buf);
    pb_sll2(&b, PB_ET_IPV6, 3, 1, 0, MAC_B, 6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_ICMPV6);
    pb_ipv6(&b, &h);
    pb_icmp6(&b, 135, 0, 0); /* neighbour solicitation */
    pb_fill(&b, 0, 16);
    size_t len = pb_finish(&b);
    CHECK_INT(len, 20 + 40 + 8 + 16);
    CHECK_INT(dec(DLT_LINUX_SLL2, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.has_mac, 1);
    CHECK(memcmp(p.src_mac, MAC_B, 6) == 0);
    CHECK_INT(p.ethertype, 0x86dd);
    CHECK_INT(p.icmp_type, 135);
    CHECK_INT(p.ip_len, 64); /* 40 + 24 */

    pb_init(&b, buf, sizeof buf);
    pb_sll2(&b, PB_ET_ARP, 26, 1, 4, MAC_A, 6);
    pb_arp(&b, 1, MAC_A, (const uint8_t[4]){192, 0, 2, 1}, (const uint8_t[6]){0},
           (const uint8_t[4]){192, 0, 2, 2});
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_LINUX_SLL2, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_ARP);
    CHECK(is_v4(&p.dst, 192, 0, 2, 2));

    CHECK_INT(dec(DLT_LINUX_SLL2, buf, 19, 0, &p), MIGAD_DECODE_TRUNCATED);
}

static void test_null_loop(void)
{
    uint8_t buf[128];
    struct pb b;
    struct migad_pkt p;
    static const uint32_t v6fams[] = {10, 24, 28, 30};

    /* DLT_NULL, AF_INET in host order */
    pb_init(&b, buf, sizeof buf);
    pb_null(&b, 2);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {127, 0, 0, 1}, .dst = {127, 0, 0, 1},
                                  .proto = PB_IPPROTO_TCP, .ttl = 64});
    pb_tcp(&b, &(struct pb_tcp){.sport = 5000, .dport = 6000, .flags = 0x02});
    size_t len = pb_finish(&b);
    CHECK_INT(dec(DLT_NULL, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.has_mac, 0);
    CHECK_INT(p.ethertype, 0x0800);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);
    CHECK_INT(p.dport, 6000);
    /* the same family written in the other byte order (another host's capture) */
    uint8_t host[4];
    uint32_t fam = 2;
    memcpy(host, &fam, 4);
    for (int i = 0; i < 4; i++)
        buf[i] = host[3 - i];
    CHECK_INT(dec(DLT_NULL, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);

    /* every BSD value of AF_INET6, both link types */
    for (size_t i = 0; i < sizeof v6fams / sizeof v6fams[0]; i++) {
        pb_init(&b, buf, sizeof buf);
        pb_null(&b, v6fams[i]);
        struct pb_ipv6 h = v6hdr(PB_IPPROTO_UDP);
        pb_ipv6(&b, &h);
        pb_udp(&b, 7, 8);
        len = pb_finish(&b);
        CHECK_INT(dec(DLT_NULL, buf, len, 0, &p), MIGAD_DECODE_OK);
        CHECK_INT(p.l3, MIGAD_L3_IPV6);
        CHECK_INT(p.dport, 8);

        pb_init(&b, buf, sizeof buf);
        pb_loop(&b, v6fams[i]);
        pb_ipv6(&b, &h);
        pb_udp(&b, 7, 8);
        len = pb_finish(&b);
        CHECK_INT(buf[3], v6fams[i]); /* network order: low byte last */
        CHECK_INT(dec(DLT_LOOP, buf, len, 0, &p), MIGAD_DECODE_OK);
        CHECK_INT(p.l3, MIGAD_L3_IPV6);
        CHECK_INT(p.ethertype, 0x86dd);
    }

    /* unknown family (AF_APPLETALK 16): link decoded, nothing more */
    pb_init(&b, buf, sizeof buf);
    pb_loop(&b, 16);
    pb_fill(&b, 0, 20);
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_LOOP, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_OTHER);
    CHECK_INT(dec(DLT_NULL, buf, 3, 0, &p), MIGAD_DECODE_TRUNCATED);
}

static void test_raw(void)
{
    uint8_t b4[64], b6[64];
    struct pb b;
    struct migad_pkt p;

    pb_init(&b, b4, sizeof b4);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {192, 168, 180, 2}, .dst = {8, 8, 8, 8},
                                  .proto = PB_IPPROTO_UDP, .ttl = 64});
    pb_udp(&b, 40097, 53);
    size_t len4 = pb_finish(&b);
    pb_init(&b, b6, sizeof b6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_UDP);
    pb_ipv6(&b, &h);
    pb_udp(&b, 40097, 53);
    size_t len6 = pb_finish(&b);

    /* DLT_RAW (12 on Linux) and LINKTYPE_RAW (101) guess from the version */
    CHECK_INT(dec(DLT_RAW, b4, len4, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);
    CHECK_INT(p.ethertype, 0x0800);
    CHECK_INT(p.has_mac, 0);
    CHECK_INT(p.dport, 53);
    CHECK_INT(dec(101, b6, len6, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_IPV6);
    CHECK_INT(p.ethertype, 0x86dd);
    CHECK_INT(dec(DLT_RAW, b6, len6, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_IPV6);
    CHECK_INT(dec(101, b4, len4, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);

    /* DLT_IPV4 / DLT_IPV6 insist on their version */
    CHECK_INT(dec(DLT_IPV4, b4, len4, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.sport, 40097);
    CHECK_INT(dec(DLT_IPV6, b6, len6, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.sport, 40097);
    CHECK_INT(dec(DLT_IPV4, b6, len6, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.l3, MIGAD_L3_NONE);
    CHECK_INT(dec(DLT_IPV6, b4, len4, 0, &p), MIGAD_DECODE_MALFORMED);

    /* version 5 on raw IP */
    b4[0] = 0x55;
    CHECK_INT(dec(DLT_RAW, b4, len4, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(dec(DLT_RAW, b4, 0, 0, &p), MIGAD_DECODE_TRUNCATED);
}

static void test_unsupported_link(void)
{
    uint8_t frame[32] = {0};
    struct migad_pkt p;
    p.ts = 42;
    CHECK_INT(dec(105 /* DLT_IEEE802_11 */, frame, sizeof frame, 0, &p),
              MIGAD_DECODE_UNSUPPORTED_LINK);
    CHECK_INT(p.ts, 42);
    CHECK_INT(p.l3, MIGAD_L3_NONE);
    CHECK_INT(p.has_mac, 0);
    CHECK_INT(dec(-1, frame, sizeof frame, 0, &p), MIGAD_DECODE_UNSUPPORTED_LINK);

    static const int yes[] = {0, 1, 12, 101, 108, 113, 228, 229, 276};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        CHECK_INT(migad_decode_dlt_supported(yes[i]), 1);
    CHECK_INT(migad_decode_dlt_supported(105), 0);
    CHECK_INT(migad_decode_dlt_supported(127), 0);
    CHECK_INT(migad_decode_dlt_supported(-1), 0);
}

/* ---- overlays ------------------------------------------------------------ */

/* Outer Ethernet/IPv4/UDP to `dport` from 192.168.22.4 to 192.168.22.5. */
static void outer_udp(struct pb *b, uint16_t dport)
{
    pb_eth(b, MAC_B, MAC_A, PB_ET_VLAN);
    pb_vlan(b, 5, PB_ET_IPV4);
    pb_ipv4(b, &(struct pb_ipv4){.src = {192, 168, 22, 4}, .dst = {192, 168, 22, 5},
                                 .proto = PB_IPPROTO_UDP, .ttl = 64, .id = 831});
    pb_udp(b, 60887, dport);
}

static const uint8_t IN_A[6] = {0x1e, 0xea, 0x69, 0x2a, 0x6f, 0xcf};
static const uint8_t IN_B[6] = {0x66, 0x7a, 0x50, 0xaa, 0xff, 0x9a};

/* Inner Ethernet/IPv4/TCP from 10.10.20.4:44437 to 8.8.8.8:443, 5 bytes. */
static void inner_tcp(struct pb *b)
{
    pb_eth(b, IN_B, IN_A, PB_ET_IPV4);
    pb_ipv4(b, &(struct pb_ipv4){.src = {10, 10, 20, 4}, .dst = {8, 8, 8, 8},
                                 .proto = PB_IPPROTO_TCP, .ttl = 63, .id = 13744});
    pb_tcp(b, &(struct pb_tcp){.sport = 44437, .dport = 443, .seq = 100, .flags = 0x02,
                               .win = 1000});
    pb_bytes(b, "hello", 5);
}

static void check_inner_tcp(const struct migad_pkt *p)
{
    CHECK_INT(p->has_mac, 1);
    CHECK(memcmp(p->src_mac, IN_A, 6) == 0);
    CHECK(memcmp(p->dst_mac, IN_B, 6) == 0);
    CHECK_INT(p->vlan_depth, 0);
    CHECK_INT(p->vlan_id, 0);
    CHECK_INT(p->l3, MIGAD_L3_IPV4);
    CHECK(is_v4(&p->src, 10, 10, 20, 4));
    CHECK(is_v4(&p->dst, 8, 8, 8, 8));
    CHECK_INT(p->ttl, 63);
    CHECK_INT(p->ip_id, 13744);
    CHECK_INT(p->ip_len, 45); /* 20 + 20 + 5 */
    CHECK_INT(p->ip_proto, 6);
    CHECK_INT(p->sport, 44437);
    CHECK_INT(p->dport, 443);
    CHECK_INT(p->tcp_flags, MIGAD_TCP_SYN);
    CHECK_INT(p->l4_payload, 5);
}

static void test_vxlan(void)
{
    uint8_t buf[256];
    struct pb b;
    struct migad_pkt p;

    pb_init(&b, buf, sizeof buf);
    outer_udp(&b, 4789);
    size_t vx = pb_vxlan(&b, 1111);
    inner_tcp(&b);
    size_t len = pb_finish(&b);
    /* outer: 18 Ethernet+VLAN, 20 IPv4, 8 UDP, 8 VXLAN; inner 14 + 20 + 20 + 5 */
    CHECK_INT(len, 18 + 20 + 8 + 8 + 59);
    CHECK_INT(vx, 46);

    /* default: the outer packet */
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_NONE);
    CHECK_INT(p.vni, 0);
    CHECK_INT(p.vlan_id, 5);
    CHECK(is_v4(&p.src, 192, 168, 22, 4));
    CHECK_INT(p.dport, 4789);
    CHECK_INT(p.ip_len, 95);     /* 20 + 8 + 8 + 59 */
    CHECK_INT(p.l4_payload, 67); /* 8 + 59 */

    /* MIGAD_DECODE_INNER: the inner packet, lengths of the outer frame */
    CHECK_INT(dec(DLT_EN10MB, buf, len, MIGAD_DECODE_INNER, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_VXLAN);
    CHECK_INT(p.vni, 1111);
    CHECK_INT(p.caplen, len);
    CHECK_INT(p.wirelen, len);
    check_inner_tcp(&p);

    /* snaplen inside the inner TCP header: inner IPv4 kept, TRUNCATED */
    CHECK_INT(dec_n(DLT_EN10MB, buf, (uint32_t)len - 20, (uint32_t)len, MIGAD_DECODE_INNER, &p),
              MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_VXLAN);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);
    CHECK(is_v4(&p.src, 10, 10, 20, 4));
    CHECK_INT(p.has_ports, 0);
    CHECK_INT(p.wirelen, len);

    /* snaplen inside the VXLAN header: the outer packet, TRUNCATED */
    CHECK_INT(dec_n(DLT_EN10MB, buf, 50, (uint32_t)len, MIGAD_DECODE_INNER, &p),
              MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_NONE);
    CHECK_INT(p.dport, 4789);

    /* outer IPv4 length too short for the inner headers: MALFORMED, not a
     * snapshot effect (outer total length 95 -> 60 leaves 24 inner bytes) */
    pb_put16(&b, 18 + 2, 60);
    CHECK_INT(dec(DLT_EN10MB, buf, len, MIGAD_DECODE_INNER, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_VXLAN);
    pb_put16(&b, 18 + 2, 95);

    /* I flag clear: not VXLAN, the outer UDP packet stays */
    pb_put8(&b, vx, 0);
    CHECK_INT(dec(DLT_EN10MB, buf, len, MIGAD_DECODE_INNER, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_NONE);
    CHECK_INT(p.dport, 4789);
    CHECK_INT(p.vlan_id, 5);
}

static void test_geneve(void)
{
    static const uint8_t opt[8] = {0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef};
    uint8_t buf[256];
    struct pb b;
    struct migad_pkt p;

    /* Ethernet payload (0x6558) after 8 bytes of options */
    pb_init(&b, buf, sizeof buf);
    outer_udp(&b, 6081);
    size_t gv = pb_geneve(&b, 0xabcdef, PB_ET_TEB, opt, sizeof opt);
    inner_tcp(&b);
    size_t len = pb_finish(&b);
    CHECK_INT(buf[gv], 2); /* version 0, option length 2 words */
    CHECK_INT(len, 18 + 20 + 8 + 16 + 59);

    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_NONE);
    CHECK_INT(p.dport, 6081);
    CHECK(is_v4(&p.dst, 192, 168, 22, 5));

    CHECK_INT(dec(DLT_EN10MB, buf, len, MIGAD_DECODE_INNER, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_GENEVE);
    CHECK_INT(p.vni, 0xabcdef);
    check_inner_tcp(&p);

    /* options cut by the snapshot: outer fields, TRUNCATED */
    CHECK_INT(dec_n(DLT_EN10MB, buf, (uint32_t)gv + 12, (uint32_t)len, MIGAD_DECODE_INNER, &p),
              MIGAD_DECODE_TRUNCATED);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_NONE);
    CHECK_INT(p.dport, 6081);

    /* option length 63 words (252 bytes) exceeds the UDP payload: MALFORMED */
    pb_put8(&b, gv, 63);
    CHECK_INT(dec(DLT_EN10MB, buf, len, MIGAD_DECODE_INNER, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_NONE);
    /* version 1: not understood, the outer UDP packet stays */
    pb_put8(&b, gv, 0x42);
    CHECK_INT(dec(DLT_EN10MB, buf, len, MIGAD_DECODE_INNER, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_NONE);

    /* IPv4 payload (0x0800), no options: no inner MAC */
    pb_init(&b, buf, sizeof buf);
    outer_udp(&b, 6081);
    pb_geneve(&b, 7, PB_ET_IPV4, NULL, 0);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {30, 0, 0, 1}, .dst = {30, 0, 0, 2},
                                  .proto = PB_IPPROTO_ICMP, .ttl = 64});
    pb_icmp(&b, 8, 0, 0);
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, MIGAD_DECODE_INNER, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_GENEVE);
    CHECK_INT(p.vni, 7);
    CHECK_INT(p.has_mac, 0);
    CHECK_INT(p.ethertype, 0x0800);
    CHECK(is_v4(&p.src, 30, 0, 0, 1));
    CHECK_INT(p.icmp_type, 8);
    CHECK_INT(p.has_ports, 0);

    /* unknown payload type (MPLS 0x8847): the outer packet stays */
    pb_put16(&b, 46 + 2, 0x8847);
    CHECK_INT(dec(DLT_EN10MB, buf, len, MIGAD_DECODE_INNER, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_NONE);
    CHECK(is_v4(&p.src, 192, 168, 22, 4));
}

/* A VXLAN packet inside a VXLAN packet: only one level is opened. */
static void test_nested_overlay(void)
{
    uint8_t buf[256];
    struct pb b;
    struct migad_pkt p;
    pb_init(&b, buf, sizeof buf);
    outer_udp(&b, 4789);
    pb_vxlan(&b, 1);
    pb_eth(&b, IN_B, IN_A, PB_ET_IPV4);
    pb_ipv4(&b, &(struct pb_ipv4){.src = {10, 0, 0, 1}, .dst = {10, 0, 0, 2},
                                  .proto = PB_IPPROTO_UDP, .ttl = 5});
    pb_udp(&b, 999, 4789);
    pb_vxlan(&b, 2);
    inner_tcp(&b);
    size_t len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, MIGAD_DECODE_INNER, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.vni, 1);
    CHECK(is_v4(&p.src, 10, 0, 0, 1));
    CHECK_INT(p.dport, 4789);
}

/* ---- truncation and malformation ---------------------------------------- */

/*
 * Every prefix of an Ethernet/IPv6/hop-by-hop/destination-options/TCP frame:
 *   [0, 14)    Ethernet                   -> has_mac from 14
 *   [14, 54)   IPv6 fixed header          -> l3 from 54
 *   [54, 62)   hop-by-hop, 8 bytes        -> ip_proto 0 while cut here
 *   [62, 78)   destination options, 16    -> ip_proto 60 while cut here
 *   [78, 98)   TCP fixed part             -> ports from 98
 *   [98, 110)  TCP options (12 bytes)     -> OK from 110
 *   [110, 120) payload
 */
static void test_truncation_ipv6_tcp(void)
{
    static const uint8_t opts[12] = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0};
    uint8_t buf[256];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_HOPOPTS);
    pb_ipv6(&b, &h);
    pb_ipv6_ext(&b, PB_IPPROTO_HOPOPTS, PB_IPPROTO_DSTOPTS, 8);
    pb_ipv6_ext(&b, PB_IPPROTO_DSTOPTS, PB_IPPROTO_TCP, 16);
    pb_tcp(&b, &(struct pb_tcp){.sport = 8080, .dport = 58799, .seq = 5, .ack = 6, .flags = 0x11,
                                .win = 77, .opts = opts, .optlen = 12});
    pb_fill(&b, 'z', 10);
    size_t len = pb_finish(&b);
    CHECK_INT(len, 120);

    int bad = 0;
    for (uint32_t n = 0; n <= len; n++) {
        struct migad_pkt p;
        enum migad_decode_result r = dec_n(DLT_EN10MB, buf, n, (uint32_t)len, 0, &p);
        int ok = p.caplen == n && p.wirelen == len;
        if (n < 110)
            ok &= r == MIGAD_DECODE_TRUNCATED;
        else
            ok &= r == MIGAD_DECODE_OK;
        ok &= p.has_mac == (n >= 14);
        if (n >= 14)
            ok &= memcmp(p.src_mac, MAC_A, 6) == 0 && p.ethertype == 0x86dd;
        ok &= p.l3 == (n >= 54 ? MIGAD_L3_IPV6 : MIGAD_L3_NONE);
        if (n >= 54)
            ok &= is_v6(&p.src, "2001:db8::1") && is_v6(&p.dst, "2001:db8::2") &&
                  p.ip_len == 106 && p.ttl == 255; /* 40 + 8 + 16 + 32 + 10 */
        else
            ok &= is_zero_addr(&p.src) && p.ip_len == 0;
        if (n >= 54 && n < 62)
            ok &= p.ip_proto == 0;
        else if (n >= 62 && n < 78)
            ok &= p.ip_proto == 60;
        else if (n >= 78)
            ok &= p.ip_proto == 6;
        ok &= p.has_ports == (n >= 98);
        if (n >= 98)
            ok &= p.sport == 8080 && p.dport == 58799 && p.tcp_seq == 5 && p.tcp_ack == 6 &&
                  p.tcp_flags == (MIGAD_TCP_FIN | MIGAD_TCP_ACK) && p.tcp_win == 77 &&
                  p.l4_payload == 10;
        else
            ok &= p.sport == 0 && p.tcp_flags == 0 && p.l4_payload == 0;
        if (!ok) {
            fprintf(stderr, "truncation: prefix %u decoded wrongly (result %d)\n", n, (int)r);
            bad++;
        }
    }
    CHECK_INT(bad, 0);
}

/* Every prefix of a VXLAN frame decoded with MIGAD_DECODE_INNER and of a
 * Geneve/SLL2 frame: no crash, and TRUNCATED until the innermost header. */
static void test_truncation_overlay(void)
{
    uint8_t buf[256];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    outer_udp(&b, 4789);
    pb_vxlan(&b, 1111);
    inner_tcp(&b);
    size_t len = pb_finish(&b);
    /* headers end after the inner TCP header: 113 - 5 bytes of payload */
    int bad = 0;
    for (uint32_t n = 0; n <= len; n++) {
        struct migad_pkt p;
        enum migad_decode_result r = dec_n(DLT_EN10MB, buf, n, (uint32_t)len, MIGAD_DECODE_INNER, &p);
        if (r != (n < len - 5 ? MIGAD_DECODE_TRUNCATED : MIGAD_DECODE_OK))
            bad++;
        /* the inner packet replaces the outer one once the VXLAN header (ends at 54) is in */
        if ((n >= 54) != (p.tunnel == MIGAD_TUNNEL_VXLAN))
            bad++;
    }
    CHECK_INT(bad, 0);

    pb_init(&b, buf, sizeof buf);
    pb_sll2(&b, PB_ET_IPV6, 1, 1, 0, MAC_A, 6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_UDP);
    pb_ipv6(&b, &h);
    pb_udp(&b, 1, 6081);
    pb_geneve(&b, 3, PB_ET_IPV6, (const uint8_t[4]){0}, 4);
    pb_ipv6(&b, &h);
    pb_udp(&b, 3, 4);
    len = pb_finish(&b);
    CHECK_INT(len, 20 + 40 + 8 + 12 + 40 + 8);
    bad = 0;
    for (uint32_t n = 0; n <= len; n++) {
        struct migad_pkt p;
        enum migad_decode_result r = dec_n(DLT_LINUX_SLL2, buf, n, (uint32_t)len, MIGAD_DECODE_INNER, &p);
        if (r != (n < len ? MIGAD_DECODE_TRUNCATED : MIGAD_DECODE_OK))
            bad++;
    }
    CHECK_INT(bad, 0);
    struct migad_pkt p;
    CHECK_INT(dec(DLT_LINUX_SLL2, buf, len, MIGAD_DECODE_INNER, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_GENEVE);
    CHECK_INT(p.dport, 4);
    CHECK_INT(p.ethertype, 0x86dd);
}

static void test_malformed(void)
{
    uint8_t buf[128];
    struct pb b;
    struct migad_pkt p;
    size_t len;

    pb_init(&b, buf, sizeof buf);
    eth_ipv4(&b, PB_IPPROTO_TCP);
    pb_tcp(&b, &(struct pb_tcp){.sport = 1, .dport = 2, .flags = 0x02});
    pb_fill(&b, 0, 4);
    len = pb_finish(&b); /* 14 + 20 + 20 + 4 = 58 */
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);

    /* IPv4 IHL 4 (< 5) */
    buf[14] = 0x44;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.has_mac, 1);
    CHECK_INT(p.ethertype, 0x0800);
    CHECK_INT(p.l3, MIGAD_L3_NONE);
    buf[14] = 0x45;

    /* IP version 6 under ethertype 0x0800 */
    buf[14] = 0x65;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.l3, MIGAD_L3_NONE);
    buf[14] = 0x45;

    /* total length 16 < IHL*4 = 20 */
    pb_put16(&b, 16, 16);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.l3, MIGAD_L3_NONE);
    /* total length 30: only 10 bytes for a 20-byte TCP header */
    pb_put16(&b, 16, 30);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);
    CHECK_INT(p.ip_len, 30);
    CHECK_INT(p.has_ports, 0);
    /* total length 70 > the 44 bytes on the wire: a snapshot, fine */
    pb_put16(&b, 16, 70);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l4_payload, 30); /* 70 - 20 - 20 */
    pb_put16(&b, 16, 44);

    /* TCP data offset 4 (< 5): IPv4 fields kept, no ports */
    buf[14 + 20 + 12] = 0x40;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.l3, MIGAD_L3_IPV4);
    CHECK(is_v4(&p.src, 10, 0, 0, 1));
    CHECK_INT(p.has_ports, 0);
    CHECK_INT(p.sport, 0);
    /* TCP data offset 7 (28 bytes) > 24 bytes of IP payload */
    buf[14 + 20 + 12] = 0x70;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.has_ports, 0);
    buf[14 + 20 + 12] = 0x50;

    /* UDP with 4 bytes of IP payload */
    pb_init(&b, buf, sizeof buf);
    eth_ipv4(&b, PB_IPPROTO_UDP);
    pb_fill(&b, 0, 4);
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.ip_len, 24);
    CHECK_INT(p.has_ports, 0);

    /* ICMP with 2 bytes */
    pb_init(&b, buf, sizeof buf);
    eth_ipv4(&b, PB_IPPROTO_ICMP);
    pb_fill(&b, 8, 2);
    len = pb_finish(&b);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.has_icmp, 0);

    /* IPv6 header with version 4 under ethertype 0x86dd */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_NONE);
    pb_ipv6(&b, &h);
    len = pb_finish(&b);
    buf[14] = 0x40;
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.l3, MIGAD_L3_NONE);

    /* IPv6 payload length 4 with a TCP next header */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV6);
    h = v6hdr(PB_IPPROTO_TCP);
    pb_ipv6(&b, &h);
    pb_fill(&b, 0, 24);
    len = pb_finish(&b);
    pb_put16(&b, 14 + 4, 4);
    CHECK_INT(dec(DLT_EN10MB, buf, len, 0, &p), MIGAD_DECODE_MALFORMED);
    CHECK_INT(p.l3, MIGAD_L3_IPV6);
    CHECK_INT(p.ip_len, 44);
}

/* IPv4 total length 0 / IPv6 payload length 0: segmentation offload. */
static void test_offload_zero_length(void)
{
    uint8_t buf[256];
    struct pb b;
    struct migad_pkt p;

    pb_init(&b, buf, sizeof buf);
    eth_ipv4(&b, PB_IPPROTO_TCP);
    pb_tcp(&b, &(struct pb_tcp){.sport = 1, .dport = 2, .flags = 0x10});
    pb_fill(&b, 0, 60);
    size_t len = pb_finish(&b);
    pb_put16(&b, 16, 0);
    /* 3000 bytes on the wire, 114 captured: length = 3000 - 14 */
    CHECK_INT(dec_n(DLT_EN10MB, buf, (uint32_t)len, 3000, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.ip_len, 2986);
    CHECK_INT(p.l4_payload, 2946); /* 2986 - 20 - 20 */
    CHECK_INT(p.dport, 2);

    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, MAC_B, MAC_A, PB_ET_IPV6);
    struct pb_ipv6 h = v6hdr(PB_IPPROTO_UDP);
    pb_ipv6(&b, &h);
    pb_udp(&b, 1, 2);
    len = pb_finish(&b);
    pb_put16(&b, 18, 0);
    CHECK_INT(dec_n(DLT_EN10MB, buf, (uint32_t)len, 9014, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.ip_len, 9000);     /* 9014 - 14 */
    CHECK_INT(p.l4_payload, 8952); /* 9000 - 40 - 8 */
}

/* ---- address formatting ------------------------------------------------- */

static void fmt_check(const char *in6, const char *want)
{
    struct migad_addr a;
    char out[64];
    CHECK(pb_ip6(a.b, in6) == 0);
    migad_addr_format(&a, out, sizeof out);
    CHECK_STR(out, want);
}

static void test_addr_format(void)
{
    struct migad_addr a;
    char out[64];
    static const uint8_t v4[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 0, 255};
    memcpy(a.b, v4, 16);
    migad_addr_format(&a, out, sizeof out);
    CHECK_STR(out, "192.168.0.255");

    fmt_check("::", "::");
    fmt_check("::1", "::1");
    fmt_check("1::", "1::");
    fmt_check("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
    /* RFC 5952 4.2.2: a single zero group is not shortened */
    fmt_check("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
    /* 4.2.3: the longest run; on a tie the first */
    fmt_check("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
    fmt_check("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
    /* 4.3: lower case */
    fmt_check("FE80::8C36:6FF:FE44:ACAF", "fe80::8c36:6ff:fe44:acaf");
    fmt_check("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
    fmt_check("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
              "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

    /* a short buffer gets a NUL-terminated prefix; length 0 is left alone */
    memcpy(a.b, v4, 16);
    char small[5] = "abcd";
    migad_addr_format(&a, small, sizeof small);
    CHECK_STR(small, "192.");
    migad_addr_format(&a, small, 0);
    CHECK_STR(small, "192.");
}

/* ---- the builder itself ------------------------------------------------- */

static void test_builder_self_checks(void)
{
    /* RFC 1071 section 3 example: 0001 f203 f4f5 f6f7 sums to ddf2 */
    static const uint8_t rfc1071[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK_INT(pb_cksum(rfc1071, sizeof rfc1071), 0x220d); /* ~0xddf2 */

    /* a frame that does not fit: nothing written past the buffer, finish 0 */
    uint8_t buf[40];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    eth_ipv4(&b, PB_IPPROTO_UDP);
    CHECK_INT(b.overflow, 0);
    pb_udp(&b, 1, 2);
    CHECK_INT(b.overflow, 1);
    CHECK_INT(b.len, 34);
    CHECK_INT(pb_finish(&b), 0);

    /* UDP checksum over the IPv4 pseudo-header verifies to 0 (RFC 768) */
    uint8_t big[128];
    pb_init(&b, big, sizeof big);
    eth_ipv4(&b, PB_IPPROTO_UDP);
    pb_udp(&b, 1000, 2000);
    pb_bytes(&b, "xyz", 3);
    size_t len = pb_finish(&b);
    uint8_t ph[12 + 11];
    memcpy(ph, big + 14 + 12, 8); /* source and destination */
    ph[8] = 0;
    ph[9] = 17;
    ph[10] = 0;
    ph[11] = 11; /* UDP length 8 + 3 */
    memcpy(ph + 12, big + 34, 11);
    CHECK_INT(len, 45);
    CHECK_INT(pb_cksum(ph, sizeof ph), 0);
}

/* ---- the pcap writer, read back with libpcap ----------------------------- */

static void test_pcap_writer(void)
{
    char path[] = "/tmp/migad_test_decode_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);

    uint8_t buf[128];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    eth_ipv4(&b, PB_IPPROTO_UDP);
    pb_udp(&b, 10, 20);
    pb_fill(&b, 1, 30);
    size_t len = pb_finish(&b);

    for (int nsec = 0; nsec <= 1; nsec++) {
        struct pb_pcap *w = pb_pcap_open(path, DLT_EN10MB, 65535, nsec);
        CHECK(w != NULL);
        if (!w)
            return;
        /* 2021-01-01T00:00:00.123456789Z = 1609459200.123456789 */
        CHECK_INT(pb_pcap_write(w, INT64_C(1609459200123456789), buf, (uint32_t)len, (uint32_t)len), 0);
        CHECK_INT(pb_pcap_write(w, INT64_C(1609459201000000000), buf, 40, 1500), 0);
        CHECK_INT(pb_pcap_close(w), 0);
        FILE *f = fopen(path, "rb");
        int magic0 = f ? fgetc(f) : -1;
        if (f)
            fclose(f);
        CHECK_INT(magic0, nsec ? 0x4d : 0xd4); /* a1b23c4d / a1b2c3d4, little-endian */

        char err[PCAP_ERRBUF_SIZE];
        pcap_t *pc = pcap_open_offline_with_tstamp_precision(
            path, nsec ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, err);
        CHECK(pc != NULL);
        if (!pc)
            return;
        CHECK_INT(pcap_datalink(pc), DLT_EN10MB);
        CHECK_INT(pcap_snapshot(pc), 65535);
        struct pcap_pkthdr *hdr;
        const u_char *data;
        CHECK_INT(pcap_next_ex(pc, &hdr, &data), 1);
        CHECK_INT(hdr->ts.tv_sec, 1609459200);
        CHECK_INT(hdr->ts.tv_usec, nsec ? 123456789 : 123456);
        CHECK_INT(hdr->caplen, len);
        CHECK(memcmp(data, buf, len) == 0);
        struct migad_pkt p;
        CHECK_INT(migad_decode(pcap_datalink(pc), data, hdr->caplen, hdr->len, 0, &p),
                  MIGAD_DECODE_OK);
        CHECK_INT(p.dport, 20);
        CHECK_INT(pcap_next_ex(pc, &hdr, &data), 1);
        CHECK_INT(hdr->ts.tv_sec, 1609459201);
        CHECK_INT(hdr->ts.tv_usec, 0);
        CHECK_INT(hdr->caplen, 40);
        CHECK_INT(hdr->len, 1500);
        CHECK_INT(pcap_next_ex(pc, &hdr, &data), PCAP_ERROR_BREAK);
        pcap_close(pc);
    }

    /* DLT_RAW is written as LINKTYPE_RAW (101) and read back as DLT_RAW */
    struct pb_pcap *w = pb_pcap_open(path, DLT_RAW, 256, 0);
    CHECK(w != NULL);
    if (w) {
        CHECK_INT(pb_pcap_write(w, 0, buf + 14, (uint32_t)len - 14, (uint32_t)len - 14), 0);
        CHECK_INT(pb_pcap_close(w), 0);
        FILE *f = fopen(path, "rb");
        uint8_t gh[24] = {0};
        CHECK(f && fread(gh, 1, 24, f) == 24);
        if (f)
            fclose(f);
        CHECK_INT(gh[0], 0xd4); /* a1b2c3d4 little-endian */
        CHECK_INT(gh[20], 101);
        char err[PCAP_ERRBUF_SIZE];
        pcap_t *pc = pcap_open_offline(path, err);
        CHECK(pc != NULL);
        if (pc) {
            CHECK_INT(pcap_datalink(pc), DLT_RAW);
            pcap_close(pc);
        }
    }
    unlink(path);
}

/* migad_source_decode on a file written by pktbuild: batches of at most
 * `max`, capture times, the per-result counts, the end of the file, and a
 * file cut inside a record (the frames before the cut are delivered). */
static void test_source_decode(void)
{
    char path[] = "/tmp/migad_test_source_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    uint8_t buf[128];
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    eth_ipv4(&b, PB_IPPROTO_UDP);
    pb_udp(&b, 10, 20);
    pb_fill(&b, 1, 30);
    size_t len = pb_finish(&b);
    /* 7 frames 1 ms apart: frames 2 and 5 cut inside the UDP header
     * (14 + 20 + 4 bytes captured), the others whole */
    struct pb_pcap *w = pb_pcap_open(path, DLT_EN10MB, 65535, 1);
    CHECK(w != NULL);
    if (!w)
        return;
    for (int i = 0; i < 7; i++) {
        uint32_t cap = i == 2 || i == 5 ? 38 : (uint32_t)len;
        CHECK_INT(pb_pcap_write(w, INT64_C(1609459200000000000) + i * INT64_C(1000000), buf, cap,
                                (uint32_t)len), 0);
    }
    CHECK_INT(pb_pcap_close(w), 0);

    char err[MIGAD_ERRBUF_SIZE];
    struct migad_source *src = NULL;
    CHECK_INT(migad_source_open_file(&src, path, NULL, err), MIGAD_OK);
    if (!src)
        return;
    struct migad_pkt pk[3];
    uint64_t counts[4] = { 0 };
    unsigned n = 99, got[4] = { 0 };
    migad_status st[4];
    for (int call = 0; call < 4; call++) {
        st[call] = migad_source_decode(src, 0, pk, 3, &n, counts);
        got[call] = n;
        for (unsigned i = 0; i < n; i++) {
            int k = call * 3 + (int)i;
            CHECK_INT(pk[i].ts, INT64_C(1609459200000000000) + k * INT64_C(1000000));
            CHECK_INT(pk[i].wirelen, len);
            CHECK_INT(pk[i].has_ports, !(k == 2 || k == 5));
        }
    }
    CHECK_INT(got[0], 3);
    CHECK_INT(got[1], 3);
    CHECK_INT(got[2], 1);
    CHECK_INT(got[3], 0);
    CHECK_INT(st[0], MIGAD_OK);
    CHECK_INT(st[1], MIGAD_OK);
    CHECK_INT(st[3], MIGAD_EOF);
    CHECK_INT(counts[MIGAD_DECODE_OK], 5);
    CHECK_INT(counts[MIGAD_DECODE_TRUNCATED], 2);
    CHECK_INT(counts[MIGAD_DECODE_MALFORMED] + counts[MIGAD_DECODE_UNSUPPORTED_LINK], 0);
    migad_source_free(src);

    /* cut 10 bytes into the 4th record: 3 frames, then MIGAD_ETRUNC */
    struct stat sb;
    CHECK_INT(stat(path, &sb), 0);
    off_t rec = (off_t)(16 + len);
    CHECK_INT(truncate(path, 24 + 2 * rec + (16 + 38) + 10), 0);
    CHECK_INT(migad_source_open_file(&src, path, NULL, err), MIGAD_OK);
    if (src) {
        memset(counts, 0, sizeof counts);
        migad_status s1 = migad_source_decode(src, 0, pk, 3, &n, counts);
        CHECK_INT(s1, MIGAD_OK);
        CHECK_INT(n, 3);
        migad_status s2 = migad_source_decode(src, 0, pk, 3, &n, counts);
        CHECK_INT(s2, MIGAD_ETRUNC);
        CHECK_INT(n, 0);
        CHECK(strstr(migad_source_error(src), path) != NULL);
        migad_source_free(src);
    }
    unlink(path);
}

/* ---- real captures (CATALOG.md facts) ------------------------------------ */

static pcap_t *open_capture(const char *rel)
{
    char path[1024], err[PCAP_ERRBUF_SIZE];
    snprintf(path, sizeof path, "%s/%s", PCAP_DIR, rel);
    pcap_t *pc = pcap_open_offline(path, err);
    if (!pc)
        fprintf(stderr, "cannot open %s: %s\n", path, err);
    CHECK(pc != NULL);
    return pc;
}

/* Decode packet `index` (0-based) of a capture; -1 if there is none. */
static int capture_packet(const char *rel, int index, unsigned flags, struct migad_pkt *p)
{
    pcap_t *pc = open_capture(rel);
    if (!pc)
        return -1;
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int r = -1;
    for (int i = 0; pcap_next_ex(pc, &hdr, &data) == 1; i++) {
        if (i == index) {
            r = (int)migad_decode(pcap_datalink(pc), data, hdr->caplen, hdr->len, flags, p);
            break;
        }
    }
    pcap_close(pc);
    return r;
}

/* Decode all packets of a capture; returns how many, counts results. */
static int capture_all(const char *rel, unsigned flags, int counts[4])
{
    pcap_t *pc = open_capture(rel);
    if (!pc)
        return -1;
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int n = 0;
    memset(counts, 0, 4 * sizeof counts[0]);
    while (pcap_next_ex(pc, &hdr, &data) == 1) {
        struct migad_pkt p;
        enum migad_decode_result r =
            migad_decode(pcap_datalink(pc), data, hdr->caplen, hdr->len, flags, &p);
        counts[r & 3]++;
        n++;
    }
    pcap_close(pc);
    return n;
}

static void test_real_captures(void)
{
    struct stat st;
    if (stat(PCAP_DIR, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("skip: %s not found, real-capture checks not run\n", PCAP_DIR);
        return;
    }
    struct migad_pkt p;
    int counts[4];

    /* vlan-qinqinq.pcap: three stacked 802.1Q tags (30/20/10) on all 14 frames */
    CHECK_INT(capture_all("robustness/vlan-qinqinq.pcap", 0, counts), 14);
    CHECK_INT(counts[MIGAD_DECODE_OK], 14);
    CHECK_INT(capture_packet("robustness/vlan-qinqinq.pcap", 0, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.vlan_depth, 3);
    CHECK_INT(p.vlan_id, 30);
    CHECK(is_v4(&p.src, 141, 142, 228, 5));
    CHECK(is_v4(&p.dst, 192, 150, 187, 43));
    CHECK_INT(p.sport, 59856);
    CHECK_INT(p.dport, 80);
    CHECK_INT(p.tcp_flags, MIGAD_TCP_SYN);

    /* geneve.pcap: outer 20.0.0.1 <-> 20.0.0.2, inner ICMP 30.0.0.1 <-> 30.0.0.2 */
    CHECK_INT(capture_packet("robustness/geneve.pcap", 0, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_NONE);
    CHECK(is_v4(&p.src, 20, 0, 0, 1));
    CHECK(is_v4(&p.dst, 20, 0, 0, 2));
    CHECK_INT(p.dport, 6081);
    CHECK_INT(capture_packet("robustness/geneve.pcap", 0, MIGAD_DECODE_INNER, &p),
              MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_GENEVE);
    CHECK_INT(p.vni, 0);
    CHECK(is_v4(&p.src, 30, 0, 0, 1));
    CHECK(is_v4(&p.dst, 30, 0, 0, 2));
    CHECK_INT(p.ip_proto, 1);
    CHECK_INT(p.icmp_type, 8);
    CHECK_INT(p.caplen, 156);
    CHECK_INT(capture_packet("robustness/geneve.pcap", 1, MIGAD_DECODE_INNER, &p),
              MIGAD_DECODE_OK);
    CHECK(is_v4(&p.src, 30, 0, 0, 2));
    CHECK_INT(p.icmp_type, 0);
    CHECK_INT(capture_all("robustness/geneve.pcap", MIGAD_DECODE_INNER, counts), 6);
    CHECK_INT(counts[MIGAD_DECODE_OK], 6);

    /* vxlan.pcap: VNI 1111 in VLAN 5, outer 192.168.22.4 -> .5, inner DNS */
    CHECK_INT(capture_packet("robustness/vxlan.pcap", 0, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.vlan_id, 5);
    CHECK(is_v4(&p.src, 192, 168, 22, 4));
    CHECK_INT(p.dport, 4789);
    CHECK_INT(capture_packet("robustness/vxlan.pcap", 0, MIGAD_DECODE_INNER, &p),
              MIGAD_DECODE_OK);
    CHECK_INT(p.tunnel, MIGAD_TUNNEL_VXLAN);
    CHECK_INT(p.vni, 1111);
    CHECK_INT(p.vlan_depth, 0);
    CHECK(is_v4(&p.src, 10, 10, 20, 4));
    CHECK(is_v4(&p.dst, 8, 8, 8, 8));
    CHECK_INT(p.sport, 44437);
    CHECK_INT(p.dport, 53);
    CHECK_INT(p.l4_payload, 30); /* tcpdump: "A? facebook.com. (30)" */
    CHECK_INT(capture_all("robustness/vxlan.pcap", MIGAD_DECODE_INNER, counts), 127);
    CHECK_INT(counts[MIGAD_DECODE_OK], 127);

    /* rarp_req_reply.pcapng: RARP request (3) from VMware 00:0c:29:34:0b:de */
    static const uint8_t vmw[6] = {0x00, 0x0c, 0x29, 0x34, 0x0b, 0xde};
    CHECK_INT(capture_packet("migration/rarp_req_reply.pcapng", 0, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_RARP);
    CHECK_INT(p.arp_op, MIGAD_RARP_REQUEST);
    CHECK(memcmp(p.arp_sha, vmw, 6) == 0);
    CHECK(memcmp(p.src_mac, vmw, 6) == 0);
    CHECK(memcmp(p.dst_mac, MAC_BCAST, 6) == 0);
    CHECK_INT(capture_packet("migration/rarp_req_reply.pcapng", 1, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.arp_op, MIGAD_RARP_REPLY);
    CHECK(is_v4(&p.dst, 10, 1, 1, 100));

    /* linux_dlt_sll2.pcap: 6 packets, ICMP, ICMPv6, ARP and a RARP */
    CHECK_INT(capture_all("robustness/linux_dlt_sll2.pcap", 0, counts), 6);
    CHECK_INT(counts[MIGAD_DECODE_OK], 6);
    CHECK_INT(capture_packet("robustness/linux_dlt_sll2.pcap", 0, 0, &p), MIGAD_DECODE_OK);
    CHECK(is_v4(&p.src, 192, 0, 2, 1));
    CHECK_INT(p.icmp_type, 8);
    CHECK_INT(capture_packet("robustness/linux_dlt_sll2.pcap", 2, 0, &p), MIGAD_DECODE_OK);
    CHECK(is_v6(&p.src, "fe80::8c36:6ff:fe44:acaf"));
    CHECK_INT(p.icmp_type, 128);
    CHECK_INT(capture_packet("robustness/linux_dlt_sll2.pcap", 5, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_RARP);
    CHECK_INT(p.arp_op, 3);
    static const uint8_t sll2mac[6] = {0x8e, 0x36, 0x06, 0x44, 0xac, 0xaf};
    CHECK(memcmp(p.src_mac, sll2mac, 6) == 0);

    /* test_loopback.pcap: DLT_NULL, AF 30 (macOS), IPv6 HTTP on ::1 */
    CHECK_INT(capture_all("robustness/test_loopback.pcap", 0, counts), 24);
    CHECK_INT(counts[MIGAD_DECODE_OK], 24);
    CHECK_INT(capture_packet("robustness/test_loopback.pcap", 0, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.l3, MIGAD_L3_IPV6);
    CHECK(is_v6(&p.src, "::1"));
    CHECK_INT(p.sport, 58799);
    CHECK_INT(p.dport, 8080);
    CHECK_INT(p.l4_payload, 484);

    /* mixed-vlan-mpls.pcap: first frame has one MPLS label over IPv4 TCP */
    CHECK_INT(capture_packet("robustness/mixed-vlan-mpls.pcap", 0, 0, &p), MIGAD_DECODE_OK);
    CHECK_INT(p.mpls_depth, 1);
    CHECK(is_v4(&p.src, 10, 1, 2, 1));
    CHECK_INT(p.dport, 23);

    /* ocs.pcap: raw IP (LINKTYPE_RAW) */
    CHECK_INT(capture_packet("robustness/ocs.pcap", 0, 0, &p), MIGAD_DECODE_OK);
    CHECK(is_v4(&p.dst, 64, 233, 184, 188));
    CHECK_INT(p.dport, 5228);
    CHECK_INT(p.tcp_flags, MIGAD_TCP_SYN);

    /* KakaoTalk_talk.pcap: Linux SLL v1, 3203 packets, none undecodable */
    CHECK_INT(capture_all("robustness/KakaoTalk_talk.pcap", 0, counts), 3203);
    CHECK_INT(counts[MIGAD_DECODE_UNSUPPORTED_LINK], 0);
    CHECK_INT(counts[MIGAD_DECODE_MALFORMED], 0);
}

int main(void)
{
    RUN(test_eth_ipv4_tcp);
    RUN(test_eth_ipv4_udp_padding);
    RUN(test_ipv4_icmp);
    RUN(test_ipv4_options);
    RUN(test_ipv4_fragments);
    RUN(test_ipv6_tcp);
    RUN(test_ipv6_ext_headers);
    RUN(test_ipv6_fragments);
    RUN(test_icmpv6);
    RUN(test_vlan);
    RUN(test_llc_and_other);
    RUN(test_mpls);
    RUN(test_arp);
    RUN(test_rarp_qemu);
    RUN(test_sll);
    RUN(test_sll2);
    RUN(test_null_loop);
    RUN(test_raw);
    RUN(test_unsupported_link);
    RUN(test_vxlan);
    RUN(test_geneve);
    RUN(test_nested_overlay);
    RUN(test_truncation_ipv6_tcp);
    RUN(test_truncation_overlay);
    RUN(test_malformed);
    RUN(test_offload_zero_length);
    RUN(test_addr_format);
    RUN(test_builder_self_checks);
    RUN(test_pcap_writer);
    RUN(test_source_decode);
    RUN(test_real_captures);
    return check_finish();
}
