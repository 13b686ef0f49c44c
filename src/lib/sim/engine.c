/*
 * The simulator's event loop, hosts, LAN switch and bridge captures
 * (see sim.h for the model).
 */
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "../errbuf.h"

struct event {
    migad_ns t;
    uint64_t seq;
    sim_fn fn;
    void *arg;
    int owned; /* free arg if the event never runs */
};

struct sim {
    migad_ns now, t0;
    uint64_t seq;
    struct event *heap;
    size_t nheap, capheap;
    int oom;

    struct sim_host **hosts;
    size_t nhosts, caphosts;

    pcap_t *dead;
    pcap_dumper_t *dump[SIM_NBRIDGES];
    uint32_t snaplen;
    uint64_t frames[SIM_NBRIDGES], bytes[SIM_NBRIDGES];
    uint64_t seed;
    struct migad_rng rng;
    void **owned;
    size_t nowned, capowned;
};

const uint8_t sim_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };


struct sim *sim_create(const char *const bridge_paths[SIM_NBRIDGES], uint32_t snaplen,
                       uint64_t seed, migad_ns t0, char err[MIGAD_ERRBUF_SIZE])
{
    struct sim *s = calloc(1, sizeof *s);
    if (!s) {
        migad_seterr(err, "out of memory");
        return NULL;
    }
    s->now = s->t0 = t0;
    s->snaplen = snaplen ? snaplen : 65535;
    s->seed = seed;
    migad_rng_derive(&s->rng, seed, 0);
    s->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, (int)s->snaplen,
                                                   PCAP_TSTAMP_PRECISION_NANO);
    if (!s->dead) {
        migad_seterr(err, "libpcap: cannot create a capture writer");
        sim_free(s);
        return NULL;
    }
    for (int i = 0; i < SIM_NBRIDGES; i++) {
        s->dump[i] = pcap_dump_open(s->dead, bridge_paths[i]);
        if (!s->dump[i]) {
            migad_seterr(err, "cannot create %s: %s", bridge_paths[i], pcap_geterr(s->dead));
            sim_free(s);
            return NULL;
        }
    }
    return s;
}

void sim_free(struct sim *s)
{
    if (!s)
        return;
    for (int i = 0; i < SIM_NBRIDGES; i++)
        if (s->dump[i])
            pcap_dump_close(s->dump[i]);
    if (s->dead)
        pcap_close(s->dead);
    for (size_t i = 0; i < s->nhosts; i++)
        free(s->hosts[i]);
    free(s->hosts);
    /* events still queued at the end: free what they own; the rest is
     * model state owned below */
    for (size_t i = 0; i < s->nheap; i++)
        if (s->heap[i].owned)
            free(s->heap[i].arg);
    free(s->heap);
    for (size_t i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s);
}

int sim_own(struct sim *s, void *p)
{
    if (s->nowned == s->capowned) {
        size_t ncap = s->capowned ? s->capowned * 2 : 64;
        void **o = realloc(s->owned, ncap * sizeof *o);
        if (!o) {
            free(p);
            return -1;
        }
        s->owned = o;
        s->capowned = ncap;
    }
    s->owned[s->nowned++] = p;
    return 0;
}

migad_status sim_finish(struct sim *s, char err[MIGAD_ERRBUF_SIZE])
{
    migad_status st = MIGAD_OK;
    for (int i = 0; i < SIM_NBRIDGES; i++) {
        if (!s->dump[i])
            continue;
        if (pcap_dump_flush(s->dump[i]) != 0 || ferror(pcap_dump_file(s->dump[i]))) {
            migad_seterr(err, "cannot write a capture: write error");
            st = MIGAD_EIO;
        }
        pcap_dump_close(s->dump[i]);
        s->dump[i] = NULL;
    }
    return st;
}

migad_ns sim_now(const struct sim *s)
{
    return s->now;
}

migad_ns sim_t0(const struct sim *s)
{
    return s->t0;
}

struct migad_rng *sim_rng(struct sim *s)
{
    return &s->rng;
}

/* ---- event heap (binary min-heap on (t, seq)) ---------------------------- */

static int ev_less(const struct event *a, const struct event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static int schedule(struct sim *s, migad_ns t, sim_fn fn, void *arg, int owned)
{
    if (t < s->now)
        t = s->now;
    if (s->nheap == s->capheap) {
        size_t ncap = s->capheap ? s->capheap * 2 : 1024;
        struct event *h = realloc(s->heap, ncap * sizeof *h);
        if (!h) {
            s->oom = 1;
            return -1;
        }
        s->heap = h;
        s->capheap = ncap;
    }
    struct event e = { t, s->seq++, fn, arg, owned };
    size_t i = s->nheap++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!ev_less(&e, &s->heap[parent]))
            break;
        s->heap[i] = s->heap[parent];
        i = parent;
    }
    s->heap[i] = e;
    return 0;
}

int sim_at(struct sim *s, migad_ns t, sim_fn fn, void *arg)
{
    return schedule(s, t, fn, arg, 0);
}

int sim_at_owned(struct sim *s, migad_ns t, sim_fn fn, void *arg)
{
    return schedule(s, t, fn, arg, 1);
}

int sim_after(struct sim *s, migad_ns delay, sim_fn fn, void *arg)
{
    return sim_at(s, s->now + delay, fn, arg);
}

