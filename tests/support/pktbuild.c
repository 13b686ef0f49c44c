/*
 * pktbuild: see pktbuild.h.  Written from the RFCs and the libpcap file
 * format description, independently of libmigad.
 */
#include "pktbuild.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PB_IPV4 = 1, PB_IPV6, PB_TCP, PB_UDP, PB_ICMP, PB_ICMP6 };

void pb_init(struct pb *b, uint8_t *buf, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->buf = buf;
    b->cap = cap;
}

/* Reserve n bytes at the end; NULL (and overflow set) if they do not fit. */
static uint8_t *pb_grow(struct pb *b, size_t n)
{
    if (b->overflow || n > b->cap - b->len) {
        b->overflow = 1;
        return NULL;
    }
    uint8_t *q = b->buf + b->len;
    b->len += n;
    return q;
}

static void wr16(uint8_t *q, uint16_t v)
{
    q[0] = (uint8_t)(v >> 8);
    q[1] = (uint8_t)v;
}

static void wr32(uint8_t *q, uint32_t v)
{
    q[0] = (uint8_t)(v >> 24);
    q[1] = (uint8_t)(v >> 16);
    q[2] = (uint8_t)(v >> 8);
    q[3] = (uint8_t)v;
}

size_t pb_bytes(struct pb *b, const void *data, size_t n)
{
    size_t off = b->len;
    uint8_t *q = pb_grow(b, n);
    if (q && n)
        memcpy(q, data, n);
    return off;
}

size_t pb_fill(struct pb *b, uint8_t byte, size_t n)
{
    size_t off = b->len;
    uint8_t *q = pb_grow(b, n);
    if (q && n)
        memset(q, byte, n);
    return off;
}

size_t pb_u8(struct pb *b, uint8_t v)
{
    return pb_bytes(b, &v, 1);
}

size_t pb_u16(struct pb *b, uint16_t v)
{
    uint8_t q[2];
    wr16(q, v);
    return pb_bytes(b, q, 2);
}

size_t pb_u32(struct pb *b, uint32_t v)
{
    uint8_t q[4];
    wr32(q, v);
    return pb_bytes(b, q, 4);
}

void pb_put8(struct pb *b, size_t off, uint8_t v)
{
    if (off < b->len)
        b->buf[off] = v;
}

void pb_put16(struct pb *b, size_t off, uint16_t v)
{
    if (off + 2 <= b->len)
        wr16(b->buf + off, v);
}

/* Remember a layer whose lengths/checksum pb_finish() fills. */
static void pb_push(struct pb *b, int kind, size_t off)
{
    if (b->nlayers == PB_MAX_LAYERS) {
        b->overflow = 1;
        return;
    }
    int ip = -1;
    for (int i = b->nlayers - 1; i >= 0; i--) {
        if (b->layer[i].kind == PB_IPV4 || b->layer[i].kind == PB_IPV6) {
            ip = i;
            break;
        }
    }
    b->layer[b->nlayers].kind = kind;
    b->layer[b->nlayers].off = off;
    b->layer[b->nlayers].ip = ip;
    b->nlayers++;
}

/* ---- link layers ---- */

size_t pb_eth(struct pb *b, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
    size_t off = pb_bytes(b, dst, 6);
    pb_bytes(b, src, 6);
    pb_u16(b, type);
    return off;
}

size_t pb_vlan(struct pb *b, uint16_t tci, uint16_t next_type)
{
    size_t off = pb_u16(b, tci);
    pb_u16(b, next_type);
    return off;
}

size_t pb_mpls(struct pb *b, uint32_t label, uint8_t tc, int bottom, uint8_t ttl)
{
    uint32_t e = (label & 0xfffff) << 12 | (uint32_t)(tc & 7) << 9 | (bottom ? 1u << 8 : 0) | ttl;
    return pb_u32(b, e);
}

size_t pb_sll(struct pb *b, uint16_t pkttype, uint16_t hatype, const uint8_t *addr,
              uint16_t alen, uint16_t proto)
{
    uint8_t a[8] = {0};
    if (addr)
        memcpy(a, addr, alen < 8 ? alen : 8);
    size_t off = pb_u16(b, pkttype);
    pb_u16(b, hatype);
    pb_u16(b, alen);
    pb_bytes(b, a, 8);
    pb_u16(b, proto);
    return off;
}

