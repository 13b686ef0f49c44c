#!/bin/sh
# migad eval against scikit-learn on seeded random scores
# (tests/oracle_eval.py says what is compared).  Skipped (exit 77) when
# Debian's python3-sklearn is not installed.
# Usage: test_eval_oracle.sh MIGAD SOURCE_TESTS_DIR WORK_DIR
set -u
MIGAD=$1
TESTS=$2
WORK=$3
. "$TESTS/oracle_lib.sh"
need_python "sklearn, numpy"
rm -rf "$WORK"
mkdir -p "$WORK"

"$PY" "$TESTS/oracle_eval.py" gen "$WORK" || { echo "cannot generate scores"; exit 1; }
for name in cont ties small; do
    for m in 0.05 0.1 0.37 1; do
        if "$MIGAD" eval --json --fpr 0.01,0.05,0.1,0.25 --max-fpr "$m" \
                --roc "$WORK/$name-roc.csv" "$WORK/$name.csv" >"$WORK/$name-$m.json"; then
            ok "$name --max-fpr $m: migad eval"
        else
            fail "$name --max-fpr $m: migad eval failed"
        fi
    done
done

oracle_check "$TESTS/oracle_eval.py" check "$WORK"
finish
