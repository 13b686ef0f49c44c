#!/bin/sh
# Command-line tests of `migad plot`: asg, roc and scatter on small CSVs
# written here; outputs exist, are SVG, well-formed (xmllint when
# installed), deterministic; exit codes and messages of the errors.
# Usage: test_cli_plot.sh MIGAD WORK_DIR
set -u
MIGAD=$1
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
. "$(dirname "$0")/cli_lib.sh"


hasnt() { # hasnt NAME FILE TEXT
    if grep -qF -- "$3" "$2"; then fail "$1: '$3' in $2"; else ok "$1"; fi
}
svg_ok() { # svg_ok NAME FILE
    if [ -s "$2" ] && head -n 2 "$2" | grep -q '<svg ' && tail -n 1 "$2" | grep -q '</svg>'; then
        ok "$1: an SVG"
    else
        fail "$1: $2 missing or not an SVG"
        return
    fi
    if command -v xmllint >/dev/null 2>&1; then
        if xmllint --noout "$2" 2>"$WORK/lint"; then ok "$1: xmllint"; else
            fail "$1: xmllint: $(head -3 "$WORK/lint")"
        fi
    fi
}

# Two traces; trace a: GT on bins 2-3, migration on 5-6; alarms exactly the
# scores >= 0.7 in trace a (so its threshold line defaults to 0.7); in trace
# b a quiet 0.75, so all rows together have no single threshold.
S=$WORK/scores.csv
cat >"$S" <<'CSV'
trace,segment,bin,start,score,alarm,gt,imi
a,0,0,1.0,0.1,0,0,0
a,0,1,2.0,0.2,0,0,0
a,0,2,3.0,0.9,1,1,0
a,0,3,4.0,0.8,1,1,0
a,0,4,5.0,0.3,0,0,0
a,0,5,6.0,0.7,1,0,1
a,0,6,7.0,0.4,0,0,0.5
b,0,0,1.0,0.75,0,1,0
b,0,1,2.0,0.2,0,0,0
b,0,2,3.0,0.1,0,0,1
CSV

expect "asg" 0 "$MIGAD" plot asg -i "$S" -o "$WORK/asg.svg"
svg_ok "asg" "$WORK/asg.svg"
has "asg: pink GT band" "$WORK/asg.svg" 'class="gt"'
has "asg: green IMI band" "$WORK/asg.svg" 'class="imi"'
has "asg: one polyline" "$WORK/asg.svg" '<polyline class="score"'
hasnt "asg: no threshold line (alarms of two traces are not one threshold)" \
    "$WORK/asg.svg" 'class="threshold"'
has "asg: default title names the input" "$WORK/asg.svg" "Anomaly score: $S"

expect "asg --trace a" 0 "$MIGAD" plot asg -i "$S" --trace a -o "$WORK/asg-a.svg"
svg_ok "asg --trace a" "$WORK/asg-a.svg"
has "asg --trace: threshold from the alarm column" "$WORK/asg-a.svg" 'class="threshold"'
has "asg --trace: title" "$WORK/asg-a.svg" "Anomaly score: trace a"
n=$(grep -o 'class="gt"' "$WORK/asg-a.svg" | wc -l)
if [ "$n" -eq 1 ]; then ok "asg --trace: one GT band"; else fail "asg --trace: $n GT bands"; fi
n=$(grep -o 'class="imi"' "$WORK/asg-a.svg" | wc -l)
if [ "$n" -eq 1 ]; then ok "asg --trace: one IMI band"; else fail "asg --trace: $n IMI bands"; fi

expect "asg --no-threshold" 0 "$MIGAD" plot asg -i "$S" --trace a --no-threshold -o "$WORK/nt.svg"
hasnt "asg --no-threshold: no line" "$WORK/nt.svg" 'class="threshold"'
expect "asg --threshold, --title, to stdout" 0 \
    "$MIGAD" plot asg "$S" --threshold 0.5 --title 'R&D <1>'
has "asg: threshold line" "$WORK/out" 'class="threshold"'
has "asg: escaped title" "$WORK/out" 'R&amp;D &lt;1&gt;'
expect "asg from stdin" 0 sh -c "\"$MIGAD\" plot asg -i - <\"$S\""
has "asg from stdin: an SVG" "$WORK/out" '</svg>'

expect "roc" 0 "$MIGAD" plot roc -i "$S" -o "$WORK/roc.svg"
svg_ok "roc" "$WORK/roc.svg"
has "roc: with migration" "$WORK/roc.svg" '>with migration (AUC '
has "roc: without migration" "$WORK/roc.svg" '>without migration (AUC '
has "roc: chance" "$WORK/roc.svg" 'class="chance"'

# Determinism: same input, same bytes.
"$MIGAD" plot roc -i "$S" -o "$WORK/roc2.svg" 2>/dev/null
"$MIGAD" plot asg -i "$S" -o "$WORK/asg2.svg" 2>/dev/null
if cmp -s "$WORK/roc.svg" "$WORK/roc2.svg" && cmp -s "$WORK/asg.svg" "$WORK/asg2.svg"; then
    ok "same input, same bytes"
