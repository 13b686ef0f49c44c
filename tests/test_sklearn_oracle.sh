#!/bin/sh
# migad's pca, kmeans and gmm against scikit-learn and SciPy on the same
# rows (tests/oracle_sklearn.py says what is compared).  Skipped (exit 77)
# when Debian's python3-sklearn is not installed.
# Usage: test_sklearn_oracle.sh MIGAD SOURCE_TESTS_DIR WORK_DIR
set -u
MIGAD=$1
TESTS=$2
WORK=$3
PY=/usr/bin/python3
if ! "$PY" -c 'import sklearn, scipy, numpy' 2>/dev/null; then
    echo "skip: python3-sklearn not installed"
    exit 77
fi
rm -rf "$WORK"
mkdir -p "$WORK"
fails=0
passes=0
ok() { passes=$((passes + 1)); echo "ok   $1"; }
fail() { fails=$((fails + 1)); echo "FAIL $1"; }

# run NAME TRAIN-ARGS...: train on data.csv, describe and score
run() {
    tag=$1
    shift
    if "$MIGAD" train -q "$@" -i "$WORK/data.csv" -o "$WORK/$tag.model" &&
       "$MIGAD" score -m "$WORK/$tag.model" --describe >"$WORK/$tag.desc" &&
       "$MIGAD" score -q -m "$WORK/$tag.model" -i "$WORK/data.csv" -o "$WORK/$tag.scores"; then
        ok "$tag: train, describe, score"
    else
        fail "$tag: migad failed"
    fi
}

"$PY" "$TESTS/oracle_sklearn.py" gen "$WORK/data.csv" || { echo "cannot generate rows"; exit 1; }
run pca -d pca --scale none --components 2
run pca-zscore -d pca --components 3
run kmeans -d kmeans --scale none --k 3 --restarts 4 --max-iter 1000
run gmm -d gmm --scale none --k 3 --max-iter 200

"$PY" "$TESTS/oracle_sklearn.py" check "$WORK" >"$WORK/oracle.out" 2>&1
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
