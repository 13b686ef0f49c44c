/*
 * Simulated TCP (see tcp.h).  Each side keeps RFC 9293's send and receive
 * variables; payload byte i of a side has sequence number iss + 1 + i.
 * Everything that happens later — a segment's transmission after the ones
 * queued before it on the same link, its arrival at the peer, a timer — is
 * an event carrying a small message.  Connections belong to the world and
 * are freed with it.
 */
#include "tcp.h"

#include <stdlib.h>
#include <string.h>

#include "migad/packet.h"

#define LINK_NS_PER_BYTE 8           /* 1 Gbit/s serialisation */
#define MSS_WIRE 1460                /* MSS option value (Ethernet) */
#define MSS_TS 1448                  /* payload per segment with timestamps */
#define RTO_SYN (1000 * SIM_MS)      /* RFC 6298 initial RTO, Linux's SYN RTO */
#define RTO_MIN (200 * SIM_MS)       /* Linux TCP_RTO_MIN */
#define RTO_MAX (120 * MIGAD_NS_PER_SEC)
#define DELACK (40 * SIM_MS)         /* Linux TCP_DELACK_MIN */
#define SYN_RETRIES 6
#define DATA_RETRIES 15
#define WSCALE 7
#define RWND (3u << 20)              /* advertised receive window, bytes */
#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)

enum { M_XMIT, M_ARRIVE, M_RTO, M_DELACK };

struct ep {
    struct sim_host *h;
    uint16_t port;
    uint32_t iss, snd_una, snd_nxt;
    uint64_t app_total;        /* payload bytes queued by the application */
    int syn_acked;             /* our SYN was acknowledged */
    int fin_want, fin_sent, fin_acked;
    uint32_t rcv_nxt;
    int rcv_syn, rcv_fin;
    uint32_t ts_recent;
    double cwnd;               /* segments */
    double ssthresh;
    int unacked_rx;            /* full segments received since our last ACK */
    int ack_needed;            /* received data not yet acknowledged */
    uint64_t dack_gen, rto_gen;
    int dack_armed, rto_armed, retries;
    migad_ns rto;
    migad_ns tx_free;          /* the link is busy until then */
    uint64_t pace;             /* bytes per second, 0 = line rate */
    migad_ns pace_next;
    int send_pending;          /* an M_XMIT wake-up for pacing is scheduled */
    char head[256];
    uint32_t headlen;
    uint64_t head_at;          /* payload offset of head[0] */
};

struct sim_tcp {
    struct ep e[2];
    migad_ns owd;
    struct sim_tcp_cb cb;
    void *user;
    int established, closed;
    int refs;
};

struct msg {
    struct sim_tcp *c;
    int side, kind;
    uint64_t gen;
    /* a segment (M_XMIT: to send; M_ARRIVE: as received) */
    uint32_t seq, ack, len, tsval, tsecr;
    uint8_t flags;
};

static void on_msg(struct sim *s, void *arg);

static int post(struct sim *s, migad_ns t, const struct msg *m)
{
    struct msg *copy = malloc(sizeof *copy);
    if (!copy)
        return -1;
    *copy = *m;
    if (sim_at_owned(s, t, on_msg, copy) != 0) {
        free(copy);
        return -1;
    }
    m->c->refs++;
    return 0;
}

/* Connections are owned by the world (sim_own): a closed one stays until
 * sim_free, so late messages that refer to it are safe. */
static void release(struct sim_tcp *c)
{
    (void)c;
}

static void finish(struct sim *s, struct sim_tcp *c, int ok)
{
    if (c->closed)
        return;
    c->closed = 1;
    if (c->cb.closed)
        c->cb.closed(s, c, ok, c->user);
}

/* ---- sending ------------------------------------------------------------- */

/* Put one segment on the wire now; schedule its arrival if it gets there. */
static void xmit(struct sim *s, struct sim_tcp *c, int side, uint32_t seq, uint32_t len,
                 uint8_t flags)
{
    struct ep *e = &c->e[side], *p = &c->e[1 - side];
    uint8_t data[SIM_FRAME_MAX];
    uint64_t off = (uint64_t)(uint32_t)(seq - e->iss - 1);
    if (len > sizeof data)
        len = sizeof data;
    for (uint32_t i = 0; i < len; i++) {
        uint64_t at = off + i;
        data[i] = (at >= e->head_at && at < e->head_at + e->headlen)
                      ? (uint8_t)e->head[at - e->head_at]
                      : (uint8_t)('A' + (at % 26));
    }
    struct sim_tcp_seg g = {
        .sport = e->port,
        .dport = p->port,
        .seq = seq,
        .ack = (flags & MIGAD_TCP_ACK) ? e->rcv_nxt : 0,
        .flags = flags,
        .win = (flags & MIGAD_TCP_SYN) ? 64240 : (uint16_t)(RWND >> WSCALE),
        .syn_opts = (flags & MIGAD_TCP_SYN) != 0,
        .mss = MSS_WIRE,
        .wscale = WSCALE,
        .ts = 1,
        .tsval = sim_tsval(s, e->h),
        .tsecr = (flags & MIGAD_TCP_ACK) ? e->ts_recent : 0,
        .payload = len,
        .data = data,
    };
    uint8_t frame[SIM_FRAME_MAX];
    uint32_t n = sim_frame_tcp(frame, p->h->mac, e->h, p->h->ip, &g, 64);
    if (sim_transmit(s, e->h, frame, n) == p->h) {
        struct msg m = { .c = c, .side = 1 - side, .kind = M_ARRIVE, .seq = seq,
                         .ack = g.ack, .len = len, .tsval = g.tsval, .tsecr = g.tsecr,
                         .flags = flags };
        post(s, sim_now(s) + c->owd, &m);
    }
}

