/*
 * The simulator's engine (internal to libmigad): a discrete-event world of
 * hosts on one LAN, two hypervisor nodes whose VM bridges are part of that
 * LAN, and a capture on each bridge.
 *
 * How it works.  Traffic models (sim_http.c, sim_attack.c, sim_migration.c)
 * schedule callbacks with sim_at(); a callback runs at its simulated time and
 * transmits frames with sim_transmit().  Events run in time order (ties in
 * the order they were scheduled), so every frame is emitted at the current
 * time and the captures come out time-ordered without sorting.  All
 * randomness comes from per-host generators derived from the run's seed:
 * the same scenario and seed give byte-identical captures.
 *
 * Where a frame is seen.  The LAN is a learning switch.  Each host is located
 * on node A's bridge, node B's bridge, or directly on the LAN (the client,
 * the attacker, the router).  A frame is captured on a bridge when its
 * sender is located there, or when the switch forwards it there: broadcasts
 * and frames to unknown MACs are flooded to both bridges; a unicast frame
 * goes to the bridge the switch has learned for the destination MAC.  The
 * switch learns a MAC's port from the frames that MAC sends (so after a live
 * migration it follows the RARP announcements).  A frame reaches its
 * destination only when the switch's idea of the destination's port is
 * right and the destination is not paused (the stop-and-copy downtime).
 */
#ifndef MIGAD_SIM_INTERNAL_H
#define MIGAD_SIM_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "migad/migad.h"
#include "migad/rng.h"

#define SIM_NODE_A 0
#define SIM_NODE_B 1
#define SIM_LAN (-1)
#define SIM_NBRIDGES 2

#define SIM_MS (MIGAD_NS_PER_SEC / 1000)
#define SIM_US (MIGAD_NS_PER_SEC / 1000000)

struct sim;

/* A host: a VM, a node's own host stack, or a machine on the LAN. */
struct sim_host {
    char name[24];
    uint8_t mac[6];
    uint32_t ip;           /* IPv4, host byte order */
    int node;              /* where it is: SIM_NODE_A, SIM_NODE_B or SIM_LAN */
    int fdb;               /* where the LAN switch thinks it is (-2: unknown) */
    int is_vm;
    int paused;            /* stopped (migration downtime): no rx, no tx */
    uint32_t ts_offset;    /* TCP timestamp clock offset (RFC 7323) */
    uint16_t next_port;    /* ephemeral port allocator, 32768-60999 like Linux */
    uint16_t ip_id;        /* IPv4 identification counter */
    struct migad_rng rng;  /* this host's own random stream */
    uint16_t open_tcp[8];  /* TCP ports with a listening socket */
    int nopen;
    void *app;             /* the model's state for this host */
};

/* Does the host accept TCP connections on this port? */
int sim_port_open(const struct sim_host *h, uint16_t port);

/* The host's TCP timestamp clock (RFC 7323), in milliseconds. */
uint32_t sim_tsval(const struct sim *s, const struct sim_host *h);

typedef void (*sim_fn)(struct sim *s, void *arg);

/* Create a world writing captures to the given files (snaplen bytes per
 * frame) with the given seed and start time.  NULL on failure, err set. */
struct sim *sim_create(const char *const bridge_paths[SIM_NBRIDGES], uint32_t snaplen,
                       uint64_t seed, migad_ns t0, char err[MIGAD_ERRBUF_SIZE]);

/* Run events until the end time; returns MIGAD_OK or an I/O error (err). */
migad_status sim_run(struct sim *s, migad_ns t_end, char err[MIGAD_ERRBUF_SIZE]);

/* Close the captures (flushing them); MIGAD_EIO if a write failed. */
migad_status sim_finish(struct sim *s, char err[MIGAD_ERRBUF_SIZE]);
void sim_free(struct sim *s);

/* Current simulated time. */
migad_ns sim_now(const struct sim *s);
/* Start of the run. */
migad_ns sim_t0(const struct sim *s);

/* Run fn(s, arg) at time t (>= now).  Returns 0, or -1 when out of memory
 * (the run then fails). */
int sim_at(struct sim *s, migad_ns t, sim_fn fn, void *arg);
/* Like sim_at, for a malloc'ed arg that fn frees when it runs: if the run
 * ends before the event, sim_free() frees arg. */
