/*
 * HTTP background traffic: clients that repeatedly fetch a page from a
 * server over real TCP (tcp.h), like the paper's testbed (two curl-like
 * clients per VM, busybox httpd servers).  Each fetch: connect, a GET
 * request as curl sends it, a response header and a body whose size is
 * drawn from a Pareto distribution (heavy tail), the client closes, the
 * server closes; then the client thinks for an exponentially distributed
 * time and starts again.  With keep-alive, several requests share one
 * connection.
 */
#ifndef MIGAD_SIM_HTTP_H
#define MIGAD_SIM_HTTP_H

#include "sim.h"

struct sim_http_cfg {
    migad_ns start, end;      /* the client is active in [start, end) */
    double think_mean_s;      /* mean pause between fetches */
    double body_xm;           /* Pareto scale (bytes): the smallest body */
    double body_alpha;        /* Pareto shape: smaller = heavier tail */
    double body_max;          /* cap on a body (bytes) */
    int keepalive;            /* requests per connection (1 = close each time) */
    migad_ns owd;             /* one-way delay client <-> server */
};

void sim_http_cfg_default(struct sim_http_cfg *c);

/* Start one client fetching from server:80 (its state is owned by the
 * world, see sim_own).  0, or -1 when out of memory. */
int sim_http_client(struct sim *s, struct sim_host *client, struct sim_host *server,
                    const struct sim_http_cfg *cfg);

#endif