/* Queue a segment on side's link: sent when the previous ones have left. */
static void queue_xmit(struct sim *s, struct sim_tcp *c, int side, uint32_t seq, uint32_t len,
                       uint8_t flags)
{
    struct ep *e = &c->e[side];
    if (flags & MIGAD_TCP_ACK) {
        /* this segment acknowledges everything received so far */
        e->ack_needed = 0;
        e->unacked_rx = 0;
        e->dack_armed = 0;
    }
    migad_ns now = sim_now(s);
    migad_ns t = e->tx_free > now ? e->tx_free : now;
    e->tx_free = t + (migad_ns)(len + 66 + 24) * LINK_NS_PER_BYTE;
    if (t == now) {
        xmit(s, c, side, seq, len, flags);
        return;
    }
    struct msg m = { .c = c, .side = side, .kind = M_XMIT, .seq = seq, .len = len, .flags = flags };
    post(s, t, &m);
}

static void arm_rto(struct sim *s, struct sim_tcp *c, int side)
{
    struct ep *e = &c->e[side];
    e->rto_gen++;
    e->rto_armed = 1;
    struct msg m = { .c = c, .side = side, .kind = M_RTO, .gen = e->rto_gen };
    post(s, sim_now(s) + e->rto, &m);
}

static void send_ack(struct sim *s, struct sim_tcp *c, int side)
{
    queue_xmit(s, c, side, c->e[side].snd_nxt, 0, MIGAD_TCP_ACK);
}

/* Send what the window, the pacing and the queue allow. */
static void try_send(struct sim *s, struct sim_tcp *c, int side)
{
    struct ep *e = &c->e[side];
    if (c->closed || !e->syn_acked)
        return;
    for (;;) {
        uint64_t sent = (uint32_t)(e->snd_nxt - e->iss - 1);
        if (e->fin_sent && sent > e->app_total)
            sent = e->app_total; /* the FIN's own sequence number */
        uint64_t left = e->app_total > sent ? e->app_total - sent : 0;
        uint32_t inflight = e->snd_nxt - e->snd_una;
        double wnd = e->cwnd * MSS_TS;
        if (left > 0) {
            uint32_t len = left < MSS_TS ? (uint32_t)left : MSS_TS;
            if (inflight + len > wnd && inflight > 0)
                return;
            migad_ns now = sim_now(s);
            if (e->pace && now < e->pace_next) {
                if (!e->send_pending) {
                    e->send_pending = 1;
                    struct msg m = { .c = c, .side = side, .kind = M_XMIT, .len = 0,
                                     .gen = 1 };
                    post(s, e->pace_next, &m);
                }
                return;
            }
            uint8_t fl = MIGAD_TCP_ACK | (left == len ? MIGAD_TCP_PSH : 0);
            queue_xmit(s, c, side, e->snd_nxt, len, fl);
            e->snd_nxt += len;
            if (e->pace)
                e->pace_next = (now > e->pace_next ? now : e->pace_next) +
                               (migad_ns)(len * (double)MIGAD_NS_PER_SEC / e->pace);
            if (!e->rto_armed)
                arm_rto(s, c, side);
            continue;
        }
        if (e->fin_want && !e->fin_sent) {
            queue_xmit(s, c, side, e->snd_nxt, 0, MIGAD_TCP_FIN | MIGAD_TCP_ACK);
            e->snd_nxt += 1;
            e->fin_sent = 1;
            if (!e->rto_armed)
                arm_rto(s, c, side);
        }
        return;
    }
}

/* ---- receiving ------------------------------------------------------------ */

static void check_closed(struct sim *s, struct sim_tcp *c)
{
    if (c->e[0].fin_acked && c->e[1].fin_acked && c->e[0].rcv_fin && c->e[1].rcv_fin)
        finish(s, c, 1);
}