int sim_at_owned(struct sim *s, migad_ns t, sim_fn fn, void *arg);

/* Run fn after a delay from now. */
int sim_after(struct sim *s, migad_ns delay, sim_fn fn, void *arg);

/* Add a host.  The MAC is derived from the IP (52:54:00 + the address, as
 * QEMU guests in the testbed) unless mac is given. */
struct sim_host *sim_host_add(struct sim *s, const char *name, uint32_t ip, int node,
                              int is_vm, const uint8_t *mac);
struct sim_host *sim_host_by_ip(struct sim *s, uint32_t ip);
struct sim_host *sim_host_by_mac(struct sim *s, const uint8_t mac[6]);
size_t sim_host_count(const struct sim *s);
struct sim_host *sim_host_at(struct sim *s, size_t i);

/* Have sim_free() free `p` (model state that lives as long as the world).
 * 0, or -1 when out of memory (p is then freed at once). */
int sim_own(struct sim *s, void *p);

/* The run's random generator for things not tied to one host. */
struct migad_rng *sim_rng(struct sim *s);

/*
 * Transmit an Ethernet frame (destination MAC in its first 6 bytes, source
 * in the next 6) from host `src` at the current time: captured on the
 * bridges it crosses (see the top of this file).  Returns the host it is
 * delivered to (NULL for broadcasts, unknown or unreachable destinations);
 * a paused sender transmits nothing and gets NULL.
 */
struct sim_host *sim_transmit(struct sim *s, struct sim_host *src, const uint8_t *frame,
                              uint32_t len);

/* Frames and bytes written to each bridge so far. */
void sim_counts(const struct sim *s, int bridge, uint64_t *frames, uint64_t *bytes);

/* ---- frame building (sim_frame.c) --------------------------------------- */

#define SIM_FRAME_MAX 1518
extern const uint8_t sim_broadcast[6];

/* TCP segment description for sim_frame_tcp(). */
struct sim_tcp_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;         /* MIGAD_TCP_* */
    uint16_t win;          /* window field as sent (already scaled down) */
    int syn_opts;          /* SYN options as Linux sends them: MSS, SACK-permitted,
                              timestamps, window scale */
    int mss_only;          /* the MSS option alone (nmap's probes, Linux's
                              answer to them) */
    int no_df;             /* IPv4 don't-fragment clear (raw packets of nmap and
                              hping3); Linux sets it on TCP */
    uint16_t mss;
    uint8_t wscale;
    int ts;                /* timestamps option (RFC 7323) present */
    uint32_t tsval, tsecr;
    uint32_t payload;      /* payload bytes (content: see below) */
    const uint8_t *data;   /* payload content, or NULL for filler bytes */
};

/* Build Ethernet + IPv4 + TCP with correct lengths and checksums; returns
 * the frame length. */
uint32_t sim_frame_tcp(uint8_t *buf, const uint8_t dst_mac[6], const struct sim_host *src,
                       uint32_t dst_ip, const struct sim_tcp_seg *seg, uint8_t ttl);

/* Ethernet + IPv4 + UDP. */
uint32_t sim_frame_udp(uint8_t *buf, const uint8_t dst_mac[6], const struct sim_host *src,
                       uint32_t dst_ip, uint16_t sport, uint16_t dport, const uint8_t *data,
                       uint32_t len, uint8_t ttl);

/* Ethernet + IPv4 + ICMP echo request (type 8) or reply (0). */
uint32_t sim_frame_icmp_echo(uint8_t *buf, const uint8_t dst_mac[6], const struct sim_host *src,
                             uint32_t dst_ip, uint8_t type, uint16_t id, uint16_t seq,
                             uint32_t datalen, uint8_t ttl);

/* ARP (ethertype 0x0806) or RARP (0x8035) for Ethernet/IPv4, 42 bytes as a
 * bridge captures it (no padding). */
uint32_t sim_frame_arp(uint8_t *buf, uint16_t ethertype, uint16_t op, const uint8_t eth_dst[6],
                       const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa);

/* Ethernet + IPv4 header with an arbitrary source address (spoofing). */
uint32_t sim_frame_tcp_from(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                            uint32_t src_ip, uint16_t ip_id, uint32_t dst_ip,
                            const struct sim_tcp_seg *seg, uint8_t ttl);

#endif
