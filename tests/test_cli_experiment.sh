#!/bin/sh
# Command-line tests of `migad experiment`: a shortened run end to end (the
# files, the report's structure, its numbers against migad eval on the same
# score files, the datasets against the shell pipeline of scripts/main.sh),
# --traces on the run's own traces, and the error messages.  When chromium
# is installed the report is rendered headless to a PNG.
# Usage: test_cli_experiment.sh MIGAD WORK_DIR
set -u
MIGAD=$1
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
. "$(dirname "$0")/cli_lib.sh"

out=$WORK/exp
short="--set duration=60 --set attack_start=30 --set vm_ram_mib=32"
# shellcheck disable=SC2086
expect "shortened experiment" 0 "$MIGAD" experiment -o "$out" --seed 7 $short --detectors pca,kmeans
cp "$WORK/out" "$WORK/stdout"
cp "$WORK/err" "$WORK/stderr"
for f in report.html summary.csv scenario.txt sim/runs.tsv datasets/ns-high.csv \
    datasets/dos-low-nomig.csv scores/ns-low-kmeans-without.csv figures/dos-high-pca-roc.svg \
    figures/dos-high-pca-asg.svg; do
    if [ -s "$out/$f" ]; then ok "$f written"; else fail "$f missing"; fi
done
has "progress: simulation" "$WORK/stderr" "step 1/6: migad sim"
has "progress: report" "$WORK/stderr" "step 6/6: report"
has "summary on stdout" "$WORK/stdout" "dos-low   kmeans"
has "seed in scenario.txt" "$out/scenario.txt" "seed = 7"

# summary.csv: 4 datasets x 2 detectors
rows=$(tail -n +2 "$out/summary.csv" | wc -l)
if [ "$rows" -eq 8 ]; then ok "summary.csv: 8 rows"; else fail "summary.csv: $rows rows"; fi
has "summary.csv header" "$out/summary.csv" "dataset,detector,auc_with,auc_without,auc_effect,tpr5_with,tpr5_without,pauc_with,pauc_without,auc_with_lo,auc_with_hi,migration_only_rows,far_migration,far_normal"

# the numbers are those of migad eval on the same score files (AUC, TPR at 5 %
# FPR, partial AUC, the bootstrap interval with eval's default seed, the
# migration-only rows and their false-alarm rate), and the false alarms on the
# other normal rows counted here from the score file's alarm column
bad=0
tail -n +2 "$out/summary.csv" >"$WORK/summary.rows"
while IFS=, read -r set det aw awo _ tw two pw pwo lo hi nmig fmig fnorm; do
    "$MIGAD" eval --format csv --bootstrap 1000 "$out/scores/$set-$det-with.csv" >"$WORK/ev" || bad=1
    got=$(awk -F, '$3 == "with" { print $7 "," $12 "," $10 "," $8 "," $9 "," $30 "," $31 }' "$WORK/ev")
    [ "$got" = "$aw,$tw,$pw,$lo,$hi,$nmig,$fmig" ] ||
        { bad=1; echo "    $set $det with: eval $got, summary $aw,$tw,$pw,$lo,$hi,$nmig,$fmig"; }
    "$MIGAD" eval --format csv "$out/scores/$set-$det-without.csv" >"$WORK/ev" || bad=1
    got=$(awk -F, '$3 == "with" { print $7 "," $12 "," $10 }' "$WORK/ev")
    [ "$got" = "$awo,$two,$pwo" ] || { bad=1; echo "    $set $det without: eval $got, summary $awo,$two,$pwo"; }
    # score,alarm,...,gt,imi: columns 5, 6, 7, 8
    want=$(awk -F, 'NR > 1 && $7 == 0 && $8 == 0 { n++; a += $6 } END { printf "%d/%d", a, n }' \
        "$out/scores/$set-$det-with.csv")
    got=$(awk -v f="$fnorm" -v w="$want" 'BEGIN { split(w, p, "/"); d = f - p[1] / p[2];
        print (d < 1e-15 && d > -1e-15) ? "same" : "differs" }')
    [ "$got" = same ] || { bad=1; echo "    $set $det: far_normal $fnorm, counted $want"; }
done <"$WORK/summary.rows"
if [ "$bad" -eq 0 ]; then ok "summary.csv = migad eval (AUC, TPR at 5 % FPR, pAUC, CI, migration FAR) and counted FAR"; else fail "summary.csv differs from migad eval"; fi

