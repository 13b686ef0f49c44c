#!/bin/sh
# Command-line tests of `migad sim`: outputs, regeneration from scenario.txt
# (same bytes), seeds, ground truth, the matrix, error messages; tshark's
# verdict on the captures when it is installed.
# Usage: test_cli_sim.sh MIGAD WORK_DIR
set -u
MIGAD=$1
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
. "$(dirname "$0")/cli_lib.sh"

short="--set duration=20 --set attack_start=10 --set migration_start=3 --set vm_ram_mib=64"
# shellcheck disable=SC2086
expect "single run" 0 "$MIGAD" sim -q --single -o "$WORK/r1" $short
for f in nodeA-virbr0.pcap nodeB-virbr0.pcap groundtruth.txt scenario.txt; do
    if [ -s "$WORK/r1/$f" ]; then ok "r1/$f written"; else fail "r1/$f missing"; fi
done
expect "regenerate from scenario.txt" 0 "$MIGAD" sim -q --single -s "$WORK/r1/scenario.txt" -o "$WORK/r2"
for f in nodeA-virbr0.pcap nodeB-virbr0.pcap groundtruth.txt; do
    if cmp -s "$WORK/r1/$f" "$WORK/r2/$f"; then ok "same bytes: $f"; else fail "regenerated $f differs"; fi
done
# shellcheck disable=SC2086
expect "other seed" 0 "$MIGAD" sim -q --single -o "$WORK/r3" $short --seed 99
if cmp -s "$WORK/r1/nodeA-virbr0.pcap" "$WORK/r3/nodeA-virbr0.pcap"; then
    fail "another seed gave the same capture"
else ok "another seed, other bytes"; fi
# ground truth: the attack from start_time + 10 s to the end (start_time
# 1767225600 by default), the migration of vm1 from 3 s
has "gt attack" "$WORK/r1/groundtruth.txt" "attack 1767225610.000000000 1767225620.000000000 type=netscan intensity=high"
has "gt migration" "$WORK/r1/groundtruth.txt" "migration 1767225603.000000000 "
has "gt migration vm" "$WORK/r1/groundtruth.txt" "vm=vm1 mac=52:54:00:0a:00:0b ip=10.10.0.11 from=nodeA to=nodeB"
# the canonical form of docs/groundtruth.md: its header, sorted by start
# (the migration at 3 s before the attack at 10 s)
head -1 "$WORK/r1/groundtruth.txt" >"$WORK/gt.head"
echo "# migad ground truth (docs/groundtruth.md): kind start end key=value..., times in seconds since 1970-01-01T00:00:00Z" >"$WORK/gt.want"
same "gt: canonical header" "$WORK/gt.head" "$WORK/gt.want"
kinds=$(awk 'NR > 1 { printf "%s ", $1 }' "$WORK/r1/groundtruth.txt")
if [ "$kinds" = "migration attack " ]; then ok "gt: sorted by start"; else fail "gt order: $kinds"; fi
# derived defaults: the attack in the second half, the migration half way
# through the normal period, until they are given; whole numbers as such
expect "--print, duration only" 0 "$MIGAD" sim --print --set duration=120
has "attack_start follows duration" "$WORK/out" "attack_start = 60"
has "migration_start follows attack_start" "$WORK/out" "migration_start = 30"
has "whole numbers" "$WORK/out" "duration = 120"
expect "--print, attack_start given first" 0 "$MIGAD" sim --print --set attack_start=100 --set duration=120
has "attack_start kept" "$WORK/out" "attack_start = 100"
has "migration_start from it" "$WORK/out" "migration_start = 50"
expect "--print, both given" 0 "$MIGAD" sim --print --set migration_start=7 --set duration=120
has "migration_start kept" "$WORK/out" "migration_start = 7"
expect "matrix with duration only" 0 "$MIGAD" sim -q -o "$WORK/m60" --set duration=20 --set vm_ram_mib=16
has "matrix: 8 runs" "$WORK/m60/runs.tsv" "dos-low-am"
# extract reads it: gt 1 from second 10, imi > 0 at second 3
expect "extract the run" 0 "$MIGAD" extract -q -f packets,rarp -l "$WORK/r1/groundtruth.txt" -r "$WORK/r1/nodeB-virbr0.pcap"
gt10=$(awk -F, '$4 == "1767225610.000000000" { print $7 }' "$WORK/out")
imi3=$(awk -F, '$4 == "1767225603.000000000" { print $8 }' "$WORK/out")
rarps=$(awk -F, 'NR > 1 { n += $6 } END { print n }' "$WORK/out")
if [ "$gt10" = "1" ]; then ok "gt=1 at the attack's start"; else fail "gt at 10 s: '$gt10'"; fi
if [ "$imi3" = "1" ]; then ok "imi=1 in the first migration second"; else fail "imi at 3 s: '$imi3'"; fi
if [ "$rarps" = "5" ]; then ok "five RARPs on node B"; else fail "RARPs on node B: '$rarps'"; fi
if command -v tshark >/dev/null 2>&1; then
    bad=$(tshark -r "$WORK/r1/nodeA-virbr0.pcap" -q -z expert 2>/dev/null | grep -cE "^ +[0-9]+ +(Malformed|Protocol) " || true)
    errs=$(tshark -r "$WORK/r1/nodeA-virbr0.pcap" -Y "_ws.malformed || _ws.expert.severity == error" 2>/dev/null | wc -l)
    if [ "$errs" -eq 0 ] && [ "$bad" -eq 0 ]; then ok "tshark: no malformed frame, no expert error"; else
        fail "tshark: $errs malformed/error frames"; fi
