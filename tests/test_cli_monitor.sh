#!/bin/sh
# Command-line tests of `migad monitor`: a simulated run replayed (-r) and
# scored by two models gives, bin for bin, the scores and alarms of
# `migad extract` + `migad score` on the same captures (the same bits);
# alarms only by default, every bin with --all; JSON lines that python's
# json reads, CSV with a header; the RARP frames of each bin against
# tcpdump's own count on the capture, the migration mark over the window
# after them; ground-truth labels; --alarm-exit; errors (no model, a
# damaged model, a model of features migad does not compute, bad options).
# As root: live on loopback with UDP sent there, records as they happen,
# SIGTERM ending it cleanly.
# Usage: test_cli_monitor.sh MIGAD WORK_DIR
set -u
MIGAD=$1
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
. "$(dirname "$0")/cli_lib.sh"

FILTER='not (host 10.10.0.1 and host 10.10.0.2)'
RUN=$WORK/run
expect "sim a 90 s run" 0 "$MIGAD" sim --single --set duration=90 --set attack_start=60 \
    --set migration_start=20 -o "$RUN"
A=$RUN/nodeA-virbr0.pcap
B=$RUN/nodeB-virbr0.pcap
GT=$RUN/groundtruth.txt
expect "extract" 0 "$MIGAD" extract -q -r "$A" -r "$B" -l "$GT" -o "$WORK/f.csv" "$FILTER"
expect "train pca" 0 "$MIGAD" train -q -d pca -i "$WORK/f.csv" -o "$WORK/pca.model"
expect "train kmeans" 0 "$MIGAD" train -q -d kmeans --k 2 -i "$WORK/f.csv" \
    -o "$WORK/km.model"

# ---- help and errors ----------------------------------------------------------
expect "--help" 0 "$MIGAD" monitor --help
has "--help: models" "$WORK/out" "-m, --model FILE"
has "--help: input" "$WORK/out" "-i IFACE"
has "--help: migration" "$WORK/out" "--migration-window DUR"
has "--help: exit 3" "$WORK/out" "3 with --alarm-exit"
expect "no model" 2 "$MIGAD" monitor -r "$A"
has "no model: message" "$WORK/err" "no model: give -m MODEL"
expect "no input" 2 "$MIGAD" monitor -m "$WORK/pca.model"
has "no input: message" "$WORK/err" "no input: give -r FILE or -i IFACE"
expect "missing model" 1 "$MIGAD" monitor -m "$WORK/none.model" -r "$A"
has "missing model: names the file" "$WORK/err" "none.model"
head -c 200 "$WORK/pca.model" >"$WORK/cut.model"
expect "damaged model" 1 "$MIGAD" monitor -m "$WORK/cut.model" -r "$A"
has "damaged model: names the file" "$WORK/err" "cut.model"
printf 'foo,packets,gt\n1,10,0\n2,12,0\n3,11,0\n4,13,0\n' >"$WORK/foo.csv"
expect "train on a column that is not a feature" 0 "$MIGAD" train -q -d pca --features foo,packets \
    -i "$WORK/foo.csv" -o "$WORK/foo.model"
expect "model of other features" 2 "$MIGAD" monitor -m "$WORK/foo.model" -r "$A"
has "model of other features: message" "$WORK/err" "foo.model: the model's feature 'foo' is not one of migad extract's"
expect "bad --format" 2 "$MIGAD" monitor -m "$WORK/pca.model" --format xml -r "$A"
has "bad --format: message" "$WORK/err" "invalid --format 'xml' (jsonl or csv)"
expect "bad --migration-window" 2 "$MIGAD" monitor -m "$WORK/pca.model" --migration-window x -r "$A"
expect "-r and -i" 2 "$MIGAD" monitor -m "$WORK/pca.model" -r "$A" -i lo
expect "bad filter" 2 "$MIGAD" monitor -m "$WORK/pca.model" -r "$A" "not ((("
has "bad filter: message" "$WORK/err" "bad filter expression"
expect "--node without -l" 2 "$MIGAD" monitor -m "$WORK/pca.model" --node nodeA -r "$A"

# ---- replay: the scores of extract + score, bin for bin -------------------------
expect "monitor --all csv" 0 "$MIGAD" monitor -m "$WORK/pca.model" -m "$WORK/km.model" --all \
    --format csv -o "$WORK/all.csv" -r "$A" -r "$B" "$FILTER"
