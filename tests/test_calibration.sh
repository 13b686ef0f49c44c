#!/bin/sh
# The simulator against the real testbed: the same per-packet shape checks
# (tests/calibration/shapes.py) run on the real recordings in
# ../shared/data/testbed-samples (when present: this validates the checks
# against reality) and on simulated runs configured like them: QEMU's RARP
# announcements and their spacing, the guest's gratuitous ARPs, the
# migration stream on both bridges, nmap's ARP sweep then SYN/RST bursts,
# hping3's SYN / SYN-ACK / RST mix.
# Usage: test_calibration.sh MIGAD SOURCE_DIR WORK_DIR
set -u
MIGAD=$1
SRC=$2
WORK=$3
SHAPES="$SRC/tests/calibration/shapes.py"
if ! command -v tshark >/dev/null 2>&1 || [ ! -x /usr/bin/python3 ]; then
    echo "SKIP: needs tshark and /usr/bin/python3"
    echo "0 passed, 0 failed"
    exit 77
fi
rm -rf "$WORK"
mkdir -p "$WORK"
passes=0
fails=0
run() { # run NAME ARGS...: one shapes.py invocation = one test
    name=$1
    shift
    if /usr/bin/python3 "$SHAPES" "$@" >"$WORK/log" 2>&1; then
        passes=$((passes + 1))
        echo "ok   $name ($(grep -c '^ok' "$WORK/log") checks)"
    else
        fails=$((fails + 1))
        echo "FAIL $name"
        sed 's/^/    /' "$WORK/log"
    fi
}
MAC=52:54:00:0a:00:0b
REAL="$SRC/../shared/data/testbed-samples"
if [ -d "$REAL/nmap" ] && [ -d "$REAL/hping3" ]; then
    run "real nmap run: migration" migration "$REAL/nmap/nodeA-virbr0.pcap.gz" "$REAL/nmap/nodeB-virbr0.pcap.gz" $MAC 10.10.0.1 10.10.0.2
    run "real hping3 run: migration" migration "$REAL/hping3/nodeA-virbr0.pcap.gz" "$REAL/hping3/nodeB-virbr0.pcap.gz" $MAC 10.10.0.1 10.10.0.2
    run "real nmap run: scan" scan "$REAL/nmap/nodeA-virbr0.pcap.gz" "$REAL/nmap/nodeB-virbr0.pcap.gz" 10.10.0.200
    run "real hping3 run: flood" flood "$REAL/hping3/nodeA-virbr0.pcap.gz" "$REAL/hping3/nodeB-virbr0.pcap.gz" 10.10.0.200
else
    echo "skip the real recordings: $REAL not found"
fi
# simulated runs shaped like the recordings: 128 MB guest, unthrottled
# migration (~134 MiB/s), nmap at about the rate -T3 reaches on a LAN,
# hping3 at 100 SYN/s
"$MIGAD" sim -q --single -o "$WORK/scan" --set duration=60 --set attack_start=20 \
    --set scan_rate_high=5000 --set migration_start=40 --set vm_ram_mib=128 \
    --set bandwidth_mib_s=134 --set zero_page_fraction=0.45 || fails=$((fails + 1))
"$MIGAD" sim -q --single -o "$WORK/flood" --set duration=40 --set attack=dos \
    --set intensity=low --set attack_start=10 --set migration_start=30 --set vm_ram_mib=64 \
    --set bandwidth_mib_s=10 || fails=$((fails + 1))
run "simulated: migration" migration "$WORK/scan/nodeA-virbr0.pcap" "$WORK/scan/nodeB-virbr0.pcap" $MAC 10.10.0.1 10.10.0.2
run "simulated: throttled migration" migration "$WORK/flood/nodeA-virbr0.pcap" "$WORK/flood/nodeB-virbr0.pcap" $MAC 10.10.0.1 10.10.0.2
run "simulated: scan" scan "$WORK/scan/nodeA-virbr0.pcap" "$WORK/scan/nodeB-virbr0.pcap" 10.10.0.200
run "simulated: flood" flood "$WORK/flood/nodeA-virbr0.pcap" "$WORK/flood/nodeB-virbr0.pcap" 10.10.0.200
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
