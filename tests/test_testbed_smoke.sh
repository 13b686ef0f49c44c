#!/bin/sh
# Smoke test of the real testbed (testbed/migad-testbed, docs/testbed.md):
# one short run (ns-low-nm: a live migration of vm1 from node A to node B at
# +15 s, a low-rate nmap scan from +30 s to the end), then checks made on
# the packets of the two bridge captures against the run's ground truth:
#   * QEMU's RARP announcements for vm1's MAC on the destination bridge,
#     inside the labelled migration interval, followed by the guest's
#     gratuitous ARP;
#   * vm1's traffic moving bridges: unicast frames from its MAC on node A
#     before the migration and none after it, on node B the other way round;
#   * the scan's probes (ARP sweep, then SYNs) at the labelled times only;
#   * migad extract reads the run (gt and imi columns set), the run index is
#     the one migad sim writes, and nothing of the testbed is left behind.
# About 2 minutes (the guest image is built once and cached in build/).
#
# Usage: test_testbed_smoke.sh MIGAD SOURCE_DIR WORK_DIR
# Skips (exit 77) unless this machine can run the testbed: root, network
# namespaces, QEMU and the tools (scripts/deps.sh testbed), or when
# MIGAD_SKIP_TESTBED is set.
set -u
MIGAD=$1
SRC=$2
WORK=$3
TB=$SRC/testbed/migad-testbed

skip() {
    echo "SKIP: $1"
    echo "0 passed, 0 failed"
    exit 77
}
[ -z "${MIGAD_SKIP_TESTBED:-}" ] || skip "MIGAD_SKIP_TESTBED is set"
[ "$(id -u)" -eq 0 ] || skip "the testbed needs root (network namespaces, taps, raw sockets)"
if ! why=$("$TB" --check 2>&1); then
    skip "this machine cannot run the testbed: $why"
fi

rm -rf "$WORK"
mkdir -p "$WORK"
# shellcheck source=tests/cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"

OUT=$WORK/out
RUN=$OUT/ns-low-nm
VM1_MAC=52:54:00:0a:00:0b
ATTACKER_MAC=02:00:0a:0a:00:c8

"$TB" -o "$OUT" --runs ns-low-nm --duration 75 --attack-start 30 --mem 128 >"$WORK/tb.log" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "another migad-testbed is running" "$WORK/tb.log"; then
    skip "another testbed run holds the lock"
fi
if [ $rc -eq 0 ]; then ok "migad-testbed ran (exit 0)"; else
    fail "migad-testbed exit $rc"
    tail -20 "$WORK/tb.log" | sed 's/^/    /'
    finish
    exit 1
fi
tail -12 "$WORK/tb.log" | sed 's/^/    /'

# nothing left behind
if ip netns list | grep -q '^migadtb-'; then fail "namespaces left: $(ip netns list | grep '^migadtb-' | tr '\n' ' ')"; else ok "no namespace left"; fi

# the layout of migad sim
printf 'run\tattack\tintensity\toverlap\tmdout\tmdin\tgroundtruth\tmdout_node\tmdin_node\n' >"$WORK/hdr"
head -1 "$OUT/runs.tsv" >"$WORK/hdr.got"
same "runs.tsv header as migad sim's" "$WORK/hdr.got" "$WORK/hdr"
has "runs.tsv row" "$OUT/runs.tsv" "$(printf 'ns-low-nm\tnetscan\tlow\tNM\tns-low-nm/nodeA-virbr0.pcap\tns-low-nm/nodeB-virbr0.pcap\tns-low-nm/groundtruth.txt\tnodeA\tnodeB')"
for f in nodeA-virbr0.pcap nodeB-virbr0.pcap groundtruth.txt scenario.txt migration.json events.tsv attack.tsv logs/nmap-low.log; do
    if [ -s "$RUN/$f" ]; then ok "$f written"; else fail "$f missing or empty"; fi
done
if "$MIGAD" sim --print -s "$RUN/scenario.txt" >/dev/null 2>"$WORK/err"; then ok "scenario.txt is a valid migad scenario"; else
    fail "scenario.txt rejected by migad sim: $(head -1 "$WORK/err")"
fi

# the labelled intervals
a0=$(awk '$1 == "attack" { print $2 }' "$RUN/groundtruth.txt")
a1=$(awk '$1 == "attack" { print $3 }' "$RUN/groundtruth.txt")
m0=$(awk '$1 == "migration" { print $2 }' "$RUN/groundtruth.txt")
m1=$(awk '$1 == "migration" { print $3 }' "$RUN/groundtruth.txt")
if [ -n "$a0" ] && [ -n "$m0" ]; then ok "ground truth: attack $a0-$a1, migration $m0-$m1"; else
    fail "ground truth lacks an interval: $(cat "$RUN/groundtruth.txt")"
    finish
    exit 1
fi
st=$(jq -r '.status' "$RUN/migration.json")
dt=$(jq -r '.query_migrate.downtime // 0' "$RUN/migration.json")
if [ "$st" = completed ] && [ "$dt" -gt 0 ]; then ok "QEMU: migration completed, downtime $dt ms"; else
    fail "QEMU: migration status $st, downtime $dt"
