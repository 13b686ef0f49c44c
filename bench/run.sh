#!/bin/sh
# bench/run.sh: packet rate and memory of `migad extract` against a bare
# libpcap read loop, on one large page-cached capture, in one run.
#
# Usage: bench/run.sh [--tshark] [--capinfos] [BUILD_DIR] [PACKETS]
#   BUILD_DIR  default build/release (built with scripts/build.sh release if
#              missing); the bench tools and migad are (re)built there
#   PACKETS    capture size, default 10000000
#   --tshark   add a row for `tshark -r FILE -T fields -e frame.len` (slow, one run)
#   --capinfos add a row for `capinfos FILE` (one run)
# Environment:
#   MIGAD=/path/to/migad  measure this binary instead of BUILD_DIR/migad
#   SEED=N                capture seed (default 1)
#   RUNS=N                runs of each tool, alternating (default 3; best time kept)
#   BLAS=reference        run migad with Debian's reference BLAS and LAPACK (what
#                         scripts/deps.sh installs) even where another BLAS,
#                         e.g. OpenBLAS, is the system's choice (default: system)
#
# The capture is written once to BUILD_DIR/bench/ and reused while the packet
# count, seed and generator version stay the same.  Times are wall-clock
# times of whole processes; the packet rate is packets / best time; the peak
# RSS is the largest ru_maxrss over the runs.  Targets (docs: bench/README.md):
# migad extract at >= 0.5 x the bare loop's rate and >= 10 Mpps, and memory
# that does not grow with the trace (peak RSS at N/4 packets ~ at N).
# The script reports; it does not fail when a target is missed.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
    sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'
}

with_tshark=0
with_capinfos=0
while [ $# -gt 0 ]; do
    case $1 in
        --tshark) with_tshark=1; shift ;;
        --capinfos) with_capinfos=1; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        -*) usage >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -le 2 ] || { usage >&2; exit 2; }

build=${1:-$root/build/release}
packets=${2:-10000000}
seed=${SEED:-1}
runs=${RUNS:-3}
case $packets in ''|*[!0-9]*) echo "bench: invalid packet count '$packets'" >&2; exit 2 ;; esac
case $seed in ''|*[!0-9]*) echo "bench: invalid SEED '$seed'" >&2; exit 2 ;; esac
case $runs in ''|*[!0-9]*|0) echo "bench: invalid RUNS '$runs'" >&2; exit 2 ;; esac
[ "$packets" -ge 4 ] || { echo "bench: need at least 4 packets" >&2; exit 2; }
case $build in /*) ;; *) build=$(pwd)/$build ;; esac

# ---- build ---------------------------------------------------------------
. "$root/bench/build.sh"
targets="bench_gen_capture bench_pcap_loop bench_rss"
[ -n "${MIGAD:-}" ] || targets="$targets migad-cli"
bench_build_hint=" (set MIGAD=/path/to/migad to measure a binary built by hand)"
bench_build_quiet_type=${MIGAD:-}
# shellcheck disable=SC2086
bench_build $targets

gen=$build/bench/gen_capture
loop=$build/bench/pcap_loop
rss=$build/bench/rss
migad=${MIGAD:-$build/migad}
[ -x "$migad" ] || { echo "bench: no migad binary at $migad" >&2; exit 1; }

# Which BLAS migad loads.  OpenBLAS starts a thread pool in the constructor
# of the library, in every program that links it, before main(); its threads
# spin for a moment, which costs migad extract a few per cent although it does
# no linear algebra.  BLAS=reference measures the BLAS scripts/deps.sh installs.
case ${BLAS:-system} in
system) ;;
reference)
    multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
    refdirs=/usr/lib/$multiarch/blas:/usr/lib/$multiarch/lapack
    [ -e "/usr/lib/$multiarch/blas/libblas.so.3" ] ||
        { echo "bench: no reference BLAS in /usr/lib/$multiarch/blas (Debian: libblas3)" >&2; exit 1; }
    LD_LIBRARY_PATH=$refdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
    ;;
*) echo "bench: BLAS must be system or reference" >&2; exit 2 ;;
esac
blas_lib=$(ldd "$migad" 2>/dev/null | awk '$1 == "libblas.so.3" { print $3 }')
blas_real=$(readlink -f "$blas_lib" 2>/dev/null || echo "$blas_lib")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# ---- capture ---------------------------------------------------------------
format=$("$gen" -V)
cap=$build/bench/capture-n$packets-s$seed-v$format.pcap
if [ -s "$cap" ]; then
    echo "bench: reusing $cap" >&2
else
    echo "bench: writing $cap" >&2
    "$gen" -n "$packets" -s "$seed" -o "$cap.part"
    mv "$cap.part" "$cap"
fi
# The same packets spread over a long time, for the memory check: the first
# quarter spans 120 s of traffic, twice the default flow timeout, and far more
# bins than the binner keeps open, so memory that grows with the trace shows.
long_rate=$((packets / 480))
[ "$long_rate" -ge 1 ] || long_rate=1
long=$build/bench/capture-n$packets-s$seed-r$long_rate-v$format.pcap
if [ ! -s "$long" ]; then
    echo "bench: writing $long" >&2
    "$gen" -n "$packets" -s "$seed" -r "$long_rate" -o "$long.part"
    mv "$long.part" "$long"
fi
cat "$cap" >/dev/null    # into the page cache
cat "$cap" >/dev/null
cat "$long" >/dev/null

# ---- measuring -------------------------------------------------------------
# run NAME CMD...: run once under rss; append "wall maxrss_kib" to $tmp/NAME.
run() {
    name=$1
    shift
    if ! "$rss" -o "$tmp/rss" "$@" >"$tmp/out" 2>"$tmp/err"; then
        echo "bench: $name failed: $*" >&2
        cat "$tmp/err" >&2
        exit 1
    fi
    sed 's/.*wall=\([^ ]*\).*maxrss_kib=\([^ ]*\).*/\1 \2/' "$tmp/rss" >>"$tmp/$name"
}

