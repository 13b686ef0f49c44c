#!/bin/sh
# Robustness and packet/byte accounting of `migad extract` on every real
# capture under ../shared/data/pcaps (written by other people; see
# ../shared/data/CATALOG.md), in whatever build runs it (ctest runs it in the
# developer and in the AddressSanitizer + UBSan build).
#
# For EVERY file, in every category:
#   * `migad extract -q -f packets,bytes -r FILE` must not crash: exit 0 or 1,
#     never 2 (usage error), never a signal (>= 128), never a sanitizer report;
#   * exit 1 must come with a message on standard error naming the file.
# Against capinfos (Debian package tshark), whose "data size" (-d) is the sum
# of the ORIGINAL (wire) lengths, like migad's bytes (checked below on a
# snaplen-cut capture against tshark's frame.len and frame.cap_len):
#   * a file capinfos reads fully: exit 0, and the packets and bytes of all
#     rows add up to capinfos' packet count and data size;
#   * a file capinfos reads only partly (damaged tail): exit 1 with a message
#     naming the file, and the rows add up to the good packets capinfos read;
#   * files libpcap refuses (REFUSED_BY_LIBPCAP below): exit 1 with a message
#     naming the file.
#
# Usage: test_shared_pcaps.sh MIGAD SOURCE_DIR
# Skips (exit 77) when SOURCE_DIR/../shared/data/pcaps does not exist.
set -u
MIGAD=$1
SRC=$2
PCAPS=$SRC/../shared/data/pcaps
if [ ! -d "$PCAPS" ]; then
    echo "SKIP: $PCAPS does not exist (the shared real captures are not here)"
    echo "0 passed, 0 failed"
    exit 77
fi
PCAPS=$(cd "$PCAPS" && pwd)

# pcapng files whose interfaces have different link types.  libpcap (which
# migad reads files with) cannot represent a per-packet link type and refuses
# the whole file ("an interface has a type 0 different from the type of the
# first interface"), so migad must exit 1 naming the file.
#   robustness/test014.pcapng  3 IDBs: Ethernet, NULL/loopback, Ethernet; 0 packets
#   robustness/test202.pcapng  5 IDBs: Ethernet and NULL/loopback; 8 packets
REFUSED_BY_LIBPCAP="robustness/test014.pcapng robustness/test202.pcapng"

# Files that end in the middle of a record (CATALOG.md "Damaged tail"): the
# good packets must be counted, then exit 1 with a message.
#   robustness/http-fault-post.pcap  25 good packets, then 2 bytes of a record header
DAMAGED="robustness/http-fault-post.pcap:25"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/migad-shared-pcaps.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT INT TERM

passes=0
fails=0
ok() { passes=$((passes + 1)); echo "ok   $1"; }
fail() { fails=$((fails + 1)); echo "FAIL $1"; }
in_list() { # in_list WORD LIST
    case " $2 " in *" $1 "*) return 0 ;; esac
    return 1
}

# A sanitized binary: make every sanitizer finding visible and fatal.
sanitized=0
if grep -qa -e __asan_init -e __ubsan_handle "$MIGAD" 2>/dev/null; then
    sanitized=1
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:abort_on_error=0"
    UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:halt_on_error=1:print_stacktrace=1"
    export ASAN_OPTIONS UBSAN_OPTIONS
    echo "note: $MIGAD is built with sanitizers: reports fail the test"
fi

have_capinfos=1
command -v capinfos >/dev/null 2>&1 || {
    have_capinfos=0
    echo "note: capinfos not found (Debian package tshark): only crashes and messages are checked"
}

# capinfos' data size is the sum of wire lengths (frame.len), not of captured
# lengths: check it where the two differ (snaplen 68).
if [ $have_capinfos = 1 ] && command -v tshark >/dev/null 2>&1 &&
    [ -f "$PCAPS/robustness/truncated-header.pcap" ]; then
    f=$PCAPS/robustness/truncated-header.pcap
    d=$(capinfos -T -r -d -M "$f" 2>/dev/null | cut -f2)
    sums=$(tshark -r "$f" -T fields -e frame.len -e frame.cap_len 2>/dev/null |
        awk '{w += $1; c += $2} END {printf "%d %d", w, c}')
    wire=${sums% *}
    cap=${sums#* }
    if [ -n "$d" ] && [ "$d" = "$wire" ] && [ "$wire" != "$cap" ]; then
        ok "capinfos data size = sum of frame.len ($wire), not of frame.cap_len ($cap)"
    else
        fail "capinfos data size '$d' is not the sum of frame.len ($wire; cap_len $cap)"
    fi
fi

# sums FILE: "packets bytes" over all rows of a CSV written with -f packets,bytes
sums() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
             { p += $col["packets"]; b += $col["bytes"] }
             END { printf "%d %d", p, b }' "$1"
}

