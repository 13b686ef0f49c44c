/*
 * Attack traffic: nmap -sS and hping3 -S as they look on the wire, with the
 * answers of the targets' Linux kernels and of the attacker's kernel.
 *
 * What real tools and stacks send (checked on the recordings in
 * ../shared/data/testbed-samples/, nmap 7.93, hping3 3.0, Linux guests):
 *
 * nmap -sS <range>.  ARP ping first: one broadcast who-has for every
 * address of the range but the scanner's own, then a second pass for the
 * addresses that did not answer.  Then nmap resolves each live host once
 * more (one who-has each) and sends the SYN probes: the ports in random
 * order (Fisher-Yates, then nmap's random_port_cheat() moves its 28 most
 * popular ports to the front), the hosts interleaved port by port.  A probe
 * is 58 bytes: IPv4 without DF, a random IP ID and a random TTL in 37..59,
 * TCP window 1024, an MSS 1460 option and nothing else; one source port
 * (random in 33000..65279) and one sequence number (a random mask) for the
 * whole run.  An unanswered probe is retransmitted after the timeout from
 * source port +1 with sequence number mask ^ 0x00010001 (nmap's
 * sport_encode() and seq32_encode() put the try number in both).
 * Answers: an open port gives a SYN-ACK (Linux: DF, IP ID 0, TTL 64,
 * window 64240 and, the SYN having offered only MSS, the MSS option only)
 * and the attacker's kernel, which knows no such connection, resets it
 * (RST, seq = the SYN-ACK's ack, window 0, DF, IP ID 0); a closed port gives RST-ACK (seq 0, ack = seq+1,
 * window 0, DF, IP ID 0).  Each run (round) uses a new port order, source
 * port and sequence number; rounds follow each other until the end time.
 *
 * hping3 -S.  40-byte SYNs: IPv4 without DF, random IP ID, TTL 64, window
 * 512, no TCP option, a random sequence number and a random acknowledgement
 * field (hping3 fills it although ACK is not set), the source port starting
 * at a random value and incremented for every packet.  With --rand-source
 * the source address is random.  The victim answers as above; unspoofed
 * SYN-ACKs are reset by the attacker's kernel, which removes the victim's
 * request.  A request nobody resets (spoofed source, lost RST, paused VM) is
 * retransmitted like Linux (reqsk_timer_handler): after 1, 2, 4, 8 and 16 s
 * (tcp_synack_retries 5), and dropped 32 s after the last one; but when the
 * queue is more than half full and few requests are young (never timed
 * out), old ones get fewer retries, down to 2.  While the SYN queue holds
 * `backlog` requests, new SYNs are answered with SYN cookies: the same
 * SYN-ACK on the wire (MSS 1460 is one of the cookie MSS values) but no
 * state, hence no retransmission.
 *
 * Spoofed sources.  Addresses are drawn uniformly from the whole IPv4 space
 * except the victim's own subnet (a spoofed neighbour would need ARP
 * resolution that fails: hping3 hits one with probability 2^-24 per /24 and
 * we leave that case out).  Martian sources (0/8, 127/8, 224/3) are dropped
 * by the victim's kernel, silently.  Answers to the others go to the
 * gateway's MAC when there is one, and are not answered.
 *
 * Linux neighbour confirmation.  A host that answers the attacker holds a
 * STALE neighbour entry for it (created by the attacker's ARP request); the
 * first use puts it in DELAY and 5 s later the kernel sends a unicast
 * who-has to the attacker, which answers; the entry is then REACHABLE for
 * 15..45 s.  The recordings show these probes 5 s after the scans.
 *
 * Timing.  The attacker's packets follow a fixed grid of 1/rate with up to
 * a quarter interval of jitter, so the long-run rate is exact.  A VM's
 * kernel answers in 60..300 us, a bare host's in 5..20 us.
 *
 * All randomness comes from the generator of the host that decides: the
 * attacker's for probes, the victim's for its ISNs and delays.
 */
#include "attack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migad/packet.h"

/* nmap 7.93's top 1000 TCP ports (nmap-services): the first 150 by
 * frequency, then the rest of the top 1000 by port number (nmap shuffles the
 * list anyway; the set is exactly the one the recording's nmap scanned). */
