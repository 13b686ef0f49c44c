#!/bin/sh
# Command-line tests of `migad train` and `migad score`: a feature CSV
# written here, train + score for every detector, exit codes and messages
# for bad options, a CSV missing a column, damaged and mismatched models.
# Usage: test_cli_detect.sh MIGAD WORK_DIR
set -u
MIGAD=$1
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
. "$(dirname "$0")/cli_lib.sh"



# 120 one-second bins of a trace: packets ~ 100, bytes = 60 x packets,
# flows ~ 20; bins 110-119 are an attack (bytes and flows jump), 40-49 a
# migration (imi 1).  Deterministic: no randomness, a fixed wobble.
F=$WORK/features.csv
awk 'BEGIN {
    print "trace,segment,bin,start,packets,bytes,flows,gt,imi"
    for (i = 0; i < 120; i++) {
        p = 100 + (i * 37) % 11 - 5; b = 60 * p + (i * 53) % 17 - 8; f = 20 + (i * 29) % 7 - 3
        gt = 0; imi = 0
        if (i >= 110) { b += 4000; f += 40; gt = 1 }
        if (i >= 40 && i < 50) imi = 1
        printf "node-a,0,%d,%d.000000000,%d,%d,%d,%d,%d\n", i, 1700000000 + i, p, b, f, gt, imi
    }
}' >"$F"
# the detectors learn normal traffic (migration included) from the bins without attack
N=$WORK/normal.csv
awk -F, 'NR == 1 || $8 == 0' "$F" >"$N"

for d in pca kmeans gmm; do
    expect "train $d" 0 "$MIGAD" train -q -d "$d" -i "$N" -o "$WORK/$d.model"
    expect "score $d" 0 "$MIGAD" score -q -m "$WORK/$d.model" -i "$F" -o "$WORK/$d.csv"
    rows=$(awk 'END { print NR - 1 }' "$WORK/$d.csv")
    if [ "$rows" -eq 120 ]; then ok "$d: one score per row"; else fail "$d: $rows rows"; fi
    has "$d: header" "$WORK/$d.csv" "trace,segment,bin,start,score,alarm,gt,imi"
    has "$d: labels carried" "$WORK/$d.csv" "node-a,0,45,1700000045.000000000,"
    # every attack bin scores above every normal bin
    got=$(awk -F, 'NR > 1 { if ($7 == 1) { if (min == "" || $5 < min) min = $5 }
                           else if ($5 > max) max = $5 }
                   END { print (min > max) ? "yes" : "no" }' "$WORK/$d.csv")
    if [ "$got" = yes ]; then ok "$d: attack bins rank first"; else fail "$d: attack bins not first"; fi
    # same seed, same bytes
    "$MIGAD" train -q -d "$d" -i "$N" -o "$WORK/$d-again.model"
    if cmp -s "$WORK/$d.model" "$WORK/$d-again.model"; then ok "$d: deterministic model"; else
        fail "$d: model bytes differ between two runs"; fi
done

# --fit-rows normal: the same model as training on the rows awk kept (gt = 0)
for d in pca kmeans gmm; do
    expect "train $d --fit-rows normal" 0 "$MIGAD" train -q -d "$d" --fit-rows normal -i "$F" \
        -o "$WORK/$d-fitnormal.model"
    if cmp -s "$WORK/$d.model" "$WORK/$d-fitnormal.model"; then ok "$d --fit-rows normal = trained on the gt = 0 rows"; else
        fail "$d --fit-rows normal: model differs from training on the gt = 0 rows"; fi
