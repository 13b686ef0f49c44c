/*
 * Frames as real stacks send them: Ethernet II, IPv4 (RFC 791, DF set as
 * Linux does for TCP, header checksum), TCP (RFC 9293; Linux's SYN options
 * MSS, SACK-permitted, timestamps and window scale in Linux's order, the
 * timestamps option on every segment, RFC 7323), UDP (RFC 768), ICMP echo
 * (RFC 792) and ARP/RARP (RFC 826/903); all checksums correct (RFC 1071).
 */
#include <string.h>

#include "migad/packet.h"
#include "sim.h"

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One's-complement sum of 16-bit words (RFC 1071), not yet folded. */
static uint32_t sum16(const uint8_t *p, uint32_t n, uint32_t acc)
{
    for (uint32_t i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        acc += (uint32_t)p[n - 1] << 8;
    return acc;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

static uint32_t eth(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
    memcpy(b, dst, 6);
    memcpy(b + 6, src, 6);
    put16(b + 12, type);
    return 14;
}

/* IPv4 header at b (20 bytes, no options); total = header + payload. */
static void ipv4(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto, uint16_t total,
                 uint16_t id, int df, uint8_t ttl)
{
    b[0] = 0x45;
    b[1] = 0;
    put16(b + 2, total);
    put16(b + 4, id);
    put16(b + 6, df ? 0x4000 : 0);
    b[8] = ttl;
    b[9] = proto;
    put16(b + 10, 0);
    put32(b + 12, src);
    put32(b + 16, dst);
    put16(b + 10, fold(sum16(b, 20, 0)));
}

/* Checksum of a transport segment with the IPv4 pseudo-header. */
static uint16_t l4sum(const uint8_t *ip, const uint8_t *seg, uint32_t len, uint8_t proto)
{
    uint32_t acc = sum16(ip + 12, 8, 0);
    acc += proto;
    acc += len;
    return fold(sum16(seg, len, acc));
}

/* Filler payload: printable and deterministic. */
static void fill(uint8_t *p, uint32_t n, const uint8_t *data)
{
    if (data) {
        memcpy(p, data, n);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        p[i] = (uint8_t)('a' + (i % 26));
}

uint32_t sim_frame_tcp_from(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                            uint32_t src_ip, uint16_t ip_id, uint32_t dst_ip,
                            const struct sim_tcp_seg *g, uint8_t ttl)
{
    uint8_t opts[40];
    uint32_t ol = 0;
    if (g->syn_opts) {
        opts[ol++] = 2; /* MSS */
        opts[ol++] = 4;
        put16(opts + ol, g->mss);
        ol += 2;
        opts[ol++] = 4; /* SACK permitted */
        opts[ol++] = 2;
        opts[ol++] = 8; /* timestamps */
        opts[ol++] = 10;
        put32(opts + ol, g->tsval);
        put32(opts + ol + 4, g->tsecr);
        ol += 8;
        opts[ol++] = 1; /* NOP */
        opts[ol++] = 3; /* window scale */
        opts[ol++] = 3;
        opts[ol++] = g->wscale;
    } else if (g->mss_only) {
        opts[ol++] = 2;
        opts[ol++] = 4;
        put16(opts + ol, g->mss);
        ol += 2;
    } else if (g->ts) {
        opts[ol++] = 1;
        opts[ol++] = 1;
        opts[ol++] = 8;
        opts[ol++] = 10;
        put32(opts + ol, g->tsval);
        put32(opts + ol + 4, g->tsecr);
        ol += 8;
    }
    uint32_t payload = g->payload;
    if (payload > SIM_FRAME_MAX - 14 - 20 - 20 - ol)
        payload = SIM_FRAME_MAX - 14 - 20 - 20 - ol;
    uint32_t off = eth(buf, dst_mac, src_mac, 0x0800);
    uint8_t *ip = buf + off;
    uint32_t thl = 20 + ol;
    uint8_t *t = ip + 20;
    put16(t, g->sport);
    put16(t + 2, g->dport);
    put32(t + 4, g->seq);
    put32(t + 8, g->ack);
    t[12] = (uint8_t)((thl / 4) << 4);
    t[13] = g->flags;
    put16(t + 14, g->win);
    put16(t + 16, 0);
    put16(t + 18, 0);
    memcpy(t + 20, opts, ol);
    fill(t + thl, payload, g->data);
    ipv4(ip, src_ip, dst_ip, 6, (uint16_t)(20 + thl + payload), ip_id, !g->no_df, ttl);
    put16(t + 16, l4sum(ip, t, thl + payload, 6));
    return off + 20 + thl + payload;
}

uint32_t sim_frame_tcp(uint8_t *buf, const uint8_t dst_mac[6], const struct sim_host *src,
                       uint32_t dst_ip, const struct sim_tcp_seg *seg, uint8_t ttl)
{
    /* Linux uses a per-connection IP ID for TCP with DF set; any value is
     * valid, the host's counter keeps it varied and deterministic */
    struct sim_host *h = (struct sim_host *)src;
    return sim_frame_tcp_from(buf, dst_mac, src->mac, src->ip, h->ip_id++, dst_ip, seg, ttl);
}

uint32_t sim_frame_udp(uint8_t *buf, const uint8_t dst_mac[6], const struct sim_host *src,
                       uint32_t dst_ip, uint16_t sport, uint16_t dport, const uint8_t *data,
                       uint32_t len, uint8_t ttl)
{
    if (len > SIM_FRAME_MAX - 14 - 20 - 8)
        len = SIM_FRAME_MAX - 14 - 20 - 8;
    uint32_t off = eth(buf, dst_mac, src->mac, 0x0800);
    uint8_t *ip = buf + off, *u = ip + 20;
    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, (uint16_t)(8 + len));
    put16(u + 6, 0);
    fill(u + 8, len, data);
    struct sim_host *h = (struct sim_host *)src;
    ipv4(ip, src->ip, dst_ip, 17, (uint16_t)(28 + len), h->ip_id++, 1, ttl);
    uint16_t c = l4sum(ip, u, 8 + len, 17);
    put16(u + 6, c ? c : 0xffff);
    return off + 28 + len;
}

uint32_t sim_frame_icmp_echo(uint8_t *buf, const uint8_t dst_mac[6], const struct sim_host *src,
                             uint32_t dst_ip, uint8_t type, uint16_t id, uint16_t seq,
                             uint32_t datalen, uint8_t ttl)
{
    if (datalen > SIM_FRAME_MAX - 14 - 20 - 8)
        datalen = SIM_FRAME_MAX - 14 - 20 - 8;
    uint32_t off = eth(buf, dst_mac, src->mac, 0x0800);
    uint8_t *ip = buf + off, *m = ip + 20;
    m[0] = type;
    m[1] = 0;
    put16(m + 2, 0);
    put16(m + 4, id);
    put16(m + 6, seq);
    fill(m + 8, datalen, NULL);
    put16(m + 2, fold(sum16(m, 8 + datalen, 0)));
    struct sim_host *h = (struct sim_host *)src;
    ipv4(ip, src->ip, dst_ip, 1, (uint16_t)(28 + datalen), h->ip_id++, 1, ttl);
    return off + 28 + datalen;
}

uint32_t sim_frame_arp(uint8_t *buf, uint16_t ethertype, uint16_t op, const uint8_t eth_dst[6],
                       const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
    uint32_t off = eth(buf, eth_dst, sha, ethertype);
    uint8_t *a = buf + off;
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, sha, 6);
    put32(a + 14, spa);
    memcpy(a + 18, tha, 6);
    put32(a + 24, tpa);
    return off + 28;
}
