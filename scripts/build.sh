#!/bin/sh
# Configure and build one flavour of migad.
# Usage: scripts/build.sh [dev|asan|release|fuzz]   -> build/<flavour>/
set -eu
cd "$(dirname "$0")/.."
flavour=${1:-dev}
case "$flavour" in
    dev)     args="-DMIGAD_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo" ;;
    asan)    args="-DMIGAD_WERROR=ON -DMIGAD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug" ;;
    release) args="-DCMAKE_BUILD_TYPE=Release" ;;
    fuzz)    args="-DMIGAD_FUZZ=ON -DMIGAD_SANITIZE=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug" ;;
    *) echo "usage: scripts/build.sh [dev|asan|release|fuzz]" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086
cmake -S . -B "build/$flavour" $args >/dev/null
cmake --build "build/$flavour" -j "$(nproc)"
