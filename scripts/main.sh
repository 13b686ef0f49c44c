#!/bin/sh
# The main job, from a fresh Debian 12 machine: install what is missing,
# build migad, and run paper 1's experiment on the built-in simulator.
# Results go to out/.
#
#   out/sim/          the 8 simulated runs (16 captures, ground truth)
#   out/features/     labelled per-second features of every trace
#   out/datasets/     the 4 combined 40-minute datasets (type x intensity),
#                     with and without the migration (IMI) rows
#   out/scores/       every detector's scores in both protocols
#   out/summary.tsv   AUC and TPR at 5 % FPR with and without migration
#
# `migad experiment` (one command, with plots and an HTML report) will
# replace this script's steps; until then they are the same commands a user
# would type.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
echo "== building (build/release)"
scripts/build.sh release >/dev/null
bin=build/release/migad
# management traffic between the hosts (libvirtd, ssh); the migration stream
# itself stays: it is what the paper measures the effect of
filter='not (host 10.10.0.1 and host 10.10.0.2 and (tcp port 16509 or tcp port 22))'
paper=packets,bytes,flows,h_srcip,h_dstip,h_sport,h_dport,h_pktsize
rm -rf out/features out/datasets out/scores
mkdir -p out/features out/datasets out/scores

echo "== migad sim: the paper's matrix -> out/sim/"
"$bin" sim -o out/sim

echo "== migad extract: labelled features of every trace -> out/features/"
tail -n +2 out/sim/runs.tsv | while IFS="$(printf '\t')" read -r run _; do
    "$bin" extract -q -f extended -l "out/sim/$run/groundtruth.txt" -o "out/features/$run.csv" \
        -r "out/sim/$run/nodeA-virbr0.pcap" -r "out/sim/$run/nodeB-virbr0.pcap" "$filter"
done

echo "== datasets: MDout and MDin of the NM and AM runs of each attack -> out/datasets/"
for set in ns-high ns-low dos-high dos-low; do
    out=out/datasets/$set.csv
    head -1 "out/features/$set-nm.csv" >"$out"
    for overlap in nm am; do
        # trace names get the run in front: ns-high-nm/nodeA-virbr0
        tail -n +2 "out/features/$set-$overlap.csv" | sed "s|^|$set-$overlap/|" >>"$out"
    done
    # the same without the rows under migration (imi > 0, the last column)
    awk -F, 'NR == 1 || $NF == 0' "$out" >"out/datasets/$set-nomig.csv"
    echo "   $out: $(($(wc -l <"$out") - 1)) rows, $(($(wc -l <"out/datasets/$set-nomig.csv") - 1)) without migration"
done

echo "== detectors, both protocols (fit and score on all rows; again without the IMI rows)"
summary=out/summary.tsv
printf 'dataset\tdetector\tauc_with\tauc_without\tauc_effect\ttpr5_with\ttpr5_without\n' >"$summary"
for set in ns-high ns-low dos-high dos-low; do
    for det in pca kmeans gmm ae; do
        opts=""
        [ "$det" = kmeans ] && opts="--init classes"
        for proto in with without; do
            data=out/datasets/$set.csv
            [ "$proto" = without ] && data=out/datasets/$set-nomig.csv
            # shellcheck disable=SC2086
            "$bin" train -q -d "$det" $opts --features "$paper" -i "$data" \
                -o "out/scores/$set-$det-$proto.model"
            "$bin" score -q -m "out/scores/$set-$det-$proto.model" -i "$data" \
                -o "out/scores/$set-$det-$proto.csv"
        done
        w=$("$bin" eval --format csv "out/scores/$set-$det-with.csv" | awk -F, '$3 == "with" { print $7 "\t" $12 }')
        wo=$("$bin" eval --format csv "out/scores/$set-$det-without.csv" | awk -F, '$3 == "with" { print $7 "\t" $12 }')
        printf '%s\t%s\t%s\t%s\n' "$set" "$det" "$w" "$wo" |
            awk -F'\t' -v OFS='\t' '{ print $1, $2, $3, $5, $3 - $5, $4, $6 }' >>"$summary"
    done
done
echo "== summary (AUC and TPR at 5 % FPR, with and without migration rows) -> $summary"
awk -F'\t' 'NR == 1 { printf "%-9s %-7s %9s %9s %9s %9s %9s\n", "dataset", "detector", "AUC with", "without", "effect", "TPR5 with", "without"; next }
            { printf "%-9s %-7s %9.3f %9.3f %+9.3f %9.3f %9.3f\n", $1, $2, $3, $4, $5, $6, $7 }' "$summary"

samples=../shared/data/testbed-samples
if [ -d "$samples" ]; then
    for run in nmap hping3; do
        [ -f "$samples/$run/nodeA-virbr0.pcap.gz" ] || continue
        echo "== migad extract: real testbed recording '$run' -> out/features/testbed-$run.csv"
        "$bin" extract -q -f extended -o "out/features/testbed-$run.csv" \
            -r "$samples/$run/nodeA-virbr0.pcap.gz" -r "$samples/$run/nodeB-virbr0.pcap.gz" "$filter"
    done
fi
echo "== done: out/summary.tsv"
