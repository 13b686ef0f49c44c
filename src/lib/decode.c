/*
 * Packet decoder: one captured frame in, a struct migad_pkt out.
 *
 * How it works.  A frame is parsed outside-in, one function per protocol,
 * each citing the specification it follows.  Every read goes through a small
 * cursor (struct cur) over [data, data + caplen): cur_take() hands out a
 * pointer to the next n bytes only after checking that n bytes remain, and a
 * parser then reads that header at fixed offsets below n.  No other pointer
 * arithmetic is done on the frame.
 *
 * Two lengths are kept apart on purpose:
 *   - the captured bytes (the cursor's end): running out of them while a
 *     header is incomplete is MIGAD_DECODE_TRUNCATED, the normal effect of a
 *     snapshot length;
 *   - the lengths the headers declare (IPv4 total length, IPv6 payload
 *     length): a header that does not fit in what its enclosing header
 *     declares is MIGAD_DECODE_MALFORMED.  The declared length is checked
 *     first, so a short snapshot never hides a malformed packet and a
 *     malformed packet is never blamed on the snapshot.
 * The payload length reported for TCP and UDP comes from the declared
 * lengths, never from caplen, so it is right for packets cut by a snaplen.
 *
 * A layer's fields are filled as soon as its fixed part has been captured and
 * validated.  If its variable part (IPv4 or TCP options) is then cut by the
 * snapshot, those fields stay and the result is TRUNCATED: with the classic
 * 68-byte snaplen a SYN with 20 bytes of options still yields its ports.
 *
 * Overlays (VXLAN, Geneve) are only looked into with MIGAD_DECODE_INNER, and
 * only one level deep: once the overlay header is recognised the outer
 * fields are dropped and the inner frame is decoded into the same struct,
 * with a cursor whose end is the outer UDP payload's end.
 *
 * The decoder never allocates, never prints and keeps no state: everything
 * lives in the caller's struct migad_pkt and in a small context on the stack.
 * docs/decoding.md defines every field and each rule in prose.
 */
#include "migad/packet.h"

#include "decode_internal.h"

#include <pcap/dlt.h>
#include <string.h>

/* libpcap reports LINKTYPE_RAW files as DLT_RAW (12 on Linux), but other
 * readers hand over the file's link type unchanged. */
#define LINKTYPE_RAW 101

/* Ethertypes (IEEE 802 numbers registry). */
#define ET_IPV4 0x0800
#define ET_ARP 0x0806
#define ET_TEB 0x6558 /* transparent Ethernet bridging (Geneve payload) */
#define ET_RARP 0x8035
#define ET_VLAN 0x8100
#define ET_IPV6 0x86DD
#define ET_MPLS_UC 0x8847
#define ET_MPLS_MC 0x8848
#define ET_QINQ 0x88A8
#define ET_QINQ_OLD 0x9100
#define ET_MIN 0x0600 /* smaller values are IEEE 802.3 lengths, not types */

/* IP protocol numbers (IANA). */
#define IPP_HOPOPTS 0
#define IPP_ICMP 1
#define IPP_TCP 6
#define IPP_UDP 17
#define IPP_ROUTING 43
#define IPP_FRAGMENT 44
#define IPP_ESP 50
#define IPP_AH 51
#define IPP_ICMPV6 58
#define IPP_NONE 59
#define IPP_DSTOPTS 60

#define PORT_VXLAN 4789
#define PORT_GENEVE 6081

/* Linux ARPHRD_* values seen in cooked captures. */
#define ARPHRD_ETHER 1
#define ARPHRD_NETLINK 824

/* ---- bounds-checked cursor ------------------------------------------------ */

struct cur {
    const uint8_t *base; /* first byte of the frame */
    uint32_t off;        /* next unread byte; invariant: off <= end */
    uint32_t end;        /* bytes [0, end) may be read */
    uint32_t wire;       /* frame length on the wire (>= end): used only to
                            infer an IP length the header leaves at zero */
};

static inline uint32_t cur_left(const struct cur *c)
{
    return c->end - c->off;
}

/* Bytes between the cursor and the end of the frame on the wire. */
static inline uint32_t cur_wire_left(const struct cur *c)
{
    return c->wire > c->off ? c->wire - c->off : 0;
}

/* Return the next n (>= 1) bytes and step past them, or NULL, leaving the
 * cursor where it was, when fewer than n remain. */
