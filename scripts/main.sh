#!/bin/sh
# The main job, from a fresh Debian 12 machine: install what is missing,
# build migad, and run it.  Results go to out/.
#
# Today: the paper's 8-run matrix on the built-in simulator (16 captures with
# ground truth, out/sim/), then labelled per-second features of every trace
# with the experiment's filter (out/features/), and the same for the real
# testbed recordings when they are next to the project.  The detectors,
# the evaluation and the HTML report join as `migad experiment` lands.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
echo "== building (build/release)"
scripts/build.sh release >/dev/null
bin=build/release/migad
filter='not (host 10.10.0.1 and host 10.10.0.2)'   # management traffic between the hosts
mkdir -p out/features
echo "== migad sim: the paper's matrix -> out/sim/"
"$bin" sim -o out/sim
echo "== migad extract: labelled features of every trace -> out/features/"
tail -n +2 out/sim/runs.tsv | while IFS="$(printf '\t')" read -r run _; do
    "$bin" extract -q -f extended -l "out/sim/$run/groundtruth.txt" -o "out/features/$run.csv" \
        -r "out/sim/$run/nodeA-virbr0.pcap" -r "out/sim/$run/nodeB-virbr0.pcap" "$filter"
    echo "   out/features/$run.csv: $(($(wc -l <"out/features/$run.csv") - 1)) rows"
done
samples=../shared/data/testbed-samples
if [ -d "$samples" ]; then
    for run in nmap hping3; do
        [ -f "$samples/$run/nodeA-virbr0.pcap.gz" ] || continue
        echo "== migad extract: real testbed recording '$run' -> out/features/testbed-$run.csv"
        "$bin" extract -q -f extended -o "out/features/testbed-$run.csv" \
            -r "$samples/$run/nodeA-virbr0.pcap.gz" -r "$samples/$run/nodeB-virbr0.pcap.gz" "$filter"
    done
fi
echo "== done: captures in out/sim/, features in out/features/"
