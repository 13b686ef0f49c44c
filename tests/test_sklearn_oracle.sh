#!/bin/sh
# migad's pca, kmeans and gmm against scikit-learn and SciPy on the same
# rows (tests/oracle_sklearn.py says what is compared).  Skipped (exit 77)
# when Debian's python3-sklearn is not installed.
# Usage: test_sklearn_oracle.sh MIGAD SOURCE_TESTS_DIR WORK_DIR
set -u
MIGAD=$1
TESTS=$2
WORK=$3
. "$TESTS/oracle_lib.sh"
need_python "sklearn, scipy, numpy"
rm -rf "$WORK"
mkdir -p "$WORK"

"$PY" "$TESTS/oracle_sklearn.py" gen "$WORK/data.csv" || { echo "cannot generate rows"; exit 1; }
train_score pca -d pca --scale none --components 2
train_score pca-zscore -d pca --components 3
train_score kmeans -d kmeans --scale none --k 3 --restarts 4 --max-iter 1000
train_score gmm -d gmm --scale none --k 3 --max-iter 200

oracle_check "$TESTS/oracle_sklearn.py" check "$WORK"
finish
