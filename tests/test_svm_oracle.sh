#!/bin/sh
# migad's svm against scikit-learn's SVC on the same rows
# (tests/oracle_svm.py says what is compared).  Skipped (exit 77) when
# Debian's python3-sklearn is not installed.
# Usage: test_svm_oracle.sh MIGAD SOURCE_TESTS_DIR WORK_DIR
set -u
MIGAD=$1
TESTS=$2
WORK=$3
. "$TESTS/oracle_lib.sh"
need_python "sklearn, numpy"
rm -rf "$WORK"
mkdir -p "$WORK"

"$PY" "$TESTS/oracle_svm.py" gen "$WORK/data.csv" || { echo "cannot generate rows"; exit 1; }
train_score svm-raw -d svm --svm-eps 1e-8 --scale none --C 4 --gamma 0.05
train_score svm-zscore -d svm --svm-eps 1e-8 --C 2 --gamma 0.5
train_score svm-weights -d svm --svm-eps 1e-8 --C 1 --gamma 0.25 --class-weight 0.5,3
train_score svm-cv -d svm --svm-eps 1e-8 --folds 3

oracle_check "$TESTS/oracle_svm.py" check "$WORK"
finish
