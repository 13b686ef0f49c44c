#!/bin/sh
# Install what is missing, build the developer build (warnings are errors)
# and the AddressSanitizer + UndefinedBehaviorSanitizer build, run every
# test in both, and replay the fuzz corpus under libFuzzer.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test
status=0
for flavour in dev asan; do
    echo "== $flavour build"
    scripts/build.sh "$flavour"
    echo "== $flavour tests"
    (cd "build/$flavour" && ctest --output-on-failure -j "$(nproc)") || status=1
done
if command -v clang >/dev/null 2>&1; then
    echo "== fuzz build (libFuzzer), short deterministic run over the corpus"
    scripts/build.sh fuzz
    mkdir -p build/fuzz/work
    build/fuzz/fuzz/fuzz_decode -seed=1 -runs=200000 build/fuzz/work fuzz/corpus/decode \
        >build/fuzz/fuzz.log 2>&1 || { tail -40 build/fuzz/fuzz.log; status=1; }
fi
exit $status
