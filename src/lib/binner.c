/*
 * Binning: decoded packets in, one feature vector per fixed-width bin out.
 *
 * How it works.  A bin is identified by its index i relative to an origin
 * (0 = the epoch, or the first packet's time), covering
 * [origin + i*width, origin + (i+1)*width).  Real captures are not strictly
 * time ordered, so the binner keeps every bin open that a packet up to
 * `reorder` older than the newest packet seen (the watermark) could still
 * fall into: bin i closes once its end + reorder <= watermark.  Open bins
 * live in a ring of accumulators indexed by i mod K, K = reorder/width + 2.
 *
 * Silence between packets produces empty bins, emitted as rows of zeros
 * without touching an accumulator, unless it is longer than `max_gap`: then
 * the segment ends and a new one starts at the next packet.  A packet older
 * than every open bin goes to the oldest open bin (and is counted as late),
 * unless it jumps back by more than max_gap, which also starts a new segment
 * (captures that span several periods out of order).  So every packet is
 * counted exactly once and no bin is emitted twice within a segment.
 *
 * Distinct-value features use ctab counting tables per open bin; new_flows
 * and retrans use one flow table across bins (flowtab below), created only
 * when one of them is selected.  Memory is bounded by the busiest bins and
 * the flow table cap, never by the length of the trace.
 */
#include "migad/features.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctab.h"

/* Which per-bin tables the selected features need. */
enum need {
    NEED_SRCIP = 1 << 0,
    NEED_DSTIP = 1 << 1,
    NEED_SPORT = 1 << 2,
    NEED_DPORT = 1 << 3,
    NEED_SIZE = 1 << 4,
    NEED_FLOWS = 1 << 5,
    NEED_FLOWTAB = 1 << 6,
    NEED_COUNTS = 1 << 7,   /* flag, protocol and port-class counters */
};

struct acc {
    int64_t index;          /* bin index, valid while open */
    int open;
    double v[MIGAD_F_COUNT];
    /* IPv4 addresses and flows in one-/two-word tables, IPv6 and other
     * frames in wider ones: the common case hashes less, and an IPv4
     * address never equals an IPv6 one (not even ::ffff:a.b.c.d) */
    struct ctab src4, src6, dst4, dst6, flowsx;
    struct kset2 flows4;    /* no counts needed: the number of flows only */
    struct dtab sport, dport, size; /* 16-bit values indexed directly */
};

/* ---- flow table across bins (new_flows, retrans) ------------------------ */

struct flow {
    uint64_t key[5];
    migad_ns last;          /* time of the last packet; 0 = empty slot */
    uint32_t next_seq[2];   /* per direction: highest sequence end seen */
    uint32_t syn_seq[2];    /* per direction: ISN of the last SYN */
    uint8_t has_seq[2];
    uint8_t has_syn[2];
};

struct flowtab {
    struct flow *slots;
    uint32_t cap, n, max;
    migad_ns timeout;
};

struct migad_binner {
    struct migad_binner_opts o;
    unsigned need;
    int sel[MIGAD_F_COUNT];
    migad_bin_fn fn;
    void *ctx;

    int started;            /* a packet has been seen */
    int seg_open;
    int seg_emitted;        /* a bin of the current segment was written */
    migad_ns origin;
    int64_t first_index;    /* index of the first bin of the trace */
    int64_t lo, hi;         /* open bins of the current segment: [lo, hi] */
    migad_ns watermark;     /* newest packet time seen */
    migad_ns close_at;      /* watermark at which bin lo becomes final */
    int64_t cur_idx;        /* bin of the last packet, and its start: most */
    migad_ns cur_start;     /* packets fall in the same bin, no division */
    unsigned k;             /* ring size, a power of two */
    struct acc *ring;
    struct flowtab ft;
    double zero[MIGAD_F_COUNT];
    struct migad_binner_stats st;
    int stopped;
};

void migad_binner_opts_init(struct migad_binner_opts *o)
{
    o->width = MIGAD_NS_PER_SEC;
    o->max_gap = 600 * MIGAD_NS_PER_SEC;
    o->reorder = 2 * MIGAD_NS_PER_SEC;
    o->align_first = 0;
    o->flow_timeout = 60 * MIGAD_NS_PER_SEC;
    o->max_flows = 4000000;
}