# best NAME: best (lowest) wall time and largest RSS in KiB of NAME's runs.
best() {
    awk 'NR == 1 || $1 < t { t = $1 } $2 > m { m = $2 } END { printf "%.6f %d\n", t, m }' \
        "$tmp/$1"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
echo "bench: $runs runs each of the bare loop (stdio's buffer and migad's 64 KiB), migad extract and migad extract -f extended" >&2
i=0
while [ "$i" -lt "$runs" ]; do
    run bare "$loop" "$cap"
    cp "$tmp/out" "$tmp/bare.out"
    run bare64 "$loop" -b 65536 "$cap"
    run paper "$migad" extract -q -r "$cap" -o /dev/null
    run extended "$migad" extract -q -r "$cap" -o /dev/null -f extended
    i=$((i + 1))
done
got=$(sed -n 's/^packets=\([0-9]*\).*/\1/p' "$tmp/bare.out")
[ "$got" = "$packets" ] || { echo "bench: the capture holds $got packets, not $packets" >&2; exit 1; }
libpcap=$(sed -n 's/.*lib="\([^"]*\)".*/\1/p' "$tmp/bare.out")

quarter=$((packets / 4))
half=$((packets / 2))
echo "bench: memory growth: migad extract on the first $quarter packets" >&2
for f in paper extended; do
    run "${f}_q" "$migad" extract -q -r "$cap" -o /dev/null -f "$f" -c "$quarter"
    run "${f}_long" "$migad" extract -q -r "$long" -o /dev/null -f "$f"
    run "${f}_longq" "$migad" extract -q -r "$long" -o /dev/null -f "$f" -c "$quarter"
    run "${f}_longh" "$migad" extract -q -r "$long" -o /dev/null -f "$f" -c "$half"
done

if [ "$with_tshark" = 1 ]; then
    if command -v tshark >/dev/null 2>&1; then
        echo "bench: tshark (one run)" >&2
        run tshark tshark -r "$cap" -T fields -e frame.len
    else
        echo "bench: tshark is not installed; skipping" >&2
        with_tshark=0
    fi
fi
if [ "$with_capinfos" = 1 ]; then
    if command -v capinfos >/dev/null 2>&1; then
        echo "bench: capinfos (one run)" >&2
        run capinfos capinfos "$cap"
    else
        echo "bench: capinfos is not installed; skipping" >&2
        with_capinfos=0
    fi
fi

# ---- report ----------------------------------------------------------------
read -r bare_t _ <<EOF
$(best bare)
EOF

# row LABEL NAME: one table row, rate relative to the bare loop
row() {
    read -r t m <<EOF
$(best "$2")
EOF
    awk -v l="$1" -v t="$t" -v m="$m" -v n="$packets" -v bt="$bare_t" 'BEGIN {
        printf "| %-34s | %7.2f | %8.3f | %12.1f | %5.3f |\n", l, n / t / 1e6, t, m / 1024, bt / t }'
}

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
version=$("$migad" --version 2>/dev/null | head -n 1 || true)
size=$(wc -c <"$cap" | tr -d ' ')
echo
echo "migad extract benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr); $libpcap"
echo "migad: $migad${version:+ ($version)}"
echo "migad's BLAS: ${blas_real:-unknown} (BLAS=${BLAS:-system})"
case $blas_real in
*openblas*) echo "         OpenBLAS starts a thread pool in every program linking it; BLAS=reference" \
                 "measures the BLAS scripts/deps.sh installs" ;;