fi

# times of the packets matching FILTER in a capture, one per line
pkt_times() { tcpdump -tt -nn -r "$RUN/$1-virbr0.pcap" "$2" 2>/dev/null | awk '{ print $1 }'; }
# count_in FILE LO HI: lines of FILE (times) within [LO, HI]
count_in() { awk -v lo="$2" -v hi="$3" '$1 >= lo && $1 <= hi { n++ } END { print n + 0 }' "$1"; }

# RARP announcements of vm1 on the destination bridge, in the migration
# interval: it ends at the destination's RESUME event plus QEMU's
# announcement schedule, and the frames leave a fraction of a millisecond
# after the timer fires, hence 10 ms of slack
m1s=$(awk -v t="$m1" 'BEGIN { printf "%.6f", t + 0.01 }')
pkt_times nodeB "rarp and ether src $VM1_MAC" >"$WORK/rarp"
n=$(wc -l <"$WORK/rarp")
nin=$(count_in "$WORK/rarp" "$m0" "$m1s")
if [ "$n" -eq 5 ] && [ "$nin" -eq "$n" ]; then ok "node B: QEMU's 5 RARP from vm1, all in the migration interval"; else
    fail "node B: $n RARP from vm1 (want 5), $nin of them in [$m0, $m1 + 0.01]"
fi
# the guest's gratuitous ARP (sender address = target address = vm1's) after switchover
pkt_times nodeB "arp and ether src $VM1_MAC and arp[14:4] = arp[24:4]" >"$WORK/garp"
ngarp=$(count_in "$WORK/garp" "$m0" "$(awk -v t="$m1" 'BEGIN { printf "%.6f", t + 1 }')")
if [ "$ngarp" -ge 1 ]; then ok "node B: $ngarp gratuitous ARP from vm1 after switchover"; else fail "node B: no gratuitous ARP from vm1"; fi

# vm1's traffic moves from node A's bridge to node B's
for node in nodeA nodeB; do
    pkt_times $node "ether src $VM1_MAC and not ether broadcast" >"$WORK/uni-$node"
done
a_before=$(count_in "$WORK/uni-nodeA" 0 "$m0")
a_after=$(count_in "$WORK/uni-nodeA" "$m1" 9999999999)
b_before=$(count_in "$WORK/uni-nodeB" 0 "$m0")
b_after=$(count_in "$WORK/uni-nodeB" "$m1" 9999999999)
if [ "$a_before" -gt 0 ] && [ "$a_after" -eq 0 ]; then ok "node A: $a_before unicast frames from vm1 before, none after"; else
    fail "node A: $a_before unicast frames from vm1 before the migration, $a_after after"
fi
if [ "$b_before" -eq 0 ] && [ "$b_after" -gt 0 ]; then ok "node B: none before, $b_after unicast frames from vm1 after"; else
    fail "node B: $b_before unicast frames from vm1 before the migration, $b_after after"
fi

# the scan: the attacker's frames only at the labelled times, sweep and SYNs
hi=$(awk -v t="$a1" 'BEGIN { printf "%.6f", t + 0.5 }')
for node in nodeA nodeB; do
    pkt_times $node "ether src $ATTACKER_MAC" >"$WORK/att-$node"
    pkt_times $node "ether src $ATTACKER_MAC and tcp[tcpflags] == tcp-syn" >"$WORK/syn-$node"
done
cat "$WORK/att-nodeA" "$WORK/att-nodeB" >"$WORK/att"
natt=$(wc -l <"$WORK/att")
nin=$(count_in "$WORK/att" "$a0" "$hi")
if [ "$natt" -gt 100 ] && [ "$nin" -eq "$natt" ]; then ok "scan: $natt frames from the attacker, all in the attack interval"; else
    fail "scan: $natt frames from the attacker, $nin of them in [$a0, $hi]"
fi
nsyn=$(cat "$WORK/syn-nodeA" "$WORK/syn-nodeB" | wc -l)
if [ "$nsyn" -gt 0 ]; then ok "scan: $nsyn SYN probes on the bridges"; else fail "scan: no SYN probe on the bridges"; fi

# migad reads it: labelled features of both bridges
if "$MIGAD" extract -q -l "$RUN/groundtruth.txt" -o "$WORK/features.csv" \
    -r "$RUN/nodeA-virbr0.pcap" -r "$RUN/nodeB-virbr0.pcap" 2>"$WORK/err"; then
    ok "migad extract reads the run"
else
    fail "migad extract: $(head -1 "$WORK/err")"
fi
gt_rows=$(awk -F, 'NR > 1 && $(NF - 1) == 1' "$WORK/features.csv" | wc -l)
imi_rows=$(awk -F, 'NR > 1 && $NF > 0' "$WORK/features.csv" | wc -l)
if [ "$gt_rows" -gt 0 ] && [ "$imi_rows" -gt 0 ]; then ok "features: $gt_rows attack bins, $imi_rows migration bins"; else
    fail "features: $gt_rows attack bins, $imi_rows migration bins"
fi
finish
