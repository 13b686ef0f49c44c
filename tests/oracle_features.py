#!/usr/bin/python3
"""Independent second implementation of migad's per-bin features, from tshark.

tshark (Wireshark's dissectors, not libpcap + src/lib/decode.c) decodes the
capture; this script bins its fields into 1-s bins aligned to whole epoch
seconds and computes, per bin, exactly as docs/features.md defines them:

  packets, bytes, flows, h_srcip, h_dstip, h_sport, h_dport, h_pktsize
  (paper set) and syn, synack, rst, fin, icmp, arp, rarp (extended counts).

Standard library only; run with Debian's /usr/bin/python3.

Usage:
  oracle_features.py CAPTURE
      print the oracle's rows as CSV (segment,start,<features>)
  oracle_features.py --compare PAPER_CSV COUNTS_CSV CAPTURE
      compare with `migad extract -q -f paper` (PAPER_CSV) and the columns
      syn,synack,rst,fin,icmp,arp,rarp of `migad extract -q -f extended`
      (COUNTS_CSV) of the same capture; print one line per feature:
        RESULT <feature> pass <summary>
        RESULT <feature> fail <summary>      (then the differing bins)
      Exit status 0 when every feature matches, 1 otherwise, 2 on errors.

How each value is taken from tshark (the outer packet, as migad does
without --decap):

* The protocol chain of `frame.protocols` (eth:ethertype:vlan:ethertype:ip:tcp)
  is walked from the link layer to the first network layer (ip, ipv6, arp).
  Fields that a frame holds several times (VXLAN/Geneve inner headers, the
  IP/UDP header an ICMP error quotes, 6in4, ...) are printed comma-separated
  in the order of the layers, so the FIRST occurrence is the outer one.
* Ports are used only when the protocol right after the first IP layer (after
  IPv6 extension headers) is tcp or udp: an ICMP error quoting a TCP header
  carries tcp.srcport in tshark but has no ports for migad (nor per
  docs/features.md), and neither does IP-in-IP.  IP reassembly is disabled
  (-o ip.defragment:FALSE, ipv6.defragment:FALSE) so that a first fragment
  shows its own TCP/UDP header and later fragments show `data` (no ports).
* Length = frame.len (the wire length, pcap's `len`).
* Addresses: the first ip.src/ip.dst or ipv6.src/ipv6.dst; for ARP and RARP
  (ethertype 0x0806 / 0x8035 after VLAN tags) arp.src.proto_ipv4 and
  arp.dst.proto_ipv4.  IPv4 and IPv6 addresses are distinct values.
* Flow key: IP packets: the unordered pair of endpoints (address, port; port
  0 when absent) plus the IP protocol (IPv4 ip.proto; IPv6: the next-header
  chain through the extension headers, stopping at a non-first fragment's
  header, at ESP (50) and at no-next-header (59)).  Other frames: the
  unordered MAC pair (eth.src/eth.dst; Linux cooked: the sender address when
  it is 6 bytes long, destination ff:ff:ff:ff:ff:ff only for broadcasts on an
  Ethernet device, otherwise zeros; no link addresses: zeros) plus the
  ethertype after VLAN tags (0 for 802.3/LLC frames; 0x8847/0x8848 for MPLS
  that does not carry IP).
* TCP flags: the first tcp.flags of a packet whose transport is tcp, i.e.
  the display filters tcp.flags.syn==1 && tcp.flags.ack==0 (syn),
  tcp.flags.syn==1 && tcp.flags.ack==1 (synack), tcp.flags.reset==1 (rst),
  tcp.flags.fin==1 (fin) applied to the outer TCP header only (a display
  filter would also match the header quoted inside an ICMP error).
* icmp: the protocol after the first IP layer is icmp or icmpv6.
  arp / rarp: the network layer is arp with ethertype 0x0806 / 0x8035.

Bins follow docs/features.md "Bins" with the defaults of `migad extract`:
width 1 s, origin the epoch, reorder window 2 s, maximum gap 600 s.  Packets
are taken in file order with the watermark rule: a bin is written once its
end plus the window is at or before the newest timestamp seen, a packet
older than every open bin counts in the oldest open bin, and a jump of more
than the maximum gap (forward or backward) ends the segment.  Every bin
between the first and last packet of a segment is a row, empty ones too.
"""

import csv
import math
import subprocess
import sys
from collections import Counter

NS = 1_000_000_000
WIDTH = NS
REORDER = 2 * NS
MAX_GAP = 600 * NS