static void on_ack(struct sim *s, struct sim_tcp *c, int side, uint32_t ack)
{
    struct ep *e = &c->e[side];
    if (!SEQ_LT(e->snd_una, ack) || SEQ_LT(e->snd_nxt, ack))
        return;
    uint32_t acked = ack - e->snd_una;
    e->snd_una = ack;
    if (!e->syn_acked) {
        e->syn_acked = 1; /* the server's SYN-ACK was acknowledged */
        e->rto = RTO_MIN;
    }
    uint32_t segs = (acked + MSS_TS - 1) / MSS_TS;
    for (uint32_t i = 0; i < segs; i++)
        e->cwnd += e->cwnd < e->ssthresh ? 1.0 : 1.0 / e->cwnd;
    e->retries = 0;
    e->rto = RTO_MIN;
    if (e->fin_sent && e->snd_una == e->snd_nxt)
        e->fin_acked = 1;
    if (e->snd_una == e->snd_nxt) {
        e->rto_armed = 0;
        e->rto_gen++;
    } else {
        arm_rto(s, c, side);
    }
    try_send(s, c, side);
}

static void on_arrive(struct sim *s, struct sim_tcp *c, const struct msg *m)
{
    int side = m->side;
    struct ep *e = &c->e[side];
    if (e->h->paused)
        return;
    if (m->flags & MIGAD_TCP_RST) {
        finish(s, c, 0);
        return;
    }
    e->ts_recent = m->tsval;
    if ((m->flags & (MIGAD_TCP_SYN | MIGAD_TCP_ACK)) == MIGAD_TCP_SYN) {
        /* the server gets the SYN (or its retransmission) */
        if (!sim_port_open(e->h, e->port)) {
            e->rcv_nxt = m->seq + 1;
            queue_xmit(s, c, side, 0, 0, MIGAD_TCP_RST | MIGAD_TCP_ACK);
            finish(s, c, 0);
            return;
        }
        if (!e->rcv_syn) {
            e->rcv_syn = 1;
            e->rcv_nxt = m->seq + 1;
            e->snd_nxt = e->iss + 1;
            e->rto = RTO_SYN;
            arm_rto(s, c, side);
        }
        queue_xmit(s, c, side, e->iss, 0, MIGAD_TCP_SYN | MIGAD_TCP_ACK);
        return;
    }
    if (m->flags & MIGAD_TCP_SYN) {
        /* the client gets the SYN-ACK */
        if (m->ack == e->iss + 1 && !e->syn_acked) {
            e->rcv_syn = 1;
            e->rcv_nxt = m->seq + 1;
            e->snd_una = m->ack;
            e->syn_acked = 1;
            e->rto = RTO_MIN;
            e->rto_armed = 0;
            e->rto_gen++;
            send_ack(s, c, side);
            c->established = 1;
            if (c->cb.established)
                c->cb.established(s, c, c->user);
            try_send(s, c, side);
        } else if (e->syn_acked) {
            send_ack(s, c, side); /* a retransmitted SYN-ACK */
        }
        return;
    }
    if (m->flags & MIGAD_TCP_ACK)
        on_ack(s, c, side, m->ack);
    if (c->closed)
        return;
    int has_fin = (m->flags & MIGAD_TCP_FIN) != 0;
    if (m->len == 0 && !has_fin) {
        check_closed(s, c);
        return;
    }
    if (m->seq != e->rcv_nxt || e->rcv_fin) {
        send_ack(s, c, side); /* duplicate or out of order: ACK at once */
        return;
    }
    e->rcv_nxt += m->len;
    e->ack_needed = 1;
    if (m->len && c->cb.data)
        c->cb.data(s, c, side, m->len, c->user);
    if (c->closed)
        return;
    if (has_fin) {
        e->rcv_nxt += 1;
        e->ack_needed = 1;
        if (c->cb.fin)
            c->cb.fin(s, c, side, c->user); /* may send our FIN, which ACKs theirs */
        if (e->ack_needed)
            send_ack(s, c, side);
        e->rcv_fin = 1;
        check_closed(s, c);
        return;
    }
    if (!e->ack_needed) {
        /* the application answered at once: the reply carried the ACK */
        check_closed(s, c);
        return;
    }
    if (m->len >= MSS_TS)
        e->unacked_rx++;
    if (e->unacked_rx >= 2 || (m->flags & MIGAD_TCP_PSH)) {
        send_ack(s, c, side);
    } else if (!e->dack_armed) {
        e->dack_armed = 1;
        e->dack_gen++;
        struct msg d = { .c = c, .side = side, .kind = M_DELACK, .gen = e->dack_gen };
        post(s, sim_now(s) + DELACK, &d);
    }
    check_closed(s, c);
}

