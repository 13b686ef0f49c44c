#!/bin/sh
# Command-line tests of `migad train -d svm` and `-d ae` (with `migad
# score`): a feature CSV written here, train + score, attack bins ranked
# above normal ones, same seed -> same model bytes, exit codes and messages
# for bad options, unlabelled input, damaged models; svm with --balance gan
# (WGAN-GP class balancing) and its refusals.
# Usage: test_cli_learn.sh MIGAD WORK_DIR
set -u
MIGAD=$1
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
. "$(dirname "$0")/cli_lib.sh"


# separated NAME SCORES.csv: every attack row (gt, column 7) above every normal row
separated() {
    got=$(awk -F, 'NR > 1 { if ($7 == 1) { if (min == "" || $5 < min) min = $5 }
                           else if (max == "" || $5 > max) max = $5 }
                   END { print (min > max) ? "yes" : "no " min " <= " max }' "$2")
    if [ "$got" = yes ]; then ok "$1: attack rows above normal rows"; else fail "$1: $got"; fi
}

# 240 one-second bins: packets ~ 100, bytes = 60 x packets, flows ~ 20;
# bins 200-239 are attacks (bytes and flows jump), 40-59 a migration (imi 1,
# bytes up a little).  Deterministic: a fixed wobble, no randomness.
F=$WORK/features.csv
awk 'BEGIN {
    print "trace,segment,bin,start,packets,bytes,flows,gt,imi"
    for (i = 0; i < 240; i++) {
        p = 100 + (i * 37) % 11 - 5; b = 60 * p + (i * 53) % 17 - 8; f = 20 + (i * 29) % 7 - 3
        gt = 0; imi = 0
        if (i >= 200) { b += 3000 + (i * 13) % 500; f += 30 + (i * 7) % 11; gt = 1 }
        if (i >= 40 && i < 60) { imi = 1; b += 300 }
        printf "node-a,0,%d,%d.000000000,%d,%d,%d,%d,%d\n", i, 1700000000 + i, p, b, f, gt, imi
    }
}' >"$F"
U=$WORK/unlabelled.csv
cut -d, -f1-7 "$F" >"$U"

expect "--list shows svm and ae" 0 "$MIGAD" train --list
has "--list: svm" "$WORK/out" "svm "
has "--list: ae" "$WORK/out" "ae "
expect "--help" 0 "$MIGAD" train --help
cp "$WORK/out" "$WORK/svm-help.txt"
has "--help: svm options" "$WORK/out" "--gamma G"
has "--help: ae options" "$WORK/out" "--layers LIST"

# svm: cross-validated, and with C and gamma given
expect "train svm" 0 "$MIGAD" train -d svm -i "$F" -o "$WORK/svm.model"
has "train svm: summary" "$WORK/err" "svm fitted on 240 rows x 3 features"
expect "score svm" 0 "$MIGAD" score -q -m "$WORK/svm.model" -i "$F" -o "$WORK/svm.csv"
separated svm "$WORK/svm.csv"
expect "describe svm" 0 "$MIGAD" score -m "$WORK/svm.model" --describe
has "describe svm: detector" "$WORK/out" "detector svm"
has "describe svm: cross-validated" "$WORK/out" "svm.cv_score 1"
expect "train svm C gamma weights" 0 "$MIGAD" train -q -d svm --C 8 --gamma 0.5 \
    --class-weight balanced -i "$F" -o "$WORK/svm2.model"
expect "describe svm2" 0 "$MIGAD" score -m "$WORK/svm2.model" --describe
has "svm2: C" "$WORK/out" "svm.C 8"
has "svm2: gamma" "$WORK/out" "svm.gamma 0.5"
has "svm2: no search" "$WORK/out" "svm.cv_score -1"
expect "train svm again" 0 "$MIGAD" train -q -d svm -i "$F" -o "$WORK/svm-again.model"
if cmp -s "$WORK/svm.model" "$WORK/svm-again.model"; then ok "svm: same bytes"; else fail "svm: model bytes differ"; fi
expect "svm without gt" 2 "$MIGAD" train -q -d svm -i "$U" -o "$WORK/x.model"
has "svm without gt: message" "$WORK/err" "svm: needs labelled rows: the input has no gt column"
expect "svm bad --C" 2 "$MIGAD" train -q -d svm --C 0 -i "$F" -o "$WORK/x.model"
has "svm bad --C: message" "$WORK/err" "invalid --C '0'"
expect "svm bad --class-weight" 2 "$MIGAD" train -q -d svm --class-weight 1,x -i "$F" -o "$WORK/x.model"
expect "svm bad --folds" 2 "$MIGAD" train -q -d svm --folds 1 -i "$F" -o "$WORK/x.model"