has "summary: pca" "$WORK/err" "pca.model (pca): 180 bins scored"
has "header" "$WORK/all.csv" "trace,segment,bin,start,model,detector,score,threshold,alarm,rarp,migration"
for m in pca km; do
    expect "score $m" 0 "$MIGAD" score -q -m "$WORK/$m.model" -i "$WORK/f.csv" -o "$WORK/s-$m.csv"
    awk -F, 'NR > 1 { print $1 "," $2 "," $3 "," $4 "," $5 "," $6 }' "$WORK/s-$m.csv" >"$WORK/want-$m"
    awk -F, -v m="$WORK/$m.model" 'NR > 1 && $5 == m { print $1 "," $2 "," $3 "," $4 "," $7 "," $9 }' \
        "$WORK/all.csv" >"$WORK/got-$m"
    n=$(wc -l <"$WORK/got-$m")
    if [ "$n" -eq 180 ]; then ok "$m: 180 bins"; else fail "$m: $n bins, want 180"; fi
    same "$m: scores and alarms as extract + score" "$WORK/got-$m" "$WORK/want-$m"
done

# alarms only (the default), as JSON lines: the alarm rows of --all
expect "monitor jsonl" 0 "$MIGAD" monitor -q -m "$WORK/pca.model" -m "$WORK/km.model" \
    -o "$WORK/alarms.jsonl" -r "$A" -r "$B" "$FILTER"
awk -F, 'NR > 1 && $9 == 1 { print $1 "," $3 "," $6 "," $7 }' "$WORK/all.csv" >"$WORK/want-alarms"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$WORK/alarms.jsonl" >"$WORK/got-alarms" 2>"$WORK/py.err" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert r["alarm"] is True and isinstance(r["migration"], bool) and isinstance(r["rarp"], int)
    print("%s,%d,%s,%s" % (r["trace"], r["bin"], r["detector"], repr(r["score"])))
EOF
    if [ -s "$WORK/py.err" ]; then fail "jsonl: python: $(head -c 300 "$WORK/py.err")"; else ok "jsonl: every line is JSON"; fi
    # the CSV's %.17g and python's repr both round-trip the double
    python3 -c '
import sys
for l in open(sys.argv[1]):
    t, b, d, s = l.strip().split(",")
    print("%s,%s,%s,%s" % (t, b, d, repr(float(s))))' "$WORK/want-alarms" >"$WORK/want-alarms.py"
    same "jsonl: the alarms of --all" "$WORK/got-alarms" "$WORK/want-alarms.py"
    na=$(wc -l <"$WORK/got-alarms")
    if [ "$na" -gt 0 ]; then ok "there are alarms ($na)"; else fail "no alarm at all"; fi
else
    echo "skip: python3 not installed (JSON checks)"
fi

# ---- RARP and the migration mark --------------------------------------------------
if command -v tcpdump >/dev/null 2>&1; then
    # tcpdump's RARP frames per second on node B's bridge
    tcpdump -nn -tt -r "$B" rarp 2>/dev/null |
        awk '{ split($1, t, "."); n[t[1]]++ } END { for (s in n) print s, n[s] }' | sort >"$WORK/rarp-want"
    awk -F, -v m="$WORK/pca.model" 'NR > 1 && $1 == "nodeB-virbr0" && $5 == m && $10 > 0 {
        split($4, t, "."); print t[1], $10 }' "$WORK/all.csv" | sort >"$WORK/rarp-got"
    same "rarp per bin as tcpdump counts" "$WORK/rarp-got" "$WORK/rarp-want"
    last=$(tail -1 "$WORK/rarp-want" | cut -d' ' -f1)
    # marked: the RARP bins and the 30 s after the last; not before the first
    first=$(head -1 "$WORK/rarp-want" | cut -d' ' -f1)
    awk -F, -v m="$WORK/pca.model" -v f="$first" -v l="$last" '
        NR > 1 && $1 == "nodeB-virbr0" && $5 == m { split($4, t, "."); s = t[1] + 0
            want = (s >= f && s + 1 - (l + 1) <= 30) ? 1 : 0
            if ($11 != want) { bad++; if (bad < 4) print "bin " s ": migration " $11 ", want " want } }
        END { exit bad > 0 }' "$WORK/all.csv" >"$WORK/mig.err"
    if [ $? -eq 0 ]; then ok "migration: the RARP bins and the 30 s after"; else fail "migration: $(cat "$WORK/mig.err")"; fi
    expect "--migration-window 0" 0 "$MIGAD" monitor -q -m "$WORK/pca.model" --all --format csv \
        --migration-window 0 -o "$WORK/w0.csv" -r "$B" "$FILTER"
    got=$(awk -F, 'NR > 1 && $11 == 1' "$WORK/w0.csv" | wc -l)
    want=$(wc -l <"$WORK/rarp-want")
    if [ "$got" -eq "$want" ]; then ok "--migration-window 0: only the RARP bins ($got)"; else
        fail "--migration-window 0: $got bins marked, want $want"; fi