esac
echo "capture: $cap"
awk -v n="$packets" -v s="$size" -v seed="$seed" 'BEGIN {
    printf "         %d packets, %.0f MiB, seed %d, page-cached\n", n, s / 1048576, seed }'
echo "load average before the runs: $load_before (other work on the machine skews the times)"
echo "times: best of $runs alternating runs (whole process, wall clock); RSS: peak"
echo
echo "| tool                               |    Mpps |  seconds | peak RSS MiB | ratio |"
echo "| ---------------------------------- | ------: | -------: | -----------: | ----: |"
row "bare libpcap loop (pcap_loop)" bare
row "bare loop, 64 KiB stdio buffer" bare64
row "migad extract (paper, default)" paper
row "migad extract -f extended" extended
[ "$with_tshark" = 0 ] || row "tshark -T fields (1 run)" tshark
[ "$with_capinfos" = 0 ] || row "capinfos (1 run)" capinfos
echo
echo "ratio = bare loop time / tool time (= tool packet rate / bare loop packet rate)"
for name in bare bare64 paper extended; do
    printf '%-9s run times (s): %s\n' "$name" "$(cut -d' ' -f1 "$tmp/$name" | tr '\n' ' ')"
done
echo

# verdict NAME LABEL
verdict() {
    read -r t m <<EOF
$(best "$1")
EOF
    awk -v l="$2" -v t="$t" -v n="$packets" -v bt="$bare_t" 'BEGIN {
        r = bt / t; p = n / t / 1e6
        printf "%-32s ratio %.3f (>= 0.5: %s), %.2f Mpps (>= 10: %s)\n", l, r,
            (r >= 0.5 ? "met" : "MISSED"), p, (p >= 10 ? "met" : "MISSED") }'
}
echo "targets:"
verdict paper "  migad extract (the target):"
verdict extended "  migad extract -f extended:"
read -r bare64_t _ <<EOF
$(best bare64)
EOF
for name in paper extended; do
    read -r t _ <<EOF
$(best "$name")
EOF
    awk -v l="$name" -v t="$t" -v bt="$bare64_t" 'BEGIN {
        printf "  %-8s against the loop with migad'"'"'s 64 KiB buffer: ratio %.3f\n", l, bt / t }'
done
echo

# growth LABEL FULL QUARTER [HALF]
growth() {
    read -r _ mq <<EOF
$(best "$3")
EOF
    mh=
    if [ $# -ge 4 ]; then
        read -r _ mh <<EOF
$(best "$4")
EOF
    fi
    read -r _ mn <<EOF
$(best "$2")
EOF
    awk -v l="$1" -v q="$mq" -v h="$mh" -v n="$mn" 'BEGIN {
        hs = h == "" ? "-" : sprintf("%.1f", h / 1024)
        printf "| %-32s | %7.1f | %7s | %7.1f | %9.2f |\n", l, q / 1024, hs, n / 1024, n / q }'
}
awk -v q="$quarter" -v n="$packets" -v r="$long_rate" 'BEGIN {
    printf "memory growth: peak RSS on the first N/4 (%d), N/2 and all N (%d) packets\n", q, n
    printf "  long capture: %d packets/s, N/4 = %.0f s and N = %.0f s of traffic\n", r, q / r, n / r }'
echo
echo "| run                              | N/4 MiB | N/2 MiB |   N MiB | N / (N/4) |"
echo "| -------------------------------- | ------: | ------: | ------: | --------: |"
growth "paper, long capture" paper_long paper_longq paper_longh
growth "extended, long capture" extended_long extended_longq extended_longh
growth "paper, benchmark capture (*)" paper paper_q
growth "extended, benchmark capture (*)" extended extended_q
echo
echo "(*) the benchmark capture's first quarter spans fewer bins than the binner"
echo "keeps open (reorder window 2 s + 2 bins) and all its flows are younger than the"
echo "flow timeout, so RSS there rises until the open bins and flows are all filled;"
echo "the long capture shows whether memory keeps growing after that."