# --svm-solver: auto (the default) solves these 240 rows whole; chunked
# needs at least 4,000 rows to be worth it and solves fewer whole too
has "--help: --svm-solver" "$WORK/svm-help.txt" "--svm-solver S"
for s in auto whole chunked; do
    expect "svm --svm-solver $s" 0 "$MIGAD" train -q -d svm --svm-solver $s -i "$F" -o "$WORK/svm-$s.model"
    same "svm --svm-solver $s: 240 rows solved whole" "$WORK/svm-$s.model" "$WORK/svm.model"
done
expect "svm bad --svm-solver" 2 "$MIGAD" train -q -d svm --svm-solver fast -i "$F" -o "$WORK/x.model"
has "svm bad --svm-solver: message" "$WORK/err" "invalid --svm-solver 'fast' (auto, whole or chunked)"
# 6,000 rows, attacks in 1 of 7 bins: chunked is a solve of its own
awk 'BEGIN {
    print "packets,bytes,flows,gt"
    for (i = 0; i < 6000; i++) {
        a = i % 7 == 3
        p = 100 + (i * 37) % 101 - 50 + (a ? 40 : 0); b = 60 * p + (i * 53) % 1009; f = 20 + (i * 29) % 31 + (a ? 12 : 0)
        printf "%d,%d,%d,%d\n", p, b, f, a
    }
}' >"$WORK/big.csv"
for s in whole chunked; do
    expect "svm 6000 rows --svm-solver $s" 0 "$MIGAD" train -q -d svm --C 4 --gamma 0.5 \
        --svm-solver $s -i "$WORK/big.csv" -o "$WORK/big-$s.model"
done
if cmp -s "$WORK/big-whole.model" "$WORK/big-chunked.model"; then
    fail "svm 6000 rows: chunked gave the whole solve's bytes"
else
    ok "svm 6000 rows: chunked is its own solve"
fi

# ae: trained on the gt = 0 rows (migration rows included)
expect "train ae" 0 "$MIGAD" train -q -d ae --layers 4,2,4 --lr 0.01 --seed 3 -i "$F" -o "$WORK/ae.model"
expect "score ae" 0 "$MIGAD" score -q -m "$WORK/ae.model" -i "$F" -o "$WORK/ae.csv"
separated ae "$WORK/ae.csv"
expect "train ae again" 0 "$MIGAD" train -q -d ae --layers 4,2,4 --lr 0.01 --seed 3 -i "$F" -o "$WORK/ae-again.model"
if cmp -s "$WORK/ae.model" "$WORK/ae-again.model"; then ok "ae: same bytes"; else fail "ae: model bytes differ"; fi
expect "train ae seed 4" 0 "$MIGAD" train -q -d ae --layers 4,2,4 --lr 0.01 --seed 4 -i "$F" -o "$WORK/ae-4.model"
if cmp -s "$WORK/ae.model" "$WORK/ae-4.model"; then fail "ae: other seed, same bytes"; else ok "ae: other seed, other bytes"; fi
expect "describe ae" 0 "$MIGAD" score -m "$WORK/ae.model" --describe
has "describe ae: layers" "$WORK/out" "ae.layers 3 4 2 4 3"
has "describe ae: activation" "$WORK/out" "ae.activation tanh"
expect "train ae relu unlabelled" 0 "$MIGAD" train -q -d ae --activation relu --lambda 0 \
    --batch 16 --epochs 5 --patience 2 --val-frac 0 -i "$U" -o "$WORK/ae-relu.model"
expect "ae bad --layers" 2 "$MIGAD" train -q -d ae --layers 4,,2 -i "$F" -o "$WORK/x.model"
has "ae bad --layers: message" "$WORK/err" "invalid --layers '4,,2'"
expect "ae bad --activation" 2 "$MIGAD" train -q -d ae --activation sigmoid -i "$F" -o "$WORK/x.model"
expect "ae bad --lr" 2 "$MIGAD" train -q -d ae --lr -1 -i "$F" -o "$WORK/x.model"
expect "ae bad --val-frac" 2 "$MIGAD" train -q -d ae --val-frac 1 -i "$F" -o "$WORK/x.model"

