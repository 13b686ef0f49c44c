#!/bin/sh
# Command-line and golden tests of `migad extract`: exit codes, messages,
# input forms (gzip, stdin, several files), filters and the expected CSVs
# in tests/golden/ (worked out by hand from tests/gen_fixtures.c).
# Usage: test_cli.sh MIGAD GEN_FIXTURES SOURCE_DIR WORK_DIR
set -u
MIGAD=$1
GEN=$2
SRC=$3
WORK=$4
rm -rf "$WORK"
mkdir -p "$WORK"
. "$(dirname "$0")/cli_lib.sh"
"$GEN" "$WORK" || { echo "cannot generate fixtures"; exit 1; }
G=$SRC/tests/golden



B=$WORK/basic.pcap

# golden: default (paper) features
expect "basic" 0 "$MIGAD" extract -q -r "$B"
same "basic.csv" "$WORK/out" "$G/basic.csv"
expect "labelled" 0 "$MIGAD" extract -q -r "$B" -l "$G/basic.gt"
same "basic-labelled.csv" "$WORK/out" "$G/basic-labelled.csv"
# --node: the attack seen on node B's bridge only (nodes=nodeB) is labelled
# for node B as before, and is no attack for node A (gt 0, imi unchanged)
sed 's/source=10.0.0.1$/source=10.0.0.1 nodes=nodeB/' "$G/basic.gt" >"$WORK/nodes.gt"
expect "--node nodeB" 0 "$MIGAD" extract -q -r "$B" -l "$WORK/nodes.gt" --node nodeB
same "--node nodeB: labelled as without nodes=" "$WORK/out" "$G/basic-labelled.csv"
expect "--node nodeA" 0 "$MIGAD" extract -q -r "$B" -l "$WORK/nodes.gt" --node nodeA
awk -F, 'BEGIN { OFS = "," } NR > 1 { $(NF - 1) = 0 } { print }' "$G/basic-labelled.csv" >"$WORK/want-a.csv"
same "--node nodeA: no attack bin" "$WORK/out" "$WORK/want-a.csv"
expect "--node without -l" 2 "$MIGAD" extract -q -r "$B" --node nodeA
has "--node without -l: message" "$WORK/err" "give -l FILE"
expect "--node with a comma" 2 "$MIGAD" extract -q -r "$B" -l "$WORK/nodes.gt" --node a,b
cols=syn,synack,rst,fin,icmp,arp,rarp,n_srcip,n_dstip,n_sport,n_dport,new_flows,retrans
cols=$cols,pkts_wellknown,bytes_wellknown,pkts_registered,bytes_registered,pkts_dynamic
cols=$cols,bytes_dynamic,pkts_noport,bytes_noport
expect "extended" 0 "$MIGAD" extract -q -r "$B" -f "$cols"
same "basic-extended.csv" "$WORK/out" "$G/basic-extended.csv"

# the same capture gzip-compressed, from stdin, and both: same rows
gzip -c "$B" >"$WORK/basic.pcap.gz"
expect "gzip" 0 "$MIGAD" extract -q -r "$WORK/basic.pcap.gz"
same "gzip = plain" "$WORK/out" "$G/basic.csv"
sed 's/^basic,/stdin,/' "$G/basic.csv" >"$WORK/want-stdin"
expect "stdin" 0 sh -c "\"$MIGAD\" extract -q -r - <\"$B\""
same "stdin = plain" "$WORK/out" "$WORK/want-stdin"
expect "stdin gzip" 0 sh -c "\"$MIGAD\" extract -q -r - <\"$WORK/basic.pcap.gz\""
same "stdin gzip = plain" "$WORK/out" "$WORK/want-stdin"
# a named pipe (it cannot be peeked at and rewound), plain and compressed
mkfifo "$WORK/pipe" || fail "mkfifo"
sed 's/^basic,/pipe,/' "$G/basic.csv" >"$WORK/want-pipe"
cat "$B" >"$WORK/pipe" &
expect "named pipe" 0 "$MIGAD" extract -q -r "$WORK/pipe"
wait
same "named pipe = plain" "$WORK/out" "$WORK/want-pipe"
cat "$WORK/basic.pcap.gz" >"$WORK/pipe" &
expect "named pipe gzip" 0 "$MIGAD" extract -q -r "$WORK/pipe"
wait
same "named pipe gzip = plain" "$WORK/out" "$WORK/want-pipe"
cp "$B" "$WORK/lying-name.pcapng.gz"
expect "format from magic, not name" 0 "$MIGAD" extract -q -r "$WORK/lying-name.pcapng.gz" --name basic
same "lying name = plain" "$WORK/out" "$G/basic.csv"

