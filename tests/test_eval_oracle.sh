#!/bin/sh
# migad eval against scikit-learn on seeded random scores
# (tests/oracle_eval.py says what is compared).  Skipped (exit 77) when
# Debian's python3-sklearn is not installed.
# Usage: test_eval_oracle.sh MIGAD SOURCE_TESTS_DIR WORK_DIR
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

"$PY" "$TESTS/oracle_eval.py" check "$WORK" >"$WORK/oracle.out" 2>&1
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
