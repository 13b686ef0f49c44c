#!/bin/sh
# migad's svm against scikit-learn's SVC on the same rows
# (tests/oracle_svm.py says what is compared).  Skipped (exit 77) when
# Debian's python3-sklearn is not installed.
# Usage: test_svm_oracle.sh MIGAD SOURCE_TESTS_DIR WORK_DIR
set -u
MIGAD=$1
TESTS=$2
WORK=$3
PY=/usr/bin/python3
if ! "$PY" -c 'import sklearn, numpy' 2>/dev/null; then
    echo "skip: python3-sklearn not installed"
    exit 77
fi
rm -rf "$WORK"
mkdir -p "$WORK"
fails=0
passes=0
ok() { passes=$((passes + 1)); echo "ok   $1"; }
fail() { fails=$((fails + 1)); echo "FAIL $1"; }

# run TAG TRAIN-ARGS...: train on data.csv, describe and score
run() {
    tag=$1
    shift
    if "$MIGAD" train -q -d svm --svm-eps 1e-8 "$@" -i "$WORK/data.csv" -o "$WORK/$tag.model" &&
       "$MIGAD" score -m "$WORK/$tag.model" --describe >"$WORK/$tag.desc" &&
       "$MIGAD" score -q -m "$WORK/$tag.model" -i "$WORK/data.csv" -o "$WORK/$tag.scores"; then
        ok "$tag: train, describe, score"
    else
        fail "$tag: migad failed"
    fi
}

"$PY" "$TESTS/oracle_svm.py" gen "$WORK/data.csv" || { echo "cannot generate rows"; exit 1; }
run svm-raw --scale none --C 4 --gamma 0.05
run svm-zscore --C 2 --gamma 0.5
run svm-weights --C 1 --gamma 0.25 --class-weight 0.5,3
run svm-cv --folds 3

"$PY" "$TESTS/oracle_svm.py" check "$WORK" >"$WORK/oracle.out" 2>&1
prc=$?
cat "$WORK/oracle.out"
p=$(grep -c '^ok' "$WORK/oracle.out")
f=$(grep -c '^FAIL' "$WORK/oracle.out")
passes=$((passes + p))
fails=$((fails + f))
if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then fail "oracle ran no check"; fi
if [ "$prc" -ne 0 ] && [ "$f" -eq 0 ]; then fail "oracle exited with $prc"; fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