# pca and kmeans were fitted on the normal rows: pca's z-score shift of
# packets is the mean of packets over the gt = 0 rows of the dataset
"$MIGAD" score -m "$out/scores/dos-high-pca-with.model" --describe >"$WORK/desc"
shift=$(awk '$1 == "shift" { print $2 }' "$WORK/desc")
got=$(awk -F, -v s="$shift" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "packets") p = i; if ($i == "gt") g = i } next }
    $g == 0 { n++; t += $p } END { d = t / n - s; print (d < 1e-9 * t / n && d > -1e-9 * t / n) ? "same" : "differs " t / n }' \
    "$out/datasets/dos-high.csv")
if [ "$got" = same ]; then ok "pca fitted on the normal rows (shift = mean over gt = 0)"; else fail "pca shift $shift: $got"; fi
# the report shows the same AUCs (3 decimals)
aw=$(awk -F, '$1 == "dos-high" && $2 == "pca" { printf "%.3f", $3 }' "$out/summary.csv")
has "report: summary table" "$out/report.html" '<table id="summary">'
has "report: an AUC of the table" "$out/report.html" "<td class=\"n\">$aw</td>"
has "report: version" "$out/report.html" "migad $("$MIGAD" --version | cut -d' ' -f2)"
has "report: rerun command" "$out/report.html" "migad experiment -o $out --seed 7 --set duration=60"
has "report: seed" "$out/report.html" "<th>seed</th><td>7 "
has "report: scenario" "$out/report.html" "vm_ram_mib = 32"

# one <svg> per figure: 4 datasets x (2 scatter plots + 2 detectors x (ROC + score graph))
nsvg=$(grep -c "<svg " "$out/report.html")
ncap=$(grep -c "<figcaption>" "$out/report.html")
if [ "$nsvg" -eq 24 ]; then ok "24 inline SVG figures"; else fail "$nsvg inline SVGs, want 24"; fi
if [ "$ncap" -eq 24 ]; then ok "24 captions"; else fail "$ncap captions, want 24"; fi
for f in ns-high-scatter-with ns-high-scatter-without dos-low-scatter-with; do
    if [ -s "$out/figures/$f.svg" ]; then ok "figures/$f.svg"; else fail "figures/$f.svg missing"; fi
done
# the scatter "without" has no migration point, the one "with" has them
has "scatter with migration: migration points" "$out/figures/ns-high-scatter-with.svg" 'class="migration"'
if grep -q 'class="migration"' "$out/figures/ns-high-scatter-without.svg"; then
    fail "scatter without migration draws migration points"; else ok "scatter without migration: none"; fi
ext=$(grep -oiE "<script|<img|<link|<iframe|(src|href)=\"https?:" "$out/report.html" | wc -l)
if [ "$ext" -eq 0 ]; then ok "self-contained: no script, image, link or remote reference"; else
    fail "report refers to outside resources ($ext)"; fi
if command -v xmllint >/dev/null 2>&1; then
    # the report is well-formed XML (polyglot HTML) ...
    if xmllint --noout "$out/report.html" 2>"$WORK/xml.err"; then ok "report is well-formed"; else
        fail "report is not well-formed"
        head -5 "$WORK/xml.err" | sed 's/^/    /'
    fi
    # ... and parses as HTML with no error but libxml2's unknown HTML5/SVG tags
    xmllint --html --noout "$out/report.html" 2>&1 | grep "error" | grep -v "Tag [a-z]* invalid" >"$WORK/html.err"
    if [ -s "$WORK/html.err" ]; then fail "HTML parse errors"; head -5 "$WORK/html.err" | sed 's/^/    /'; else
        ok "HTML parses"; fi
else
    echo "skip xmllint checks: xmllint not installed"
fi