static inline const uint8_t *cur_take(struct cur *c, uint32_t n)
{
    if (n > c->end - c->off)
        return NULL;
    const uint8_t *h = c->base + c->off;
    c->off += n;
    return h;
}

/* Like cur_take() but without stepping. */
static inline const uint8_t *cur_peek(const struct cur *c, uint32_t n)
{
    if (n > c->end - c->off)
        return NULL;
    return c->base + c->off;
}

/* Step past n (possibly 0) bytes; 0 when fewer than n remain. */
static inline int cur_skip(struct cur *c, uint32_t n)
{
    if (n > c->end - c->off)
        return 0;
    c->off += n;
    return 1;
}

/* Big-endian loads from a header returned by cur_take()/cur_peek(). */
static inline uint16_t rd16(const uint8_t *h)
{
    return (uint16_t)(((unsigned)h[0] << 8) | h[1]);
}

static inline uint32_t rd24(const uint8_t *h)
{
    return ((uint32_t)h[0] << 16) | ((uint32_t)h[1] << 8) | h[2];
}

static inline uint32_t rd32(const uint8_t *h)
{
    return ((uint32_t)h[0] << 24) | ((uint32_t)h[1] << 16) | ((uint32_t)h[2] << 8) | h[3];
}

static inline uint32_t sat_add(uint32_t a, uint32_t b)
{
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/* ---- decoding context ----------------------------------------------------- */

struct dec {
    struct cur c;
    struct migad_pkt *p;
    unsigned flags;
    int inner; /* 1 while decoding an overlay's payload: no further overlays */
};

typedef enum migad_decode_result dres;

static void set_v4(struct migad_addr *a, const uint8_t *h)
{
    memset(a->b, 0, 10);
    a->b[10] = 0xff;
    a->b[11] = 0xff;
    memcpy(a->b + 12, h, 4);
}

/* Zero every field except those the caller or the outer frame owns. */
static void pkt_reset(struct migad_pkt *p)
{
    /* a copy of a zero struct, not memset: compilers turn a small memset
     * into `rep stos`, whose start-up costs more than the ~128 bytes */
    static const struct migad_pkt zero;
    migad_ns ts = p->ts;
    uint32_t caplen = p->caplen, wirelen = p->wirelen;
    *p = zero;
    p->ts = ts;
    p->caplen = caplen;
    p->wirelen = wirelen;
}

static dres decode_ethertype(struct dec *d, uint16_t type);
static dres decode_eth(struct dec *d);

/* ---- transport ------------------------------------------------------------ */

/*
 * Run the payload of a recognised overlay as the packet (MIGAD_DECODE_INNER).
 * `rem` is the overlay payload length the outer headers declare; `proto` the
 * ethertype of what it carries.  The inner cursor ends at the declared end
 * when that comes before the captured end, so a truncation seen there is a
 * malformed outer length, not a snapshot effect.
 */
static dres run_inner(struct dec *d, uint8_t tunnel, uint32_t vni, uint16_t proto,
                      uint32_t rem)
{
    struct dec in = *d;
    dres r;

    in.inner = 1;
    if (rem < cur_left(&d->c))
        in.c.end = d->c.off + rem;
    in.c.wire = sat_add(d->c.off, rem);

    pkt_reset(d->p);
    d->p->tunnel = tunnel;
    d->p->vni = vni;
    if (proto == ET_TEB)
        r = decode_eth(&in);
    else
        r = decode_ethertype(&in, proto);
    if (r == MIGAD_DECODE_TRUNCATED && in.c.end < d->c.end)
        r = MIGAD_DECODE_MALFORMED;
    return r;
}

/*
 * VXLAN, RFC 7348 section 5: flags(8, I = 0x08) reserved(24) VNI(24)
 * reserved(8), followed by an Ethernet frame.  Without the I flag the VNI is
 * not valid and the packet is left as plain UDP.
 */
static dres decode_vxlan(struct dec *d, uint32_t rem)
{
    if (rem < 8)
        return MIGAD_DECODE_MALFORMED;
    const uint8_t *h = cur_take(&d->c, 8);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    if (!(h[0] & 0x08))
        return MIGAD_DECODE_OK;
    return run_inner(d, MIGAD_TUNNEL_VXLAN, rd24(h + 4), ET_TEB, rem - 8);
}

/*
 * Geneve, RFC 8926 section 3.4: Ver(2) OptLen(6, in 4-byte words) O C
 * Rsvd(6) | Protocol Type(16) | VNI(24) Reserved(8), then OptLen*4 bytes of
 * options, then the payload: Ethernet (0x6558) or IP (0x0800, 0x86DD).  An
 * unknown version or payload type leaves the packet as plain UDP.
 */
static dres decode_geneve(struct dec *d, uint32_t rem)
{
    if (rem < 8)
        return MIGAD_DECODE_MALFORMED;
    const uint8_t *h = cur_take(&d->c, 8);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    uint16_t proto = rd16(h + 2);
    if ((h[0] >> 6) != 0 || (proto != ET_TEB && proto != ET_IPV4 && proto != ET_IPV6))
        return MIGAD_DECODE_OK;
    uint32_t optlen = (uint32_t)(h[0] & 0x3f) * 4;
    if (optlen > rem - 8)
        return MIGAD_DECODE_MALFORMED;
    if (!cur_skip(&d->c, optlen))
        return MIGAD_DECODE_TRUNCATED;
    return run_inner(d, MIGAD_TUNNEL_GENEVE, rd24(h + 4), proto, rem - 8 - optlen);
}

/*
 * UDP, RFC 768: source port, destination port, length, checksum.  The
 * payload length comes from the IP lengths; the UDP length field is not
 * trusted (it is 0 in IPv6 jumbograms, RFC 2675).
 */
static dres decode_udp(struct dec *d, uint32_t rem)
{
    struct migad_pkt *p = d->p;
    if (rem < 8)
        return MIGAD_DECODE_MALFORMED;
    const uint8_t *h = cur_take(&d->c, 8);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    p->has_ports = 1;
    p->sport = rd16(h);
    p->dport = rd16(h + 2);
    p->l4_payload = rem - 8;
    if ((d->flags & MIGAD_DECODE_INNER) && !d->inner && p->frag == MIGAD_FRAG_NONE) {
        if (p->dport == PORT_VXLAN)
            return decode_vxlan(d, rem - 8);
        if (p->dport == PORT_GENEVE)
            return decode_geneve(d, rem - 8);
    }
    return MIGAD_DECODE_OK;
}

/*
 * TCP, RFC 9293 section 3.1: ports, sequence and acknowledgment numbers,
 * data offset (4 bits, in 32-bit words, at least 5), flags, window, then
 * options up to the data offset.  The fixed 20 bytes fill the fields; options
 * cut by the snapshot make the result TRUNCATED but keep them.
 */
static dres decode_tcp(struct dec *d, uint32_t rem)
{
    struct migad_pkt *p = d->p;
    if (rem < 20)
        return MIGAD_DECODE_MALFORMED;
    const uint8_t *h = cur_take(&d->c, 20);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    uint32_t hlen = (uint32_t)(h[12] >> 4) * 4;
    if (hlen < 20 || hlen > rem)
        return MIGAD_DECODE_MALFORMED;
    p->has_ports = 1;
    p->sport = rd16(h);
    p->dport = rd16(h + 2);
    p->tcp_seq = rd32(h + 4);
    p->tcp_ack = rd32(h + 8);
    p->tcp_flags = h[13];
    p->tcp_win = rd16(h + 14);
    p->l4_payload = rem - hlen;
    if (!cur_skip(&d->c, hlen - 20))
        return MIGAD_DECODE_TRUNCATED;
    return MIGAD_DECODE_OK;
}

/*
 * ICMP (RFC 792 section "Message Formats") and ICMPv6 (RFC 4443 section
 * 2.1) share the first four bytes: type, code, checksum.
 */
static dres decode_icmp(struct dec *d, uint32_t rem)
{
    struct migad_pkt *p = d->p;
    if (rem < 4)
        return MIGAD_DECODE_MALFORMED;
    const uint8_t *h = cur_take(&d->c, 4);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    p->has_icmp = 1;
    p->icmp_type = h[0];
    p->icmp_code = h[1];
    return MIGAD_DECODE_OK;
}

/* Upper layer of an IP packet; `rem` bytes of it per the IP lengths. */
static dres decode_l4(struct dec *d, uint8_t proto, uint32_t rem)
{
    switch (proto) {
    case IPP_TCP:
        return decode_tcp(d, rem);
    case IPP_UDP:
        return decode_udp(d, rem);
    case IPP_ICMP:
    case IPP_ICMPV6:
        return decode_icmp(d, rem);
    default:
        return MIGAD_DECODE_OK;
    }
}

/* ---- network -------------------------------------------------------------- */

/*
 * IPv4, RFC 791 section 3.1: version(4) IHL(4, in 32-bit words, at least 5)
 * TOS, total length, identification, flags(3) fragment offset(13), TTL,
 * protocol, checksum, source, destination, options up to IHL.
 * A total length of 0 is what TCP segmentation offload leaves in captured
 * outgoing packets; the length is then taken from the frame's wire length.
 * Fragments (RFC 791 section 2.3): offset > 0 carries no upper-layer header.
 */
static dres decode_ipv4(struct dec *d)
{
    struct migad_pkt *p = d->p;
    const uint8_t *h = cur_peek(&d->c, 1);
    if (h && ((h[0] >> 4) != 4 || (h[0] & 0x0f) < 5))
        return MIGAD_DECODE_MALFORMED;
    h = cur_peek(&d->c, 20);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    uint32_t hlen = (uint32_t)(h[0] & 0x0f) * 4;
    uint32_t tot = rd16(h + 2);
    if (tot == 0)
        tot = cur_wire_left(&d->c);
    if (tot < hlen)
        return MIGAD_DECODE_MALFORMED;

    uint16_t frag = rd16(h + 6);
    uint16_t fragoff = frag & 0x1fff;
    p->l3 = MIGAD_L3_IPV4;
    p->ip_len = tot;
    p->ip_id = rd16(h + 4);
    p->ttl = h[8];
    p->ip_proto = h[9];
    p->frag = fragoff ? MIGAD_FRAG_LATER
                      : (frag & 0x2000) ? MIGAD_FRAG_FIRST : MIGAD_FRAG_NONE;
    set_v4(&p->src, h + 12);
    set_v4(&p->dst, h + 16);

    if (!cur_skip(&d->c, hlen))
        return MIGAD_DECODE_TRUNCATED;
    if (fragoff)
        return MIGAD_DECODE_OK;
    return decode_l4(d, p->ip_proto, tot - hlen);
}

/*
 * IPv6, RFC 8200 section 3: version(4) traffic class(8) flow label(20),
 * payload length, next header, hop limit, source, destination.  Extension
 * headers (section 4) are walked: hop-by-hop options (0), routing (43) and
 * destination options (60) measure (Hdr Ext Len + 1) * 8 bytes; the
 * authentication header (51, RFC 4302 section 2.2) measures
 * (Payload Len + 2) * 4 bytes; the fragment header (44, section 4.5) is 8
 * bytes and gives the identification, offset and M flag.  ESP (50) and
 * no-next-header (59) end the walk, as does any other value (the upper
 * layer).  A payload length of 0 with a next header other than 59 is a
 * jumbogram (RFC 2675) or a segmentation-offload capture: the length is taken
 * from the frame's wire length.
 */
static dres decode_ipv6(struct dec *d)
{
    struct migad_pkt *p = d->p;
    const uint8_t *h = cur_peek(&d->c, 1);
    if (h && (h[0] >> 4) != 6)
        return MIGAD_DECODE_MALFORMED;
    h = cur_peek(&d->c, 40);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    uint8_t nh = h[6];
    uint32_t rem = rd16(h + 4);
    if (rem == 0 && nh != IPP_NONE) {
        uint32_t w = cur_wire_left(&d->c);
        rem = w > 40 ? w - 40 : 0;
    }
    p->l3 = MIGAD_L3_IPV6;
    p->ip_len = sat_add(rem, 40);
    p->ttl = h[7];
    memcpy(p->src.b, h + 8, 16);
    memcpy(p->dst.b, h + 24, 16);
    (void)cur_skip(&d->c, 40);

    for (;;) {
        p->ip_proto = nh;
        switch (nh) {
        case IPP_HOPOPTS:
        case IPP_ROUTING:
        case IPP_DSTOPTS:
        case IPP_AH: {
            if (rem < 8)
                return MIGAD_DECODE_MALFORMED;
            const uint8_t *e = cur_peek(&d->c, 2);
            if (!e)
                return MIGAD_DECODE_TRUNCATED;
            uint32_t len = nh == IPP_AH ? ((uint32_t)e[1] + 2) * 4 : ((uint32_t)e[1] + 1) * 8;
            if (len > rem)
                return MIGAD_DECODE_MALFORMED;
            if (!cur_skip(&d->c, len))
                return MIGAD_DECODE_TRUNCATED;
            nh = e[0];
            rem -= len;
            break;
        }
        case IPP_FRAGMENT: {
            if (rem < 8)
                return MIGAD_DECODE_MALFORMED;
            const uint8_t *e = cur_take(&d->c, 8);
            if (!e)
                return MIGAD_DECODE_TRUNCATED;
            uint16_t offm = rd16(e + 2);
            p->ip_id = rd32(e + 4);
            nh = e[0];
            rem -= 8;
            if (offm >> 3) {
                p->frag = MIGAD_FRAG_LATER;
                p->ip_proto = nh;
                return MIGAD_DECODE_OK;
            }
            if (offm & 1)
                p->frag = MIGAD_FRAG_FIRST;
            break;
        }
        case IPP_ESP:
        case IPP_NONE:
            return MIGAD_DECODE_OK;
        default:
            return decode_l4(d, nh, rem);
        }
    }
}

/*
 * ARP, RFC 826 ("Packet format"), and RARP, RFC 903 (same layout, opcodes 3
 * and 4): hardware type, protocol type, hardware length, protocol length,
 * opcode, then sender hardware/protocol and target hardware/protocol
 * addresses.  Only Ethernet-sized (6) hardware and IPv4 (0x0800, 4)
 * protocol addresses are decoded; other sizes leave the addresses zero.
 */
static dres decode_arp(struct dec *d, uint8_t l3)
{
    struct migad_pkt *p = d->p;
    const uint8_t *h = cur_take(&d->c, 8);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    p->l3 = l3;
    p->arp_op = rd16(h + 6);
    if (h[4] != 6 || h[5] != 4 || rd16(h + 2) != ET_IPV4)
        return MIGAD_DECODE_OK;
    const uint8_t *a = cur_take(&d->c, 20);
    if (!a)
        return MIGAD_DECODE_TRUNCATED;
    memcpy(p->arp_sha, a, 6);
    set_v4(&p->src, a + 6);
    set_v4(&p->dst, a + 16);
    return MIGAD_DECODE_OK;
}

/* Raw IP without a link header: the version nibble says which. */
static dres decode_ip_guess(struct dec *d)
{
    const uint8_t *h = cur_peek(&d->c, 1);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    switch (h[0] >> 4) {
    case 4:
        d->p->ethertype = ET_IPV4;
        return decode_ipv4(d);
    case 6:
        d->p->ethertype = ET_IPV6;
        return decode_ipv6(d);
    default:
        return MIGAD_DECODE_MALFORMED;
    }
}

/*
 * MPLS label stack, RFC 3032 section 2.1: entries of label(20) TC(3)
 * S(1, bottom of stack) TTL(8) until S is set.  The payload type is not
 * signalled (RFC 3032 section 2.2 leaves it to the label), so IPv4 and IPv6
 * are recognised by their version nibble; anything else (pseudowires with a
 * control word, ...) is reported as l3 OTHER with the MPLS ethertype.
 */
static dres decode_mpls(struct dec *d)
{
    struct migad_pkt *p = d->p;
    for (;;) {
        const uint8_t *e = cur_take(&d->c, 4);
        if (!e)
            return MIGAD_DECODE_TRUNCATED;
        if (p->mpls_depth < UINT8_MAX)
            p->mpls_depth++;
        if (e[2] & 0x01)
            break;
    }
    const uint8_t *v = cur_peek(&d->c, 1);
    if (!v)
        return MIGAD_DECODE_TRUNCATED;
    uint8_t ver = v[0] >> 4;
    if (ver != 4 && ver != 6) {
        p->l3 = MIGAD_L3_OTHER;
        return MIGAD_DECODE_OK;
    }
    return decode_ip_guess(d);
}

/* ---- link ----------------------------------------------------------------- */

/*
 * What follows an ethertype: IEEE 802.1Q-2018 section 9.6 tags (TPID 0x8100,
 * 802.1ad S-tag 0x88a8, and the pre-standard 0x9100), each TCI(16) with the
 * VID in its low 12 bits then the next type, stacked to any depth; then the
 * network layer.  Types below 0x0600 are IEEE 802.3 lengths (an LLC frame
 * follows): l3 OTHER, ethertype 0.
 */
static dres decode_ethertype(struct dec *d, uint16_t type)
{
    struct migad_pkt *p = d->p;
    while (type == ET_VLAN || type == ET_QINQ || type == ET_QINQ_OLD) {
        const uint8_t *t = cur_take(&d->c, 4);
        if (!t)
            return MIGAD_DECODE_TRUNCATED;
        if (p->vlan_depth == 0)
            p->vlan_id = rd16(t) & 0x0fff;
        if (p->vlan_depth < UINT8_MAX)
            p->vlan_depth++;
        type = rd16(t + 2);
    }
    if (type < ET_MIN) {
        p->l3 = MIGAD_L3_OTHER;
        return MIGAD_DECODE_OK;
    }
    p->ethertype = type;
    switch (type) {
    case ET_IPV4:
        return decode_ipv4(d);
    case ET_IPV6:
        return decode_ipv6(d);
    case ET_ARP:
        return decode_arp(d, MIGAD_L3_ARP);
    case ET_RARP:
        return decode_arp(d, MIGAD_L3_RARP);
    case ET_MPLS_UC:
    case ET_MPLS_MC:
        return decode_mpls(d);
    default:
        p->l3 = MIGAD_L3_OTHER;
        return MIGAD_DECODE_OK;
    }
}

/* Ethernet II / IEEE 802.3 (IEEE 802.3-2018 section 3.2): destination,
 * source, length/type. */
static dres decode_eth(struct dec *d)
{
    struct migad_pkt *p = d->p;
    const uint8_t *h = cur_take(&d->c, 14);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    p->has_mac = 1;
    memcpy(p->dst_mac, h, 6);
    memcpy(p->src_mac, h + 6, 6);
    return decode_ethertype(d, rd16(h + 12));
}

/*
 * Protocol field of a Linux cooked header (tcpdump.org LINKTYPE_LINUX_SLL):
 * an ethertype, except on netlink devices and for values below 0x0600
 * (802.3 without LLC, 802.2 LLC, CAN, ...), which are not network layers
 * decoded here.
 */
static dres decode_sll_proto(struct dec *d, uint16_t hatype, uint16_t proto)
{
    if (hatype == ARPHRD_NETLINK || proto < ET_MIN) {
        d->p->l3 = MIGAD_L3_OTHER;
        return MIGAD_DECODE_OK;
    }
    return decode_ethertype(d, proto);
}

/* A cooked header's sender address: a MAC when it is 6 bytes long.  The
 * destination is only known for broadcasts (packet type 1) on Ethernet. */
static void sll_mac(struct migad_pkt *p, const uint8_t *addr, unsigned alen,
                    unsigned pkttype, uint16_t hatype)
{
    if (alen != 6)
        return;
    p->has_mac = 1;
    memcpy(p->src_mac, addr, 6);
    if (pkttype == 1 && hatype == ARPHRD_ETHER)
        memset(p->dst_mac, 0xff, 6);
}

/*
 * Linux cooked capture v1, tcpdump.org LINKTYPE_LINUX_SLL (113): packet
 * type(16), ARPHRD type(16), address length(16), address(64), protocol(16).
 */
static dres decode_sll(struct dec *d)
{
    const uint8_t *h = cur_take(&d->c, 16);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    uint16_t hatype = rd16(h + 2);
    sll_mac(d->p, h + 6, rd16(h + 4), rd16(h), hatype);
    return decode_sll_proto(d, hatype, rd16(h + 14));
}

/*
 * Linux cooked capture v2, tcpdump.org LINKTYPE_LINUX_SLL2 (276): protocol(16),
 * reserved(16), interface index(32), ARPHRD type(16), packet type(8),
 * address length(8), address(64).
 */
static dres decode_sll2(struct dec *d)
{
    const uint8_t *h = cur_take(&d->c, 20);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    uint16_t hatype = rd16(h + 8);
    sll_mac(d->p, h + 12, h[11], h[10], hatype);
    return decode_sll_proto(d, hatype, rd16(h));
}

/*
 * BSD loopback, tcpdump.org LINKTYPE_NULL (0) and LINKTYPE_LOOP (108): a
 * 32-bit address family, in the capturing host's byte order for NULL and in
 * network order for LOOP.  Families are small numbers, so a value with
 * non-zero high bytes is byte-swapped; this reads both link types from a host
 * of either byte order.  AF_INET is 2 everywhere; AF_INET6 is 10 (Linux),
 * 24 (NetBSD, OpenBSD, Windows), 28 (FreeBSD) or 30 (macOS).
 */
static dres decode_null(struct dec *d)
{
    const uint8_t *h = cur_take(&d->c, 4);
    if (!h)
        return MIGAD_DECODE_TRUNCATED;
    uint32_t fam = rd32(h);
    if (fam > 0xffff)
        fam = (uint32_t)h[0] | ((uint32_t)h[1] << 8) | ((uint32_t)h[2] << 16) |
              ((uint32_t)h[3] << 24);
    switch (fam) {
    case 2:
        d->p->ethertype = ET_IPV4;
        return decode_ipv4(d);
    case 10:
    case 24:
    case 28:
    case 30:
        d->p->ethertype = ET_IPV6;
        return decode_ipv6(d);
    default:
        d->p->l3 = MIGAD_L3_OTHER;
        return MIGAD_DECODE_OK;
    }
}

/* ---- public --------------------------------------------------------------- */

int migad_decode_dlt_supported(int dlt)
{
    switch (dlt) {
    case DLT_NULL:
    case DLT_EN10MB:
    case DLT_RAW:
    case LINKTYPE_RAW:
    case DLT_LOOP:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_IPV4:
    case DLT_IPV6:
        return 1;
    default:
        return 0;
    }
}

/* The fast path's transport part: a whole TCP or UDP header of an
 * unfragmented IP packet whose upper layer measures `rem` bytes, `avail` of
 * them captured.  0 when the general path must decide. */
static int fast_l4(const uint8_t *l4, uint32_t avail, uint8_t proto, uint32_t rem,
                   unsigned flags, struct migad_pkt *p)
{
    uint32_t l4len;
    if (proto == IPP_TCP) {
        if (rem < 20 || avail < 20)
            return 0;
        l4len = (uint32_t)(l4[12] >> 4) * 4;
        if (l4len < 20 || l4len > rem || avail < l4len)
            return 0;
        p->tcp_seq = rd32(l4 + 4);
        p->tcp_ack = rd32(l4 + 8);
        p->tcp_flags = l4[13];
        p->tcp_win = rd16(l4 + 14);
    } else if (proto == IPP_UDP) {
        if (rem < 8 || avail < 8)
            return 0;
        uint16_t dport = rd16(l4 + 2);
        if ((flags & MIGAD_DECODE_INNER) && (dport == PORT_VXLAN || dport == PORT_GENEVE))
            return 0;
        l4len = 8;
    } else {
        return 0;
    }
    p->has_ports = 1;
    p->sport = rd16(l4);
    p->dport = rd16(l4 + 2);
    p->l4_payload = rem - l4len;
    return 1;
}

/*
 * The common case on a hypervisor bridge — Ethernet, at most one VLAN tag,
 * IPv4 without options or fragmentation or IPv6 without extension headers,
 * a whole TCP or UDP header — decoded in one go.  It fills exactly what the
 * general path fills for such a frame (the fuzz target checks that the two
 * agree on every input) and declines anything else: 0 when it did not
 * apply, with *p possibly partly written (the caller resets it).
 */
static int decode_fast(const uint8_t *e, uint32_t caplen, unsigned flags, struct migad_pkt *p)
{
    if (caplen < 14 + 20 + 8)
        return 0;
    /* one optional 802.1Q tag, without a branch (tagged and untagged frames
     * are mixed at random on a bridge: a branch here is mispredicted) */
    uint16_t type = rd16(e + 12);
    uint32_t tagged = type == ET_VLAN;
    uint32_t off = 14 + 4 * tagged;
    p->vlan_id = (uint16_t)(rd16(e + 14) & 0x0fff & -tagged);
    p->vlan_depth = (uint8_t)tagged;
    type = rd16(e + off - 2);
    const uint8_t *ip = e + off;
    uint32_t left = caplen - off;
    if (type == ET_IPV4) {
        if (left < 20 || ip[0] != 0x45)
            return 0;
        uint32_t tot = rd16(ip + 2);
        if (tot < 20 || (rd16(ip + 6) & 0x3fff) != 0)
            return 0;
        if (!fast_l4(ip + 20, left - 20, ip[9], tot - 20, flags, p))
            return 0;
        p->l3 = MIGAD_L3_IPV4;
        p->ip_len = tot;
        p->ip_id = rd16(ip + 4);
        p->ttl = ip[8];
        p->ip_proto = ip[9];
        set_v4(&p->src, ip + 12);
        set_v4(&p->dst, ip + 16);
    } else if (type == ET_IPV6) {
        if (left < 40 || (ip[0] >> 4) != 6)
            return 0;
        uint32_t rem = rd16(ip + 4);
        if (rem == 0 || !fast_l4(ip + 40, left - 40, ip[6], rem, flags, p))
            return 0;
        p->l3 = MIGAD_L3_IPV6;
        p->ip_len = rem + 40;
        p->ttl = ip[7];
        p->ip_proto = ip[6];
        memcpy(p->src.b, ip + 8, 16);
        memcpy(p->dst.b, ip + 24, 16);
    } else {
        return 0;
    }
    p->has_mac = 1;
    memcpy(p->dst_mac, e, 6);
    memcpy(p->src_mac, e + 6, 6);
    p->ethertype = type;
    return 1;
}

enum migad_decode_result migad_decode(int dlt, const uint8_t *data, uint32_t caplen,
                                      uint32_t wirelen, unsigned flags,
                                      struct migad_pkt *p)
{
    if (dlt == DLT_EN10MB && data) {
        p->caplen = caplen;
        p->wirelen = wirelen;
        pkt_reset(p);
        if (decode_fast(data, caplen, flags, p))
            return MIGAD_DECODE_OK;
    }
    return migad_decode_general(dlt, data, caplen, wirelen, flags, p);
}

enum migad_decode_result migad_decode_general(int dlt, const uint8_t *data, uint32_t caplen,
                                              uint32_t wirelen, unsigned flags,
                                              struct migad_pkt *p)
{
    struct dec d;

    p->caplen = caplen;
    p->wirelen = wirelen;
    pkt_reset(p);
    if (!data)
        caplen = 0;
    d.c.base = data;
    d.c.off = 0;
    d.c.end = caplen;
    d.c.wire = wirelen > caplen ? wirelen : caplen;
    d.p = p;
    d.flags = flags;
    d.inner = 0;

    switch (dlt) {
    case DLT_EN10MB:
        return decode_eth(&d);
    case DLT_RAW:
    case LINKTYPE_RAW:
        return decode_ip_guess(&d);
    case DLT_LINUX_SLL:
        return decode_sll(&d);
    case DLT_LINUX_SLL2:
        return decode_sll2(&d);
    case DLT_NULL:
    case DLT_LOOP:
        return decode_null(&d);
    case DLT_IPV4:
        p->ethertype = ET_IPV4;
        return decode_ipv4(&d);
    case DLT_IPV6:
        p->ethertype = ET_IPV6;
        return decode_ipv6(&d);
    default:
        return MIGAD_DECODE_UNSUPPORTED_LINK;
    }
}

static size_t put_hex16(char *s, unsigned v)
{
    static const char digits[] = "0123456789abcdef";
    size_t n = 0;
    int shift = 12;
    while (shift > 0 && ((v >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        s[n++] = digits[(v >> shift) & 0xf];
    return n;
}

static size_t put_dec8(char *s, unsigned v)
{
    size_t n = 0;
    if (v >= 100)
        s[n++] = (char)('0' + v / 100);
    if (v >= 10)
        s[n++] = (char)('0' + v / 10 % 10);
    s[n++] = (char)('0' + v % 10);
    return n;
}

/* Text form of an address: dotted quad for ::ffff:0:0/96, otherwise RFC 5952
 * section 4 (lower-case hex, no leading zeros, the longest run of two or more
 * zero groups, the first on a tie, written as "::"). */
void migad_addr_format(const struct migad_addr *a, char *buf, size_t len)
{
    static const uint8_t v4prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char tmp[48]; /* 8 groups of 4 digits and 7 colons, or 15 for IPv4 */
    size_t n = 0;

    if (!buf || len == 0)
        return;
    if (memcmp(a->b, v4prefix, sizeof v4prefix) == 0) {
        for (int i = 12; i < 16; i++) {
            if (i > 12)
                tmp[n++] = '.';
            n += put_dec8(tmp + n, a->b[i]);
        }
    } else {
        unsigned g[8];
        int best = -1, bestlen = 0;
        for (int i = 0; i < 8; i++)
            g[i] = ((unsigned)a->b[2 * i] << 8) | a->b[2 * i + 1];
        for (int i = 0; i < 8;) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0)
                j++;
            if (j - i > bestlen) {
                best = i;
                bestlen = j - i;
            }
            i = j;
        }
        if (bestlen < 2)
            best = -1;
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                tmp[n++] = ':';
                tmp[n++] = ':';
                i += bestlen - 1;
                continue;
            }
            if (i > 0 && i != best + bestlen)
                tmp[n++] = ':';
            n += put_hex16(tmp + n, g[i]);
        }
    }
    if (n >= len)
        n = len - 1;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
}
