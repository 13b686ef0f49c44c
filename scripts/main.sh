#!/bin/sh
# The main job, from a fresh Debian 12 machine: install what is missing,
# build migad, and run it.  Results go to out/.
#
# Until `migad experiment` lands (the paper's whole experiment on the
# built-in simulator), the main job extracts labelled features from a demo
# capture and, when the real testbed recordings are next to the project
# (../shared/data/testbed-samples), from both bridges of each recording.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
echo "== building (build/release)"
scripts/build.sh release >/dev/null
bin=build/release/migad
mkdir -p out/demo
build/release/tests/gen_fixtures out/demo
echo "== migad extract: demo capture -> out/demo-features.csv"
"$bin" extract -f extended -l tests/golden/basic.gt -o out/demo-features.csv -r out/demo/basic.pcap
samples=../shared/data/testbed-samples
if [ -d "$samples" ]; then
    for run in nmap hping3; do
        [ -f "$samples/$run/nodeA-virbr0.pcap.gz" ] || continue
        echo "== migad extract: testbed recording '$run' (both bridges) -> out/testbed-$run.csv"
        # the experiment's filter: drop the traffic between the two hosts
        "$bin" extract -f extended -o "out/testbed-$run.csv" \
            -r "$samples/$run/nodeA-virbr0.pcap.gz" -r "$samples/$run/nodeB-virbr0.pcap.gz" \
            'not (host 10.10.0.1 and host 10.10.0.2)'
    done
fi
echo "== done: features in out/*.csv"
