/*
 * Writes the small captures the command-line and golden tests read, with
 * pktbuild (independent of libmigad).  Usage: gen_fixtures DIR
 *
 *   basic.pcap   nanosecond pcap, Ethernet, 7 packets over 5 s (see
 *                tests/golden/basic.csv for the expected features by hand)
 *   nano.pcap    two packets 1 ns either side of a second boundary
 *   late.pcap    microsecond pcap with one packet 1.2 s out of order
 *   other.pcap   one UDP packet 0.5 s after basic.pcap's first (for --merge)
 */
#include <stdio.h>
#include <string.h>

#include "pktbuild.h"

#define T0 INT64_C(1700000000000000000)
#define MS INT64_C(1000000)

static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac2[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t macvm[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero6[6] = { 0 };

static uint8_t buf[2048];

static size_t tcp_frame(int a, int b_, uint16_t sp, uint16_t dp, uint8_t flags)
{
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, a == 1 ? mac2 : mac1, a == 1 ? mac1 : mac2, PB_ET_IPV4);
    pb_ipv4(&b, &(struct pb_ipv4){ .src = { 10, 0, 0, (uint8_t)a }, .dst = { 10, 0, 0, (uint8_t)b_ },
                                   .proto = PB_IPPROTO_TCP, .ttl = 64 });
    pb_tcp(&b, &(struct pb_tcp){ .sport = sp, .dport = dp, .flags = flags, .seq = 1000, .win = 512 });
    pb_finish(&b);
    return pb_pad(&b, 60);
}

static size_t udp_frame(int a, int b_, uint16_t sp, uint16_t dp, size_t payload)
{
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, mac2, mac1, PB_ET_IPV4);
    pb_ipv4(&b, &(struct pb_ipv4){ .src = { 10, 0, 0, (uint8_t)a }, .dst = { 10, 0, 0, (uint8_t)b_ },
                                   .proto = PB_IPPROTO_UDP, .ttl = 64 });
    pb_udp(&b, sp, dp);
    pb_fill(&b, 'x', payload);
    pb_finish(&b);
    return pb_pad(&b, 60);
}

static int write_basic(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/basic.pcap", dir);
    struct pb_pcap *w = pb_pcap_open(path, 1, 65535, 1);
    if (!w)
        return -1;
    size_t n;
    /* second 0: a TCP handshake 10.0.0.1:40000 <-> 10.0.0.2:80, 60 bytes each */
    n = tcp_frame(1, 2, 40000, 80, 0x02);
    pb_pcap_write(w, T0 + 100 * MS, buf, (uint32_t)n, (uint32_t)n);
    n = tcp_frame(2, 1, 80, 40000, 0x12);
    pb_pcap_write(w, T0 + 200 * MS, buf, (uint32_t)n, (uint32_t)n);
    n = tcp_frame(1, 2, 40000, 80, 0x10);
    pb_pcap_write(w, T0 + 300 * MS, buf, (uint32_t)n, (uint32_t)n);
    /* second 1: DNS-like UDP 10.0.0.3:5353 -> 10.0.0.4:53, 14+20+8+20 = 62 bytes */
    n = udp_frame(3, 4, 5353, 53, 20);
    pb_pcap_write(w, T0 + 1500 * MS, buf, (uint32_t)n, (uint32_t)n);
    /* second 2: nothing.  second 3: an ARP request and QEMU's RARP */
    struct pb b;
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, bcast, mac1, PB_ET_ARP);
    pb_arp(&b, 1, mac1, (const uint8_t[]){ 10, 0, 0, 1 }, zero6, (const uint8_t[]){ 10, 0, 0, 9 });
    pb_finish(&b);
    n = pb_pad(&b, 60);
    pb_pcap_write(w, T0 + 3250 * MS, buf, (uint32_t)n, (uint32_t)n);
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, bcast, macvm, PB_ET_RARP);
    pb_arp(&b, 3, macvm, (const uint8_t[]){ 0, 0, 0, 0 }, macvm, (const uint8_t[]){ 0, 0, 0, 0 });
    pb_finish(&b);
    n = pb_pad(&b, 60);
    pb_pcap_write(w, T0 + 3900 * MS, buf, (uint32_t)n, (uint32_t)n);
    /* second 4: an ICMP echo with 56 bytes of data: 14+20+8+56 = 98 bytes */
    pb_init(&b, buf, sizeof buf);
    pb_eth(&b, mac2, mac1, PB_ET_IPV4);
    pb_ipv4(&b, &(struct pb_ipv4){ .src = { 10, 0, 0, 1 }, .dst = { 10, 0, 0, 2 },
                                   .proto = PB_IPPROTO_ICMP, .ttl = 64 });
    pb_icmp(&b, 8, 0, 0x00010001);
    pb_fill(&b, 0x42, 56);
    n = pb_finish(&b);
    pb_pcap_write(w, T0 + 4000 * MS, buf, (uint32_t)n, (uint32_t)n);
    return pb_pcap_close(w);
}

static int write_nano(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/nano.pcap", dir);
    struct pb_pcap *w = pb_pcap_open(path, 1, 65535, 1);
    if (!w)
        return -1;
    size_t n = udp_frame(1, 2, 1000, 2000, 10);
    pb_pcap_write(w, T0 + 999999999, buf, (uint32_t)n, (uint32_t)n);   /* bin 0 */
    pb_pcap_write(w, T0 + 1000000000, buf, (uint32_t)n, (uint32_t)n);  /* bin 1 */
    pb_pcap_write(w, T0 + 1000000001, buf, (uint32_t)n, (uint32_t)n);  /* bin 1 */
    return pb_pcap_close(w);
}

static int write_late(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/late.pcap", dir);
    struct pb_pcap *w = pb_pcap_open(path, 1, 65535, 0);
    if (!w)
        return -1;
    size_t n = udp_frame(1, 2, 1000, 2000, 10);
    pb_pcap_write(w, T0 + 500 * MS, buf, (uint32_t)n, (uint32_t)n);
    pb_pcap_write(w, T0 + 2700 * MS, buf, (uint32_t)n, (uint32_t)n);
    pb_pcap_write(w, T0 + 1500 * MS, buf, (uint32_t)n, (uint32_t)n); /* 1.2 s late */
    return pb_pcap_close(w);
}

static int write_other(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/other.pcap", dir);
    struct pb_pcap *w = pb_pcap_open(path, 1, 65535, 0);
    if (!w)
        return -1;
    size_t n = udp_frame(5, 6, 7000, 8000, 100); /* 14+20+8+100 = 142 bytes */
    pb_pcap_write(w, T0 + 600 * MS, buf, (uint32_t)n, (uint32_t)n);
    return pb_pcap_close(w);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_fixtures DIR\n");
        return 2;
    }
    if (write_basic(argv[1]) || write_nano(argv[1]) || write_late(argv[1]) || write_other(argv[1])) {
        perror("gen_fixtures");
        return 1;
    }
    return 0;
}