static const uint16_t top_ports[1000] = {
    80, 23, 443, 21, 22, 25, 3389, 110, 445, 139, 143, 53,
    135, 3306, 8080, 1723, 111, 995, 993, 5900, 1025, 587, 8888, 199,
    1720, 465, 548, 113, 81, 6001, 10000, 514, 5060, 179, 1026, 2000,
    8443, 8000, 32768, 554, 26, 1433, 49152, 2001, 515, 8008, 49154, 1027,
    5666, 646, 5000, 5631, 631, 49153, 8081, 2049, 88, 79, 5800, 106,
    2121, 1110, 49155, 6000, 513, 990, 5357, 427, 49156, 543, 544, 5101,
    144, 7, 389, 8009, 3128, 444, 9999, 5009, 7070, 5190, 3000, 5432,
    1900, 3986, 13, 1029, 9, 5051, 6646, 49157, 1028, 873, 1755, 2717,
    4899, 9100, 119, 37, 1000, 3001, 5001, 82, 10010, 1030, 9090, 2107,
    1024, 2103, 6004, 1801, 5050, 19, 8031, 1041, 255, 1049, 1048, 2967,
    1053, 3703, 1056, 1065, 1064, 1054, 17, 808, 3689, 1031, 1044, 1071,
    5901, 100, 9102, 8010, 2869, 1039, 5120, 4001, 9000, 2105, 636, 1038,
    2601, 1, 7000, 1066, 1069, 625, 3, 4, 6, 20, 24, 30,
    32, 33, 42, 43, 49, 70, 83, 84, 85, 89, 90, 99,
    109, 125, 146, 161, 163, 211, 212, 222, 254, 256, 259, 264,
    280, 301, 306, 311, 340, 366, 406, 407, 416, 417, 425, 458,
    464, 481, 497, 500, 512, 524, 541, 545, 555, 563, 593, 616,
    617, 648, 666, 667, 668, 683, 687, 691, 700, 705, 711, 714,
    720, 722, 726, 749, 765, 777, 783, 787, 800, 801, 843, 880,
    888, 898, 900, 901, 902, 903, 911, 912, 981, 987, 992, 999,
    1001, 1002, 1007, 1009, 1010, 1011, 1021, 1022, 1023, 1032, 1033, 1034,
    1035, 1036, 1037, 1040, 1042, 1043, 1045, 1046, 1047, 1050, 1051, 1052,
    1055, 1057, 1058, 1059, 1060, 1061, 1062, 1063, 1067, 1068, 1070, 1072,
    1073, 1074, 1075, 1076, 1077, 1078, 1079, 1080, 1081, 1082, 1083, 1084,
    1085, 1086, 1087, 1088, 1089, 1090, 1091, 1092, 1093, 1094, 1095, 1096,
    1097, 1098, 1099, 1100, 1102, 1104, 1105, 1106, 1107, 1108, 1111, 1112,
    1113, 1114, 1117, 1119, 1121, 1122, 1123, 1124, 1126, 1130, 1131, 1132,
    1137, 1138, 1141, 1145, 1147, 1148, 1149, 1151, 1152, 1154, 1163, 1164,
    1165, 1166, 1169, 1174, 1175, 1183, 1185, 1186, 1187, 1192, 1198, 1199,
    1201, 1213, 1216, 1217, 1218, 1233, 1234, 1236, 1244, 1247, 1248, 1259,
    1271, 1272, 1277, 1287, 1296, 1300, 1301, 1309, 1310, 1311, 1322, 1328,
    1334, 1352, 1417, 1434, 1443, 1455, 1461, 1494, 1500, 1501, 1503, 1521,
    1524, 1533, 1556, 1580, 1583, 1594, 1600, 1641, 1658, 1666, 1687, 1688,
    1700, 1717, 1718, 1719, 1721, 1761, 1782, 1783, 1805, 1812, 1839, 1840,
    1862, 1863, 1864, 1875, 1914, 1935, 1947, 1971, 1972, 1974, 1984, 1998,
    1999, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010, 2013, 2020,
    2021, 2022, 2030, 2033, 2034, 2035, 2038, 2040, 2041, 2042, 2043, 2045,
    2046, 2047, 2048, 2065, 2068, 2099, 2100, 2106, 2111, 2119, 2126, 2135,
    2144, 2160, 2161, 2170, 2179, 2190, 2191, 2196, 2200, 2222, 2251, 2260,
    2288, 2301, 2323, 2366, 2381, 2382, 2383, 2393, 2394, 2399, 2401, 2492,
    2500, 2522, 2525, 2557, 2602, 2604, 2605, 2607, 2608, 2638, 2701, 2702,
    2710, 2718, 2725, 2800, 2809, 2811, 2875, 2909, 2910, 2920, 2968, 2998,
    3003, 3005, 3006, 3007, 3011, 3013, 3017, 3030, 3031, 3052, 3071, 3077,
    3168, 3211, 3221, 3260, 3261, 3268, 3269, 3283, 3300, 3301, 3322, 3323,
    3324, 3325, 3333, 3351, 3367, 3369, 3370, 3371, 3372, 3390, 3404, 3476,
    3493, 3517, 3527, 3546, 3551, 3580, 3659, 3690, 3737, 3766, 3784, 3800,
    3801, 3809, 3814, 3826, 3827, 3828, 3851, 3869, 3871, 3878, 3880, 3889,
    3905, 3914, 3918, 3920, 3945, 3971, 3995, 3998, 4000, 4002, 4003, 4004,
    4005, 4006, 4045, 4111, 4125, 4126, 4129, 4224, 4242, 4279, 4321, 4343,
    4443, 4444, 4445, 4446, 4449, 4550, 4567, 4662, 4848, 4900, 4998, 5002,
    5003, 5004, 5030, 5033, 5054, 5061, 5080, 5087, 5100, 5102, 5200, 5214,
    5221, 5222, 5225, 5226, 5269, 5280, 5298, 5405, 5414, 5431, 5440, 5500,
    5510, 5544, 5550, 5555, 5560, 5566, 5633, 5678, 5679, 5718, 5730, 5801,
    5802, 5810, 5811, 5815, 5822, 5825, 5850, 5859, 5862, 5877, 5902, 5903,
    5904, 5906, 5907, 5910, 5911, 5915, 5922, 5925, 5950, 5952, 5959, 5960,
    5961, 5962, 5963, 5987, 5988, 5989, 5998, 5999, 6002, 6003, 6005, 6006,
    6007, 6009, 6025, 6059, 6100, 6101, 6106, 6112, 6123, 6129, 6156, 6346,
    6389, 6502, 6510, 6543, 6547, 6565, 6566, 6567, 6580, 6666, 6667, 6668,
    6669, 6689, 6692, 6699, 6779, 6788, 6789, 6792, 6839, 6881, 6901, 6969,
    7001, 7002, 7004, 7007, 7019, 7025, 7100, 7103, 7106, 7200, 7201, 7402,
    7435, 7443, 7496, 7512, 7625, 7627, 7676, 7741, 7777, 7778, 7800, 7911,
    7920, 7921, 7937, 7938, 7999, 8001, 8002, 8007, 8011, 8021, 8022, 8042,
    8045, 8082, 8083, 8084, 8085, 8086, 8087, 8088, 8089, 8090, 8093, 8099,
    8100, 8180, 8181, 8192, 8193, 8194, 8200, 8222, 8254, 8290, 8291, 8292,
    8300, 8333, 8383, 8400, 8402, 8500, 8600, 8649, 8651, 8652, 8654, 8701,
    8800, 8873, 8899, 8994, 9001, 9002, 9003, 9009, 9010, 9011, 9040, 9050,
    9071, 9080, 9081, 9091, 9099, 9101, 9103, 9110, 9111, 9200, 9207, 9220,
    9290, 9415, 9418, 9485, 9500, 9502, 9503, 9535, 9575, 9593, 9594, 9595,
    9618, 9666, 9876, 9877, 9878, 9898, 9900, 9917, 9929, 9943, 9944, 9968,
    9998, 10001, 10002, 10003, 10004, 10009, 10012, 10024, 10025, 10082, 10180, 10215,
    10243, 10566, 10616, 10617, 10621, 10626, 10628, 10629, 10778, 11110, 11111, 11967,
    12000, 12174, 12265, 12345, 13456, 13722, 13782, 13783, 14000, 14238, 14441, 14442,
    15000, 15002, 15003, 15004, 15660, 15742, 16000, 16001, 16012, 16016, 16018, 16080,
    16113, 16992, 16993, 17877, 17988, 18040, 18101, 18988, 19101, 19283, 19315, 19350,
    19780, 19801, 19842, 20000, 20005, 20031, 20221, 20222, 20828, 21571, 22939, 23502,
    24444, 24800, 25734, 25735, 26214, 27000, 27352, 27353, 27355, 27356, 27715, 28201,
    30000, 30718, 30951, 31038, 31337, 32769, 32770, 32771, 32772, 32773, 32774, 32775,
    32776, 32777, 32778, 32779, 32780, 32781, 32782, 32783, 32784, 32785, 33354, 33899,
    34571, 34572, 34573, 35500, 38292, 40193, 40911, 41511, 42510, 44176, 44442, 44443,
    44501, 45100, 48080, 49158, 49159, 49160, 49161, 49163, 49165, 49167, 49175, 49176,
    49400, 49999, 50000, 50001, 50002, 50003, 50006, 50300, 50389, 50500, 50636, 50800,
    51103, 51493, 52673, 52822, 52848, 52869, 54045, 54328, 55055, 55056, 55555, 55600,
    56737, 56738, 57294, 57797, 58080, 60020, 60443, 61532, 61900, 62078, 63331, 64623,
    64680, 65000, 65129, 65389,
};