# the datasets are what the shell pipeline of scripts/main.sh builds
set=ns-low
{
    head -1 "$out/features/$set-nm.csv"
    for o in nm am; do tail -n +2 "$out/features/$set-$o.csv" | sed "s|^|$set-$o/|"; done
} >"$WORK/want.csv"
same "dataset $set as main.sh builds it" "$out/datasets/$set.csv" "$WORK/want.csv"
awk -F, 'NR == 1 || $NF == 0' "$WORK/want.csv" >"$WORK/want-nomig.csv"
same "dataset $set without migration" "$out/datasets/$set-nomig.csv" "$WORK/want-nomig.csv"
# ... and the features what migad extract writes with the management filter
filter='not (host 10.10.0.1 and host 10.10.0.2 and (tcp port 16509 or tcp port 22))'
# (each bridge labelled for its own node: runs.tsv's mdout_node, mdin_node)
"$MIGAD" extract -q -f extended -l "$out/sim/dos-high-am/groundtruth.txt" --node nodeA -o "$WORK/f.csv" \
    -r "$out/sim/dos-high-am/nodeA-virbr0.pcap" "$filter"
"$MIGAD" extract -q -f extended -l "$out/sim/dos-high-am/groundtruth.txt" --node nodeB -o "$WORK/f2.csv" \
    -r "$out/sim/dos-high-am/nodeB-virbr0.pcap" "$filter"
tail -n +2 "$WORK/f2.csv" >>"$WORK/f.csv"
same "features = migad extract with the filter, per node" "$out/features/dos-high-am.csv" "$WORK/f.csv"
# the flood hits a VM on node A: attack bins on node A's bridge only; the
# scan reaches both bridges
has "runs.tsv: node columns" "$out/sim/runs.tsv" "mdout_node	mdin_node"
has "dos ground truth names the node" "$out/sim/dos-high-am/groundtruth.txt" "nodes=nodeA"
count_gt() { awk -F, -v t="$2" 'NR > 1 && index($1, t) && $(NF - 1) == 1 { n++ } END { print n + 0 }' "$1"; }
a=$(count_gt "$out/datasets/dos-high.csv" nodeA-virbr0)
b=$(count_gt "$out/datasets/dos-high.csv" nodeB-virbr0)
if [ "$a" -eq 60 ] && [ "$b" -eq 0 ]; then ok "dos: 60 attack bins on node A, none on node B"; else
    fail "dos attack bins: node A $a, node B $b (want 60, 0)"; fi
a=$(count_gt "$out/datasets/ns-high.csv" nodeA-virbr0)
b=$(count_gt "$out/datasets/ns-high.csv" nodeB-virbr0)
if [ "$a" -eq 60 ] && [ "$b" -eq 60 ]; then ok "netscan: 60 attack bins on each node"; else
    fail "netscan attack bins: node A $a, node B $b (want 60, 60)"; fi

if command -v chromium >/dev/null 2>&1; then
    prof=$(mktemp -d)
    rm -f "$WORK/report.png"
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --no-first-run --user-data-dir="$prof" --screenshot="$WORK/report.png" \
        --window-size=1200,3000 "file://$(cd "$out" && pwd)/report.html" >"$WORK/chromium.log" 2>&1
    rm -rf "$prof"
    if [ -s "$WORK/report.png" ]; then ok "chromium renders the report ($(wc -c <"$WORK/report.png") bytes PNG)"; else
        fail "chromium wrote no screenshot"
        tail -3 "$WORK/chromium.log" | sed 's/^/    /'
    fi
else
    echo "skip the rendering check: chromium not installed"
fi

# --traces: the same traces again, read rather than simulated: same numbers
expect "--traces" 0 "$MIGAD" experiment -q -o "$WORK/exp2" --traces "$out/sim" --detectors kmeans,pca
awk -F, 'NR == 1 || $2 == "pca" || $2 == "kmeans"' "$out/summary.csv" | sort >"$WORK/s1"
sort "$WORK/exp2/summary.csv" >"$WORK/s2"
same "--traces: the same summary" "$WORK/s2" "$WORK/s1"
has "--traces: named in the report" "$WORK/exp2/report.html" "read from <code>$out/sim</code>"
if [ -s "$WORK/out" ]; then ok "-q: summary still on stdout"; else fail "-q: nothing on stdout"; fi
if [ -s "$WORK/err" ]; then fail "-q: stderr not empty"; else ok "-q: no progress"; fi

# --train-args, --fit all: the options reach migad train
expect "--train-args" 0 "$MIGAD" experiment -q -o "$WORK/exp3" --traces "$out/sim" --detectors pca,kmeans \
    --fit all --bootstrap 0 --train-args 'pca:--components 2  --log1p' --train-args 'all:--seed 5'