PAPER = ["packets", "bytes", "flows", "h_srcip", "h_dstip", "h_sport", "h_dport", "h_pktsize"]
COUNTS = ["syn", "synack", "rst", "fin", "icmp", "arp", "rarp"]
ENTROPIES = {"h_srcip", "h_dstip", "h_sport", "h_dport", "h_pktsize"}
TOLERANCE = 1e-6

FIELDS = [
    "frame.time_epoch", "frame.len", "frame.protocols",
    "eth.src", "eth.dst", "eth.type", "vlan.etype",
    "sll.pkttype", "sll.hatype", "sll.halen", "sll.src.eth", "sll.etype",
    "ip.src", "ip.dst", "ip.proto",
    "ipv6.src", "ipv6.dst", "ipv6.nxt",
    "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.dstopts.nxt", "ipv6.fraghdr.nxt",
    "ipv6.fraghdr.offset", "ah.next_header",
    "arp.src.proto_ipv4", "arp.dst.proto_ipv4",
    "tcp.srcport", "tcp.dstport", "tcp.flags",
    "udp.srcport", "udp.dstport",
]
IDX = {name: i for i, name in enumerate(FIELDS)}

TSHARK_OPTS = [
    "-o", "ip.defragment:FALSE",
    "-o", "ipv6.defragment:FALSE",
    # keep every segment dissected on its own, and make it faster
    "-o", "tcp.desegment_tcp_streams:FALSE",
    "-o", "tcp.analyze_sequence_numbers:FALSE",
    # heuristic payload dissectors (the defaults: tried after the port-based
    # ones) only add layers after the outer transport header, whose fields
    # come first in each list, so they cannot change the values used here
    "-o", "udp.try_heuristic_first:FALSE",
    "-o", "tcp.try_heuristic_first:FALSE",
]

ZERO_MAC = "00:00:00:00:00:00"
BCAST_MAC = "ff:ff:ff:ff:ff:ff"
# tokens of frame.protocols that are link layers (or markers) walked through
LINK_TOKENS = {"eth", "ethertype", "vlan", "ieee8021ad", "sll", "null", "raw", "frame"}
IPV6_EXT = {0: "ipv6.hopopts.nxt", 43: "ipv6.routing.nxt", 60: "ipv6.dstopts.nxt",
            51: "ah.next_header", 44: "ipv6.fraghdr.nxt"}