/* nmap's random_port_cheat() list (nmap.cc): moved to the front after the
 * shuffle, in the order they happen to be in. */
static const uint16_t pop_ports[] = { 21,  22,  23,  25,  53,  80,   110,  111,  113,  135,
                                      139, 143, 199, 256, 443, 445,  554,  587,  993,  995,
                                      1025, 1720, 1723, 3306, 3389, 5900, 8080, 8888 };

#define LINUX_TTL 64
#define LINUX_SYNACK_WIN 64240 /* 44 * 1460: Linux's initial receive window */
#define LINUX_MSS 1460
#define NMAP_WIN 1024
#define HPING_WIN 512
#define NEIGH_DELAY (5 * MIGAD_NS_PER_SEC) /* delay_first_probe_time */

const uint16_t *sim_nmap_top_ports(int *n)
{
    if (n)
        *n = (int)(sizeof top_ports / sizeof top_ports[0]);
    return top_ports;
}

void sim_nmap_cfg_default(struct sim_nmap_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->prefix = 24;
    c->rate = 1000;
    c->nports = 1000;
    c->rtt_timeout = 100 * SIM_MS;
    c->retries = 1;
}

void sim_hping_cfg_default(struct sim_hping_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->dport = 80;
    c->rate = 1000;
    c->prefix = 24;
    c->backlog = 128;
    c->synack_retries = 5;
}

/* ---- frames the tools build themselves ---------------------------------- */

/* One TCP segment without payload, every header field chosen by the
 * caller (nmap's and hping3's raw packets: no DF, MSS alone or no option). */
struct raw_tcp {
    const uint8_t *dmac, *smac;
    uint32_t sip, dip;
    uint16_t ip_id;
    int df;
    uint8_t ttl;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    uint16_t mss; /* MSS option (the only one) when nonzero */
};

static uint32_t raw_tcp(uint8_t *b, const struct raw_tcp *t)
{
    struct sim_tcp_seg g = {
        .sport = t->sport,
        .dport = t->dport,
        .seq = t->seq,
        .ack = t->ack,
        .flags = t->flags,
        .win = t->win,
        .mss_only = t->mss != 0,
        .mss = t->mss,
        .no_df = !t->df,
    };
    return sim_frame_tcp_from(b, t->dmac, t->smac, t->sip, t->ip_id, t->dip, &g, t->ttl);
}

/* ---- what the two models share --------------------------------------------- */

enum { KIND_NMAP = 1, KIND_HPING };

