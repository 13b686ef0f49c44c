#!/bin/sh
# Command-line tests of `migad eval`: a score CSV written here with known
# answers, every output format, --by, --roc, bootstrap determinism, exit
# codes and messages (no gt column, one class, bad numbers, bad options).
# Usage: test_cli_eval.sh MIGAD WORK_DIR
set -u
MIGAD=$1
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
. "$(dirname "$0")/cli_lib.sh"



# The 7 rows of test_eval.c's protocol case (two traces): AUC with
# migration 2/3, without 1, effect -1/3; TPR at 5 % FPR 1/3 and 1;
# migration-only rows r1 r3, one alarm: 50 %.
S=$WORK/scores.csv
cat >"$S" <<'CSV'
trace,segment,bin,start,score,alarm,gt,imi
a,0,0,1.0,0.9,1,1,0
a,0,1,2.0,0.8,1,0,1
a,0,2,3.0,0.7,1,1,0
b,0,0,1.0,0.6,0,0,0.5
b,0,1,2.0,0.3,0,0,0
b,0,2,3.0,0.2,0,1,1
b,0,3,4.0,0.1,0,0,0
CSV

expect "text summary" 0 "$MIGAD" eval "$S"
has "text header" "$WORK/out" "with migr."
has "text AUC" "$WORK/out" "AUC                                  0.6667       1.0000      -0.3333"
has "text TPR" "$WORK/out" "TPR at FPR <= 5%                     33.33%      100.00%      -66.67%"
has "text migration-only" "$WORK/out" "migration-only rows (imi > 0, gt = 0): 2; alarms 1 (50.00%)"

expect "csv" 0 "$MIGAD" eval --format csv -i "$S"
has "csv header" "$WORK/out" "by,group,set,rows,positives,negatives,auc,auc_lo,auc_hi,pauc,tpr_0.01,tpr_0.05,tpr_0.1"
has "csv with" "$WORK/out" "all,all,with,7,3,4,0.6666666666666666,,,"
has "csv without" "$WORK/out" "all,all,without,4,2,2,1,,,"
has "csv effect" "$WORK/out" "all,all,effect,,,,-0.33333333333333337,"
n=$(awk -F, '{ print NF }' "$WORK/out" | sort -u | wc -l)
if [ "$n" -eq 1 ]; then ok "csv: same number of fields on every line"; else fail "csv: ragged"; fi

expect "json" 0 "$MIGAD" eval --json "$S"
has "json auc" "$WORK/out" '"auc":0.6666666666666666'
has "json migration" "$WORK/out" '"migration_only":{"migration_rows":3,"rows":2,"alarms":1,"far":0.5'
if command -v python3 >/dev/null 2>&1; then
    if python3 -m json.tool "$WORK/out" >/dev/null 2>&1; then ok "json parses"; else fail "json does not parse"; fi
fi

# --by trace: trace a has one attack row... and b too; both evaluable
expect "by trace" 0 "$MIGAD" eval --by trace --format csv "$S"
has "by trace a" "$WORK/out" "trace,a,with,3,2,1,"
has "by trace b" "$WORK/out" "trace,b,with,4,1,3,"
has "by trace all" "$WORK/out" "all,all,with,7,"
# --by file, two inputs
cp "$S" "$WORK/copy.csv"
expect "by file" 0 "$MIGAD" eval --by file --format csv "$S" "$WORK/copy.csv"
if [ "$(grep -c '^file,' "$WORK/out")" -eq 6 ]; then ok "by file: two files x three sets"; else fail "by file rows"; fi
has "two inputs: all rows" "$WORK/out" "all,all,with,14,6,8,0.6666666666666666"

# --roc: the hand-computed points of "with" (8) and "without" (5)
expect "roc" 0 "$MIGAD" eval --roc "$WORK/roc.csv" "$S"
has "roc header" "$WORK/roc.csv" "fpr,tpr,threshold,set"
has "roc first" "$WORK/roc.csv" "0,0,inf,with"
has "roc point" "$WORK/roc.csv" "0.25,0.6666666666666666,0.7,with"
if [ "$(grep -c ',with$' "$WORK/roc.csv")" -eq 8 ] && [ "$(grep -c ',without$' "$WORK/roc.csv")" -eq 5 ]; then
    ok "roc: one point per distinct score + (0,0)"; else fail "roc point counts"; fi

# bootstrap: same seed same bytes, other seed (usually) other interval
expect "bootstrap" 0 "$MIGAD" eval --bootstrap 300 --seed 4 --format csv "$S"
cp "$WORK/out" "$WORK/b1"
"$MIGAD" eval --bootstrap 300 --seed 4 --format csv "$S" >"$WORK/b2" 2>/dev/null
if cmp -s "$WORK/b1" "$WORK/b2"; then ok "bootstrap deterministic"; else fail "bootstrap differs between runs"; fi
expect "bootstrap text" 0 "$MIGAD" eval --bootstrap 100 --level 0.9 "$S"
has "bootstrap CI line" "$WORK/out" "AUC 90% CI (100 resamples)"
expect "stdin" 0 sh -c "\"$MIGAD\" eval --fpr 5%,0.2 --max-fpr 0.5 - <\"$S\""
has "percent fpr" "$WORK/out" "TPR at FPR <= 5%"
has "max-fpr" "$WORK/out" "partial AUC (FPR <= 0.5)"