/* floor(a / b) for b > 0 */
static inline int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static unsigned needs_of(enum migad_feature f)
{
    switch (f) {
    case MIGAD_F_H_SRCIP:
    case MIGAD_F_N_SRCIP: return NEED_SRCIP;
    case MIGAD_F_H_DSTIP:
    case MIGAD_F_N_DSTIP: return NEED_DSTIP;
    case MIGAD_F_H_SPORT:
    case MIGAD_F_N_SPORT: return NEED_SPORT;
    case MIGAD_F_H_DPORT:
    case MIGAD_F_N_DPORT: return NEED_DPORT;
    case MIGAD_F_H_PKTSIZE: return NEED_SIZE;
    case MIGAD_F_FLOWS: return NEED_FLOWS;
    case MIGAD_F_NEW_FLOWS:
    case MIGAD_F_RETRANS: return NEED_FLOWTAB;
    case MIGAD_F_PACKETS:
    case MIGAD_F_BYTES: return 0;
    default: return NEED_COUNTS;
    }
}

/* Apply f / g / h to every table of an accumulator. */
static void acc_tables(struct acc *a, void (*f)(struct ctab *), void (*g)(struct dtab *),
                       void (*h)(struct kset2 *))
{
    f(&a->src4);
    f(&a->src6);
    f(&a->dst4);
    f(&a->dst6);
    h(&a->flows4);
    f(&a->flowsx);
    g(&a->sport);
    g(&a->dport);
    g(&a->size);
}

/* Entropy (bits) of the distribution held by two tables of disjoint keys. */
static double entropy2(const struct ctab *x, const struct ctab *y)
{
    uint64_t total = x->total + y->total;
    if (total == 0 || x->n + y->n <= 1)
        return 0.0;
    double n = (double)total;
    double h = log2(n) - (ctab_clogc(x) + ctab_clogc(y)) / n;
    return h < 0 ? 0.0 : h;
}

migad_status migad_binner_create(struct migad_binner **out, const struct migad_binner_opts *opts,
                                 const struct migad_featset *fs, migad_bin_fn fn, void *ctx,
                                 char err[MIGAD_ERRBUF_SIZE])
{
    *out = NULL;
    struct migad_binner_opts o;
    if (opts)
        o = *opts;
    else
        migad_binner_opts_init(&o);
    if (o.width < MIGAD_NS_PER_SEC / 1000) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "bin width must be at least 1 ms");
        return MIGAD_EINVAL;
    }
    if (o.width > INT64_C(86400) * MIGAD_NS_PER_SEC) {
        snprintf(err, MIGAD_ERRBUF_SIZE, "bin width must be at most one day");
        return MIGAD_EINVAL;
    }
    if (o.reorder < 0 || o.max_gap < o.width || o.flow_timeout <= 0) {
        snprintf(err, MIGAD_ERRBUF_SIZE,
                 "reorder window must be >= 0, maximum gap >= the bin width, flow timeout > 0");
        return MIGAD_EINVAL;
    }
    int64_t k = o.reorder / o.width + 2;
    if (k > 65536) {
        snprintf(err, MIGAD_ERRBUF_SIZE,
                 "reorder window too long for the bin width (more than 65536 open bins)");
        return MIGAD_EINVAL;
    }
    struct migad_binner *b = calloc(1, sizeof *b);
    if (!b)
        goto nomem;
    b->o = o;
    b->fn = fn;
    b->ctx = ctx;
    b->k = 1;
    while (b->k < (unsigned)k)
        b->k *= 2;
    for (unsigned i = 0; i < fs->n; i++) {
        b->sel[fs->ids[i]] = 1;
        b->need |= needs_of(fs->ids[i]);
    }
    b->ring = calloc(b->k, sizeof *b->ring);
    if (!b->ring)
        goto nomem;
    for (unsigned i = 0; i < b->k; i++) {
        struct acc *a = &b->ring[i];
        ctab_init(&a->src4, 1);
        ctab_init(&a->src6, 2);
        ctab_init(&a->dst4, 1);
        ctab_init(&a->dst6, 2);
        /* direct 16-bit tables cost 512 KiB each: hashed when many bins
         * are open at once (short bins with a long reorder window) */
        dtab_init(&a->sport, b->k > 32);
        dtab_init(&a->dport, b->k > 32);
        dtab_init(&a->size, b->k > 32);
        memset(&a->flows4, 0, sizeof a->flows4);
        ctab_init(&a->flowsx, 5);
    }
    b->ft.max = o.max_flows ? o.max_flows : 1;
    b->ft.timeout = o.flow_timeout;
    *out = b;
    return MIGAD_OK;