/* Per-host kernel state the attack touches (hosts that exist when the
 * attack is created; later ones are left alone). */
struct hstate {
    migad_ns reach_until; /* neighbour entry for the attacker REACHABLE until */
    int probing;          /* a neighbour probe for the attacker is pending */
    int qlen;             /* SYN requests queued (reqsk_queue_len) */
    int young;            /* of which never timed out (reqsk_queue_len_young) */
};

struct atk {
    int kind;
    struct sim *s;
    struct sim_host *att;
    size_t nhosts;
    struct hstate *hs;

    /* nmap */
    struct sim_nmap_cfg ncfg;
    migad_ns tick_t;       /* grid time of the last transmission */
    migad_ns interval;
    uint32_t round;
    int phase;
    uint32_t naddr;        /* addresses ARPed: the range minus the attacker */
    uint32_t *addrs;
    uint32_t *up;          /* round in which the address answered ARP */
    uint32_t cursor;
    struct sim_host **live;
    uint32_t nlive;
    uint16_t ports[1000];
    uint16_t base_sport;
    uint32_t seq;
    uint8_t *pstate;       /* per probe (port_index * nlive + host) */
    migad_ns *psent;       /* when its last try was sent */
    uint32_t k_next, k_chk;

    /* hping3 */
    struct sim_hping_cfg hcfg;
    struct sim_host *victim;
    uint64_t sent;
    uint16_t hsport;
};

/* A SYN received by a Linux host, and its request while it lives. */
struct synrq {
    struct atk *a;
    struct sim_host *h;    /* the host that got the SYN */
    uint32_t peer;         /* the SYN's source address */
    uint16_t sport, dport; /* the SYN's ports */
    uint32_t seq;          /* the SYN's sequence number */
    uint32_t isn;
    int tries, dead, queued;
    uint32_t round, probe; /* nmap: which probe (round 0: none) */
};

/* The attacker's kernel resetting a SYN-ACK. */
struct rstev {
    struct atk *a;
    struct sim_host *to;
    uint16_t sport, dport; /* the attacker's port, the peer's port */
    uint32_t seq;
    struct synrq *rq;      /* the peer's request, if it keeps one */
};

/* An ARP frame to send later. */
struct arpev {
    struct atk *a;
    struct sim_host *from, *to;
    int op;
    uint32_t round, addr;  /* nmap ARP ping: which address answers */
    int tries;
};

static migad_ns stack_delay(struct sim_host *h)
{
    if (h->is_vm)
        return 60 * SIM_US + (migad_ns)migad_rng_below(&h->rng, 240 * SIM_US);
    return 5 * SIM_US + (migad_ns)migad_rng_below(&h->rng, 15 * SIM_US);
}

static int host_index(const struct atk *a, const struct sim_host *h, size_t *i)
{
    for (size_t j = 0; j < a->nhosts; j++) {
        if (sim_host_at(a->s, j) == h) {
            *i = j;
            return 1;
        }
    }
    return 0;
}

static int is_martian(uint32_t ip)
{
    uint32_t top = ip >> 24;
    return top == 0 || top == 127 || top >= 224;
}

static void send_arp(struct sim *s, void *arg);

/* Linux neighbour confirmation of the attacker by host h (see the top). */
static void neigh_use(struct atk *a, struct sim_host *h)
{
    size_t i;
    if (!host_index(a, h, &i) || a->hs[i].probing || sim_now(a->s) < a->hs[i].reach_until)
        return;
    struct arpev *e = calloc(1, sizeof *e);
    if (!e)
        return;
    *e = (struct arpev){ a, h, a->att, MIGAD_ARP_REQUEST, 0, 0, 0 };
    if (sim_at_owned(a->s, sim_now(a->s) + NEIGH_DELAY, send_arp, e) == 0)
        a->hs[i].probing = 1;
}

#define PROBE_ANSWERED 255 /* pstate: otherwise the number of tries sent */

static void nmap_answered(struct atk *a, uint32_t round, uint32_t probe)
{
    if (a->kind == KIND_NMAP && round == a->round && probe < a->k_next)
        a->pstate[probe] = PROBE_ANSWERED;
}

static int backlog_of(const struct atk *a)
{
    return a->kind == KIND_HPING ? a->hcfg.backlog : 128;
}

/* A request leaves the SYN queue (reset or expired). */
static void rq_dequeue(struct atk *a, struct synrq *q)
{
    size_t i;
    if (!q->queued)
        return;
    q->queued = 0;
    if (!host_index(a, q->h, &i))
        return;
    a->hs[i].qlen--;
    if (q->tries == 0)
        a->hs[i].young--;
}

/* The attacker's kernel resets a SYN-ACK it did not ask for. */
static void att_rst(struct sim *s, void *arg)
{
    struct rstev *e = arg;
    struct atk *a = e->a;
    uint8_t f[64];
    struct raw_tcp t = { e->to->mac, a->att->mac, a->att->ip, e->to->ip, 0, 1, LINUX_TTL,
                         e->sport, e->dport, e->seq, 0, MIGAD_TCP_RST, 0, 0 };
    uint32_t n = raw_tcp(f, &t);
    if (sim_transmit(s, a->att, f, n) == e->to && e->rq && !e->rq->dead) {
        e->rq->dead = 1;
        rq_dequeue(a, e->rq);
    }
    free(e);
}

/* Transmit the host's answer to a SYN (SYN-ACK or RST-ACK); returns the
 * host it reached. */
