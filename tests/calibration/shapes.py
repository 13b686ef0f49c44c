#!/usr/bin/python3
"""Per-packet shapes of a testbed run, measured the same way on the real
recordings (../shared/data/testbed-samples) and on the simulator's output,
so that one set of checks is validated against reality and then applied to
the simulation.  Reads captures through tshark; standard library only.

usage: shapes.py migration NODE_A.pcap[.gz] NODE_B.pcap[.gz] VM_MAC NODE_A_IP NODE_B_IP
       shapes.py scan|flood NODE_A.pcap[.gz] NODE_B.pcap[.gz] ATTACKER_IP  Prints one 'ok'/'FAIL' line per check and
exits 1 when a check fails.
"""
import subprocess
import sys


def frames(path):
    """(time, eth.src, eth.type, arp.opcode, ip.src, ip.dst, tcp.flags, tcp.port...)"""
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
           "-e", "frame.time_epoch", "-e", "eth.src", "-e", "eth.type",
           "-e", "arp.opcode", "-e", "ip.src", "-e", "ip.dst",
           "-e", "tcp.flags", "-e", "tcp.srcport", "-e", "tcp.dstport"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        f = line.split("\t")
        f += [""] * (9 - len(f))
        rows.append({"t": float(f[0]), "src": f[1], "type": f[2].split(",")[-1],
                     "op": f[3], "ipsrc": f[4].split(",")[0], "ipdst": f[5].split(",")[0],
                     "flags": int(f[6].split(",")[0], 16) if f[6] else None,
                     "sport": f[7].split(",")[0], "dport": f[8].split(",")[0]})
    return rows


failures = 0


def check(name, cond, detail):
    global failures
    print(("ok   " if cond else "FAIL ") + name + ": " + detail)
    if not cond:
        failures += 1


def migration(a, b, mac, ipa, ipb):
    # announcements: the bridge that sees the VM's RARPs last is the
    # destination; both see the broadcast ones
    for name, rows in (("node A", a), ("node B", b)):
        rarp = [r["t"] for r in rows if r["type"] == "0x8035" and r["src"] == mac]
        check(name + " RARP count", len(rarp) == 5, "%d RARPs from %s" % (len(rarp), mac))
        if len(rarp) == 5:
            gaps = [round((rarp[i + 1] - rarp[i]) * 1000) for i in range(4)]
            want = [50, 150, 250, 350]
            check(name + " RARP spacing", all(abs(g - w) <= 20 for g, w in zip(gaps, want)),
                  "gaps %s ms, QEMU's %s" % (gaps, want))
            garp = [r["t"] for r in rows if r["type"] == "0x0806" and r["src"] == mac and r["op"] == "1"]
            follow = sum(1 for t in rarp if any(0 < g - t < 0.06 for g in garp))
            check(name + " GARP after each RARP", follow == 5, "%d of 5 followed within 60 ms" % follow)
    # the memory stream: the TCP connection between the node hosts that
    # carries nearly all their bytes (libvirtd's own connection, when there
    # is one, carries little), seen whole on both bridges
    def stream(rows):
        hosts = [r for r in rows if {r["ipsrc"], r["ipdst"]} == {ipa, ipb} and r["flags"] is not None]
        conns = {}
        for r in hosts:
            conns.setdefault(frozenset((r["sport"], r["dport"])), []).append(r)
        if not conns:
            return [], 0, 0
        big = max(conns.values(), key=len)
        return big, len(big), len(hosts)
    sa, na, ha = stream(a)
    sb, nb, hb = stream(b)
    check("stream on both bridges", na > 1000 and abs(na - nb) <= 0.01 * na,
          "%d frames on A, %d on B" % (na, nb))
    check("stream carries the hosts' traffic", na >= 0.95 * ha,
          "%d of %d frames between the hosts" % (na, ha))
    if sa:
        # the stream ends (its last data segment) right before the
        # announcements start
        rarp_b = [r["t"] for r in b if r["type"] == "0x8035" and r["src"] == mac]
        if rarp_b:
            gap = rarp_b[0] - max(r["t"] for r in sa if int(r["flags"]) & 0x18)
            check("announce right after the stream", -0.05 < gap < 0.5, "%.3f s" % gap)


def per_second(rows, party=None):
    """Per-second counts; with `party`, only frames to or from that address
    (and every ARP frame)."""
    sec = {}
    for r in rows:
        if party and r["type"] != "0x0806" and party not in (r["ipsrc"], r["ipdst"]):
            continue
        s = int(r["t"])
        d = sec.setdefault(s, {"syn": 0, "synack": 0, "rst": 0, "arp": 0})
        f = r["flags"]
        if f is not None:
            if f & 0x02 and not f & 0x10:
                d["syn"] += 1
            elif f & 0x02:
                d["synack"] += 1
            if f & 0x04:
                d["rst"] += 1
        if r["type"] == "0x0806":
            d["arp"] += 1
    return sec


def scan(a, b, attacker):
    for name, rows in (("node A", a), ("node B", b)):
        sec = per_second(rows, attacker)
        burst = [s for s, d in sorted(sec.items()) if d["syn"] > 200]
        check(name + " SYN burst", bool(burst), "%d seconds with > 200 SYNs" % len(burst))
        if not burst:
            continue
        first = burst[0]
        sweep = sum(sec.get(s, {}).get("arp", 0) for s in range(first - 3, first + 1))
        check(name + " ARP sweep before the SYNs", sweep >= 200, "%d ARP frames in the 3 s before" % sweep)
        for s in burst[:3]:
            d = sec[s]
            # every probe answered: SYN-ACK from open ports (and the
            # attacker's RST to it), RST-ACK from closed ones
            check(name + " second %d: RSTs follow the probes" % (s - first),
                  abs(d["rst"] - d["syn"]) <= 0.03 * d["syn"] + 5,
                  "syn %d synack %d rst %d" % (d["syn"], d["synack"], d["rst"]))


def flood(a, b, attacker):
    rows = a + b
    sec = per_second(rows, attacker)
    hot = [d for s, d in sorted(sec.items()) if d["syn"] > 80]
    check("flood seconds", len(hot) >= 5, "%d seconds with > 80 SYNs" % len(hot))
    ok = [d for d in hot if abs(d["synack"] - d["syn"]) <= 0.05 * d["syn"] + 3
          and abs(d["rst"] - d["synack"]) <= 0.1 * d["synack"] + 8]
    check("each SYN answered, each SYN-ACK reset", len(ok) == len(hot),
          "%d of %d flood seconds with syn ~ synack ~ rst" % (len(ok), len(hot)))


def main():
    kind, pa, pb = sys.argv[1:4]
    a, b = frames(pa), frames(pb)
    if kind == "migration":
        migration(a, b, *sys.argv[4:7])
    elif kind == "scan":
        scan(a, b, sys.argv[4])
    elif kind == "flood":
        flood(a, b, sys.argv[4])
    else:
        sys.exit("unknown kind " + kind)
    sys.exit(1 if failures else 0)


main()
