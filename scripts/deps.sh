#!/bin/sh
# Install the Debian packages migad needs that are missing (Debian 12).
# Usage: scripts/deps.sh [build|test|testbed]
#   build    the compiler and libraries
#   test     build + the test tools (default)
#   testbed  only what the real testbed (testbed/migad-testbed) runs: QEMU,
#            a Debian kernel for the guests, busybox for their initramfs,
#            nmap and hping3 (attacks), tcpdump (captures), socat (QMP),
#            iproute2 and ethtool (namespaces, bridges, taps), curl (HTTP
#            clients), jq (QMP replies), cpio and gzip (the initramfs)
set -eu
what=${1:-test}
case "$what" in
    build | test | testbed) ;;
    *) echo "usage: scripts/deps.sh [build|test|testbed]" >&2; exit 2 ;;
esac
pkgs="gcc make cmake pkg-config libpcap-dev zlib1g-dev liblapacke-dev libblas-dev libsvm-dev"
if [ "$what" = testbed ]; then
    pkgs="qemu-system-x86 linux-image-amd64 busybox-static nmap hping3 tcpdump socat iproute2 ethtool curl jq cpio gzip"
fi
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