static struct sim_host *send_answer(struct atk *a, struct synrq *q, int open)
{
    struct sim *s = a->s;
    const uint8_t *dmac = NULL;
    /* the peer is on the LAN (every host of the world is), or spoofed:
     * unresolvable inside the victim's subnet, else behind the gateway */
    struct sim_host *peer = sim_host_by_ip(s, q->peer);
    if (peer) {
        dmac = peer->mac;
    } else {
        int prefix = a->kind == KIND_HPING ? a->hcfg.prefix : 24;
        uint32_t mask = ~(uint32_t)0 << (32 - prefix);
        struct sim_host *gw = a->kind == KIND_HPING && a->hcfg.gateway
                                  ? sim_host_by_ip(s, a->hcfg.gateway)
                                  : NULL;
        if ((q->peer & mask) == (q->h->ip & mask) || !gw)
            return NULL; /* ARP fails, or no route: the kernel drops it */
        dmac = gw->mac;
    }
    uint8_t f[64];
    struct raw_tcp t = { dmac, q->h->mac, q->h->ip, q->peer, 0, 1, LINUX_TTL, q->dport,
                         q->sport, 0, q->seq + 1, MIGAD_TCP_RST | MIGAD_TCP_ACK, 0, 0 };
    if (open) {
        t.seq = q->isn;
        t.flags = MIGAD_TCP_SYN | MIGAD_TCP_ACK;
        t.win = LINUX_SYNACK_WIN;
        t.mss = LINUX_MSS;
    }
    uint32_t n = raw_tcp(f, &t);
    struct sim_host *got = sim_transmit(s, q->h, f, n);
    if (got && got == a->att && q->peer == a->att->ip) {
        neigh_use(a, q->h);
        nmap_answered(a, q->round, q->probe);
        if (open) {
            struct rstev *r = calloc(1, sizeof *r);
            if (r) {
                *r = (struct rstev){ a, q->h, q->sport, q->dport, q->seq + 1,
                                     q->queued ? q : NULL };
                sim_at_owned(s, sim_now(s) + stack_delay(a->att), att_rst, r);
            }
        }
    }
    return got;
}

/* Linux retransmitting a SYN-ACK (reqsk_timer_handler, net/ipv4/
 * inet_connection_sock.c): q->tries is the request's num_timeout. */
static void synack_timer(struct sim *s, void *arg)
{
    struct synrq *q = arg;
    struct atk *a = q->a;
    if (q->dead) {
        free(q);
        return;
    }
    int max = a->kind == KIND_HPING ? a->hcfg.synack_retries : 5;
    size_t i;
    int have = host_index(a, q->h, &i);
    int backlog = backlog_of(a);
    if (have && (a->hs[i].qlen << 1) > (backlog > 8 ? backlog : 8)) {
        /* keep half the queue for young requests: prune the old ones */
        int young = a->hs[i].young << 1;
        while (max > 2) {
            if (a->hs[i].qlen < young)
                break;
            max--;
            young <<= 1;
        }
    }
    if (q->tries >= max) {
        rq_dequeue(a, q); /* expired */
        free(q);
        return;
    }
    send_answer(a, q, 1);
    if (q->tries++ == 0 && have && q->queued)
        a->hs[i].young--;
    if (sim_at_owned(s, sim_now(s) + (MIGAD_NS_PER_SEC << q->tries), synack_timer, q) != 0) {
        rq_dequeue(a, q);
        free(q);
    }
}

/* The kernel of q->h answers a SYN. */
static void answer_syn(struct sim *s, void *arg)
{
    struct synrq *q = arg;
    struct atk *a = q->a;
    int open = sim_port_open(q->h, q->dport);
    if (!open) {
        send_answer(a, q, 0);
        free(q);
        return;
    }
    q->isn = (uint32_t)migad_rng_u64(&q->h->rng);
    size_t i;
    if (host_index(a, q->h, &i) && a->hs[i].qlen < backlog_of(a)) {
        a->hs[i].qlen++;
        a->hs[i].young++;
        q->queued = 1;
    }
    send_answer(a, q, 1);
    if (!q->queued || q->dead) {
        free(q); /* SYN cookie, or already reset (cannot happen: the RST is later) */
        return;
    }
    if (sim_at_owned(s, sim_now(s) + MIGAD_NS_PER_SEC, synack_timer, q) != 0) {
        rq_dequeue(a, q);
        free(q);
    }
}

/* A SYN reached host h: its kernel answers after its stack delay. */
static void syn_delivered(struct atk *a, struct sim_host *h, uint32_t peer, uint16_t sport,
                          uint16_t dport, uint32_t seq, uint32_t probe)
{
    if (is_martian(peer))
        return;
    struct synrq *q = calloc(1, sizeof *q);
    if (!q)
        return;
    q->a = a;
    q->h = h;
    q->peer = peer;
    q->sport = sport;
    q->dport = dport;
    q->seq = seq;
    q->round = a->kind == KIND_NMAP ? a->round : 0;
    q->probe = probe;
    sim_at_owned(a->s, sim_now(a->s) + stack_delay(h), answer_syn, q);
}

static void arp_answered(struct sim *s, struct atk *a, struct arpev *e);

/* Send an ARP frame: a request from the attacker (broadcast) or from a host
 * confirming the attacker (unicast), or a reply. */