def run_tshark(path):
    cmd = ["tshark", "-n", "-r", path] + TSHARK_OPTS + [
        "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    if res.returncode != 0:
        err = "\n".join(l for l in res.stderr.splitlines() if "Running as user" not in l)
        # a damaged tail: tshark prints the good packets and complains
        if not res.stdout:
            raise RuntimeError("tshark failed on %s: %s" % (path, err.strip()))
        sys.stderr.write("oracle: tshark: %s\n" % err.strip())
    return res.stdout.splitlines()


def parse_ns(s):
    """'1277...123.456789000' -> integer nanoseconds, no floating point."""
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    sec, _, frac = s.partition(".")
    v = int(sec) * NS + int((frac + "000000000")[:9])
    return -v if neg else v


def num(s):
    return int(s, 0) if s else None


class Packet:
    __slots__ = ("ts", "length", "src", "dst", "sport", "dport", "flow", "tcp_flags",
                 "icmp", "arp", "rarp")


def decode(line):
    """One tshark row -> a Packet with the values docs/features.md uses."""
    cols = line.split("\t")
    cols += [""] * (len(FIELDS) - len(cols))

    def occ(name):
        v = cols[IDX[name]]
        return v.split(",") if v else []

    def first(name):
        v = occ(name)
        return v[0] if v else None

    p = Packet()
    p.ts = parse_ns(cols[IDX["frame.time_epoch"]])
    p.length = int(cols[IDX["frame.len"]])
    p.src = p.dst = p.sport = p.dport = None
    p.tcp_flags = None
    p.icmp = p.arp = p.rarp = False

    toks = cols[IDX["frame.protocols"]].split(":")
    mac_s = mac_d = ZERO_MAC
    ethertype = 0
    eth_seen = vlan_i = 0
    net = None
    after_mpls = False
    i = 0
    while i < len(toks):
        t = toks[i]
        if after_mpls and t not in ("ip", "ipv6", "mpls"):
            net = None  # MPLS payload that is not IP: migad keeps the MPLS ethertype
            break
        if t == "eth":
            if eth_seen == 0:
                mac_s = (first("eth.src") or ZERO_MAC).lower()
                mac_d = (first("eth.dst") or ZERO_MAC).lower()
                et = first("eth.type")
                ethertype = num(et) if et else 0  # 802.3 length field: no ethertype
            eth_seen += 1
        elif t in ("vlan", "ieee8021ad"):
            vt = occ("vlan.etype")
            ethertype = num(vt[vlan_i]) if vlan_i < len(vt) else 0
            vlan_i += 1
        elif t == "sll":
            halen = num(first("sll.halen") or "0")
            hatype = num(first("sll.hatype") or "0")
            pkttype = num(first("sll.pkttype") or "0")
            if halen == 6:
                mac_s = (first("sll.src.eth") or ZERO_MAC).lower()
                if pkttype == 1 and hatype == 1:
                    mac_d = BCAST_MAC
            et = first("sll.etype")
            # netlink devices (ARPHRD 824) and protocols below 0x0600 carry no ethertype
            ethertype = num(et) if et and hatype != 824 and num(et) >= 0x600 else 0
        elif t == "mpls":
            after_mpls = True
        elif t in ("ip", "ipv6", "arp"):
            net = t
            break
        elif t in LINK_TOKENS:
            pass
        else:
            break  # LLC, LLDP, STP, ...: a frame without a network layer we decode
        i += 1

    rest = toks[i + 1:] if net else []
    if net == "ip" or net == "ipv6":
        if net == "ip":
            p.src = ("4", first("ip.src"))
            p.dst = ("4", first("ip.dst"))
            proto = num(first("ip.proto"))
        else:
            p.src = ("6", first("ipv6.src"))
            p.dst = ("6", first("ipv6.dst"))
            proto = ipv6_proto(occ)
        # protocol layer carried by this IP header (IPv6 extension headers skipped)
        j = 0
        while j < len(rest) and net == "ipv6" and (rest[j].startswith("ipv6.") or rest[j] == "ah"):
            j += 1
        transport = rest[j] if j < len(rest) else None
        if transport == "tcp" and first("tcp.srcport") is not None:
            p.sport, p.dport = int(first("tcp.srcport")), int(first("tcp.dstport"))
            p.tcp_flags = num(first("tcp.flags"))
        elif transport == "udp" and first("udp.srcport") is not None:
            p.sport, p.dport = int(first("udp.srcport")), int(first("udp.dstport"))
        elif transport in ("icmp", "icmpv6"):
            p.icmp = True
        a = (p.src, p.sport or 0)
        b = (p.dst, p.dport or 0)
        p.flow = ("ip", proto) + tuple(sorted([a, b]))
    else:
        if net == "arp":
            if ethertype == 0x0806:
                p.arp = True
            elif ethertype == 0x8035:
                p.rarp = True
            s, d = first("arp.src.proto_ipv4"), first("arp.dst.proto_ipv4")
            if s is not None and d is not None:
                p.src, p.dst = ("4", s), ("4", d)
        p.flow = ("l2", ethertype) + tuple(sorted([mac_s, mac_d]))
    return p


def ipv6_proto(occ):
    """The upper-layer protocol after the extension headers, as decode.c walks it."""
    used = Counter()

    def take(name):
        v = occ(name)
        k = used[name]
        used[name] += 1
        return num(v[k]) if k < len(v) else None

    nh = take("ipv6.nxt")
    while nh in IPV6_EXT:
        if nh == 44:
            offs = occ("ipv6.fraghdr.offset")
            k = used["ipv6.fraghdr.nxt"]
            nxt = take("ipv6.fraghdr.nxt")
            if nxt is None:
                return nh
            if k < len(offs) and num(offs[k]) != 0:
                return nxt  # non-first fragment: the walk stops here
            nh = nxt
            continue
        nxt = take(IPV6_EXT[nh])
        if nxt is None:
            return nh
        nh = nxt
    return nh


def entropy(counter):
    n = sum(counter.values())
    if n == 0:
        return 0.0
    h = 0.0
    for c in counter.values():
        q = c / n
        h -= q * math.log2(q)
    return h


class Bin:
    def __init__(self):
        self.v = Counter()
        self.src, self.dst = Counter(), Counter()
        self.sport, self.dport = Counter(), Counter()
        self.size = Counter()
        self.flows = set()

    def add(self, p):
        self.v["packets"] += 1
        self.v["bytes"] += p.length
        self.size[p.length] += 1
        if p.src is not None:
            self.src[p.src] += 1
            self.dst[p.dst] += 1
        if p.sport is not None:
            self.sport[p.sport] += 1
            self.dport[p.dport] += 1
        self.flows.add(p.flow)
        if p.tcp_flags is not None:
            fl = p.tcp_flags
            if fl & 0x02:
                self.v["synack" if fl & 0x10 else "syn"] += 1
            if fl & 0x04:
                self.v["rst"] += 1
            if fl & 0x01:
                self.v["fin"] += 1
        self.v["icmp"] += p.icmp
        self.v["arp"] += p.arp
        self.v["rarp"] += p.rarp

    def values(self):
        d = {k: self.v[k] for k in ("packets", "bytes") + tuple(COUNTS)}
        d["flows"] = len(self.flows)
        d["h_srcip"] = entropy(self.src)
        d["h_dstip"] = entropy(self.dst)
        d["h_sport"] = entropy(self.sport)
        d["h_dport"] = entropy(self.dport)
        d["h_pktsize"] = entropy(self.size)
        return d


def empty_values():
    return Bin().values()


def bin_packets(packets):
    """Rows (segment, start_ns, values, n_late) per docs/features.md "Bins"."""
    rows = []
    seg = -1
    lo = hi = None
    wm = None
    open_bins = {}
    late = 0

    def emit_through(last):
        nonlocal lo
        while lo <= last:
            b = open_bins.pop(lo, None)
            rows.append((seg, lo * WIDTH, b.values() if b else empty_values()))
            lo += 1

    for p in packets:
        idx = p.ts // WIDTH
        if wm is None:
            seg, lo, hi, wm = 0, idx, idx, p.ts
        elif p.ts - wm > MAX_GAP or wm - p.ts > MAX_GAP:
            emit_through(hi)
            seg += 1
            lo = hi = idx
            wm = p.ts
        wm = max(wm, p.ts)
        hi = max(hi, idx)
        emit_through(min((wm - REORDER) // WIDTH - 1, hi))
        if idx < lo:
            late += 1
            idx = lo
        open_bins.setdefault(idx, Bin()).add(p)
    if wm is not None:
        emit_through(hi)
    return rows, late


def oracle(path):
    return bin_packets(decode(line) for line in run_tshark(path) if line)


def fmt_start(ns):
    return "%d.%09d" % (ns // NS, ns % NS)


def read_migad(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def compare(paper_csv, counts_csv, capture):
    rows, late = oracle(capture)
    want = {(seg, start): v for seg, start, v in rows}
    status = 0
    if late:
        print("INFO %d packets more than the reorder window late (counted in the oldest open bin)"
              % late)
    for csv_path, features in ((paper_csv, PAPER), (counts_csv, COUNTS)):
        got_rows = read_migad(csv_path)
        got = {}
        for r in got_rows:
            got[(int(r["segment"]), parse_ns(r["start"]))] = r
        # rows: same set of (segment, start); migad's extra rows must be empty bins
        row_problems = []
        for key in sorted(set(want) | set(got)):
            if key not in got:
                row_problems.append("bin %s (segment %d) with %d packets missing in migad"
                                    % (fmt_start(key[1]), key[0], want[key]["packets"]))
            elif key not in want:
                row_problems.append("bin %s (segment %d) only in migad" % (fmt_start(key[1]), key[0]))
        for feat in features:
            diffs = []
            for key in sorted(got):
                o = want.get(key, empty_values())[feat]
                m = got[key].get(feat)
                if m is None:
                    diffs.append("column %s missing in migad output" % feat)
                    break
                m = float(m)
                bad = abs(m - o) > TOLERANCE if feat in ENTROPIES else m != o
                if bad:
                    diffs.append("bin %s: migad %s, tshark %s" % (
                        fmt_start(key[1]), got[key][feat],
                        ("%.9g" % o) if feat in ENTROPIES else o))
            problems = row_problems + diffs
            if problems:
                status = 1
                print("RESULT %s fail %d of %d bins differ" % (feat, len(problems), len(got)))
                for d in problems[:8]:
                    print("    %s %s" % (feat, d))
                if len(problems) > 8:
                    print("    %s ... %d more" % (feat, len(problems) - 8))
            else:
                print("RESULT %s pass %d bins, %d packets" % (
                    feat, len(got), sum(v["packets"] for v in want.values())))
    return status


def main(argv):
    if len(argv) == 2 and not argv[1].startswith("-"):
        rows, late = oracle(argv[1])
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["segment", "start"] + PAPER + COUNTS)
        for seg, start, v in rows:
            w.writerow([seg, fmt_start(start)] + [
                ("%.9g" % v[k]) if k in ENTROPIES else v[k] for k in PAPER + COUNTS])
        if late:
            sys.stderr.write("oracle: %d late packets\n" % late)
        return 0
    if len(argv) == 5 and argv[1] == "--compare":
        return compare(argv[2], argv[3], argv[4])
    usage = __doc__[__doc__.index("Usage:"):]
    sys.stderr.write(usage[:usage.index("\n\n")] + "\n")
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, RuntimeError, ValueError, KeyError) as e:
        sys.stderr.write("oracle: %s\n" % e)
        sys.exit(2)
