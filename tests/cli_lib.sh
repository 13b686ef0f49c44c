# Helpers shared by the command-line test scripts (sourced after WORK is
# set): counters, ok / fail, expect (run a command, check its exit status,
# keep its output in $WORK/out and $WORK/err), has (a file contains a text),
# same (two files are equal) and finish (the closing summary line).
fails=0
passes=0

ok() { passes=$((passes + 1)); echo "ok   $1"; }
fail() { fails=$((fails + 1)); echo "FAIL $1"; }

# expect NAME WANT_RC CMD...
expect() {
    name=$1
    want=$2
    shift 2
    "$@" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$name (exit $rc)"; else
        fail "$name: exit $rc, want $want"
        sed 's/^/    stderr: /' "$WORK/err" | head -5
    fi
}

# has NAME FILE TEXT
has() {
    if grep -qF -- "$3" "$2"; then ok "$1"; else fail "$1: '$3' not in $(head -c 300 "$2")"; fi
}

# same NAME FILE_GOT FILE_WANT
same() {
    if cmp -s "$2" "$3"; then ok "$1"; else
        fail "$1"
        diff "$3" "$2" | head -10 | sed 's/^/    /'
    fi
}

# finish: the summary line CI reads, and the exit status
finish() {
    echo "$passes passed, $fails failed"
    [ "$fails" -eq 0 ]
}
