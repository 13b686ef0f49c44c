#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp.h"

struct client {
    struct sim *s;
    struct sim_host *cl, *sv;
    struct sim_http_cfg cfg;
    struct sim_tcp *conn;
    uint64_t conn_id, waiting_id; /* which connection a pending request is for */
    int reqs_left;
    uint64_t req_len, srv_got, resp_len, cl_got;
    char req[256];
};

void sim_http_cfg_default(struct sim_http_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->think_mean_s = 0.5;
    c->body_xm = 2048;
    c->body_alpha = 1.3;
    c->body_max = 4 << 20;
    c->keepalive = 1;
    c->owd = 100 * SIM_US;
}

static void fetch(struct sim *s, void *arg);

static void send_request(struct sim *s, struct client *c)
{
    char ip[16];
    snprintf(ip, sizeof ip, "%u.%u.%u.%u", c->sv->ip >> 24, (c->sv->ip >> 16) & 255,
             (c->sv->ip >> 8) & 255, c->sv->ip & 255);
    int n = snprintf(c->req, sizeof c->req,
                     "GET /blob.txt HTTP/1.1\r\nHost: %s\r\nUser-Agent: curl/7.88.1\r\n"
                     "Accept: */*\r\n\r\n", ip);
    c->req_len = (uint64_t)n;
    c->srv_got = 0;
    c->cl_got = 0;
    c->resp_len = 0;
    sim_tcp_send(s, c->conn, 0, c->req_len, c->req);
}

static void on_established(struct sim *s, struct sim_tcp *t, void *user)
{
    (void)t;
    send_request(s, user);
}

static void respond(struct sim *s, struct client *c)
{
    double body = migad_rng_pareto(&c->sv->rng, c->cfg.body_xm, c->cfg.body_alpha);
    if (body > c->cfg.body_max)
        body = c->cfg.body_max;
    uint64_t blen = (uint64_t)body;
    char hdr[256];
    int n = snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 200 OK\r\nContent-type: text/plain\r\n"
                     "Connection: %s\r\nAccept-Ranges: bytes\r\n"
                     "Content-Length: %llu\r\n\r\n",
                     c->reqs_left > 1 ? "keep-alive" : "close", (unsigned long long)blen);
    c->resp_len = (uint64_t)n + blen;
    sim_tcp_send(s, c->conn, 1, (uint64_t)n, hdr);
    if (blen)
        sim_tcp_send(s, c->conn, 1, blen, NULL);
}

/* The next request on a kept-alive connection, after the client's think
 * time (the connection may have failed meanwhile). */
static void next_request(struct sim *s, void *arg)
{
    struct client *c = arg;
    if (c->conn && c->conn_id == c->waiting_id)
        send_request(s, c);
}

static void on_data(struct sim *s, struct sim_tcp *t, int side, uint64_t n, void *user)
{
    struct client *c = user;
    if (side == 1) {
        c->srv_got += n;
        if (c->srv_got == c->req_len)
            respond(s, c);
        return;
    }
    c->cl_got += n;
    if (c->resp_len && c->cl_got >= c->resp_len) {
        double think = migad_rng_exponential(&c->cl->rng, c->cfg.think_mean_s);
        migad_ns next = sim_now(s) + (migad_ns)(think * MIGAD_NS_PER_SEC);
        if (--c->reqs_left > 0 && next < c->cfg.end) {
            c->resp_len = 0;
            c->waiting_id = c->conn_id;
            sim_at(s, next, next_request, c);
        } else {
            sim_tcp_close(s, t, 0);
        }
    }
}

static void on_fin(struct sim *s, struct sim_tcp *t, int side, void *user)
{
    (void)user;
    if (side == 1)
        sim_tcp_close(s, t, 1); /* the server closes after the client */
    else
        sim_tcp_close(s, t, 0);
}

static void on_closed(struct sim *s, struct sim_tcp *t, int ok, void *user)
{
    (void)t;
    (void)ok;
    struct client *c = user;
    c->conn = NULL;
    double think = migad_rng_exponential(&c->cl->rng, c->cfg.think_mean_s);
    migad_ns next = sim_now(s) + (migad_ns)(think * MIGAD_NS_PER_SEC);
    if (next < c->cfg.end)
        sim_at(s, next, fetch, c);
}

static const struct sim_tcp_cb callbacks = { on_established, on_data, on_fin, on_closed };

static void fetch(struct sim *s, void *arg)
{
    struct client *c = arg;
    c->reqs_left = c->cfg.keepalive > 0 ? c->cfg.keepalive : 1;
    c->conn_id++;
    c->conn = sim_tcp_connect(s, c->cl, c->sv, 80, c->cfg.owd, &callbacks, c);
}

int sim_http_client(struct sim *s, struct sim_host *client, struct sim_host *server,
                    const struct sim_http_cfg *cfg)
{
    struct client *c = calloc(1, sizeof *c);
    if (!c || sim_own(s, c) != 0)
        return -1;
    c->s = s;
    c->cl = client;
    c->sv = server;
    c->cfg = *cfg;
    /* first fetch at a random moment of the first think period */
    double first = migad_rng_uniform(&client->rng) * cfg->think_mean_s;
    return sim_at(s, cfg->start + (migad_ns)(first * MIGAD_NS_PER_SEC), fetch, c);
}
