#!/bin/sh
# Install what is missing, build the developer build (warnings are errors)
# and the AddressSanitizer + UndefinedBehaviorSanitizer build, run every
# test in both, then run each libFuzzer target for a short deterministic
# stretch over its corpus.  Ends with one line "N passed, M failed".
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test
# the real testbed's smoke test (tests/test_testbed_smoke.sh) runs when the
# machine allows it (root, network namespaces) and needs these; without them
# it skips, so a failed install is not fatal
scripts/deps.sh testbed ||
    echo "test: the real testbed's tools could not be installed: its smoke test will be skipped"
passed=0
failed=0
for flavour in dev asan; do
    echo "== $flavour build"
    scripts/build.sh "$flavour"
    echo "== $flavour tests"
    log="build/$flavour/ctest.log"
    (cd "build/$flavour" && ctest --output-on-failure -j "$(nproc)") >"$log" 2>&1 || true
    cat "$log"
    summary=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
    if [ -z "$summary" ]; then
        echo "== $flavour: ctest did not run"
        failed=$((failed + 1))
        continue
    fi
    total=$(echo "$summary" | sed -E 's/.*out of ([0-9]+).*/\1/')
    bad=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests failed.*/\1/')
    passed=$((passed + total - bad))
    failed=$((failed + bad))
done
if command -v clang >/dev/null 2>&1; then
    echo "== fuzz build (clang, libFuzzer): a fixed-seed run of each target over its corpus"
    scripts/build.sh fuzz >build/fuzz.log 2>&1 || { cat build/fuzz.log; failed=$((failed + 1)); }
    # runs per target: about a minute each on this machine (the table
    # reader allocates per input, so it gets fewer)
    for spec in decode:2000000 labels:2000000 table:200000 model:1000000; do
        target=${spec%%:*}
        runs=${spec#*:}
        bin=build/fuzz/fuzz/fuzz_$target
        [ -x "$bin" ] || continue
        mkdir -p "build/fuzz/work-$target"
        if "$bin" -seed=1 -runs="$runs" "build/fuzz/work-$target" "fuzz/corpus/$target" \
            >"build/fuzz/$target.log" 2>&1; then
            echo "fuzz_$target: $(tail -1 "build/fuzz/$target.log")"
            passed=$((passed + 1))
        else
            tail -40 "build/fuzz/$target.log"
            failed=$((failed + 1))
        fi
    done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