"$MIGAD" score -m "$WORK/exp3/scores/ns-low-pca-without.model" --describe >"$WORK/desc"
has "--train-args: pca.k 2" "$WORK/desc" "pca.k 2"
has "--train-args: log1p" "$WORK/desc" "log1p 1"
has "--train-args named in the report" "$WORK/exp3/report.html" "--train-args pca:--components 2  --log1p"
has "--fit all: kmeans with --init classes" "$WORK/exp3/report.html" "<code>kmeans</code> (<code>--init classes</code>)"
# fitted on every row: pca's shift of packets is the mean over all rows
"$MIGAD" score -m "$WORK/exp3/scores/dos-high-pca-with.model" --describe >"$WORK/desc"
shift=$(awk '$1 == "shift" { print $2 }' "$WORK/desc")
got=$(awk -F, -v s="$shift" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "packets") p = i; next }
    { n++; t += log(1 + $p) } END { d = t / n - s; print (d < 1e-9 && d > -1e-9) ? "same" : "differs " t / n }' \
    "$out/datasets/dos-high.csv")
if [ "$got" = same ]; then ok "--fit all: pca fitted on every row"; else fail "--fit all: pca shift $shift: $got"; fi
awk -F, 'NR > 1 && $10 != "" { n++ } END { exit n > 0 }' "$WORK/exp3/summary.csv" &&
    ok "--bootstrap 0: no interval" || fail "--bootstrap 0: intervals written"

# errors
expect "--train-args: bad option, before any work" 2 "$MIGAD" experiment -o "$WORK/x1" --train-args 'pca:--bogus'
has "--train-args: message" "$WORK/err" "--train-args for pca"
if [ -e "$WORK/x1" ]; then fail "--train-args error: output created"; else ok "--train-args error: nothing created"; fi
expect "--train-args: bad value" 2 "$MIGAD" experiment -o "$WORK/x1" --train-args 'kmeans:--k 0'
expect "--train-args: detector not run" 2 "$MIGAD" experiment -o "$WORK/x1" --detectors pca --train-args 'svm:--C 1'
has "--train-args: not run: message" "$WORK/err" "'svm' is not one of the detectors run"
expect "--train-args: -i refused" 2 "$MIGAD" experiment -o "$WORK/x1" --train-args 'pca:-i x.csv'
expect "--train-args: no colon" 2 "$MIGAD" experiment -o "$WORK/x1" --train-args '--log1p'
expect "--fit: bad value" 2 "$MIGAD" experiment -o "$WORK/x1" --fit some
expect "--scatter: one name" 2 "$MIGAD" experiment -o "$WORK/x1" --scatter packets
expect "--scatter: unknown feature" 2 "$MIGAD" experiment -o "$WORK/x1" --scatter packets,nosuch
has "--scatter: unknown feature: message" "$WORK/err" "'nosuch' is not a feature"
expect "--bootstrap: not a number" 2 "$MIGAD" experiment -o "$WORK/x1" --bootstrap many
expect "unknown detector" 2 "$MIGAD" experiment -o "$WORK/x" --detectors pca,bogus
has "unknown detector: message" "$WORK/err" "unknown detector 'bogus'"
expect "empty detector list" 2 "$MIGAD" experiment -o "$WORK/x" --detectors ""
expect "missing --traces directory" 1 "$MIGAD" experiment -q -o "$WORK/x" --traces "$WORK/no-such-dir"
has "missing --traces: message names it" "$WORK/err" "$WORK/no-such-dir"
mkdir -p "$WORK/empty"
expect "--traces without runs.tsv" 1 "$MIGAD" experiment -q -o "$WORK/x" --traces "$WORK/empty"
has "no runs.tsv: message" "$WORK/err" "$WORK/empty/runs.tsv"
expect "bad --set key" 2 "$MIGAD" experiment -o "$WORK/x" --set nosuchkey=1
expect "--set without =" 2 "$MIGAD" experiment -o "$WORK/x" --set duration
expect "--seed with --traces" 2 "$MIGAD" experiment -o "$WORK/x" --traces "$out/sim" --seed 3
expect "stray argument" 2 "$MIGAD" experiment -o "$WORK/x" extra
expect "help" 0 "$MIGAD" experiment --help
has "help text" "$WORK/out" "usage: migad experiment"
expect "listed in migad --help" 0 "$MIGAD" --help
has "command list" "$WORK/out" "experiment"
finish
