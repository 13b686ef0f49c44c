#!/bin/sh
# bench/detectors.sh: fit + score time of migad's detectors against
# scikit-learn on the same rows with the same parameters, in one run.
#
# Usage: bench/detectors.sh [BUILD_DIR]
#   BUILD_DIR  default build/release (built with scripts/build.sh release if
#              missing); det_bench is (re)built there
# Environment:
#   RUNS=N        runs of each pair, alternating migad / scikit-learn (default 3;
#                 the median is reported)
#   SEED=N        seed of the generated rows (default 1)
#   SIZES="N..."  row counts (default "2400 86400")
#   CASES="..."   detectors (default "pca kmeans gmm svm svm-whole ae svm-grid")
#   GRID_MAX=N    svm-grid only on sizes up to N rows (default 2400)
#   THREADS=N     OpenBLAS / OpenMP threads for both sides (default 1)
#
# Each timed run is a process of its own: bench/det_bench (libmigad, C) or
# bench/det_sklearn.py (Debian's python3-sklearn).  Both read the CSV before
# the clock starts and time fit + score in-process.  The rows are written
# once to BUILD_DIR/bench/ by det_sklearn.py gen and reused.  The target
# (issue #4): migad at least 2x faster, i.e. sklearn time / migad time >= 2.
# The script reports; it does not fail when the target is missed.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
GEN_VERSION=1 # bump when det_sklearn.py gen changes its rows

usage() {
    sed -n '4,16p' "$0" | sed 's/^# \{0,1\}//'
}
case ${1:-} in -h|--help) usage; exit 0 ;; -*) usage >&2; exit 2 ;; esac
[ $# -le 1 ] || { usage >&2; exit 2; }

build=${1:-$root/build/release}
runs=${RUNS:-3}
seed=${SEED:-1}
sizes=${SIZES:-2400 86400}
cases=${CASES:-pca kmeans gmm svm svm-whole ae svm-grid}
grid_max=${GRID_MAX:-2400}
threads=${THREADS:-1}
for v in "$runs" "$seed" "$grid_max" "$threads" $sizes; do
    case $v in ''|*[!0-9]*) echo "bench: invalid number '$v'" >&2; exit 2 ;; esac
done
[ "$runs" -ge 1 ] || { echo "bench: RUNS must be at least 1" >&2; exit 2; }
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
export OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads"

if ! "$PY" -c "import sklearn, numpy" 2>/dev/null; then
    echo "bench: $PY cannot import sklearn and numpy (Debian: python3-sklearn)" >&2
    exit 1
fi

# ---- build ---------------------------------------------------------------
. "$root/bench/build.sh"
bench_build bench_det_bench
det=$build/bench/det_bench
sk=$root/bench/det_sklearn.py

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# ---- rows ------------------------------------------------------------------
for n in $sizes; do
    csv=$build/bench/detectors-n$n-s$seed-v$GEN_VERSION.csv
    if [ ! -s "$csv" ]; then
        echo "bench: writing $csv" >&2
        "$PY" "$sk" gen "$n" "$seed" "$csv.part"
        mv "$csv.part" "$csv"
    fi
    # the cross-validation folds of migad's svm, for GridSearchCV
    "$det" -F "$tmp/folds-$n" "$csv" pca >/dev/null
done

# ---- measuring -------------------------------------------------------------
# one TOOL CASE N: run once, append the total wall seconds to $tmp/TOOL-CASE-N,
# the CPU seconds to $tmp/TOOL-CASE-N.cpu, keep the output line in .line
one() {
    csv=$build/bench/detectors-n$3-s$seed-v$GEN_VERSION.csv
    if [ "$1" = migad ]; then
        set -- "$1" "$2" "$3" "$det" "$csv" "$2"
    else
        set -- "$1" "$2" "$3" "$PY" -W ignore "$sk" run --folds "$tmp/folds-$3" "$csv" "$2"
    fi
    tag=$1-$2-$3
    shift 3
    if ! "$@" >"$tmp/out" 2>"$tmp/err"; then
        echo "bench: failed: $*" >&2
        cat "$tmp/err" >&2
        exit 1
    fi
    cp "$tmp/out" "$tmp/$tag.line"
    sed -n 's/.* total=\([0-9.]*\) .*/\1/p' "$tmp/out" >>"$tmp/$tag"
    sed -n 's/.* cpu=\([0-9.]*\) .*/\1/p' "$tmp/out" >>"$tmp/$tag.cpu"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
r=1
while [ "$r" -le "$runs" ]; do
    echo "bench: run $r of $runs" >&2
    for n in $sizes; do
        for c in $cases; do
            [ "$c" != svm-grid ] || [ "$n" -le "$grid_max" ] || continue
            one migad "$c" "$n"
            one sklearn "$c" "$n"
        done
    done
    r=$((r + 1))
done

# ---- report ----------------------------------------------------------------
median() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        if (NR % 2) printf "%.6f", v[(NR + 1) / 2]
        else printf "%.6f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
skv=$("$PY" -c "import sklearn, numpy; print('scikit-learn', sklearn.__version__, 'numpy', numpy.__version__)")
echo
echo "migad detectors against scikit-learn, $(date -u '+%Y-%m-%d %H:%M UTC')"
# (nproc would count OMP_NUM_THREADS, set above)
echo "machine: $(getconf _NPROCESSORS_ONLN) CPUs, ${cpu:-unknown CPU}, $(uname -sr); $skv"
echo "rows: det_sklearn.py gen, seed $seed, 8 paper features; BLAS threads: $threads"
echo "load average before the runs: $load_before (other work on the machine skews the times)"
echo "times: fit + score in-process, median of $runs alternating runs; CPU time"
echo "(CLOCK_PROCESS_CPUTIME_ID / time.process_time) is the measure, as the machine's"
echo "other work stretches wall time; wall-clock medians are shown for comparison"
echo
echo "| detector  | rows   | migad s | sklearn s | sklearn/migad | 2x target | wall: migad s | sklearn s | ratio |"
echo "| --------- | -----: | ------: | --------: | ------------: | --------- | ------------: | --------: | ----: |"
for n in $sizes; do
    for c in $cases; do
        [ -f "$tmp/migad-$c-$n" ] || continue
        m=$(median "$tmp/migad-$c-$n.cpu")
        s=$(median "$tmp/sklearn-$c-$n.cpu")
        mw=$(median "$tmp/migad-$c-$n")
        sw=$(median "$tmp/sklearn-$c-$n")
        awk -v c="$c" -v n="$n" -v m="$m" -v s="$s" -v mw="$mw" -v sw="$sw" 'BEGIN {
            r = s / m
            printf "| %-9s | %6d | %7.3f | %9.3f | %13.2f | %-9s | %13.3f | %9.3f | %5.2f |\n",
                c, n, m, s, r, (r >= 2 ? "PASS" : "below"), mw, sw, sw / mw }'
    done
done
echo
echo "every run (seconds) and what each side fitted (last run):"
for n in $sizes; do
    for c in $cases; do
        [ -f "$tmp/migad-$c-$n" ] || continue
        for tool in migad sklearn; do
            printf '  %-7s %-9s %6d: cpu %s\n' "$tool" "$c" "$n" "$(tr '\n' ' ' <"$tmp/$tool-$c-$n.cpu")"
            printf '                            wall %s\n' "$(tr '\n' ' ' <"$tmp/$tool-$c-$n")"
            sed 's/.*info=/            /' "$tmp/$tool-$c-$n.line"
        done
    done
done