nomem:
    migad_binner_free(b);
    snprintf(err, MIGAD_ERRBUF_SIZE, "out of memory");
    return MIGAD_ENOMEM;
}

void migad_binner_free(struct migad_binner *b)
{
    if (!b)
        return;
    if (b->ring) {
        for (unsigned i = 0; i < b->k; i++)
            acc_tables(&b->ring[i], ctab_release, dtab_release, kset2_release);
        free(b->ring);
    }
    free(b->ft.slots);
    free(b);
}

void migad_binner_stats(const struct migad_binner *b, struct migad_binner_stats *st)
{
    *st = b->st;
}

/* ---- keys --------------------------------------------------------------- */

static inline uint64_t load64(const uint8_t *b)
{
    uint64_t v;
    memcpy(&v, b, 8);
    return v;
}

static inline void addr_words(const struct migad_addr *a, uint64_t w[2])
{
    w[0] = load64(a->b);
    w[1] = load64(a->b + 8);
}

static inline int addr_cmp(const uint64_t a[2], const uint64_t b[2])
{
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    if (a[1] != b[1])
        return a[1] < b[1] ? -1 : 1;
    return 0;
}

static inline uint64_t mac48(const uint8_t m[6])
{
    return (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 | (uint64_t)m[2] << 24 |
           (uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 | (uint64_t)m[5];
}

/*
 * The flow key (docs/features.md): IP packets by the unordered pair of
 * (address, port) endpoints and the protocol, ports 0 when absent; other
 * frames by the unordered MAC pair and the ethertype.  *dir is 0 when the
 * packet's source is the key's first endpoint, 1 otherwise.
 */
static void flow_key(const struct migad_pkt *p, uint64_t key[5], int *dir)
{
    if (p->l3 == MIGAD_L3_IPV4 || p->l3 == MIGAD_L3_IPV6) {
        uint64_t s[2], d[2];
        addr_words(&p->src, s);
        addr_words(&p->dst, d);
        uint16_t sp = p->has_ports ? p->sport : 0, dp = p->has_ports ? p->dport : 0;
        int c = addr_cmp(s, d);
        int swap = c > 0 || (c == 0 && sp > dp);
        const uint64_t *a = swap ? d : s, *bb = swap ? s : d;
        uint16_t pa = swap ? dp : sp, pb = swap ? sp : dp;
        key[0] = a[0];
        key[1] = a[1];
        key[2] = bb[0];
        key[3] = bb[1];
        key[4] = (uint64_t)p->l3 << 56 | (uint64_t)pa << 32 | (uint64_t)pb << 16 | p->ip_proto;
        *dir = swap;
    } else {
        uint64_t s = p->has_mac ? mac48(p->src_mac) : 0, d = p->has_mac ? mac48(p->dst_mac) : 0;
        int swap = s > d;
        key[0] = swap ? d : s;
        key[1] = swap ? s : d;
        key[2] = 0;
        key[3] = 0;
        key[4] = UINT64_C(1) << 63 | (uint64_t)p->ethertype << 8 | p->l3;
        *dir = swap;
    }
}

/* ---- flow table --------------------------------------------------------- */

/* The words are mixed side by side and the products combined, so the
 * hash's latency (the lookup waits for it on every packet) is that of two
 * multiplications, not of a chain of ten. */
static inline uint32_t flow_hash(const uint64_t k[5])
{
    uint64_t h = (k[0] ^ (k[0] >> 31)) * UINT64_C(0x9e3779b97f4a7c15) ^
                 (k[1] ^ (k[1] >> 29)) * UINT64_C(0xc2b2ae3d27d4eb4f) ^
                 (k[2] ^ (k[2] >> 31)) * UINT64_C(0xff51afd7ed558ccd) ^
                 (k[3] ^ (k[3] >> 29)) * UINT64_C(0xc4ceb9fe1a85ec53) ^
                 (k[4] ^ (k[4] >> 31)) * UINT64_C(0x165667b19e3779f9);
    h ^= h >> 32;
    h *= UINT64_C(0x9e3779b97f4a7c15);
    return (uint32_t)(h >> 32);
}

/* Rebuild the table dropping idle flows, doubling it if still crowded. */
static int flowtab_rebuild(struct flowtab *t, migad_ns now)
{
    uint32_t live = 0;
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->slots[i].last && now - t->slots[i].last <= t->timeout)
            live++;
    uint32_t ncap = t->cap ? t->cap : 1024;
    while (live * 4 > ncap && ncap < (UINT32_C(1) << 30))
        ncap *= 2;
    struct flow *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    uint32_t mask = ncap - 1;
    for (uint32_t i = 0; i < t->cap; i++) {
        const struct flow *f = &t->slots[i];
        if (!f->last || now - f->last > t->timeout)
            continue;
        uint32_t j = flow_hash(f->key) & mask;
        while (ns[j].last)
            j = (j + 1) & mask;
        ns[j] = *f;
    }
    free(t->slots);
    t->slots = ns;
    t->cap = ncap;
    t->n = live;
    return 0;
}

/*
 * Find or insert the packet's flow.  Returns the flow (NULL when the table
 * is full) and sets *is_new when the flow was absent or idle too long.
 */
static struct flow *flowtab_get(struct migad_binner *b, const uint64_t key[5], migad_ns now,
                                int *is_new)
{
    struct flowtab *t = &b->ft;
    *is_new = 0;
    if (!t->cap && flowtab_rebuild(t, now) != 0)
        return NULL;
    uint32_t mask = t->cap - 1;
    uint32_t j = flow_hash(key) & mask;
    while (t->slots[j].last) {
        struct flow *f = &t->slots[j];
        if (memcmp(f->key, key, sizeof f->key) == 0) {
            if (now - f->last > t->timeout) {
                memset(f->has_seq, 0, sizeof f->has_seq);
                memset(f->has_syn, 0, sizeof f->has_syn);
                *is_new = 1;
            }
            if (now > f->last)
                f->last = now;
            return f;
        }
        j = (j + 1) & mask;
    }
    *is_new = 1;
    if ((t->n + 1) * 2 > t->cap) {
        if (t->n >= t->max || flowtab_rebuild(t, now) != 0 || t->n >= t->max ||
            (t->n + 1) * 2 > t->cap) {
            b->st.flows_dropped++;
            return NULL;
        }
        return flowtab_get(b, key, now, is_new);
    }
    struct flow *f = &t->slots[j];
    memset(f, 0, sizeof *f);
    memcpy(f->key, key, sizeof f->key);
    f->last = now ? now : 1;
    t->n++;
    return f;
}

/*
 * Retransmission test (RFC 9293 sequence space): a segment is a
 * retransmission when it occupies sequence space (payload, SYN or FIN) and
 * ends at or before the highest sequence end already seen in its direction.
 * Keep-alives (at most one byte at next-1) are not counted.  A SYN with a new
 * initial sequence number on a known flow is a new connection.
 */
static int tcp_update(struct flow *f, int dir, const struct migad_pkt *p, int *new_conn)
{
    uint32_t seglen = p->l4_payload + ((p->tcp_flags & MIGAD_TCP_SYN) ? 1 : 0) +
                      ((p->tcp_flags & MIGAD_TCP_FIN) ? 1 : 0);
    *new_conn = 0;
    if ((p->tcp_flags & (MIGAD_TCP_SYN | MIGAD_TCP_ACK)) == MIGAD_TCP_SYN) {
        if (f->has_syn[dir] && f->syn_seq[dir] != p->tcp_seq) {
            memset(f->has_seq, 0, sizeof f->has_seq);
            memset(f->has_syn, 0, sizeof f->has_syn);
            *new_conn = 1;
        }
    }
    if (p->tcp_flags & MIGAD_TCP_SYN) {
        f->has_syn[dir] = 1;
        f->syn_seq[dir] = p->tcp_seq;
    }
    if (seglen == 0)
        return 0;
    uint32_t end = p->tcp_seq + seglen;
    if (!f->has_seq[dir]) {
        f->has_seq[dir] = 1;
        f->next_seq[dir] = end;
        return 0;
    }
    int32_t ahead = (int32_t)(end - f->next_seq[dir]);
    if (ahead > 0) {
        f->next_seq[dir] = end;
        return 0;
    }
    if (p->l4_payload <= 1 && !(p->tcp_flags & (MIGAD_TCP_SYN | MIGAD_TCP_FIN)) &&
        p->tcp_seq == f->next_seq[dir] - 1)
        return 0; /* keep-alive */
    return 1;
}

/* ---- bins --------------------------------------------------------------- */

static int emit(struct migad_binner *b, int64_t index, const double *v)
{
    if (b->stopped)
        return -1;
    struct migad_bin bin = {
        .start = b->origin + index * b->o.width,
        .width = b->o.width,
        .index = index - b->first_index,
        .segment = b->st.segments - 1,
        .values = v,
    };
    b->st.bins++;
    b->seg_emitted = 1;
    if (b->fn && b->fn(b->ctx, &bin) != 0) {
        b->stopped = 1;
        return -1;
    }
    return 0;
}

static int close_acc(struct migad_binner *b, struct acc *a)
{
    a->v[MIGAD_F_H_SRCIP] = entropy2(&a->src4, &a->src6);
    a->v[MIGAD_F_N_SRCIP] = a->src4.n + a->src6.n;
    a->v[MIGAD_F_H_DSTIP] = entropy2(&a->dst4, &a->dst6);
    a->v[MIGAD_F_N_DSTIP] = a->dst4.n + a->dst6.n;
    a->v[MIGAD_F_H_SPORT] = dtab_entropy(&a->sport);
    a->v[MIGAD_F_N_SPORT] = dtab_distinct(&a->sport);
    a->v[MIGAD_F_H_DPORT] = dtab_entropy(&a->dport);
    a->v[MIGAD_F_N_DPORT] = dtab_distinct(&a->dport);
    a->v[MIGAD_F_H_PKTSIZE] = dtab_entropy(&a->size);
    a->v[MIGAD_F_FLOWS] = a->flows4.n + a->flowsx.n;
    for (unsigned f = 0; f < MIGAD_F_COUNT; f++)
        if (!b->sel[f])
            a->v[f] = 0;
    int rc = emit(b, a->index, a->v);
    a->open = 0;
    memset(a->v, 0, sizeof a->v);
    acc_tables(a, ctab_clear, dtab_clear, kset2_clear);
    return rc;
}

/* Emit bin lo (from its accumulator, or empty) and move lo forward. */
static int close_lo(struct migad_binner *b)
{
    struct acc *a = &b->ring[(uint64_t)b->lo & (b->k - 1)];
    int rc = (a->open && a->index == b->lo) ? close_acc(b, a) : emit(b, b->lo, b->zero);
    b->lo++;
    return rc;
}

/* Watermark at which bin lo becomes final: its end plus the window. */
static void update_close_at(struct migad_binner *b)
{
    b->close_at = b->origin + (b->lo + 1) * b->o.width + b->o.reorder;
}

/* Close the bins that no packet within the reorder window can reach. */
static int close_ready(struct migad_binner *b)
{
    if (!b->seg_open || b->watermark < b->close_at)
        return 0;
    /* bin i is final when origin + (i+1)*width + reorder <= watermark */
    int64_t last_final = floordiv(b->watermark - b->o.reorder - b->origin, b->o.width) - 1;
    if (last_final > b->hi)
        last_final = b->hi;
    while (b->lo <= last_final)
        if (close_lo(b) != 0)
            return -1;
    update_close_at(b);
    return 0;
}

static int end_segment(struct migad_binner *b)
{
    if (!b->seg_open)
        return 0;
    while (b->lo <= b->hi)
        if (close_lo(b) != 0)
            return -1;
    b->seg_open = 0;
    return 0;
}

static void start_segment(struct migad_binner *b, int64_t index)
{
    b->seg_open = 1;
    b->seg_emitted = 0;
    b->lo = b->hi = index;
    b->st.segments++;
    update_close_at(b);
}

static struct acc *acc_for(struct migad_binner *b, int64_t index)
{
    struct acc *a = &b->ring[(uint64_t)index & (b->k - 1)];
    if (!a->open) {
        a->open = 1;
        a->index = index;
    }
    return a;
}

/* IPv4 address as a number, from the IPv4-mapped form (packet.h). */
static inline uint64_t v4num(const struct migad_addr *a)
{
    return (uint64_t)a->b[12] << 24 | (uint64_t)a->b[13] << 16 | (uint64_t)a->b[14] << 8 | a->b[15];
}

/* ARP and RARP carry IPv4 addresses only when the decoder could read them
 * (Ethernet/IPv4 sizes): they are then in the IPv4-mapped form. */
static inline int arp_has_v4(const struct migad_pkt *p)
{
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    return memcmp(p->src.b, mapped, 12) == 0;
}

/* An IPv4 flow in two words: the ordered (address, port) endpoints (48 bits
 * each) and the protocol; s4, d4: the addresses as numbers (v4num). */
static inline void v4_flow(const struct migad_pkt *p, uint64_t s4, uint64_t d4, uint64_t *k0,
                           uint64_t *k1)
{
    uint16_t sp = p->has_ports ? p->sport : 0, dp = p->has_ports ? p->dport : 0;
    uint64_t e1 = s4 << 16 | sp, e2 = d4 << 16 | dp;
    *k0 = (e1 < e2 ? e1 : e2) | (uint64_t)p->ip_proto << 48;
    *k1 = e1 < e2 ? e2 : e1;
}

/* The flag, protocol and port-class counters of the extended set. */
static inline void add_counts(struct acc *a, const struct migad_pkt *p, int is_ip)
{
    double len = p->wirelen;
    if (p->has_ports) {
        if (p->dport < 1024) {
            a->v[MIGAD_F_PKTS_WELLKNOWN] += 1;
            a->v[MIGAD_F_BYTES_WELLKNOWN] += len;
        } else if (p->dport < 49152) {
            a->v[MIGAD_F_PKTS_REGISTERED] += 1;
            a->v[MIGAD_F_BYTES_REGISTERED] += len;
        } else {
            a->v[MIGAD_F_PKTS_DYNAMIC] += 1;
            a->v[MIGAD_F_BYTES_DYNAMIC] += len;
        }
    } else {
        a->v[MIGAD_F_PKTS_NOPORT] += 1;
        a->v[MIGAD_F_BYTES_NOPORT] += len;
    }
    if (is_ip && p->ip_proto == 6 && p->has_ports) {
        uint8_t fl = p->tcp_flags;
        if (fl & MIGAD_TCP_SYN)
            a->v[(fl & MIGAD_TCP_ACK) ? MIGAD_F_SYNACK : MIGAD_F_SYN] += 1;
        if (fl & MIGAD_TCP_RST)
            a->v[MIGAD_F_RST] += 1;
        if (fl & MIGAD_TCP_FIN)
            a->v[MIGAD_F_FIN] += 1;
    }
    if (p->has_icmp)
        a->v[MIGAD_F_ICMP] += 1;
    if (p->l3 == MIGAD_L3_ARP)
        a->v[MIGAD_F_ARP] += 1;
    else if (p->l3 == MIGAD_L3_RARP)
        a->v[MIGAD_F_RARP] += 1;
}

static int add_to(struct migad_binner *b, struct acc *a, const struct migad_pkt *p)
{
    double len = p->wirelen;
    unsigned need = b->need;
    a->v[MIGAD_F_PACKETS] += 1;
    a->v[MIGAD_F_BYTES] += len;
    int is_ip = p->l3 == MIGAD_L3_IPV4 || p->l3 == MIGAD_L3_IPV6;
    int fail = 0;
    if (p->l3 == MIGAD_L3_IPV4) {
        /* the common case, in one branch */
        uint64_t s4 = v4num(&p->src), d4 = v4num(&p->dst);
        if (need & NEED_SRCIP)
            fail |= ctab_add1(&a->src4, s4) < 0;
        if (need & NEED_DSTIP)
            fail |= ctab_add1(&a->dst4, d4) < 0;
        if (need & NEED_FLOWS) {
            uint64_t k0, k1;
            v4_flow(p, s4, d4, &k0, &k1);
            fail |= kset2_add(&a->flows4, k0, k1) < 0;
        }
    } else if (p->l3 == MIGAD_L3_IPV6) {
        if (need & NEED_SRCIP)
            fail |= ctab_add2(&a->src6, load64(p->src.b), load64(p->src.b + 8)) < 0;
        if (need & NEED_DSTIP)
            fail |= ctab_add2(&a->dst6, load64(p->dst.b), load64(p->dst.b + 8)) < 0;
    } else if ((p->l3 == MIGAD_L3_ARP || p->l3 == MIGAD_L3_RARP) && arp_has_v4(p)) {
        if (need & NEED_SRCIP)
            fail |= ctab_add1(&a->src4, v4num(&p->src)) < 0;
        if (need & NEED_DSTIP)
            fail |= ctab_add1(&a->dst4, v4num(&p->dst)) < 0;
    }
    if (p->has_ports) {
        if (need & NEED_SPORT)
            fail |= dtab_add(&a->sport, p->sport) < 0;
        if (need & NEED_DPORT)
            fail |= dtab_add(&a->dport, p->dport) < 0;
    }
    if (need & NEED_SIZE)
        fail |= dtab_add(&a->size, p->wirelen) < 0;
    if (need & NEED_COUNTS)
        add_counts(a, p, is_ip);
    if ((need & NEED_FLOWTAB) || ((need & NEED_FLOWS) && p->l3 != MIGAD_L3_IPV4)) {
        uint64_t w[5];
        int dir;
        flow_key(p, w, &dir);
        if ((need & NEED_FLOWS) && p->l3 != MIGAD_L3_IPV4)
            fail |= ctab_add5(&a->flowsx, w) < 0;
        if (need & NEED_FLOWTAB) {
            int is_new;
            struct flow *f = flowtab_get(b, w, p->ts, &is_new);
            if (f && is_ip && p->ip_proto == 6 && p->has_ports) {
                int new_conn;
                if (tcp_update(f, dir, p, &new_conn))
                    a->v[MIGAD_F_RETRANS] += 1;
                is_new |= new_conn;
            }
            if (is_new)
                a->v[MIGAD_F_NEW_FLOWS] += 1;
        }
    }
    return fail ? -1 : 0;
}

static inline migad_status add_one(struct migad_binner *b, const struct migad_pkt *p)
{
    if (b->stopped)
        return MIGAD_EIO;
    migad_ns ts = p->ts;
    if (!b->started) {
        b->started = 1;
        b->origin = b->o.align_first ? ts : 0;
        b->first_index = floordiv(ts - b->origin, b->o.width);
        b->watermark = ts;
        b->cur_idx = b->first_index;
        b->cur_start = b->origin + b->first_index * b->o.width;
    }
    int64_t idx;
    if (ts >= b->cur_start && ts - b->cur_start < b->o.width) {
        idx = b->cur_idx;
    } else {
        idx = floordiv(ts - b->origin, b->o.width);
        b->cur_idx = idx;
        b->cur_start = b->origin + idx * b->o.width;
    }
    b->st.packets++;

    if (!b->seg_open) {
        start_segment(b, idx);
    } else if (ts - b->watermark > b->o.max_gap || b->watermark - ts > b->o.max_gap) {
        /* a long silence, or a jump back in time past max_gap */
        if (end_segment(b) != 0)
            return MIGAD_EIO;
        start_segment(b, idx);
        b->watermark = ts;
    }
    if (ts > b->watermark)
        b->watermark = ts;
    if (idx > b->hi)
        b->hi = idx;
    if (b->watermark >= b->close_at && close_ready(b) != 0)
        return MIGAD_EIO;
    if (idx < b->lo) {
        /* Earlier than every open bin.  While the segment has written
         * nothing and the packet is within the window, the segment simply
         * starts earlier (the first packets of a capture are often not the
         * oldest); otherwise it is late. */
        if (!b->seg_emitted && b->hi - idx < (int64_t)b->k &&
            b->origin + (idx + 1) * b->o.width + b->o.reorder > b->watermark) {
            if (b->st.bins == 0 && idx < b->first_index)
                b->first_index = idx;
            b->lo = idx;
            update_close_at(b);
        } else {
            b->st.late++;
            idx = b->lo;
        }
    }
    if (add_to(b, acc_for(b, idx), p) != 0)
        return MIGAD_ENOMEM;
    return MIGAD_OK;
}

migad_status migad_binner_add(struct migad_binner *b, const struct migad_pkt *p)
{
    return add_one(b, p);
}

/*
 * Start the memory loads a packet's table updates will need.  Tables larger
 * than the caches (the addresses and flows of a flood with spoofed sources,
 * millions per bin) cost a cache miss per packet, and touching a packet's
 * slots a few packets ahead lets those misses overlap: 13 % faster on such
 * a flood.  While the tables fit in the caches (CTAB_PREFETCH_MIN) the
 * hashing and the branches would cost more than they save (2-3 % on the
 * benchmark's traffic), so then nothing is prefetched.  Only a hint:
 * nothing is changed.
 * (always_inline: GCC 12 otherwise deems the function free of effects and
 * deletes the calls.)
 */
static inline __attribute__((always_inline)) void prefetch_pkt(const struct migad_binner *b,
                                                               const struct migad_pkt *p)
{
    if (p->l3 != MIGAD_L3_IPV4 || p->ts < b->cur_start || p->ts - b->cur_start >= b->o.width)
        return;
    const struct acc *a = &b->ring[(uint64_t)b->cur_idx & (b->k - 1)];
    uint64_t s4 = v4num(&p->src), d4 = v4num(&p->dst);
    if (a->src4.cap > CTAB_PREFETCH_MIN)
        ctab_prefetch1(&a->src4, s4);
    if (a->dst4.cap > CTAB_PREFETCH_MIN)
        ctab_prefetch1(&a->dst4, d4);
    if (a->flows4.cap > CTAB_PREFETCH_MIN) {
        uint64_t k0, k1;
        v4_flow(p, s4, d4, &k0, &k1);
        kset2_prefetch(&a->flows4, k0, k1);
    }
}

#define PREFETCH_AHEAD 8

migad_status migad_binner_add_batch(struct migad_binner *b, const struct migad_pkt *pkts,
                                    size_t n)
{
    /* prefetching pays only while the current bin has a table that large */
    const struct acc *a = &b->ring[(uint64_t)b->cur_idx & (b->k - 1)];
    int pf = a->src4.cap > CTAB_PREFETCH_MIN || a->dst4.cap > CTAB_PREFETCH_MIN ||
             a->flows4.cap > CTAB_PREFETCH_MIN;
    for (size_t i = 0; i < n; i++) {
        if (pf && i + PREFETCH_AHEAD < n)
            prefetch_pkt(b, &pkts[i + PREFETCH_AHEAD]);
        migad_status st = add_one(b, &pkts[i]);
        if (st != MIGAD_OK)
            return st;
    }
    return MIGAD_OK;
}

migad_status migad_binner_advance(struct migad_binner *b, migad_ns now)
{
    if (b->stopped)
        return MIGAD_EIO;
    if (!b->seg_open || now <= b->watermark)
        return MIGAD_OK;
    b->watermark = now;
    int64_t idx = floordiv(now - b->o.reorder - b->origin, b->o.width) - 1;
    if (idx > b->hi)
        b->hi = idx;
    return close_ready(b) == 0 ? MIGAD_OK : MIGAD_EIO;
}

migad_status migad_binner_finish(struct migad_binner *b)
{
    if (b->stopped)
        return MIGAD_EIO;
    return end_segment(b) == 0 ? MIGAD_OK : MIGAD_EIO;
}
