/*
 * Management traffic between the two nodes' hosts, the traffic paper 1's
 * experiment filters out before binning: a libvirtd connection from node A
 * to node B's libvirtd (TCP 16509) kept open for the whole run, with
 * libvirt's keepalive exchange every 5 s (a 28-byte RPC header each way:
 * virKeepAlive, keepalive_interval = 5), and a burst of RPC calls when a
 * migration is being prepared (virDomainMigratePrepare / Perform / Finish).
 */
#ifndef MIGAD_SIM_MGMT_H
#define MIGAD_SIM_MGMT_H

#include "sim.h"

/* Start the libvirtd connection from a to b at `start`, until `end`.
 * `rpc_at` (0 for none): when to exchange the migration RPC calls. */
int sim_mgmt_start(struct sim *s, struct sim_host *a, struct sim_host *b, migad_ns start,
                   migad_ns end, migad_ns rpc_at);

#endif