# -o, -c, filters
expect "-o file" 0 "$MIGAD" extract -q -r "$B" -o "$WORK/o.csv"
same "-o content" "$WORK/o.csv" "$G/basic.csv"
expect "-c 2" 0 "$MIGAD" extract -q -c 2 -r "$B" -f packets,bytes
printf 'trace,segment,bin,start,packets,bytes\nbasic,0,0,1700000000.000000000,2,120\n' >"$WORK/want"
same "-c 2 rows" "$WORK/out" "$WORK/want"
expect "filter tcp" 0 "$MIGAD" extract -q -r "$B" -f packets tcp
printf 'trace,segment,bin,start,packets\nbasic,0,0,1700000000.000000000,3\n' >"$WORK/want"
same "filter tcp rows" "$WORK/out" "$WORK/want"
expect "filter words" 0 "$MIGAD" extract -q -r "$B" -f packets not tcp and not udp
# bins count from the first packet kept by the filter
printf 'trace,segment,bin,start,packets\nbasic,0,0,1700000003.000000000,2\nbasic,0,1,1700000004.000000000,1\n' >"$WORK/want"
same "filter words rows" "$WORK/out" "$WORK/want"
printf '# only the RARP announcements\nrarp\n' >"$WORK/filter"
expect "-F file" 0 "$MIGAD" extract -q -r "$B" -f packets,rarp -F "$WORK/filter"
printf 'trace,segment,bin,start,packets,rarp\nbasic,0,0,1700000003.000000000,1,1\n' >"$WORK/want"
same "-F rows" "$WORK/out" "$WORK/want"

# nanosecond boundaries, late packets, several files, merge
expect "nano" 0 "$MIGAD" extract -q -r "$WORK/nano.pcap" -f packets
printf 'trace,segment,bin,start,packets\nnano,0,0,1700000000.000000000,1\nnano,0,1,1700000001.000000000,2\n' >"$WORK/want"
same "nano boundaries" "$WORK/out" "$WORK/want"
expect "late" 0 "$MIGAD" extract -q -r "$WORK/late.pcap" -f packets
printf 'trace,segment,bin,start,packets\nlate,0,0,1700000000.000000000,1\nlate,0,1,1700000001.000000000,1\nlate,0,2,1700000002.000000000,1\n' >"$WORK/want"
same "late packet in its bin" "$WORK/out" "$WORK/want"
expect "late, small window" 0 "$MIGAD" extract -r "$WORK/late.pcap" -f packets --reorder 100ms
has "late warning" "$WORK/err" "1 packets were more than the reorder window"
expect "two files" 0 "$MIGAD" extract -q -r "$WORK/nano.pcap" -r "$WORK/other.pcap" -f packets
printf 'trace,segment,bin,start,packets\nnano,0,0,1700000000.000000000,1\nnano,0,1,1700000001.000000000,2\nother,0,0,1700000000.000000000,1\n' >"$WORK/want"
same "two traces" "$WORK/out" "$WORK/want"
expect "merge" 0 "$MIGAD" extract -q --merge --name both -r "$B" -r "$WORK/other.pcap" -f packets,bytes
printf 'trace,segment,bin,start,packets,bytes\nboth,0,0,1700000000.000000000,4,322\n' >"$WORK/want"
head -2 "$WORK/out" >"$WORK/got"
same "merge first bin" "$WORK/got" "$WORK/want"

# other options
expect "1 ms bins" 0 "$MIGAD" extract -q -r "$WORK/nano.pcap" -t 1ms -f packets
has "1 ms rows" "$WORK/out" "nano,0,1,1700000001.000000000,2"
expect "jsonl" 0 "$MIGAD" extract -q -r "$B" -f packets,h_srcip --format jsonl -l "$G/basic.gt"
has "jsonl row" "$WORK/out" '{"trace":"basic","segment":0,"bin":3,"start":1700000003.000000000,"packets":2,"h_srcip":1,"gt":1,"imi":0.5}'
expect "summary" 0 "$MIGAD" extract -r "$B"
has "summary text" "$WORK/err" "basic: 7 packets, 5 bins, 1 segment"
expect "list features" 0 "$MIGAD" extract --list-features
has "list has rarp" "$WORK/out" "rarp"
expect "help" 0 "$MIGAD" extract --help
has "help usage" "$WORK/out" "usage: migad extract"
expect "top help" 0 "$MIGAD" --help
expect "version" 0 "$MIGAD" --version
has "version text" "$WORK/out" "migad "