# no imi column: only "with migration", and the reason
cut -d, -f1-7 "$S" >"$WORK/noimi.csv"
expect "no imi" 0 "$MIGAD" eval "$WORK/noimi.csv"
has "no imi reason" "$WORK/out" "without migration: no imi column"
# rows without migration of one class: "with" still reported
awk -F, -v OFS=, 'NR == 1 || $7 == 0 { print; next } { $8 = 1; print }' "$S" >"$WORK/allmig.csv"
expect "without lacks attacks" 0 "$MIGAD" eval "$WORK/allmig.csv"
has "without reason" "$WORK/out" "without migration: only one class"

# --by trace with a trace of one class: that group is skipped with a warning
awk -F, -v OFS=, 'NR == 1 || $1 == "b" { print; next } { $7 = 0; print }' "$S" >"$WORK/onetrace.csv"
expect "by trace, one-class trace" 0 "$MIGAD" eval --by trace "$WORK/onetrace.csv"
has "one-class trace warning" "$WORK/err" "warning: trace a: only one class: 3 rows, all normal"
has "one-class trace in summary" "$WORK/out" "cannot evaluate: only one class"
has "other trace evaluated" "$WORK/out" "trace b"
expect "by trace, one-class trace, json" 0 "$MIGAD" eval --by trace --json "$WORK/onetrace.csv"
has "one-class trace json error" "$WORK/out" '"group":"a","error":"only one class'

# runtime errors: exit 1, message names the file
cut -d, -f1-6,8 "$S" >"$WORK/nogt.csv"
expect "no gt column" 1 "$MIGAD" eval "$WORK/nogt.csv"
has "no gt msg" "$WORK/err" "nogt.csv: no gt column: evaluation needs labels"
awk -F, -v OFS=, 'NR > 1 { $7 = 0 } { print }' "$S" >"$WORK/oneclass.csv"
expect "one class" 1 "$MIGAD" eval "$WORK/oneclass.csv"
has "one class msg" "$WORK/err" "oneclass.csv: only one class: 7 rows, all normal"
awk -F, -v OFS=, 'NR == 3 { $7 = 0.5 } { print }' "$S" >"$WORK/badgt.csv"
expect "gt not 0/1" 1 "$MIGAD" eval "$WORK/badgt.csv"
has "gt msg" "$WORK/err" "badgt.csv: row 2: gt 0.5 is neither 0 nor 1"
awk -F, -v OFS=, 'NR == 4 { $5 = "nan" } { print }' "$S" >"$WORK/nan.csv"
expect "nan score" 1 "$MIGAD" eval "$WORK/nan.csv"
has "nan msg" "$WORK/err" "nan.csv:4: column score: not a finite number: 'nan'"
awk -F, -v OFS=, 'NR == 2 { $8 = 3 } { print }' "$S" >"$WORK/badimi.csv"
expect "imi out of range" 1 "$MIGAD" eval "$WORK/badimi.csv"
has "imi msg" "$WORK/err" "badimi.csv: row 1: imi 3 is not a fraction in [0, 1]"
head -1 "$S" >"$WORK/empty.csv"
expect "no rows" 1 "$MIGAD" eval "$WORK/empty.csv"
has "no rows msg" "$WORK/err" "empty.csv: no data rows"
expect "features, not scores" 1 "$MIGAD" eval "$WORK/nope.csv"
has "missing file msg" "$WORK/err" "nope.csv"
printf 'trace,segment,bin,start,packets,gt,imi\nn,0,0,1.0,1,0,0\n' >"$WORK/feat.csv"
expect "no score column" 1 "$MIGAD" eval "$WORK/feat.csv"
has "no score msg" "$WORK/err" "no column named 'score'"
if [ -w /dev/full ]; then
    expect "write error" 1 sh -c "\"$MIGAD\" eval \"$S\" >/dev/full"
fi
expect "roc unwritable" 1 "$MIGAD" eval --roc "$WORK/no/dir/roc.csv" "$S"
has "roc unwritable msg" "$WORK/err" "roc.csv: cannot create"

# usage errors: exit 2
expect "no input" 2 "$MIGAD" eval
has "no input msg" "$WORK/err" "need at least one score CSV"
expect "bad fpr" 2 "$MIGAD" eval --fpr 0.01,abc "$S"
has "bad fpr msg" "$WORK/err" "--fpr '0.01,abc'"
expect "fpr > 1" 2 "$MIGAD" eval --fpr 1.5 "$S"
expect "bad max-fpr" 2 "$MIGAD" eval --max-fpr 0 "$S"
has "bad max-fpr msg" "$WORK/err" "--max-fpr '0': want a rate in (0, 1]"
expect "bad bootstrap" 2 "$MIGAD" eval --bootstrap -3 "$S"
expect "bootstrap 1" 2 "$MIGAD" eval --bootstrap 1 "$S"
expect "bad level" 2 "$MIGAD" eval --level 1 "$S"
expect "bad seed" 2 "$MIGAD" eval --seed x "$S"
expect "bad by" 2 "$MIGAD" eval --by node "$S"
has "bad by msg" "$WORK/err" "--by 'node': want trace or file"
expect "bad format" 2 "$MIGAD" eval --format xml "$S"
expect "unknown option" 2 "$MIGAD" eval --bogus "$S"
expect "stdin twice" 2 "$MIGAD" eval - -
expect "help" 0 "$MIGAD" eval --help
has "help text" "$WORK/out" "usage: migad eval"
expect "migad help eval" 0 "$MIGAD" help eval
expect "command table" 0 "$MIGAD" --help
has "eval listed" "$WORK/out" "eval"

finish
