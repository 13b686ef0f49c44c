/*
 * pktbuild: a test-only builder for packets and classic pcap files.
 *
 * It is written from the RFCs, independently of libmigad (it includes no
 * migad header and calls no migad function), so tests can build a frame
 * here, decode it with libmigad and compare against values they worked out
 * by hand.
 *
 * Packets.  A struct pb holds a caller-owned buffer and the current length.
 * Append functions write one header each, outermost first, and return the
 * offset of what they wrote, so a test can patch a byte later (pb_put8,
 * pb_put16).  Length and checksum fields that depend on what follows are
 * left zero at append time and filled by pb_finish(), innermost layer first:
 * IPv4 total length and header checksum, IPv6 payload length, UDP length,
 * and the TCP, UDP, ICMP and ICMPv6 checksums (with the RFC 768/9293/8200
 * pseudo-headers of the nearest enclosing IP header).  Anything appended
 * after pb_finish() (pb_pad) is outside every length, like Ethernet padding.
 *
 *     uint8_t buf[256];
 *     struct pb b;
 *     pb_init(&b, buf, sizeof buf);
 *     pb_eth(&b, dst_mac, src_mac, 0x8100);
 *     pb_vlan(&b, 100, 0x0800);                      // VLAN 100
 *     pb_ipv4(&b, &(struct pb_ipv4){.src = {10, 0, 0, 1}, .dst = {10, 0, 0, 2},
 *                                   .proto = 6, .ttl = 64, .id = 7});
 *     pb_tcp(&b, &(struct pb_tcp){.sport = 1234, .dport = 80, .flags = 0x02});
 *     pb_bytes(&b, "hello", 5);
 *     size_t len = pb_finish(&b);                    // 0 if buf was too small
 *
 * The caller chooses every type field (ethertype, IP protocol, IPv6 next
 * header, VLAN next type) explicitly, so inconsistent frames are easy to
 * build on purpose.  All multi-byte arguments are host-order numbers and are
 * written big-endian unless a function says otherwise.
 *
 * pcap files.  pb_pcap_open/write/close write the classic libpcap format by
 * hand (magic 0xa1b2c3d4 for microseconds, 0xa1b23c4d for nanoseconds,
 * version 2.4, little-endian), a second implementation against which
 * migad's reader can be checked.
 */
#ifndef MIGAD_TEST_PKTBUILD_H
#define MIGAD_TEST_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>

#define PB_MAX_LAYERS 16

/* Ethertypes and IP protocol numbers the tests use. */
#define PB_ET_IPV4 0x0800
#define PB_ET_ARP 0x0806
#define PB_ET_TEB 0x6558
#define PB_ET_RARP 0x8035
#define PB_ET_VLAN 0x8100
#define PB_ET_IPV6 0x86DD
#define PB_ET_MPLS 0x8847
#define PB_ET_MPLS_MC 0x8848
#define PB_ET_QINQ 0x88A8
#define PB_ET_QINQ_OLD 0x9100

#define PB_IPPROTO_HOPOPTS 0
#define PB_IPPROTO_ICMP 1
#define PB_IPPROTO_TCP 6
#define PB_IPPROTO_UDP 17
#define PB_IPPROTO_ROUTING 43
#define PB_IPPROTO_FRAGMENT 44
#define PB_IPPROTO_ESP 50
#define PB_IPPROTO_AH 51
#define PB_IPPROTO_ICMPV6 58
#define PB_IPPROTO_NONE 59
#define PB_IPPROTO_DSTOPTS 60

/* A packet under construction in a caller-owned buffer. */
struct pb {
    uint8_t *buf;
    size_t cap;
    size_t len;
    int overflow; /* an append did not fit: it and later ones wrote nothing */
    int nlayers;  /* layers whose lengths/checksums pb_finish() must fill */
    struct pb_layer {
        int kind;
        size_t off;
        int ip; /* index of the enclosing IP layer, -1 if none */
    } layer[PB_MAX_LAYERS];
};

void pb_init(struct pb *b, uint8_t *buf, size_t cap);

/* Raw appends; each returns the offset it wrote at. */
size_t pb_bytes(struct pb *b, const void *data, size_t n);
size_t pb_fill(struct pb *b, uint8_t byte, size_t n);
size_t pb_u8(struct pb *b, uint8_t v);
size_t pb_u16(struct pb *b, uint16_t v); /* big-endian */
size_t pb_u32(struct pb *b, uint32_t v); /* big-endian */

/* Overwrite bytes already written (offsets from the append functions). */
void pb_put8(struct pb *b, size_t off, uint8_t v);
void pb_put16(struct pb *b, size_t off, uint16_t v); /* big-endian */

/* ---- link layers ---- */