done
expect "--fit-rows all" 0 "$MIGAD" train -d pca --fit-rows all -i "$F" -o "$WORK/pca-all.model"
has "--fit-rows all: every row" "$WORK/err" "fitted on 120 rows"
expect "--fit-rows normal: count" 0 "$MIGAD" train -d pca --fit-rows normal -i "$F" -o "$WORK/pca-n.model"
has "--fit-rows normal: 110 rows" "$WORK/err" "fitted on 110 rows"
expect "--fit-rows bad" 2 "$MIGAD" train -d pca --fit-rows some -i "$F" -o "$WORK/x.model"
has "--fit-rows bad: message" "$WORK/err" "--fit-rows"
expect "--fit-rows normal, svm" 2 "$MIGAD" train -d svm --fit-rows normal -i "$F" -o "$WORK/x.model"
has "--fit-rows normal, svm: message" "$WORK/err" "svm learns from both classes"
awk -F, '{ print $1 "," $2 "," $3 "," $4 "," $5 "," $6 "," $7 }' "$F" >"$WORK/nogt.csv"
expect "--fit-rows normal without gt" 2 "$MIGAD" train -d pca --fit-rows normal -i "$WORK/nogt.csv" -o "$WORK/x.model"
has "--fit-rows normal without gt: message" "$WORK/err" "needs a gt column"
awk -F, 'NR == 1 || $8 == 1' "$F" >"$WORK/attacks.csv"
expect "--fit-rows normal, only attacks" 2 "$MIGAD" train -d pca --fit-rows normal -i "$WORK/attacks.csv" -o "$WORK/x.model"
has "--fit-rows normal, only attacks: message" "$WORK/err" "no row has gt = 0"

# options and the positional input, stdin, --features, --describe
expect "train options" 0 "$MIGAD" train -q -d kmeans --k 2 --restarts 3 --init classes \
    --scale minmax --log1p --seed 9 --fpr 0.05 --features packets,bytes -o "$WORK/k2.model" "$F"
expect "score stdin" 0 sh -c "\"$MIGAD\" score -q -m \"$WORK/k2.model\" - <\"$F\""
has "score stdin rows" "$WORK/out" "node-a,0,119,"
expect "describe" 0 "$MIGAD" score -m "$WORK/k2.model" --describe
has "describe features" "$WORK/out" "features packets bytes"
has "describe centroids" "$WORK/out" "kmeans.centroid"
expect "pca 3sigma alpha" 0 "$MIGAD" train -q -d pca --select 3sigma --alpha 0.01 -i "$F" -o "$WORK/q.model"
expect "summary" 0 "$MIGAD" train -d gmm --k 1 -i "$F" -o "$WORK/g1.model"
has "summary text" "$WORK/err" "gmm fitted on 120 rows x 3 features"
expect "--list" 0 "$MIGAD" train --list
has "--list pca" "$WORK/out" "pca"
expect "train --help" 0 "$MIGAD" train --help
has "train help" "$WORK/out" "usage: migad train"
expect "score --help" 0 "$MIGAD" score --help
has "score help" "$WORK/out" "usage: migad score"
expect "migad --help lists train" 0 "$MIGAD" --help
has "command table" "$WORK/out" "train"

# columns found by name: reordered and extra columns give the same scores;
# without identifier columns those fields are empty
awk -F, -v OFS=, '{ print $7, "x" NR, $1, $2, $3, $4, $6, $5, $8, $9 }' "$F" >"$WORK/reordered.csv"
expect "reordered columns" 0 "$MIGAD" score -q -m "$WORK/gmm.model" -i "$WORK/reordered.csv" -o "$WORK/re.csv"
if cmp -s "$WORK/re.csv" "$WORK/gmm.csv"; then ok "reordered: same scores"; else fail "reordered: scores differ"; fi
cut -d, -f5-7 "$F" >"$WORK/bare.csv"
expect "no identifier columns" 0 "$MIGAD" score -q -m "$WORK/gmm.model" -i "$WORK/bare.csv"
if [ "$(sed -n 2p "$WORK/out" | cut -d, -f1-4)" = ",,," ] && head -1 "$WORK/out" | grep -qx 'trace,segment,bin,start,score,alarm'; then
    ok "bare: empty identifiers, no labels"; else fail "bare: $(sed -n 1,2p "$WORK/out")"; fi

