# Sourced by the benchmark scripts (bench/run.sh, bench/detectors.sh):
#   bench_build TARGET...
# builds the targets in $build (absolute) from the sources in $root:
# the default directory ($root/build/release) is first made with
# scripts/build.sh release when missing (only configured if that full build
# fails), any other one configured as a Release build.  On a failed build it
# prints the log and "bench: build failed$bench_build_hint" and exits 1.
# Warns when $build is not a Release build, unless bench_build_quiet_type
# is set (a binary built by hand is measured instead).

bench_build() {
    if [ ! -f "$build/CMakeCache.txt" ] && [ "$build" = "$root/build/release" ]; then
        echo "bench: building $build with scripts/build.sh release" >&2
        "$root/scripts/build.sh" release >/dev/null 2>&1 ||
            echo "bench: full build failed; building only what the benchmark needs" >&2
    fi
    if [ ! -f "$build/CMakeCache.txt" ]; then
        cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    fi
    if ! log=$(cmake --build "$build" -j "$(nproc)" --target "$@" 2>&1); then
        printf '%s\n' "$log" >&2
        echo "bench: build failed${bench_build_hint:-}" >&2
        exit 1
    fi
    btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
    if [ "$btype" != Release ] && [ -z "${bench_build_quiet_type:-}" ]; then
        echo "bench: note: $build is a '$btype' build, not Release" >&2
    fi
}