static void send_arp(struct sim *s, void *arg)
{
    struct arpev *e = arg;
    struct atk *a = e->a;
    static const uint8_t zero[6] = { 0 };
    uint8_t f[64];
    uint32_t n;
    if (e->op == MIGAD_ARP_REPLY) {
        n = sim_frame_arp(f, 0x0806, MIGAD_ARP_REPLY, e->to->mac, e->from->mac, e->from->ip,
                          e->to->mac, e->to->ip);
        struct sim_host *got = sim_transmit(s, e->from, f, n);
        if (got == e->to)
            arp_answered(s, a, e);
        free(e);
        return;
    }
    /* a host's unicast probe of the attacker (Linux NUD_PROBE) */
    n = sim_frame_arp(f, 0x0806, MIGAD_ARP_REQUEST, e->to->mac, e->from->mac, e->from->ip, zero,
                      e->to->ip);
    struct sim_host *got = sim_transmit(s, e->from, f, n);
    if (got == e->to) {
        struct arpev *r = calloc(1, sizeof *r);
        if (r) {
            *r = (struct arpev){ a, e->to, e->from, MIGAD_ARP_REPLY, 0, 0, 0 };
            sim_at_owned(s, sim_now(s) + stack_delay(e->to), send_arp, r);
        }
        free(e);
        return;
    }
    size_t i;
    /* unanswered: ucast_probes = 3, one per retrans_time (1 s) */
    if (++e->tries < 3) {
        if (sim_at_owned(s, sim_now(s) + MIGAD_NS_PER_SEC, send_arp, e) != 0)
            free(e);
        return;
    }
    if (host_index(a, e->from, &i))
        a->hs[i].probing = 0;
    free(e);
}

static void arp_answered(struct sim *s, struct atk *a, struct arpev *e)
{
    size_t i;
    if (e->to == a->att) {
        if (e->round && e->round == a->round && e->addr < a->naddr)
            a->up[e->addr] = e->round; /* nmap's ARP ping got its answer */
        return;
    }
    /* the attacker answered a host's probe: the entry is REACHABLE */
    if (host_index(a, e->to, &i)) {
        a->hs[i].probing = 0;
        a->hs[i].reach_until =
            sim_now(s) + 15 * MIGAD_NS_PER_SEC +
            (migad_ns)migad_rng_below(&e->to->rng, (uint64_t)(30 * MIGAD_NS_PER_SEC));
    }
}

/* The attacker's broadcast who-has for ip; live hosts answer. */
static void att_whohas(struct atk *a, uint32_t ip, uint32_t addr_index)
{
    static const uint8_t zero[6] = { 0 };
    uint8_t f[64];
    uint32_t n = sim_frame_arp(f, 0x0806, MIGAD_ARP_REQUEST, sim_broadcast, a->att->mac,
                               a->att->ip, zero, ip);
    sim_transmit(a->s, a->att, f, n);
    struct sim_host *h = sim_host_by_ip(a->s, ip);
    if (!h || h == a->att || h->paused || a->att->paused)
        return;
    struct arpev *r = calloc(1, sizeof *r);
    if (!r)
        return;
    *r = (struct arpev){ a, h, a->att, MIGAD_ARP_REPLY, a->round, addr_index, 0 };
    sim_at_owned(a->s, sim_now(a->s) + stack_delay(h), send_arp, r);
}

/* Schedule the next transmission on the rate grid (jitter up to 1/4). */
static void next_tick(struct atk *a, sim_fn fn, migad_ns not_before)
{
    a->tick_t += a->interval;
    if (a->tick_t < not_before)
        a->tick_t = not_before;
    migad_ns j = (migad_ns)migad_rng_below(&a->att->rng, (uint64_t)(a->interval / 4 + 1));
    sim_at(a->s, a->tick_t + j, fn, a);
}

/* ---- nmap -sS ------------------------------------------------------------------ */

enum { PH_ARP1, PH_ARP2, PH_RESOLVE, PH_SYN };

#define NMAP_PHASE_WAIT (300 * SIM_MS) /* wait for late ARP answers */
#define NMAP_ROUND_GAP (250 * SIM_MS)  /* nmap exits, the loop starts the next one */

static void nmap_tick(struct sim *s, void *arg);

static void nmap_new_round(struct atk *a)
{
    struct migad_rng *r = &a->att->rng;
    a->round++;
    a->phase = PH_ARP1;
    a->cursor = 0;
    a->nlive = 0;
    a->k_next = a->k_chk = 0;
    int n = a->ncfg.nports;
    memcpy(a->ports, top_ports, (size_t)n * sizeof a->ports[0]);
    for (int i = n - 1; i > 0; i--) {
        int j = (int)migad_rng_below(r, (uint64_t)i + 1);
        uint16_t t = a->ports[i];
        a->ports[i] = a->ports[j];
        a->ports[j] = t;
    }
    int early = 0;
    for (int i = 0; i < n; i++) {
        for (size_t p = 0; p < sizeof pop_ports / sizeof pop_ports[0]; p++) {
            if (a->ports[i] == pop_ports[p]) {
                uint16_t t = a->ports[i];
                a->ports[i] = a->ports[early];
                a->ports[early] = t;
                early++;
                break;
            }
        }
    }
    a->base_sport = (uint16_t)(33000 + migad_rng_below(r, 65536 - 256 - 33000));
    a->seq = (uint32_t)migad_rng_u64(r);
}