# errors: exit 2 for usage, 1 for runtime, and a message naming the culprit
expect "no command" 2 "$MIGAD"
expect "unknown command" 2 "$MIGAD" frobnicate
has "unknown command msg" "$WORK/err" "'frobnicate' is not a migad command"
expect "no input" 2 "$MIGAD" extract
expect "bad option" 2 "$MIGAD" extract --bogus -r "$B"
expect "bad width" 2 "$MIGAD" extract -r "$B" -t 1parsec
has "bad width msg" "$WORK/err" "invalid bin width '1parsec'"
expect "width too small" 2 "$MIGAD" extract -r "$B" -t 100us
has "width msg" "$WORK/err" "at least 1 ms"
expect "bad features" 2 "$MIGAD" extract -r "$B" -f paper,nonsense
has "bad features msg" "$WORK/err" "'nonsense'"
expect "bad filter" 2 "$MIGAD" extract -r "$B" 'tcp port banana'
has "bad filter msg" "$WORK/err" "tcp port banana"
expect "missing file" 1 "$MIGAD" extract -r "$WORK/nope.pcap"
has "missing file msg" "$WORK/err" "cannot open $WORK/nope.pcap: No such file or directory"
expect "a directory" 1 "$MIGAD" extract -r "$WORK"
has "directory msg" "$WORK/err" "cannot open $WORK: Is a directory"
echo "hello, this is not a capture" >"$WORK/text.pcap"
expect "not a capture" 1 "$MIGAD" extract -r "$WORK/text.pcap"
has "not a capture msg" "$WORK/err" "text.pcap: not a capture file"
: >"$WORK/empty.pcap"
expect "empty file" 1 "$MIGAD" extract -r "$WORK/empty.pcap"
has "empty file msg" "$WORK/err" "empty.pcap: not a capture file: the file is empty"
head -c 250 "$B" >"$WORK/cut.pcap"
expect "truncated" 1 "$MIGAD" extract -r "$WORK/cut.pcap" -f packets
has "truncated msg" "$WORK/err" "cut.pcap: truncated"
has "truncated rows kept" "$WORK/out" "cut,0,0,1700000000.000000000,"
printf 'attack 1700000001 1700000000\n' >"$WORK/bad.gt"
expect "bad labels" 1 "$MIGAD" extract -r "$B" -l "$WORK/bad.gt"
has "bad labels msg" "$WORK/err" "bad.gt:1:"
expect "stdin twice" 2 "$MIGAD" extract -r - -r -
expect "live bad iface" 1 "$MIGAD" extract -i no-such-iface0 --duration 1s
has "live msg names iface" "$WORK/err" "no-such-iface0"
if [ -w /dev/full ]; then
    expect "write error" 1 sh -c "\"$MIGAD\" extract -q -r \"$B\" >/dev/full"
    has "write error msg" "$WORK/err" "write error"
fi

# live capture on loopback (root only): five UDP datagrams to a port of our own
if [ "$(id -u)" -eq 0 ] && command -v bash >/dev/null 2>&1; then
    port=$((40000 + $$ % 20000))
    "$MIGAD" extract -i lo --duration 3s -f packets,bytes "udp port $port" \
        >"$WORK/live.csv" 2>"$WORK/live.err" &
    pid=$!
    sleep 1
    for i in 1 2 3 4 5; do bash -c "printf hello >/dev/udp/127.0.0.1/$port"; done
    wait $pid
    rc=$?
    if [ $rc -eq 0 ]; then ok "live capture on lo (exit 0)"; else fail "live capture: exit $rc"; cat "$WORK/live.err"; fi
    # each datagram: 14 (Ethernet) + 20 (IPv4) + 8 (UDP) + 5 = 47 bytes
    got=$(awk -F, 'NR > 1 { p += $5; b += $6 } END { print p "," b }' "$WORK/live.csv")
    if [ "$got" = "5,235" ]; then ok "live packets and bytes"; else fail "live: got $got, want 5,235"; fi
    rows=$(awk 'END { print NR - 1 }' "$WORK/live.csv")
    if [ "$rows" -ge 2 ]; then ok "live quiet seconds written"; else fail "live: $rows rows"; fi
else
    echo "skip live capture: needs root"
fi

finish