else fail "output differs between runs"; fi

# Without an imi column: one curve and a warning.
cut -d, -f1-7 "$S" >"$WORK/noimi.csv"
expect "roc without imi" 0 "$MIGAD" plot roc -i "$WORK/noimi.csv" -o "$WORK/roc-noimi.svg"
has "roc without imi: warning" "$WORK/err" "no imi column"
has "roc without imi: all rows" "$WORK/roc-noimi.svg" '>all rows (AUC '

# Scatter of a feature CSV.
F=$WORK/features.csv
cat >"$F" <<'CSV'
trace,segment,bin,start,pkts,bytes,gt,imi
a,0,0,1.0,100,60000,0,0
a,0,1,2.0,110,65000,0,0
a,0,2,3.0,400,90000,1,0
a,0,3,4.0,150,300000,0,1
CSV
expect "scatter" 0 "$MIGAD" plot scatter -i "$F" -x pkts -y bytes -o "$WORK/sc.svg"
svg_ok "scatter" "$WORK/sc.svg"
has "scatter: attack class" "$WORK/sc.svg" 'class="attack"'
has "scatter: axis title" "$WORK/sc.svg" '>bytes</text>'
expect "scatter --log xy" 0 "$MIGAD" plot scatter -i "$F" -x pkts -y bytes --log xy -o "$WORK/scl.svg"
svg_ok "scatter --log xy" "$WORK/scl.svg"
has "scatter --log: decade ticks" "$WORK/scl.svg" '>10</text>'
expect "--log bad" 2 "$MIGAD" plot scatter -i "$F" -x pkts -y bytes --log z
has "--log bad: message" "$WORK/err" "want x, y or xy"
expect "--log on roc" 2 "$MIGAD" plot roc -i "$F" --log x

# Errors: usage (2) and runtime (1), with a message naming the problem.
expect "no figure" 2 "$MIGAD" plot
has "no figure: message" "$WORK/err" "migad plot: missing the figure"
expect "bad figure" 2 "$MIGAD" plot pie -i "$S"
has "bad figure: message" "$WORK/err" "'pie' is not a figure"
expect "no input" 2 "$MIGAD" plot asg -o "$WORK/x.svg"
has "no input: message" "$WORK/err" "missing the input"
expect "bad threshold" 2 "$MIGAD" plot asg -i "$S" --threshold abc
has "bad threshold: message" "$WORK/err" "--threshold 'abc'"
expect "unknown option" 2 "$MIGAD" plot roc -i "$S" --bogus
expect "--trace with roc" 2 "$MIGAD" plot roc -i "$S" --trace a
expect "scatter without -y" 2 "$MIGAD" plot scatter -i "$F" -x pkts
has "scatter without -y: message" "$WORK/err" "-x NAME -y NAME"
expect "missing input file" 1 "$MIGAD" plot asg -i "$WORK/nope.csv" -o "$WORK/x.svg"
has "missing input: names the file" "$WORK/err" "nope.csv"
if [ -e "$WORK/x.svg" ]; then fail "output after an error"; else ok "no output after an error"; fi
expect "unknown trace" 1 "$MIGAD" plot asg -i "$S" --trace zz -o "$WORK/x.svg"
has "unknown trace: message" "$WORK/err" "no rows of trace 'zz'"
expect "roc without gt" 1 "$MIGAD" plot roc -i "$WORK/features.csv" -o "$WORK/x.svg"
has "roc without score: message" "$WORK/err" "no column named 'score'"
cut -d, -f1-6,8 "$S" >"$WORK/nogt.csv"
expect "roc without gt column" 1 "$MIGAD" plot roc -i "$WORK/nogt.csv" -o "$WORK/x.svg"
has "roc without gt: message" "$WORK/err" "no gt column"
expect "scatter unknown feature" 1 "$MIGAD" plot scatter -i "$F" -x pkts -y nope -o "$WORK/x.svg"
has "scatter unknown feature: message" "$WORK/err" "no column named 'nope'"
expect "unwritable output" 1 "$MIGAD" plot roc -i "$S" -o "$WORK/no/such/dir.svg"
has "unwritable output: message" "$WORK/err" "cannot write"
printf 'trace,segment,bin,start,score,alarm,gt,imi\na,0,0,1,0.5,0,2,0\n' >"$WORK/badgt.csv"
expect "gt not 0/1" 1 "$MIGAD" plot asg -i "$WORK/badgt.csv" -o "$WORK/x.svg"
has "gt not 0/1: message" "$WORK/err" "gt 2 is neither 0 nor 1"

expect "--help" 0 "$MIGAD" plot --help
has "--help: usage" "$WORK/out" "usage: migad plot asg"
expect "asg --help" 0 "$MIGAD" plot asg --help
expect "migad help plot" 0 "$MIGAD" help plot
expect "migad --help lists plot" 0 "$MIGAD" --help
has "migad --help lists plot" "$WORK/out" "plot "

finish