size_t pb_sll2(struct pb *b, uint16_t proto, uint32_t ifindex, uint16_t hatype,
               uint8_t pkttype, const uint8_t *addr, uint8_t alen)
{
    uint8_t a[8] = {0};
    if (addr)
        memcpy(a, addr, alen < 8 ? alen : 8);
    size_t off = pb_u16(b, proto);
    pb_u16(b, 0);
    pb_u32(b, ifindex);
    pb_u16(b, hatype);
    pb_u8(b, pkttype);
    pb_u8(b, alen);
    pb_bytes(b, a, 8);
    return off;
}

size_t pb_null(struct pb *b, uint32_t family)
{
    return pb_bytes(b, &family, 4); /* host byte order, as the BSD kernel writes it */
}

size_t pb_loop(struct pb *b, uint32_t family)
{
    return pb_u32(b, family);
}

/* ---- network layers ---- */

size_t pb_ipv4(struct pb *b, const struct pb_ipv4 *h)
{
    size_t optpad = (h->optlen + 3) & ~(size_t)3;
    if (optpad > 40) {
        b->overflow = 1;
        return b->len;
    }
    uint8_t q[60] = {0};
    q[0] = (uint8_t)(0x40 | (5 + optpad / 4));
    q[1] = h->tos;
    /* q[2..3] total length: pb_finish() */
    wr16(q + 4, h->id);
    wr16(q + 6, (uint16_t)((h->df ? 0x4000 : 0) | (h->mf ? 0x2000 : 0) | (h->frag_off & 0x1fff)));
    q[8] = h->ttl;
    q[9] = h->proto;
    /* q[10..11] checksum: pb_finish() */
    memcpy(q + 12, h->src, 4);
    memcpy(q + 16, h->dst, 4);
    if (h->optlen)
        memcpy(q + 20, h->opts, h->optlen);
    size_t off = pb_bytes(b, q, 20 + optpad);
    pb_push(b, PB_IPV4, off);
    return off;
}

size_t pb_ipv6(struct pb *b, const struct pb_ipv6 *h)
{
    uint8_t q[40] = {0};
    wr32(q, 6u << 28 | (uint32_t)h->tclass << 20 | (h->flow & 0xfffff));
    /* q[4..5] payload length: pb_finish() */
    q[6] = h->next;
    q[7] = h->hlim;
    memcpy(q + 8, h->src, 16);
    memcpy(q + 24, h->dst, 16);
    size_t off = pb_bytes(b, q, 40);
    pb_push(b, PB_IPV6, off);
    return off;
}

size_t pb_ipv6_ext(struct pb *b, uint8_t type, uint8_t next, size_t len)
{
    size_t off = b->len;
    if (len < 8 || len > 2048 || len % (type == PB_IPPROTO_AH ? 4 : 8) != 0) {
        b->overflow = 1;
        return off;
    }
    uint8_t *q = pb_grow(b, len);
    if (!q)
        return off;
    memset(q, 0, len);
    q[0] = next;
    /* RFC 4302 section 2.2: AH length in 4-byte words minus 2;
     * RFC 8200 section 4.3: others in 8-byte units minus 1. */
    q[1] = (uint8_t)(type == PB_IPPROTO_AH ? len / 4 - 2 : len / 8 - 1);
    return off;
}

size_t pb_ipv6_frag(struct pb *b, uint8_t next, uint16_t offset8, int more, uint32_t id)
{
    uint8_t q[8] = {0};
    q[0] = next;
    wr16(q + 2, (uint16_t)((offset8 & 0x1fff) << 3 | (more ? 1 : 0)));
    wr32(q + 4, id);
    return pb_bytes(b, q, 8);
}

size_t pb_arp_hdr(struct pb *b, uint16_t htype, uint16_t ptype, uint8_t hlen, uint8_t plen,
                  uint16_t op)
{
    size_t off = pb_u16(b, htype);
    pb_u16(b, ptype);
    pb_u8(b, hlen);
    pb_u8(b, plen);
    pb_u16(b, op);
    return off;
}

size_t pb_arp(struct pb *b, uint16_t op, const uint8_t sha[6], const uint8_t spa[4],
              const uint8_t tha[6], const uint8_t tpa[4])
{
    size_t off = pb_arp_hdr(b, 1, PB_ET_IPV4, 6, 4, op);
    pb_bytes(b, sha, 6);
    pb_bytes(b, spa, 4);
    pb_bytes(b, tha, 6);
    pb_bytes(b, tpa, 4);
    return off;
}

/* ---- transport layers ---- */

