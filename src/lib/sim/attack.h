/*
 * Attack traffic for the simulator: an nmap SYN scan (`nmap -sS`) and an
 * hping3 SYN flood (`hping3 -S`), with the answers the targets' Linux
 * kernels and the attacker's own kernel put on the wire.  Calibrated
 * against the real recordings in ../shared/data/testbed-samples/ (nmap
 * 7.93, hping3, Linux guests): see attack.c for what each frame looks like
 * and why.
 *
 * Both models schedule everything themselves.  Their state is owned by the
 * world (sim_own, sim_at_owned): sim_free() releases it, whenever the run
 * stops; there is nothing else to call.
 */
#ifndef MIGAD_SIM_ATTACK_H
#define MIGAD_SIM_ATTACK_H

#include "sim.h"

/* `nmap -sS <net>/<prefix>` run over and over from start to end. */
struct sim_nmap_cfg {
    migad_ns start, end;   /* absolute times: nothing is sent outside [start, end) */
    uint32_t net;          /* target range, host byte order (e.g. 10.10.0.0) */
    int prefix;            /* its prefix length, 20..32 (e.g. 24) */
    double rate;           /* probes per second (ARP requests and SYNs alike), the
                              rate --min-rate (high) or --max-rate (low) holds */
    int nports;            /* nmap's top ports scanned, 1..1000 (1000: the default) */
    migad_ns rtt_timeout;  /* wait before retransmitting an unanswered probe */
    int retries;           /* retransmissions of an unanswered SYN probe (nmap: 1 on a LAN) */
};

/* Defaults: a /24 at 1000 probes/s, the top 1000 ports, 100 ms timeout
 * (nmap's minimum RTT timeout), one retransmission.  start/end/net are 0. */
void sim_nmap_cfg_default(struct sim_nmap_cfg *c);

/* `hping3 -S -p <dport> -i u<1e6/rate> [--rand-source] <dst>` from start to
 * end; the victim's SYN-ACK retransmissions continue after end (Linux
 * tcp_synack_retries: up to 31 s later). */
struct sim_hping_cfg {
    migad_ns start, end;   /* absolute times of the first and after the last SYN */
    uint32_t dst;          /* victim IPv4, host byte order */
    uint16_t dport;        /* 80 unless set */
    double rate;           /* SYNs per second (e.g. 1000 high, 100 low) */
    int rand_source;       /* --rand-source: random spoofed source addresses */
    uint32_t gateway;      /* the LAN's router: replies to off-subnet (spoofed)
                              sources go to its MAC; 0 or absent: no route, the
                              victim sends nothing back to them */
    int prefix;            /* prefix length of the victim's subnet (24) */
    int backlog;           /* victim's SYN queue size (listen backlog capped by
                              somaxconn); full: SYN cookies, no retransmissions */
    int synack_retries;    /* net.ipv4.tcp_synack_retries (5) */
};

/* Defaults: port 80, 1000 SYN/s, own source address, prefix 24, backlog 128,
 * 5 SYN-ACK retries.  start/end/dst/gateway are 0. */
void sim_hping_cfg_default(struct sim_hping_cfg *c);

/* Schedule the scan / the flood from `attacker`.  0, or -1 on a bad
 * configuration (err says which field) or when out of memory. */
int sim_attack_nmap(struct sim *s, struct sim_host *attacker, const struct sim_nmap_cfg *cfg,
                    char err[MIGAD_ERRBUF_SIZE]);
int sim_attack_hping(struct sim *s, struct sim_host *attacker, const struct sim_hping_cfg *cfg,
                     char err[MIGAD_ERRBUF_SIZE]);

/* nmap's top TCP ports (nmap-services, nmap 7.93): the first n of them. */
const uint16_t *sim_nmap_top_ports(int *n);

#endif