# usage errors: exit 2
expect "no detector" 2 "$MIGAD" train -i "$F" -o "$WORK/x.model"
expect "unknown detector" 2 "$MIGAD" train -d svmx -i "$F" -o "$WORK/x.model"
has "unknown detector msg" "$WORK/err" "unknown detector 'svmx'"
expect "no output" 2 "$MIGAD" train -d pca -i "$F"
expect "bad scale" 2 "$MIGAD" train -d pca --scale log -i "$F" -o "$WORK/x.model"
has "bad scale msg" "$WORK/err" "invalid --scale 'log'"
expect "bad fpr" 2 "$MIGAD" train -d pca --fpr 1.5 -i "$F" -o "$WORK/x.model"
expect "bad k" 2 "$MIGAD" train -d kmeans --k 0 -i "$F" -o "$WORK/x.model"
expect "components too many" 2 "$MIGAD" train -d pca --components 3 -i "$F" -o "$WORK/x.model"
expect "unknown option" 2 "$MIGAD" train -d pca --bogus -i "$F" -o "$WORK/x.model"
expect "score no model" 2 "$MIGAD" score -i "$F"
expect "alpha on kmeans" 2 "$MIGAD" train -d kmeans --alpha 0.01 -i "$F" -o "$WORK/x.model"

# runtime errors: exit 1, the message names the file
expect "missing input" 1 "$MIGAD" train -d pca -i "$WORK/nope.csv" -o "$WORK/x.model"
has "missing input msg" "$WORK/err" "nope.csv"
cut -d, -f1-5,7- "$F" >"$WORK/nobytes.csv"
expect "missing column" 1 "$MIGAD" score -m "$WORK/pca.model" -i "$WORK/nobytes.csv"
has "missing column msg" "$WORK/err" "nobytes.csv:1: no column named 'bytes'"
expect "missing feature column" 1 "$MIGAD" train -d pca --features packets,nope -i "$F" -o "$WORK/x.model"
has "missing feature msg" "$WORK/err" "no column named 'nope'"
printf 'trace,segment,bin,start,packets,bytes,flows\nn,0,0,1.0,1,2,oops\n' >"$WORK/badnum.csv"
expect "bad number" 1 "$MIGAD" score -m "$WORK/pca.model" -i "$WORK/badnum.csv"
has "bad number msg" "$WORK/err" "badnum.csv:2: column flows: not a finite number: 'oops'"
printf 'trace,segment,bin,start,packets,bytes,flows\nn,0,0,1.0,1,2\n' >"$WORK/ragged.csv"
expect "ragged row" 1 "$MIGAD" score -m "$WORK/pca.model" -i "$WORK/ragged.csv"
has "ragged msg" "$WORK/err" "ragged.csv:2: 6 fields, the header has 7"

# damaged models
cp "$WORK/pca.model" "$WORK/flip.model"
printf 'X' | dd of="$WORK/flip.model" bs=1 seek=200 conv=notrunc 2>/dev/null
expect "flipped byte" 1 "$MIGAD" score -m "$WORK/flip.model" -i "$F"
has "flipped byte msg" "$WORK/err" "flip.model: damaged model file (checksum mismatch)"
head -c 300 "$WORK/pca.model" >"$WORK/short.model"
expect "truncated model" 1 "$MIGAD" score -m "$WORK/short.model" -i "$F"
has "truncated msg" "$WORK/err" "short.model: damaged or truncated model file"
expect "not a model" 1 "$MIGAD" score -m "$F" -i "$F"
has "not a model msg" "$WORK/err" "not a migad model file"
expect "no model file" 1 "$MIGAD" score -m "$WORK/none.model" -i "$F"
has "no model msg" "$WORK/err" "none.model: cannot open"
if [ -w /dev/full ]; then
    expect "write error" 1 sh -c "\"$MIGAD\" score -q -m \"$WORK/pca.model\" -i \"$F\" >/dev/full"
fi

finish
