/*
 * Packet decoding: one captured frame in, the fields the features need out.
 *
 * Packets are hostile.  migad_decode() reads only inside [data, data+caplen),
 * never trusts a length field without checking it against what was captured,
 * and never allocates.  It is callable on any memory buffer, so the fuzzer
 * drives it directly (fuzz/fuzz_decode.c).
 *
 * What is decoded (each layer cites its specification in src/lib/decode.c):
 *   link:    Ethernet II / 802.3 (DLT_EN10MB), 802.1Q / 802.1ad stacked tags,
 *            MPLS label stacks, Linux cooked v1 (DLT_LINUX_SLL) and v2
 *            (DLT_LINUX_SLL2), BSD loopback (DLT_NULL, DLT_LOOP), raw IP
 *            (DLT_RAW, DLT_IPV4, DLT_IPV6)
 *   network: IPv4 with options and fragments, IPv6 with extension headers and
 *            fragments, ARP and RARP
 *   transport: TCP, UDP, ICMP, ICMPv6
 *   overlay: VXLAN (UDP 4789) and Geneve (UDP 6081); with MIGAD_DECODE_INNER
 *            the inner frame's headers replace the outer ones
 *
 * Ports are only known for unfragmented packets and first fragments.
 */
#ifndef MIGAD_PACKET_H
#define MIGAD_PACKET_H

#include "migad/migad.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Network layer of a decoded packet. */
enum migad_l3 {
    MIGAD_L3_NONE = 0, /* nothing past the link layer could be decoded */
    MIGAD_L3_IPV4,
    MIGAD_L3_IPV6,
    MIGAD_L3_ARP,      /* ethertype 0x0806 */
    MIGAD_L3_RARP,     /* ethertype 0x8035: QEMU's migration announcement */
    MIGAD_L3_OTHER,    /* another ethertype (LLDP, STP, ...): see ethertype */
};

/* Fragment position of an IP packet. */
enum migad_frag {
    MIGAD_FRAG_NONE = 0, /* not a fragment */
    MIGAD_FRAG_FIRST,    /* offset 0, more fragments follow: has L4 header */
    MIGAD_FRAG_LATER,    /* offset > 0: no L4 header, no ports */
};

/* Overlay the packet was found in (set only with MIGAD_DECODE_INNER). */
enum migad_tunnel {
    MIGAD_TUNNEL_NONE = 0,
    MIGAD_TUNNEL_VXLAN,
    MIGAD_TUNNEL_GENEVE,
};

/* How far decoding got. */
enum migad_decode_result {
    MIGAD_DECODE_OK = 0,   /* every header present was decoded */
    MIGAD_DECODE_TRUNCATED,/* a header was cut by the snapshot length: the
                              fields before it are valid */
    MIGAD_DECODE_MALFORMED,/* a header is invalid (bad version, length field
                              smaller than the header, ...): fields of the
                              layers before it are valid */
    MIGAD_DECODE_UNSUPPORTED_LINK, /* unknown link-layer type: nothing valid */
};

/* TCP flag bits as in the TCP header (RFC 9293 section 3.1). */
#define MIGAD_TCP_FIN 0x01
#define MIGAD_TCP_SYN 0x02
#define MIGAD_TCP_RST 0x04
#define MIGAD_TCP_PSH 0x08
#define MIGAD_TCP_ACK 0x10
#define MIGAD_TCP_URG 0x20
#define MIGAD_TCP_ECE 0x40
#define MIGAD_TCP_CWR 0x80

/* ARP / RARP operation codes (RFC 826, RFC 903). */
#define MIGAD_ARP_REQUEST 1
#define MIGAD_ARP_REPLY 2
#define MIGAD_RARP_REQUEST 3
#define MIGAD_RARP_REPLY 4

/* Decoding flags. */
#define MIGAD_DECODE_INNER 0x1u /* decode VXLAN/Geneve payloads as the packet */

/*
 * An address: IPv6 as is, IPv4 as the IPv4-mapped IPv6 address
 * ::ffff:a.b.c.d (RFC 4291 section 2.5.5.2), so both compare as 16 bytes.
 */
struct migad_addr {
    uint8_t b[16];
};

/*
 * A decoded packet.  All multi-byte fields are in host byte order.  Fields of
 * layers that were not reached are zero.
 */
struct migad_pkt {
    migad_ns ts;           /* capture time; set by the caller, not the decoder */
    uint32_t caplen;       /* bytes captured */
    uint32_t wirelen;      /* bytes on the wire (the frame's original length) */

    uint8_t  has_mac;      /* src_mac/dst_mac valid (Ethernet, SLL with 6-byte address) */
    uint8_t  src_mac[6];
    uint8_t  dst_mac[6];
    uint16_t ethertype;    /* ethertype of the network layer (after tags), 0 if none */
    uint8_t  vlan_depth;   /* 802.1Q/802.1ad tags crossed */
    uint8_t  mpls_depth;   /* MPLS labels crossed */
    uint16_t vlan_id;      /* outermost VLAN ID, 0 if untagged */

    uint8_t  l3;           /* enum migad_l3 */
    uint8_t  ip_proto;     /* upper-layer protocol (after IPv6 extension headers) */
    uint8_t  frag;         /* enum migad_frag */
    uint8_t  ttl;          /* IPv4 TTL or IPv6 hop limit */
    struct migad_addr src; /* IP source, or ARP/RARP sender protocol address */
    struct migad_addr dst; /* IP destination, or ARP/RARP target protocol address */
    uint32_t ip_id;        /* IPv4 identification or IPv6 fragment identification */
    uint32_t ip_len;       /* IP total length (IPv6: 40 + payload length) from the header */

    uint8_t  has_ports;    /* sport/dport valid (TCP or UDP header present) */
    uint16_t sport;
    uint16_t dport;
    uint8_t  tcp_flags;    /* MIGAD_TCP_* bits, 0 unless TCP */
    uint32_t tcp_seq;
    uint32_t tcp_ack;
    uint16_t tcp_win;
    uint32_t l4_payload;   /* TCP/UDP payload length from the IP lengths (not caplen) */

    uint8_t  has_icmp;     /* icmp_type/icmp_code valid (ICMP or ICMPv6) */
    uint8_t  icmp_type;
    uint8_t  icmp_code;

    uint16_t arp_op;       /* ARP/RARP operation, 0 otherwise */
    uint8_t  arp_sha[6];   /* ARP/RARP sender hardware address */

    uint8_t  tunnel;       /* enum migad_tunnel: the packet was inside an overlay */
    uint32_t vni;          /* VXLAN/Geneve virtual network identifier */
};

/*
 * Decode one frame of link-layer type `dlt` (a libpcap DLT_* value).
 * `data` points to `caplen` captured bytes; `wirelen` is the original length.
 * Fills *p (zeroing it first, but keeping p->ts) and returns how far decoding
 * got.  Never reads outside [data, data + caplen).
 */
enum migad_decode_result migad_decode(int dlt, const uint8_t *data, uint32_t caplen,
                                      uint32_t wirelen, unsigned flags,
                                      struct migad_pkt *p);

/* Is this link-layer type one migad_decode() understands? */
int migad_decode_dlt_supported(int dlt);

/* Format an address as text (dotted quad for IPv4-mapped, RFC 5952 for IPv6). */
void migad_addr_format(const struct migad_addr *a, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MIGAD_PACKET_H */
