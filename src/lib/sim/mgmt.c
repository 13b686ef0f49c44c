#include "mgmt.h"

#include <stdlib.h>

#include "tcp.h"

#define KEEPALIVE (5 * MIGAD_NS_PER_SEC) /* libvirtd.conf keepalive_interval */
#define RPC_HEADER 28                    /* length, program, version, procedure, type, serial, status */

struct mgmt {
    struct sim_host *a, *b;
    struct sim_tcp *conn;
    migad_ns end, rpc_at;
    uint64_t call_left;       /* bytes of the calls in flight the server still expects */
    uint64_t reply_big;       /* a non-keepalive call is among them */
};

static void ping(struct sim *s, void *arg)
{
    struct mgmt *m = arg;
    if (!m->conn || sim_now(s) >= m->end)
        return;
    /* virKeepAlive PING from the client; the server answers PONG */
    m->call_left += RPC_HEADER;
    sim_tcp_send(s, m->conn, 0, RPC_HEADER, NULL);
    sim_after(s, KEEPALIVE, ping, m);
}

static void rpc(struct sim *s, void *arg)
{
    struct mgmt *m = arg;
    if (!m->conn)
        return;
    /* MigratePrepare3 with the domain XML (a few KB) */
    uint64_t n = RPC_HEADER + 3000 + migad_rng_below(&m->a->rng, 1000);
    m->call_left += n;
    m->reply_big = 1;
    sim_tcp_send(s, m->conn, 0, n, NULL);
}

static void on_data(struct sim *s, struct sim_tcp *t, int side, uint64_t n, void *user)
{
    struct mgmt *m = user;
    if (side != 1)
        return;
    /* the server answers once the whole call is in: a PONG, or a reply */
    m->call_left = n < m->call_left ? m->call_left - n : 0;
    if (m->call_left == 0) {
        sim_tcp_send(s, t, 1, m->reply_big ? RPC_HEADER + 200 : RPC_HEADER, NULL);
        m->reply_big = 0;
    }
}

static void on_established(struct sim *s, struct sim_tcp *t, void *user)
{
    (void)t;
    struct mgmt *m = user;
    sim_after(s, KEEPALIVE, ping, m);
    if (m->rpc_at)
        sim_at(s, m->rpc_at, rpc, m);
}

static void on_fin(struct sim *s, struct sim_tcp *t, int side, void *user)
{
    (void)user;
    sim_tcp_close(s, t, side);
}

static void on_closed(struct sim *s, struct sim_tcp *t, int ok, void *user)
{
    (void)s;
    (void)t;
    (void)ok;
    ((struct mgmt *)user)->conn = NULL;
}

static const struct sim_tcp_cb callbacks = { on_established, on_data, on_fin, on_closed };

static void open_conn(struct sim *s, void *arg)
{
    struct mgmt *m = arg;
    m->conn = sim_tcp_connect(s, m->a, m->b, 16509, 100 * SIM_US, &callbacks, m);
}

int sim_mgmt_start(struct sim *s, struct sim_host *a, struct sim_host *b, migad_ns start,
                   migad_ns end, migad_ns rpc_at)
{
    struct mgmt *m = calloc(1, sizeof *m);
    if (!m || sim_own(s, m) != 0)
        return -1;
    m->a = a;
    m->b = b;
    m->end = end;
    m->rpc_at = rpc_at;
    return sim_at(s, start, open_conn, m);
}
