/*
 * TCP connections between two simulated hosts (RFC 9293), close to what two
 * Linux stacks put on the wire: the three-way handshake with Linux's SYN
 * options, MSS-sized segments with the timestamps option, slow start and
 * congestion avoidance, delayed ACKs (every second full segment, else after
 * 40 ms), retransmission on timeout with exponential backoff (SYN: 1 s,
 * data: 200 ms minimum as Linux), go-back-N after a timeout, FIN teardown.
 *
 * Segments cross the LAN through sim_transmit(): a segment lost because its
 * receiver is paused (migration downtime) or not where the switch thinks is
 * simply never arrives, and the sender's timers take over — which is how
 * the retransmissions around a live migration appear.
 *
 * Side 0 is the client (it sends the SYN), side 1 the server.
 */
#ifndef MIGAD_SIM_TCP_H
#define MIGAD_SIM_TCP_H

#include "sim.h"

struct sim_tcp;

struct sim_tcp_cb {
    /* the handshake completed (seen by the client) */
    void (*established)(struct sim *s, struct sim_tcp *c, void *user);
    /* `n` new in-order payload bytes reached side `side` */
    void (*data)(struct sim *s, struct sim_tcp *c, int side, uint64_t n, void *user);
    /* the peer of side `side` closed its direction (FIN received by `side`) */
    void (*fin)(struct sim *s, struct sim_tcp *c, int side, void *user);
    /* both directions closed and acknowledged, or the connection gave up:
     * the connection is freed right after this returns */
    void (*closed)(struct sim *s, struct sim_tcp *c, int ok, void *user);
};

/* Open a connection from client:ephemeral port to server:port; the SYN
 * goes out now.  owd: one-way delay between the two (the capture sees a
 * frame when it is sent).  NULL when out of memory. */
struct sim_tcp *sim_tcp_connect(struct sim *s, struct sim_host *client, struct sim_host *server,
                                uint16_t port, migad_ns owd, const struct sim_tcp_cb *cb,
                                void *user);

/* Queue n application bytes on side `side`; `head` (may be NULL) gives the
 * first bytes' content (at most 256 bytes are kept, e.g. an HTTP header),
 * the rest is filler. */
void sim_tcp_send(struct sim *s, struct sim_tcp *c, int side, uint64_t n, const char *head);

/* Side `side` closes its direction once its queued data is sent. */
void sim_tcp_close(struct sim *s, struct sim_tcp *c, int side);

/* Limit side `side`'s payload rate (bytes per second, 0 = unlimited). */
void sim_tcp_pace(struct sim_tcp *c, int side, uint64_t bytes_per_sec);

/* Hosts of the connection's sides. */
struct sim_host *sim_tcp_host(const struct sim_tcp *c, int side);

/* Payload bytes side `side` has had acknowledged. */
uint64_t sim_tcp_acked(const struct sim_tcp *c, int side);

#endif