size_t pb_tcp(struct pb *b, const struct pb_tcp *h)
{
    size_t optpad = (h->optlen + 3) & ~(size_t)3;
    if (optpad > 40) {
        b->overflow = 1;
        return b->len;
    }
    uint8_t q[60] = {0};
    wr16(q, h->sport);
    wr16(q + 2, h->dport);
    wr32(q + 4, h->seq);
    wr32(q + 8, h->ack);
    q[12] = (uint8_t)((5 + optpad / 4) << 4);
    q[13] = h->flags;
    wr16(q + 14, h->win);
    /* q[16..17] checksum: pb_finish() */
    wr16(q + 18, h->urg);
    if (h->optlen)
        memcpy(q + 20, h->opts, h->optlen);
    size_t off = pb_bytes(b, q, 20 + optpad);
    pb_push(b, PB_TCP, off);
    return off;
}

size_t pb_udp(struct pb *b, uint16_t sport, uint16_t dport)
{
    uint8_t q[8] = {0};
    wr16(q, sport);
    wr16(q + 2, dport);
    size_t off = pb_bytes(b, q, 8);
    pb_push(b, PB_UDP, off);
    return off;
}

static size_t pb_icmp_any(struct pb *b, int kind, uint8_t type, uint8_t code, uint32_t rest)
{
    uint8_t q[8] = {0};
    q[0] = type;
    q[1] = code;
    wr32(q + 4, rest);
    size_t off = pb_bytes(b, q, 8);
    pb_push(b, kind, off);
    return off;
}

size_t pb_icmp(struct pb *b, uint8_t type, uint8_t code, uint32_t rest)
{
    return pb_icmp_any(b, PB_ICMP, type, code, rest);
}

size_t pb_icmp6(struct pb *b, uint8_t type, uint8_t code, uint32_t rest)
{
    return pb_icmp_any(b, PB_ICMP6, type, code, rest);
}

/* ---- overlays ---- */

size_t pb_vxlan(struct pb *b, uint32_t vni)
{
    uint8_t q[8] = {0};
    q[0] = 0x08; /* I: VNI valid */
    q[4] = (uint8_t)(vni >> 16);
    q[5] = (uint8_t)(vni >> 8);
    q[6] = (uint8_t)vni;
    return pb_bytes(b, q, 8);
}

size_t pb_geneve(struct pb *b, uint32_t vni, uint16_t proto, const uint8_t *opts, size_t optlen)
{
    if (optlen % 4 != 0 || optlen > 252) {
        b->overflow = 1;
        return b->len;
    }
    uint8_t q[8] = {0};
    q[0] = (uint8_t)(optlen / 4); /* version 0 in the top two bits */
    wr16(q + 2, proto);
    q[4] = (uint8_t)(vni >> 16);
    q[5] = (uint8_t)(vni >> 8);
    q[6] = (uint8_t)vni;
    size_t off = pb_bytes(b, q, 8);
    if (optlen)
        pb_bytes(b, opts, optlen);
    return off;
}

/* ---- checksums and finishing ---- */

/* One's-complement sum of 16-bit big-endian words (RFC 1071), unfolded. */
static uint32_t sum16(uint32_t acc, const uint8_t *d, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)(d[i] << 8 | d[i + 1]);
    if (n & 1)
        acc += (uint32_t)d[n - 1] << 8;
    return acc;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

uint16_t pb_cksum(const uint8_t *data, size_t n)
{
    return fold(sum16(0, data, n));
}

/* Pseudo-header sum for an upper layer of `len` bytes and protocol `proto`
 * inside the IP header at `ipoff` (RFC 9293 section 3.1, RFC 8200 section
 * 8.1; a routing header's final destination is not looked for). */
static uint32_t pseudo(const struct pb *b, size_t ipoff, int ipkind, uint8_t proto, size_t len)
{
    const uint8_t *ip = b->buf + ipoff;
    uint32_t acc;
    if (ipkind == PB_IPV4) {
        acc = sum16(0, ip + 12, 8);
        acc += proto;
        acc += (uint32_t)len;
    } else {
        acc = sum16(0, ip + 8, 32);
        acc += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
        acc += proto;
    }
    return acc;
}

