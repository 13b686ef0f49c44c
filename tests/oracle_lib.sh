# Helpers shared by the scikit-learn oracle scripts (sourced after MIGAD,
# TESTS and WORK are set): the command-line helpers of cli_lib.sh, a skip
# (exit 77) when Debian's python3-sklearn is missing, training + scoring
# through migad, and the tally of a Python checker's ok/FAIL lines.
PY=/usr/bin/python3
. "$TESTS/cli_lib.sh"

# need_python MODULES: skip the test unless Debian's python3 imports them
need_python() {
    if ! "$PY" -c "import $1" 2>/dev/null; then
        echo "skip: python3-sklearn not installed"
        exit 77
    fi
}

# train_score TAG TRAIN-ARGS...: train on $WORK/data.csv, describe and score
train_score() {
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

# oracle_check SCRIPT ARGS...: run a Python checker, count its ok/FAIL lines
oracle_check() {
    "$PY" "$@" >"$WORK/oracle.out" 2>&1
    prc=$?
    cat "$WORK/oracle.out"
    p=$(grep -c '^ok' "$WORK/oracle.out")
    f=$(grep -c '^FAIL' "$WORK/oracle.out")
    passes=$((passes + p))
    fails=$((fails + f))
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then fail "oracle ran no check"; fi
    if [ "$prc" -ne 0 ] && [ "$f" -eq 0 ]; then fail "oracle exited with $prc"; fi
}
