#!/bin/sh
# The main job, from a fresh Debian 12 machine: install what is missing,
# build migad, and run paper 1's experiment on the built-in simulator with
# its report (`migad experiment`, about 15 s).  Everything goes to
# out/experiment/: open out/experiment/report.html in a browser.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
echo "== building (build/release)"
scripts/build.sh release >/dev/null
build/release/migad experiment -o out/experiment
