#!/bin/sh
# Install the Debian packages migad needs that are missing (Debian 12).
# Usage: scripts/deps.sh [build|test]   (default: test = build + test tools)
set -eu
what=${1:-test}
pkgs="gcc make cmake pkg-config libpcap-dev zlib1g-dev liblapacke-dev libblas-dev libsvm-dev"
if [ "$what" = test ]; then
    # clang: fuzz targets; tshark/tcpdump: independent reference for tests;
    # libxml2-utils: xmllint checks the SVG figures are well-formed;
    # chromium: the HTML report rendered headless
    pkgs="$pkgs clang libclang-rt-14-dev tshark tcpdump python3-sklearn libxml2-utils chromium"
fi
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "deps: need root (or sudo) to install:$missing" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