size_t pb_finish(struct pb *b)
{
    if (b->overflow)
        return 0;
    for (int i = b->nlayers - 1; i >= 0; i--) {
        const struct pb_layer *l = &b->layer[i];
        uint8_t *q = b->buf + l->off;
        size_t len = b->len - l->off;
        const struct pb_layer *ip = l->ip >= 0 ? &b->layer[l->ip] : NULL;
        uint32_t acc;
        switch (l->kind) {
        case PB_IPV4: {
            size_t hlen = (size_t)(q[0] & 0x0f) * 4;
            wr16(q + 2, (uint16_t)len);
            wr16(q + 10, 0);
            wr16(q + 10, pb_cksum(q, hlen));
            break;
        }
        case PB_IPV6:
            wr16(q + 4, (uint16_t)(len - 40));
            break;
        case PB_TCP:
            wr16(q + 16, 0);
            acc = ip ? pseudo(b, ip->off, ip->kind, PB_IPPROTO_TCP, len) : 0;
            wr16(q + 16, fold(sum16(acc, q, len)));
            break;
        case PB_UDP: {
            wr16(q + 4, (uint16_t)len);
            wr16(q + 6, 0);
            acc = ip ? pseudo(b, ip->off, ip->kind, PB_IPPROTO_UDP, len) : 0;
            uint16_t ck = fold(sum16(acc, q, len));
            wr16(q + 6, ck ? ck : 0xffff); /* RFC 768: 0 means no checksum */
            break;
        }
        case PB_ICMP:
            wr16(q + 2, 0);
            wr16(q + 2, pb_cksum(q, len));
            break;
        case PB_ICMP6:
            wr16(q + 2, 0);
            acc = ip ? pseudo(b, ip->off, ip->kind, PB_IPPROTO_ICMPV6, len) : 0;
            wr16(q + 2, fold(sum16(acc, q, len)));
            break;
        default:
            break;
        }
    }
    b->nlayers = 0;
    return b->len;
}

size_t pb_pad(struct pb *b, size_t minlen)
{
    if (b->len < minlen)
        pb_fill(b, 0, minlen - b->len);
    return b->len;
}

int pb_ip6(uint8_t out[16], const char *text)
{
    return inet_pton(AF_INET6, text, out) == 1 ? 0 : -1;
}

/* ---- classic pcap writer ---- */

struct pb_pcap {
    FILE *f;
    int nsec;
    int err;
};

static void put_le32(uint8_t *q, uint32_t v)
{
    q[0] = (uint8_t)v;
    q[1] = (uint8_t)(v >> 8);
    q[2] = (uint8_t)(v >> 16);
    q[3] = (uint8_t)(v >> 24);
}

static void put_le16(uint8_t *q, uint16_t v)
{
    q[0] = (uint8_t)v;
    q[1] = (uint8_t)(v >> 8);
}

struct pb_pcap *pb_pcap_open(const char *path, int dlt, uint32_t snaplen, int nanosecond)
{
    struct pb_pcap *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->f = fopen(path, "wb");
    if (!w->f) {
        free(w);
        return NULL;
    }
    w->nsec = nanosecond != 0;
    /* Global header: magic, version 2.4, thiszone 0, sigfigs 0, snaplen,
     * link type; all little-endian. */
    uint8_t h[24];
    put_le32(h, w->nsec ? 0xa1b23c4du : 0xa1b2c3d4u);
    put_le16(h + 4, 2);
    put_le16(h + 6, 4);
    put_le32(h + 8, 0);
    put_le32(h + 12, 0);
    put_le32(h + 16, snaplen);
    put_le32(h + 20, dlt == 12 ? 101u : (uint32_t)dlt);
    if (fwrite(h, 1, sizeof h, w->f) != sizeof h)
        w->err = 1;
    return w;
}

int pb_pcap_write(struct pb_pcap *w, int64_t ts_ns, const uint8_t *frame, uint32_t caplen,
                  uint32_t wirelen)
{
    int64_t sec = ts_ns / 1000000000;
    int64_t frac = ts_ns % 1000000000;
    if (frac < 0) {
        frac += 1000000000;
        sec -= 1;
    }
    uint8_t h[16];
    put_le32(h, (uint32_t)sec);
    put_le32(h + 4, (uint32_t)(w->nsec ? frac : frac / 1000));
    put_le32(h + 8, caplen);
    put_le32(h + 12, wirelen);
    if (fwrite(h, 1, sizeof h, w->f) != sizeof h ||
        (caplen && fwrite(frame, 1, caplen, w->f) != caplen)) {
        w->err = 1;
        return -1;
    }
    return 0;
}

int pb_pcap_close(struct pb_pcap *w)
{
    if (!w)
        return 0;
    int err = w->err || ferror(w->f);
    if (fclose(w->f) != 0)
        err = 1;
    free(w);
    return err ? -1 : 0;
}