static struct event pop(struct sim *s)
{
    struct event top = s->heap[0];
    struct event last = s->heap[--s->nheap];
    size_t i = 0, n = s->nheap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_less(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!ev_less(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n)
        s->heap[i] = last;
    return top;
}

migad_status sim_run(struct sim *s, migad_ns t_end, char err[MIGAD_ERRBUF_SIZE])
{
    while (s->nheap && s->heap[0].t < t_end && !s->oom) {
        struct event e = pop(s);
        s->now = e.t;
        e.fn(s, e.arg);
    }
    if (s->oom) {
        migad_seterr(err, "out of memory while simulating");
        return MIGAD_ENOMEM;
    }
    s->now = t_end;
    return MIGAD_OK;
}

/* ---- hosts ----------------------------------------------------------------- */

struct sim_host *sim_host_add(struct sim *s, const char *name, uint32_t ip, int node,
                              int is_vm, const uint8_t *mac)
{
    if (s->nhosts == s->caphosts) {
        size_t ncap = s->caphosts ? s->caphosts * 2 : 16;
        struct sim_host **h = realloc(s->hosts, ncap * sizeof *h);
        if (!h)
            return NULL;
        s->hosts = h;
        s->caphosts = ncap;
    }
    struct sim_host *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    snprintf(h->name, sizeof h->name, "%s", name);
    h->ip = ip;
    h->node = node;
    h->fdb = node; /* hosts announce themselves when they start (gratuitous ARP) */
    h->is_vm = is_vm;
    if (mac) {
        memcpy(h->mac, mac, 6);
    } else {
        const uint8_t m[6] = { 0x52, 0x54, 0x00, (uint8_t)(ip >> 16), (uint8_t)(ip >> 8),
                               (uint8_t)ip };
        memcpy(h->mac, m, 6);
    }
    migad_rng_derive(&h->rng, s->seed, 1000 + s->nhosts);
    h->ts_offset = (uint32_t)migad_rng_u64(&h->rng);
    h->next_port = (uint16_t)(32768 + migad_rng_below(&h->rng, 28232));
    h->ip_id = (uint16_t)migad_rng_u64(&h->rng);
    s->hosts[s->nhosts++] = h;
    return h;
}

struct sim_host *sim_host_by_ip(struct sim *s, uint32_t ip)
{
    for (size_t i = 0; i < s->nhosts; i++)
        if (s->hosts[i]->ip == ip)
            return s->hosts[i];
    return NULL;
}

struct sim_host *sim_host_by_mac(struct sim *s, const uint8_t mac[6])
{
    for (size_t i = 0; i < s->nhosts; i++)
        if (memcmp(s->hosts[i]->mac, mac, 6) == 0)
            return s->hosts[i];
    return NULL;
}

size_t sim_host_count(const struct sim *s)
{
    return s->nhosts;
}

struct sim_host *sim_host_at(struct sim *s, size_t i)
{
    return i < s->nhosts ? s->hosts[i] : NULL;
}

/* ---- the LAN ---------------------------------------------------------------- */

static void capture(struct sim *s, int bridge, const uint8_t *frame, uint32_t len)
{
    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)(s->now / MIGAD_NS_PER_SEC);
    h.ts.tv_usec = (suseconds_t)(s->now % MIGAD_NS_PER_SEC); /* nanoseconds */
    h.len = len;
    h.caplen = len < s->snaplen ? len : s->snaplen;
    pcap_dump((u_char *)s->dump[bridge], &h, frame);
    s->frames[bridge]++;
    s->bytes[bridge] += len;
}

struct sim_host *sim_transmit(struct sim *s, struct sim_host *src, const uint8_t *frame,
                              uint32_t len)
{
    if (src->paused)
        return NULL;
    /* the switch learns where the sender is */
    src->fdb = src->node;
    int seen[SIM_NBRIDGES] = { 0 };
    if (src->node >= 0)
        seen[src->node] = 1;
    struct sim_host *dst = NULL;
    if (frame[0] & 1) {
        /* broadcast / multicast: flooded everywhere */
        for (int i = 0; i < SIM_NBRIDGES; i++)
            seen[i] = 1;
    } else {
        dst = sim_host_by_mac(s, frame);
        if (!dst || dst->fdb == -2) {
            for (int i = 0; i < SIM_NBRIDGES; i++)
                seen[i] = 1; /* unknown unicast: flooded */
        } else if (dst->fdb >= 0) {
            seen[dst->fdb] = 1;
        }
        /* delivered only where the destination really is, and awake */
        if (dst && (dst->paused || (dst->fdb != -2 && dst->fdb != dst->node)))
            dst = NULL;
    }
    for (int i = 0; i < SIM_NBRIDGES; i++)
        if (seen[i])
            capture(s, i, frame, len);
    return dst;
}

void sim_counts(const struct sim *s, int bridge, uint64_t *frames, uint64_t *bytes)
{
    *frames = s->frames[bridge];
    *bytes = s->bytes[bridge];
}

int sim_port_open(const struct sim_host *h, uint16_t port)
{
    for (int i = 0; i < h->nopen; i++)
        if (h->open_tcp[i] == port)
            return 1;
    return 0;
}

uint32_t sim_tsval(const struct sim *s, const struct sim_host *h)
{
    return h->ts_offset + (uint32_t)((s->now - s->t0) / SIM_MS);
}