else
    echo "skip: tcpdump not installed (RARP checks)"
fi

# ---- labels, alarm exit, empty output -----------------------------------------------
expect "monitor -l" 0 "$MIGAD" monitor -q -m "$WORK/pca.model" --all --format csv -l "$GT" \
    -o "$WORK/l.csv" -r "$A" "$FILTER"
has "labels: header" "$WORK/l.csv" ",migration,gt,imi"
grep '^nodeA-virbr0,' "$WORK/f.csv" | awk -F, '{ print $3 "," $(NF-1) "," $NF }' >"$WORK/gt-want"
awk -F, 'NR > 1 { print $3 "," $(NF-1) "," $NF }' "$WORK/l.csv" >"$WORK/gt-got"
same "labels: gt and imi as extract -l" "$WORK/gt-got" "$WORK/gt-want"
expect "--alarm-exit with alarms" 3 "$MIGAD" monitor -q -m "$WORK/pca.model" --alarm-exit \
    -o /dev/null -r "$A" -r "$B" "$FILTER"
# the first 20 s of node A, before the migration and the attack, under a
# model fitted on them with no false alarm allowed: no alarm, exit 0
expect "extract the quiet start" 0 "$MIGAD" extract -q -r "$A" -c 80000 -o "$WORK/q.csv" "$FILTER"
expect "train on it, --fpr 0" 0 "$MIGAD" train -q -d pca --fpr 0 -i "$WORK/q.csv" -o "$WORK/q.model"
expect "--alarm-exit without alarms" 0 "$MIGAD" monitor -q -m "$WORK/q.model" --alarm-exit \
    --format csv -c 80000 -o "$WORK/none.csv" -r "$A" "$FILTER"
lines=$(wc -l <"$WORK/none.csv")
if [ "$lines" -eq 1 ]; then ok "no alarm: the CSV header alone"; else fail "no alarm: $lines lines"; fi
expect "--syslog" 0 "$MIGAD" monitor -q -m "$WORK/q.model" --syslog -c 80000 -o /dev/null -r "$A" "$FILTER"

# ---- live, on loopback (root) ---------------------------------------------------------
if [ "$(id -u)" -eq 0 ] && command -v python3 >/dev/null 2>&1; then
    python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t = time.time()
while time.time() - t < 6:
    s.sendto(b"x" * 100, ("127.0.0.1", 9))
    time.sleep(0.01)' &
    sender=$!
    "$MIGAD" monitor -m "$WORK/pca.model" --all --reorder 100ms -i lo -o "$WORK/live.jsonl" 'udp port 9' \
        2>"$WORK/live.err" &
    mon=$!
    sleep 4
    n_before=$(wc -l <"$WORK/live.jsonl")
    kill -TERM "$mon"
    wait "$mon"
    rc=$?
    kill "$sender" 2>/dev/null
    wait "$sender" 2>/dev/null
    if [ "$rc" -eq 0 ]; then ok "live: SIGTERM ends it (exit 0)"; else fail "live: exit $rc"; fi
    if [ "$n_before" -ge 2 ]; then ok "live: records while running ($n_before)"; else
        fail "live: $n_before records after 4 s"; fi
    python3 - "$WORK/live.jsonl" >"$WORK/live.chk" 2>&1 <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows and all(r["trace"] == "lo" for r in rows), "trace"
bins = [r["bin"] for r in rows]
assert bins == list(range(bins[0], bins[0] + len(bins))), "bins %s" % bins
print("ok", len(rows))
EOF
    has "live: JSON, trace lo, consecutive bins" "$WORK/live.chk" "ok"
    has "live: summary" "$WORK/live.err" "bins scored"
else
    echo "skip: live capture on lo needs root and python3"
fi

finish
