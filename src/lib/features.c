/*
 * The feature catalogue: names, descriptions and named sets.
 * Exact definitions are in docs/features.md; the computation in binner.c.
 */
#include "migad/features.h"

#include <stdio.h>
#include <string.h>

struct feature_info {
    const char *name;
    int is_count;
    const char *help;
};

static const struct feature_info catalogue[MIGAD_F_COUNT] = {
    [MIGAD_F_PACKETS] = { "packets", 1, "packets in the bin" },
    [MIGAD_F_BYTES] = { "bytes", 1, "sum of the packets' wire lengths" },
    [MIGAD_F_FLOWS] = { "flows", 1, "distinct bidirectional flows with a packet in the bin" },
    [MIGAD_F_H_SRCIP] = { "h_srcip", 0, "entropy (bits) of source addresses" },
    [MIGAD_F_H_DSTIP] = { "h_dstip", 0, "entropy (bits) of destination addresses" },
    [MIGAD_F_H_SPORT] = { "h_sport", 0, "entropy (bits) of TCP/UDP source ports" },
    [MIGAD_F_H_DPORT] = { "h_dport", 0, "entropy (bits) of TCP/UDP destination ports" },
    [MIGAD_F_H_PKTSIZE] = { "h_pktsize", 0, "entropy (bits) of packet wire lengths" },
    [MIGAD_F_SYN] = { "syn", 1, "TCP segments with SYN and without ACK" },
    [MIGAD_F_SYNACK] = { "synack", 1, "TCP segments with SYN and ACK" },
    [MIGAD_F_RST] = { "rst", 1, "TCP segments with RST" },
    [MIGAD_F_FIN] = { "fin", 1, "TCP segments with FIN" },
    [MIGAD_F_ICMP] = { "icmp", 1, "ICMP and ICMPv6 messages" },
    [MIGAD_F_ARP] = { "arp", 1, "ARP frames" },
    [MIGAD_F_RARP] = { "rarp", 1, "RARP frames (live-migration announcements)" },
    [MIGAD_F_N_SRCIP] = { "n_srcip", 1, "distinct source addresses" },
    [MIGAD_F_N_DSTIP] = { "n_dstip", 1, "distinct destination addresses" },
    [MIGAD_F_N_SPORT] = { "n_sport", 1, "distinct TCP/UDP source ports" },
    [MIGAD_F_N_DPORT] = { "n_dport", 1, "distinct TCP/UDP destination ports" },
    [MIGAD_F_NEW_FLOWS] = { "new_flows", 1, "flows not seen within the flow timeout, or new TCP connections" },
    [MIGAD_F_RETRANS] = { "retrans", 1, "TCP segments carrying only already-sent sequence numbers" },
    [MIGAD_F_PKTS_WELLKNOWN] = { "pkts_wellknown", 1, "packets to destination ports 0-1023" },
    [MIGAD_F_BYTES_WELLKNOWN] = { "bytes_wellknown", 1, "bytes to destination ports 0-1023" },
    [MIGAD_F_PKTS_REGISTERED] = { "pkts_registered", 1, "packets to destination ports 1024-49151" },
    [MIGAD_F_BYTES_REGISTERED] = { "bytes_registered", 1, "bytes to destination ports 1024-49151" },
    [MIGAD_F_PKTS_DYNAMIC] = { "pkts_dynamic", 1, "packets to destination ports 49152-65535" },
    [MIGAD_F_BYTES_DYNAMIC] = { "bytes_dynamic", 1, "bytes to destination ports 49152-65535" },
    [MIGAD_F_PKTS_NOPORT] = { "pkts_noport", 1, "packets without TCP/UDP ports" },
    [MIGAD_F_BYTES_NOPORT] = { "bytes_noport", 1, "bytes of packets without TCP/UDP ports" },
};

/* The eight features of paper 1 (seed 000, sec. III). */
#define PAPER_COUNT 8

const char *migad_feature_name(enum migad_feature f)
{
    return (unsigned)f < MIGAD_F_COUNT ? catalogue[f].name : "?";
}

const char *migad_feature_help(enum migad_feature f)
{
    return (unsigned)f < MIGAD_F_COUNT ? catalogue[f].help : "?";
}

int migad_feature_is_count(enum migad_feature f)
{
    return (unsigned)f < MIGAD_F_COUNT ? catalogue[f].is_count : 0;
}

/* The feature whose column name is p[0..len); -1 for none. */
static int lookup(const char *p, size_t len)
{
    for (unsigned f = 0; f < MIGAD_F_COUNT; f++)
        if (strlen(catalogue[f].name) == len && memcmp(p, catalogue[f].name, len) == 0)
            return (int)f;
    return -1;
}

int migad_feature_by_name(const char *name, enum migad_feature *out)
{
    int f = lookup(name, strlen(name));
    if (f < 0)
        return -1;
    *out = (enum migad_feature)f;
    return 0;
}

static void featset_add(struct migad_featset *fs, enum migad_feature f)
{
    for (unsigned i = 0; i < fs->n; i++)
        if (fs->ids[i] == f)
            return;
    fs->ids[fs->n++] = f;
}

migad_status migad_featset_parse(struct migad_featset *fs, const char *spec,
                                 char err[MIGAD_ERRBUF_SIZE])
{
    fs->n = 0;
    const char *p = spec ? spec : "";
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 0) {
            snprintf(err, MIGAD_ERRBUF_SIZE, "empty name in feature list '%s'", spec ? spec : "");
            return MIGAD_EINVAL;
        }
        int found = 0;
        if (len == 5 && memcmp(p, "paper", 5) == 0) {
            for (unsigned f = 0; f < PAPER_COUNT; f++)
                featset_add(fs, (enum migad_feature)f);
            found = 1;
        } else if ((len == 8 && memcmp(p, "extended", 8) == 0) ||
                   (len == 3 && memcmp(p, "all", 3) == 0)) {
            for (unsigned f = 0; f < MIGAD_F_COUNT; f++)
                featset_add(fs, (enum migad_feature)f);
            found = 1;
        } else {
            int f = lookup(p, len);
            if (f >= 0) {
                featset_add(fs, (enum migad_feature)f);
                found = 1;
            }
        }
        if (!found) {
            snprintf(err, MIGAD_ERRBUF_SIZE,
                     "unknown feature or set '%.*s' (sets: paper, extended; "
                     "'migad extract --list-features' lists the columns)",
                     (int)(len > 64 ? 64 : len), p);
            return MIGAD_EINVAL;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return MIGAD_OK;
}