static void nmap_send_probe(struct atk *a, uint32_t k, int try)
{
    struct migad_rng *r = &a->att->rng;
    struct sim_host *h = a->live[k % a->nlive];
    uint16_t dport = a->ports[k / a->nlive];
    /* nmap's sport_encode() and seq32_encode(): the try number in both */
    uint16_t sport = (uint16_t)(a->base_sport + try);
    uint32_t seq = a->seq ^ ((uint32_t)try << 16 | (uint32_t)try);
    uint8_t f[64];
    struct raw_tcp t = { h->mac,
                         a->att->mac,
                         a->att->ip,
                         h->ip,
                         (uint16_t)migad_rng_u64(r),
                         0,
                         (uint8_t)(37 + migad_rng_below(r, 23)),
                         sport,
                         dport,
                         seq,
                         0,
                         MIGAD_TCP_SYN,
                         NMAP_WIN,
                         LINUX_MSS };
    uint32_t n = raw_tcp(f, &t);
    a->psent[k] = sim_now(a->s);
    if (sim_transmit(a->s, a->att, f, n) == h)
        syn_delivered(a, h, a->att->ip, sport, dport, seq, k);
}

/* The SYN phase: retransmissions that are due first, then new probes. */
static void nmap_syn_tick(struct atk *a)
{
    migad_ns now = sim_now(a->s);
    uint32_t total = a->nlive * (uint32_t)a->ncfg.nports;
    while (a->k_chk < a->k_next) {
        uint32_t k = a->k_chk;
        if (a->pstate[k] == PROBE_ANSWERED || a->pstate[k] > a->ncfg.retries) {
            a->k_chk++;
            continue;
        }
        if (a->psent[k] + a->ncfg.rtt_timeout > now)
            break;
        /* unanswered after the timeout: another try, checked again later */
        nmap_send_probe(a, k, a->pstate[k]);
        a->pstate[k]++;
        next_tick(a, nmap_tick, 0);
        return;
    }
    if (a->k_next < total) {
        uint32_t k = a->k_next++;
        a->pstate[k] = 1;
        nmap_send_probe(a, k, 0);
        next_tick(a, nmap_tick, 0);
        return;
    }
    if (a->k_chk < total) {
        /* only retransmissions left: wait until the oldest is due */
        next_tick(a, nmap_tick, a->psent[a->k_chk] + a->ncfg.rtt_timeout);
        return;
    }
    /* the run is over: nmap waits for the last answers, exits, restarts */
    next_tick(a, nmap_tick, now + a->ncfg.rtt_timeout + NMAP_ROUND_GAP);
    a->phase = -1;
}

static void nmap_tick(struct sim *s, void *arg)
{
    struct atk *a = arg;
    if (sim_now(s) >= a->ncfg.end)
        return; /* the attack is over; state is freed with the world */
    if (a->phase == -1)
        nmap_new_round(a);
    migad_ns now = sim_now(s);
    switch (a->phase) {
    case PH_ARP1:
        if (a->cursor < a->naddr) {
            att_whohas(a, a->addrs[a->cursor], a->cursor);
            a->cursor++;
            next_tick(a, nmap_tick, 0);
            return;
        }
        a->phase = PH_ARP2;
        a->cursor = 0;
        next_tick(a, nmap_tick, now + NMAP_PHASE_WAIT);
        return;
    case PH_ARP2:
        while (a->cursor < a->naddr && a->up[a->cursor] == a->round)
            a->cursor++;
        if (a->cursor < a->naddr) {
            att_whohas(a, a->addrs[a->cursor], a->cursor);
            a->cursor++;
            next_tick(a, nmap_tick, 0);
            return;
        }
        a->phase = PH_RESOLVE;
        a->cursor = 0;
        next_tick(a, nmap_tick, now + NMAP_PHASE_WAIT);
        return;
    case PH_RESOLVE:
        if (a->cursor == 0) {
            a->nlive = 0;
            for (uint32_t i = 0; i < a->naddr; i++) {
                struct sim_host *h = sim_host_by_ip(s, a->addrs[i]);
                if (a->up[i] == a->round && h)
                    a->live[a->nlive++] = h;
            }
            if (a->nlive == 0) {
                /* nobody up: nmap ends at once */
                a->phase = -1;
                next_tick(a, nmap_tick, now + NMAP_ROUND_GAP);
                return;
            }
        }
        if (a->cursor < a->nlive) {
            att_whohas(a, a->live[a->cursor]->ip, UINT32_MAX);
            a->cursor++;
            next_tick(a, nmap_tick, 0);
            return;
        }
        a->phase = PH_SYN;
        memset(a->pstate, 0, (size_t)a->nlive * (size_t)a->ncfg.nports);
        nmap_syn_tick(a);
        return;
    case PH_SYN:
        nmap_syn_tick(a);
        return;
    default:
        return;
    }
}

static void nmap_begin(struct sim *s, void *arg)
{
    struct atk *a = arg;
    a->tick_t = sim_now(s); /* the first packet goes at once, on the grid */
    a->phase = -1;
    nmap_tick(s, a);
}

static int errf(char *err, const char *msg)
{
    if (err)
        snprintf(err, MIGAD_ERRBUF_SIZE, "%s", msg);
    return -1;
}

/* Allocate n bytes owned by the world. */
static void *owned_calloc(struct sim *s, size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p || sim_own(s, p) != 0)
        return NULL;
    return p;
}

static struct atk *atk_new(struct sim *s, struct sim_host *att, int kind)
{
    struct atk *a = owned_calloc(s, sizeof *a);
    if (!a)
        return NULL;
    a->kind = kind;
    a->s = s;
    a->att = att;
    a->nhosts = sim_host_count(s);
    a->hs = owned_calloc(s, a->nhosts * sizeof *a->hs);
    return a->hs ? a : NULL;
}