static void on_rto(struct sim *s, struct sim_tcp *c, int side)
{
    struct ep *e = &c->e[side];
    e->rto_armed = 0;
    int syn_phase = !e->syn_acked;
    if (!syn_phase && e->snd_una == e->snd_nxt)
        return;
    if (++e->retries > (syn_phase ? SYN_RETRIES : DATA_RETRIES)) {
        finish(s, c, 0);
        return;
    }
    e->rto = e->rto * 2 > RTO_MAX ? RTO_MAX : e->rto * 2;
    if (syn_phase) {
        uint8_t fl = side == 0 ? MIGAD_TCP_SYN : (MIGAD_TCP_SYN | MIGAD_TCP_ACK);
        queue_xmit(s, c, side, e->iss, 0, fl);
        arm_rto(s, c, side);
        return;
    }
    /* go back N: resend from the first unacknowledged byte */
    uint32_t inflight = e->snd_nxt - e->snd_una;
    e->ssthresh = inflight / MSS_TS / 2.0 > 2 ? inflight / MSS_TS / 2.0 : 2;
    e->cwnd = 1;
    if (e->fin_sent && !e->fin_acked) {
        e->fin_sent = 0;
    }
    e->snd_nxt = e->snd_una;
    e->tx_free = sim_now(s);
    e->pace_next = 0;
    try_send(s, c, side);
    if (!e->rto_armed)
        arm_rto(s, c, side);
}

static void on_msg(struct sim *s, void *arg)
{
    struct msg *m = arg;
    struct sim_tcp *c = m->c;
    c->refs--;
    if (!c->closed) {
        struct ep *e = &c->e[m->side];
        switch (m->kind) {
        case M_XMIT:
            if (m->gen == 1) { /* pacing wake-up */
                e->send_pending = 0;
                try_send(s, c, m->side);
            } else {
                xmit(s, c, m->side, m->seq, m->len, m->flags);
            }
            break;
        case M_ARRIVE:
            on_arrive(s, c, m);
            break;
        case M_RTO:
            if (e->rto_armed && m->gen == e->rto_gen)
                on_rto(s, c, m->side);
            break;
        case M_DELACK:
            if (e->dack_armed && m->gen == e->dack_gen)
                send_ack(s, c, m->side);
            break;
        }
    }
    free(m);
    release(c);
}

/* ---- API ------------------------------------------------------------------ */

struct sim_tcp *sim_tcp_connect(struct sim *s, struct sim_host *client, struct sim_host *server,
                                uint16_t port, migad_ns owd, const struct sim_tcp_cb *cb,
                                void *user)
{
    struct sim_tcp *c = calloc(1, sizeof *c);
    if (!c || sim_own(s, c) != 0)
        return NULL;
    c->owd = owd;
    if (cb)
        c->cb = *cb;
    c->user = user;
    struct ep *cl = &c->e[0], *sv = &c->e[1];
    cl->h = client;
    sv->h = server;
    cl->port = client->next_port;
    client->next_port = client->next_port >= 60999 ? 32768 : client->next_port + 1;
    sv->port = port;
    for (int i = 0; i < 2; i++) {
        struct ep *e = &c->e[i];
        e->iss = (uint32_t)migad_rng_u64(&e->h->rng);
        e->snd_una = e->iss;
        e->snd_nxt = e->iss + 1;
        e->cwnd = 10; /* RFC 6928 initial window */
        e->ssthresh = 1e9;
        e->rto = RTO_SYN;
    }
    sv->snd_nxt = sv->iss; /* until the SYN arrives */
    queue_xmit(s, c, 0, cl->iss, 0, MIGAD_TCP_SYN);
    arm_rto(s, c, 0);
    return c;
}

void sim_tcp_send(struct sim *s, struct sim_tcp *c, int side, uint64_t n, const char *head)
{
    struct ep *e = &c->e[side];
    if (head) {
        size_t hl = strlen(head);
        if (hl > sizeof e->head)
            hl = sizeof e->head;
        memcpy(e->head, head, hl);
        e->headlen = (uint32_t)hl;
        e->head_at = e->app_total;
    }
    e->app_total += n;
    try_send(s, c, side);
}

void sim_tcp_close(struct sim *s, struct sim_tcp *c, int side)
{
    c->e[side].fin_want = 1;
    try_send(s, c, side);
}

void sim_tcp_pace(struct sim_tcp *c, int side, uint64_t bytes_per_sec)
{
    c->e[side].pace = bytes_per_sec;
}

struct sim_host *sim_tcp_host(const struct sim_tcp *c, int side)
{
    return c->e[side].h;
}

uint64_t sim_tcp_acked(const struct sim_tcp *c, int side)
{
    const struct ep *e = &c->e[side];
    uint32_t acked = e->snd_una - e->iss - 1;
    return e->fin_acked ? e->app_total : acked;
}