/* Ethernet II: destination, source, type (or 802.3 length). */
size_t pb_eth(struct pb *b, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
/* One 802.1Q/802.1ad tag body after a TPID: TCI (PCP|DEI|VID), next type.
 * Three stacked tags: pb_eth(.., 0x8100); pb_vlan(30, 0x8100);
 * pb_vlan(20, 0x8100); pb_vlan(10, 0x0800). */
size_t pb_vlan(struct pb *b, uint16_t tci, uint16_t next_type);
/* One MPLS label stack entry (RFC 3032): label(20) TC(3) S(1) TTL(8). */
size_t pb_mpls(struct pb *b, uint32_t label, uint8_t tc, int bottom, uint8_t ttl);
/* Linux cooked v1 header (16 bytes); addr is copied up to 8 bytes, alen is
 * written as given. */
size_t pb_sll(struct pb *b, uint16_t pkttype, uint16_t hatype, const uint8_t *addr,
              uint16_t alen, uint16_t proto);
/* Linux cooked v2 header (20 bytes). */
size_t pb_sll2(struct pb *b, uint16_t proto, uint32_t ifindex, uint16_t hatype,
               uint8_t pkttype, const uint8_t *addr, uint8_t alen);
/* BSD loopback: 4-byte address family in this host's byte order (DLT_NULL). */
size_t pb_null(struct pb *b, uint32_t family);
/* OpenBSD loopback: 4-byte address family in network byte order (DLT_LOOP). */
size_t pb_loop(struct pb *b, uint32_t family);

/* ---- network layers ---- */

struct pb_ipv4 {
    uint8_t src[4], dst[4];
    uint8_t proto, ttl, tos;
    uint16_t id;
    uint16_t frag_off; /* fragment offset in 8-byte units */
    int df, mf;        /* don't-fragment and more-fragments flags */
    const uint8_t *opts;
    size_t optlen;     /* padded with zeros (EOL) to a multiple of 4, max 40 */
};
/* IPv4 header; total length and checksum filled by pb_finish(). */
size_t pb_ipv4(struct pb *b, const struct pb_ipv4 *h);

struct pb_ipv6 {
    uint8_t src[16], dst[16];
    uint8_t next, hlim, tclass;
    uint32_t flow;
};
/* IPv6 header; payload length filled by pb_finish(). */
size_t pb_ipv6(struct pb *b, const struct pb_ipv6 *h);
/* Hop-by-hop (0), routing (43), destination options (60) or AH (51)
 * extension header of `len` bytes in total (a multiple of 8, or of 4 for
 * AH, at least 8), body zero-filled (Pad1 options); the length field is
 * written in the unit RFC 8200 / RFC 4302 use for `type`. */
size_t pb_ipv6_ext(struct pb *b, uint8_t type, uint8_t next, size_t len);
/* IPv6 fragment header (RFC 8200 section 4.5); offset in 8-byte units. */
size_t pb_ipv6_frag(struct pb *b, uint8_t next, uint16_t offset8, int more, uint32_t id);

/* ARP/RARP for Ethernet/IPv4 (hardware type 1, protocol 0x0800, sizes 6/4). */
size_t pb_arp(struct pb *b, uint16_t op, const uint8_t sha[6], const uint8_t spa[4],
              const uint8_t tha[6], const uint8_t tpa[4]);
/* Only the 8-byte fixed part, for other address sizes; append the addresses
 * with pb_bytes(). */
size_t pb_arp_hdr(struct pb *b, uint16_t htype, uint16_t ptype, uint8_t hlen, uint8_t plen,
                  uint16_t op);

/* ---- transport layers ---- */

struct pb_tcp {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags; /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ECE 0x40 CWR 0x80 */
    uint16_t win, urg;
    const uint8_t *opts;
    size_t optlen; /* padded with zeros (EOL) to a multiple of 4, max 40 */
};
/* TCP header; data offset from optlen, checksum filled by pb_finish(). */
size_t pb_tcp(struct pb *b, const struct pb_tcp *h);
/* UDP header; length and checksum filled by pb_finish(). */
size_t pb_udp(struct pb *b, uint16_t sport, uint16_t dport);
/* ICMP / ICMPv6 header: type, code, checksum (filled by pb_finish()) and the
 * 4-byte rest of header (e.g. identifier << 16 | sequence for echo). */
size_t pb_icmp(struct pb *b, uint8_t type, uint8_t code, uint32_t rest);
size_t pb_icmp6(struct pb *b, uint8_t type, uint8_t code, uint32_t rest);

/* ---- overlays (append after pb_udp to port 4789 / 6081) ---- */

/* VXLAN header (RFC 7348): I flag set, 24-bit VNI. */
size_t pb_vxlan(struct pb *b, uint32_t vni);
/* Geneve header (RFC 8926), version 0; optlen a multiple of 4 up to 252. */
size_t pb_geneve(struct pb *b, uint32_t vni, uint16_t proto, const uint8_t *opts, size_t optlen);

/* ---- finishing ---- */

/* Fill every pending length and checksum; returns the frame length, or 0 if
 * the buffer overflowed.  Pending layers are cleared, so later appends are
 * not counted in any length. */
size_t pb_finish(struct pb *b);
/* Append zeros until the frame is at least minlen bytes (e.g. 60 for the
 * Ethernet minimum without FCS); returns the new length. */
size_t pb_pad(struct pb *b, size_t minlen);

/* Parse an IPv6 address in text form; 0 on success. */
int pb_ip6(uint8_t out[16], const char *text);

/* Internet checksum (RFC 1071) of a buffer, folded and complemented. */
uint16_t pb_cksum(const uint8_t *data, size_t n);

/* ---- classic pcap writer ---- */

struct pb_pcap;

/* Create `path` with a pcap global header.  `dlt` is a libpcap DLT value;
 * DLT_RAW (12 on Linux) is written as LINKTYPE_RAW (101), the rest unchanged.
 * Returns NULL on failure (errno set). */
struct pb_pcap *pb_pcap_open(const char *path, int dlt, uint32_t snaplen, int nanosecond);
/* Append one record: timestamp in nanoseconds since the epoch, `caplen`
 * bytes of `frame`, original length `wirelen`.  0 on success, -1 on error. */
int pb_pcap_write(struct pb_pcap *w, int64_t ts_ns, const uint8_t *frame, uint32_t caplen,
                  uint32_t wirelen);
/* Flush and close; 0 on success, -1 if any write failed.  Accepts NULL. */
int pb_pcap_close(struct pb_pcap *w);

#endif