int sim_attack_nmap(struct sim *s, struct sim_host *attacker, const struct sim_nmap_cfg *cfg,
                    char err[MIGAD_ERRBUF_SIZE])
{
    if (!s || !attacker || !cfg)
        return errf(err, "nmap: no world, attacker or configuration");
    if (cfg->prefix < 20 || cfg->prefix > 32)
        return errf(err, "nmap: the target prefix must be 20..32");
    if (!(cfg->rate > 0 && cfg->rate <= 1e6))
        return errf(err, "nmap: the rate must be in (0, 1e6] probes/s");
    if (cfg->nports < 1 || cfg->nports > 1000)
        return errf(err, "nmap: nports must be 1..1000");
    if (cfg->rtt_timeout <= 0 || cfg->retries < 0 || cfg->retries > 10)
        return errf(err, "nmap: bad rtt_timeout or retries");
    if (cfg->end <= cfg->start || cfg->start < sim_now(s))
        return errf(err, "nmap: need now <= start < end");
    struct atk *a = atk_new(s, attacker, KIND_NMAP);
    if (!a)
        return errf(err, "out of memory");
    a->ncfg = *cfg;
    a->interval = (migad_ns)((double)MIGAD_NS_PER_SEC / cfg->rate);
    if (a->interval < 1)
        a->interval = 1;
    uint32_t size = (uint32_t)1 << (32 - cfg->prefix);
    uint32_t net = cfg->prefix == 32 ? cfg->net : cfg->net & (~(uint32_t)0 << (32 - cfg->prefix));
    a->addrs = owned_calloc(s, size * sizeof *a->addrs);
    a->up = owned_calloc(s, size * sizeof *a->up);
    a->live = owned_calloc(s, size * sizeof *a->live);
    size_t nprobe = (size_t)size * (size_t)cfg->nports;
    a->pstate = owned_calloc(s, nprobe);
    a->psent = owned_calloc(s, nprobe * sizeof *a->psent);
    if (!a->addrs || !a->up || !a->live || !a->pstate || !a->psent)
        return errf(err, "out of memory");
    for (uint32_t i = 0; i < size; i++)
        if (net + i != attacker->ip)
            a->addrs[a->naddr++] = net + i;
    if (sim_at(s, cfg->start, nmap_begin, a) != 0)
        return errf(err, "out of memory");
    return 0;
}

/* ---- hping3 -S ------------------------------------------------------------------ */

static void hping_tick(struct sim *s, void *arg)
{
    struct atk *a = arg;
    if (sim_now(s) >= a->hcfg.end)
        return;
    struct migad_rng *r = &a->att->rng;
    struct sim_host *v = a->victim;
    uint32_t src = a->att->ip;
    if (a->hcfg.rand_source) {
        uint32_t mask = ~(uint32_t)0 << (32 - a->hcfg.prefix);
        do
            src = (uint32_t)migad_rng_u64(r);
        while ((src & mask) == (v->ip & mask));
    }
    uint16_t sport = (uint16_t)(a->hsport + a->sent);
    a->sent++;
    uint32_t seq = (uint32_t)migad_rng_u64(r);
    uint8_t f[64];
    struct raw_tcp t = { v->mac,
                         a->att->mac,
                         src,
                         v->ip,
                         (uint16_t)migad_rng_u64(r),
                         0,
                         LINUX_TTL,
                         sport,
                         a->hcfg.dport,
                         seq,
                         (uint32_t)migad_rng_u64(r),
                         MIGAD_TCP_SYN,
                         HPING_WIN,
                         0 };
    uint32_t n = raw_tcp(f, &t);
    if (sim_transmit(s, a->att, f, n) == v)
        syn_delivered(a, v, src, sport, a->hcfg.dport, seq, 0);
    next_tick(a, hping_tick, 0);
}

static void hping_begin(struct sim *s, void *arg)
{
    struct atk *a = arg;
    a->tick_t = sim_now(s); /* the first packet goes at once, on the grid */
    hping_tick(s, a);
}

int sim_attack_hping(struct sim *s, struct sim_host *attacker, const struct sim_hping_cfg *cfg,
                     char err[MIGAD_ERRBUF_SIZE])
{
    if (!s || !attacker || !cfg)
        return errf(err, "hping3: no world, attacker or configuration");
    struct sim_host *v = sim_host_by_ip(s, cfg->dst);
    if (!v || v == attacker)
        return errf(err, "hping3: the target address is not a host of the world");
    if (!(cfg->rate > 0 && cfg->rate <= 1e6))
        return errf(err, "hping3: the rate must be in (0, 1e6] packets/s");
    if (cfg->prefix < 1 || cfg->prefix > 31)
        return errf(err, "hping3: the prefix must be 1..31");
    if (cfg->backlog < 0 || cfg->synack_retries < 0 || cfg->synack_retries > 10)
        return errf(err, "hping3: bad backlog or synack_retries");
    if (cfg->end <= cfg->start || cfg->start < sim_now(s))
        return errf(err, "hping3: need now <= start < end");
    struct atk *a = atk_new(s, attacker, KIND_HPING);
    if (!a)
        return errf(err, "out of memory");
    a->hcfg = *cfg;
    a->victim = v;
    a->interval = (migad_ns)((double)MIGAD_NS_PER_SEC / cfg->rate);
    if (a->interval < 1)
        a->interval = 1;
    a->hsport = (uint16_t)(1024 + migad_rng_below(&attacker->rng, 64512));
    if (sim_at(s, cfg->start, hping_begin, a) != 0)
        return errf(err, "out of memory");
    return 0;
}