else
    echo "skip tshark checks: tshark not installed"
fi
# the matrix, very short
expect "matrix" 0 "$MIGAD" sim -q -o "$WORK/m" --set duration=8 --set attack_start=4 --set vm_ram_mib=8
n=$(find "$WORK/m" -name nodeA-virbr0.pcap | wc -l)
if [ "$n" -eq 8 ]; then ok "8 runs"; else fail "$n runs"; fi
lines=$(wc -l <"$WORK/m/runs.tsv")
if [ "$lines" -eq 9 ]; then ok "runs.tsv lists 8 runs"; else fail "runs.tsv has $lines lines"; fi
has "runs.tsv row" "$WORK/m/runs.tsv" "dos-low-am	dos	low	AM	dos-low-am/nodeA-virbr0.pcap"
has "am migration in the attack" "$WORK/m/dos-low-am/scenario.txt" "migration_start = 6"
if command -v tshark >/dev/null 2>&1; then
    bad=0
    for f in "$WORK"/m/*/node*-virbr0.pcap; do
        n=$(tshark -r "$f" -Y "_ws.malformed || _ws.expert.severity == error" 2>/dev/null | wc -l)
        [ "$n" -eq 0 ] || { bad=$((bad + 1)); echo "    $f: $n malformed/error frames"; }
    done
    if [ "$bad" -eq 0 ]; then ok "tshark: all 16 traces of the matrix clean"; else fail "tshark: $bad traces with errors"; fi
fi
# management traffic between the hosts, for the experiment's filter to remove
n=$(tshark -r "$WORK/r1/nodeA-virbr0.pcap" -Y "tcp.port == 16509" 2>/dev/null | wc -l)
if [ "$n" -ge 6 ]; then ok "libvirtd keepalives between the hosts ($n frames)"; else fail "libvirtd traffic: $n frames"; fi

# errors
expect "help" 0 "$MIGAD" sim --help
has "help text" "$WORK/out" "usage: migad sim"
expect "unknown key" 2 "$MIGAD" sim --single -o "$WORK/x" --set nonsense=1
has "unknown key msg" "$WORK/err" "unknown scenario key 'nonsense'"
expect "bad value" 2 "$MIGAD" sim --single -o "$WORK/x" --set duration=abc
has "bad value msg" "$WORK/err" "invalid value for 'duration': 'abc'"
expect "out of range" 2 "$MIGAD" sim --single -o "$WORK/x" --set vms_node_a=0
has "range msg" "$WORK/err" "out of range"
printf 'duration = 60\nattack = worm\n' >"$WORK/bad.scn"
expect "bad scenario file" 2 "$MIGAD" sim --single -o "$WORK/x" -s "$WORK/bad.scn"
has "bad file msg" "$WORK/err" "bad.scn:2: invalid value for 'attack': 'worm'"
expect "missing scenario" 2 "$MIGAD" sim -s "$WORK/nope.scn"
has "missing msg" "$WORK/err" "cannot open $WORK/nope.scn"
expect "migrating VM not on A" 2 "$MIGAD" sim --single -o "$WORK/x" --set migrating_vm=4
has "not on A msg" "$WORK/err" "is not on node A"
expect "print" 0 "$MIGAD" sim --print --set duration=42
has "print duration" "$WORK/out" "duration = 42"

finish