# --balance gan (svm only): 200 normal rows, 40 attack rows -> 160 generated
expect "--help: balancing options" 0 "$MIGAD" train --help
has "--help: --balance" "$WORK/out" "--balance MODE"
has "--help: --gan-ratio" "$WORK/out" "--gan-ratio R"
expect "train svm --balance gan" 0 "$MIGAD" train -d svm --balance gan -i "$F" -o "$WORK/bal.model"
has "balance: summary" "$WORK/err" "svm fitted on 240 rows x 3 features (and 160 generated attack rows, --balance gan)"
has "balance: model file version 2" "$WORK/bal.model" "migad-model 2"
has "balance: model file line" "$WORK/bal.model" "balance gan 160"
has "no balance: model file version 1" "$WORK/svm.model" "migad-model 1"
expect "score balanced svm" 0 "$MIGAD" score -q -m "$WORK/bal.model" -i "$F" -o "$WORK/bal.csv"
separated "svm --balance gan" "$WORK/bal.csv"
expect "describe balanced svm" 0 "$MIGAD" score -m "$WORK/bal.model" --describe
has "describe: balance" "$WORK/out" "balance gan 160"
expect "describe unbalanced svm" 0 "$MIGAD" score -m "$WORK/svm.model" --describe
has "describe: no balance" "$WORK/out" "balance none"
expect "train svm --balance gan again" 0 "$MIGAD" train -q -d svm --balance gan -i "$F" -o "$WORK/bal-again.model"
same "balance: same seed, same bytes" "$WORK/bal-again.model" "$WORK/bal.model"
expect "train svm --balance gan, options" 0 "$MIGAD" train -d svm --C 4 --gamma 0.5 --balance gan \
    --gan-ratio 0.5 --gan-iters 100 --gan-critic 2 --gan-lambda 5 --gan-latent 4 \
    --gan-layers 8,8,8 --gan-lr 5e-4 --gan-batch 16 --seed 9 -i "$F" -o "$WORK/bal2.model"
has "balance ratio 0.5: 60 rows" "$WORK/err" "(and 60 generated attack rows, --balance gan)"
expect "--balance none" 0 "$MIGAD" train -q -d svm --balance none -i "$F" -o "$WORK/none.model"
same "--balance none: the default" "$WORK/none.model" "$WORK/svm.model"
for d in pca kmeans gmm ae; do
    expect "$d --balance gan refused" 2 "$MIGAD" train -q -d $d --balance gan -i "$F" -o "$WORK/x.model"
    has "$d --balance gan: message" "$WORK/err" "--balance gan: only for the supervised detector svm; $d does not learn from attack rows"
done
expect "--balance gan without gt" 2 "$MIGAD" train -q -d svm --balance gan -i "$U" -o "$WORK/x.model"
has "--balance gan without gt: message" "$WORK/err" "--balance gan: needs labelled rows: the input has no gt column"
head -202 "$F" >"$WORK/one-attack.csv"
expect "--balance gan, one attack row" 2 "$MIGAD" train -q -d svm --C 1 --gamma 1 --balance gan \
    -i "$WORK/one-attack.csv" -o "$WORK/x.model"
has "--balance gan, one attack row: message" "$WORK/err" "needs at least 2 attack (gt != 0) rows to learn from, have 1"
bad_option() { # OPTION VALUE EXPECTED-MESSAGE
    expect "bad $1 $2" 2 "$MIGAD" train -q -d svm --balance gan "$1" "$2" -i "$F" -o "$WORK/x.model"
    has "bad $1 $2: message" "$WORK/err" "$3"
}
bad_option --balance smote "invalid --balance 'smote' (none or gan)"
bad_option --gan-ratio 0 "invalid --gan-ratio '0' (a number in (0, 1000])"
bad_option --gan-ratio x "invalid --gan-ratio 'x'"
bad_option --gan-iters 0 "invalid --gan-iters '0' (1 to 1000000)"
bad_option --gan-critic -1 "invalid --gan-critic '-1'"
bad_option --gan-lambda -1 "invalid --gan-lambda '-1' (a number >= 0)"
bad_option --gan-latent 0 "invalid --gan-latent '0' (1 to 4096)"
bad_option --gan-layers 8,0 "invalid --gan-layers '8,0'"
bad_option --gan-layers 1,1,1,1,1,1,1,1,1 "invalid --gan-layers"
bad_option --gan-lr 0 "invalid --gan-lr '0' (a number in (0, 10])"
bad_option --gan-batch 0 "invalid --gan-batch '0' (1 to 16777216)"
if [ -e "$WORK/x.model" ]; then fail "a refused training wrote a model"; else ok "no model written when refused"; fi

# damaged models
for d in svm ae bal; do
    sed '5s/./X/' "$WORK/$d.model" >"$WORK/$d-bad.model"
    expect "$d: damaged model refused" 1 "$MIGAD" score -q -m "$WORK/$d-bad.model" -i "$F" -o "$WORK/x.csv"
    has "$d: damaged model: message" "$WORK/err" "damaged model file (checksum mismatch)"
    head -c 300 "$WORK/$d.model" >"$WORK/$d-short.model"
    expect "$d: truncated model refused" 1 "$MIGAD" score -q -m "$WORK/$d-short.model" -i "$F" -o "$WORK/x.csv"
done

finish
