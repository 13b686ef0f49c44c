#include "migration.h"

#include <stdlib.h>
#include <string.h>

#include "tcp.h"

#define PAGE 4096u
#define PAGE_RECORD 8u   /* a page's header in QEMU's stream */

struct mig {
    struct sim_migration_cfg cfg;
    struct sim_migration_result *res;
    struct sim_host *vm, *src, *dst;
    struct sim_tcp *conn;
    uint64_t queued;          /* stream bytes handed to TCP so far */
    uint64_t round_end;       /* stream offset at which the round ends */
    migad_ns round_start;
    int stopping;             /* stop-and-copy round in progress */
    int announce;             /* announcements sent */
};

void sim_migration_cfg_default(struct sim_migration_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->ram_bytes = 512ull << 20;
    c->zero_fraction = 0.4;
    c->dirty_rate = 4.0 * (1 << 20);
    c->bandwidth = 32ull << 20;
    c->downtime_limit = 300 * SIM_MS;
    c->max_rounds = 30;
    c->port = 49152;
    c->owd = 100 * SIM_US;
}

/* The QEMU stream header: "QEVM" magic and version 3 (migration/savevm.c). */
static const char stream_head[] = "QEVM\0\0\0\3";

static void announce(struct sim *s, void *arg);

static void guest_garp(struct sim *s, void *arg)
{
    struct mig *m = arg;
    uint8_t f[64];
    uint32_t n = sim_frame_arp(f, 0x0806, 1, sim_broadcast, m->vm->mac, m->vm->ip,
                               (const uint8_t[6]){ 0 }, m->vm->ip);
    sim_transmit(s, m->vm, f, n);
}

/* QEMU's self-announcement: RARP request-reverse from the guest's MAC,
 * sender and target hardware address the MAC, protocol addresses 0.0.0.0. */
static void announce(struct sim *s, void *arg)
{
    struct mig *m = arg;
    uint8_t f[64];
    uint32_t n = sim_frame_arp(f, 0x8035, 3, sim_broadcast, m->vm->mac, 0, m->vm->mac, 0);
    /* QEMU builds a 60-byte frame: zero padding after the RARP body */
    memset(f + n, 0, 60 - n);
    sim_transmit(s, m->vm, f, 60);
    m->res->end = sim_now(s);
    sim_after(s, 20 * SIM_MS + (migad_ns)migad_rng_below(&m->vm->rng, 5 * SIM_MS), guest_garp, m);
    /* delays between rounds: 50, 150, 250, 350 ms */
    if (++m->announce < 5)
        sim_after(s, (50 + 100 * (m->announce - 1)) * SIM_MS, announce, m);
    else
        m->res->done = 1;
}

static void resume(struct sim *s, void *arg)
{
    struct mig *m = arg;
    m->vm->node = m->dst->node;
    m->vm->paused = 0;
    m->res->resume = sim_now(s);
    announce(s, m);
}

/* Queue the next round's bytes on the stream. */
static void next_round(struct sim *s, struct mig *m)
{
    const struct sim_migration_cfg *c = &m->cfg;
    double elapsed = (double)(sim_now(s) - m->round_start) / MIGAD_NS_PER_SEC;
    uint64_t dirty = (uint64_t)(c->dirty_rate * elapsed);
    dirty = dirty / PAGE * (PAGE + PAGE_RECORD);
    m->res->rounds++;
    m->round_start = sim_now(s);
    double send_time = (double)dirty / (double)c->bandwidth;
    if (!m->stopping &&
        (send_time * MIGAD_NS_PER_SEC <= (double)c->downtime_limit || m->res->rounds >= c->max_rounds)) {
        /* stop-and-copy: the guest stops, the rest (and device state) goes */
        m->stopping = 1;
        m->vm->paused = 1;
        m->res->stop = sim_now(s);
        dirty += 256 * 1024; /* device state */
    }
    m->round_end = m->queued + dirty;
    m->queued += dirty;
    m->res->bytes += dirty;
    sim_tcp_send(s, m->conn, 0, dirty, NULL);
}

static void on_fin(struct sim *s, struct sim_tcp *t, int side, void *user)
{
    (void)user;
    if (side == 1)
        sim_tcp_close(s, t, 1);
}

static void on_established(struct sim *s, struct sim_tcp *t, void *user)
{
    struct mig *m = user;
    const struct sim_migration_cfg *c = &m->cfg;
    /* the first round: every non-zero page, and a record per zero page */
    uint64_t pages = c->ram_bytes / PAGE;
    uint64_t zero = (uint64_t)((double)pages * c->zero_fraction);
    uint64_t bytes = (pages - zero) * (PAGE + PAGE_RECORD) + zero * PAGE_RECORD;
    m->round_start = sim_now(s);
    m->round_end = bytes;
    m->queued = bytes;
    m->res->rounds = 1;
    m->res->bytes = bytes;
    sim_tcp_send(s, t, 0, bytes, stream_head);
}

static void on_closed(struct sim *s, struct sim_tcp *t, int ok, void *user)
{
    (void)s;
    (void)t;
    (void)ok;
    struct mig *m = user;
    m->conn = NULL;
}

static const struct sim_tcp_cb callbacks = { on_established, NULL, on_fin, on_closed };

/* A round is over when the destination has acknowledged all of it: the
 * source (QEMU's migration thread) looks every millisecond. */
static void poll_round(struct sim *s, void *arg)
{
    struct mig *m = arg;
    if (!m->conn || m->res->resume)
        return;
    if (sim_tcp_acked(m->conn, 0) >= m->round_end) {
        if (m->stopping) {
            sim_tcp_close(s, m->conn, 0);
            sim_after(s, 2 * SIM_MS, resume, m);
            return;
        }
        next_round(s, m);
    }
    sim_after(s, SIM_MS, poll_round, m);
}

static void begin(struct sim *s, void *arg)
{
    struct mig *m = arg;
    m->res->start = sim_now(s);
    m->conn = sim_tcp_connect(s, m->src, m->dst, m->cfg.port, m->cfg.owd, &callbacks, m);
    sim_tcp_pace(m->conn, 0, m->cfg.bandwidth);
    sim_after(s, SIM_MS, poll_round, m);
}

int sim_migrate(struct sim *s, struct sim_host *vm, struct sim_host *src_host,
                struct sim_host *dst_host, const struct sim_migration_cfg *cfg,
                struct sim_migration_result *res)
{
    struct mig *m = calloc(1, sizeof *m);
    if (!m || sim_own(s, m) != 0)
        return -1;
    m->cfg = *cfg;
    m->res = res;
    memset(res, 0, sizeof *res);
    m->vm = vm;
    m->src = src_host;
    m->dst = dst_host;
    /* the destination listens on the migration port while it waits */
    if (dst_host->nopen < 8)
        dst_host->open_tcp[dst_host->nopen++] = cfg->port;
    return sim_at(s, cfg->start, begin, m);
}