find "$PCAPS" -type f | LC_ALL=C sort >"$WORK/files"
nfiles=$(wc -l <"$WORK/files")
echo "checking $nfiles files under $PCAPS"
[ "$nfiles" -gt 0 ] || fail "no capture under $PCAPS"

while IFS= read -r f; do
    rel=${f#"$PCAPS"/}
    "$MIGAD" extract -q -f packets,bytes -r "$f" >"$WORK/out" 2>"$WORK/err" </dev/null
    rc=$?
    # 1. no crash, no usage error, no sanitizer report
    if grep -q -e 'AddressSanitizer' -e 'LeakSanitizer' -e 'runtime error:' \
        -e 'UndefinedBehaviorSanitizer' "$WORK/err"; then
        fail "$rel: sanitizer report (exit $rc)"
        sed -n '1,12s/^/    /p' "$WORK/err"
        continue
    fi
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
        if [ $rc -ge 128 ]; then
            fail "$rel: killed by signal $((rc - 128))"
        else
            fail "$rel: exit $rc (want 0 or 1)"
        fi
        sed -n '1,5s/^/    stderr: /p' "$WORK/err"
        continue
    fi
    # 2. a refusal names the file
    if [ $rc -eq 1 ]; then
        if grep -qF -- "$f" "$WORK/err"; then :; else
            fail "$rel: exit 1 without a message naming the file: $(head -c 300 "$WORK/err")"
            continue
        fi
    fi
    got=$(sums "$WORK/out")

    # 3. files libpcap refuses
    if in_list "$rel" "$REFUSED_BY_LIBPCAP"; then
        if [ $rc -eq 1 ]; then
            ok "$rel: refused by libpcap (interfaces of different link types), exit 1: $(head -n 1 "$WORK/err")"
            continue
        fi
        echo "note: $rel is now read (exit 0): remove it from REFUSED_BY_LIBPCAP"
    fi

    # 4. packet and byte totals against capinfos
    if [ $have_capinfos = 0 ]; then
        ok "$rel: exit $rc, $got"
        continue
    fi
    capinfos -T -r -c -d -M "$f" >"$WORK/cap" 2>"$WORK/caperr" </dev/null
    crc=$?
    want=$(awk -F'\t' 'NF >= 3 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { printf "%s %s", $2, $3 }' \
        "$WORK/cap")
    damaged=""
    for d in $DAMAGED; do
        [ "${d%:*}" = "$rel" ] && damaged=${d#*:}
    done
    if [ $crc -eq 0 ] && [ -n "$want" ]; then
        # capinfos reads it fully
        if [ -n "$damaged" ]; then
            fail "$rel: listed in DAMAGED but capinfos reads it fully ($want)"
        elif [ $rc -ne 0 ]; then
            fail "$rel: exit $rc, but capinfos reads it fully ($want): $(head -n 1 "$WORK/err")"
        elif [ "$got" = "$want" ]; then
            ok "$rel: packets bytes $got = capinfos"
        else
            fail "$rel: packets bytes $got, capinfos $want"
        fi
    elif [ -n "$want" ]; then
        # capinfos stops early (damaged tail): the good packets, then exit 1
        if [ $rc -ne 1 ]; then
            fail "$rel: exit $rc on a damaged file (capinfos: $(grep -v 'Running as' "$WORK/caperr" | head -n 1))"
        elif [ "$got" != "$want" ]; then
            fail "$rel: damaged tail: packets bytes $got, capinfos read $want"
        elif [ -n "$damaged" ] && [ "${got% *}" != "$damaged" ]; then
            fail "$rel: damaged tail: $got, want $damaged good packets"
        else
            ok "$rel: damaged tail: the good packets ($got = capinfos), then exit 1: $(head -n 1 "$WORK/err")"
        fi
    else
        # capinfos cannot read it at all
        if [ $rc -eq 1 ]; then
            ok "$rel: unreadable (capinfos too), exit 1: $(head -n 1 "$WORK/err")"
        else
            fail "$rel: exit $rc, but capinfos cannot read it: $(grep -v 'Running as' "$WORK/caperr" | head -n 1)"
        fi
    fi
done <"$WORK/files"

# every listed special case must still exist, so that the lists stay honest
for rel in $REFUSED_BY_LIBPCAP; do
    [ -f "$PCAPS/$rel" ] || fail "$rel (REFUSED_BY_LIBPCAP) is missing"
done
for d in $DAMAGED; do
    [ -f "$PCAPS/${d%:*}" ] || fail "${d%:*} (DAMAGED) is missing"
done

[ $sanitized = 1 ] && echo "(sanitized build)"
echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
