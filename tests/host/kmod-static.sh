#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The module's static checks: a kbuild with W=1 (extra gcc warnings) and
# C=2 (sparse on every file), and objtool, must print no warning at all.
# Built from a copy of kmod/ and uapi/ so the tree's own vmm.ko is left
# as it is.
set -uo pipefail
cd "$(dirname "$0")/../.."

KVER=${KVER:-$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4)}
KDIR=${KDIR:-/lib/modules/$KVER/build}
if [ ! -d "$KDIR" ]; then
	echo "FAIL: kmod/static no kernel build tree at $KDIR (make deps)"
	exit 1
fi
if ! command -v sparse > /dev/null; then
	echo "FAIL: kmod/static sparse not installed (make deps)"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r kmod uapi "$tmp/"
find "$tmp/kmod" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) -delete

log=$tmp/build.log
make -C "$KDIR" M="$tmp/kmod" W=1 C=2 modules > "$log" 2>&1
rc=$?
# Anything kbuild prints beyond its own progress lines is a diagnostic.
diag=$(grep -vE '^make(\[[0-9]+\])?: (Entering|Leaving) directory|^  (CC|CHECK|AS|LD|MODPOST|CC \[M\]|LD \[M\]|BTF \[M\]) |^  [A-Z]+ +(\[M\] +)?/|^Skipping BTF generation' "$log")
if [ "$rc" -ne 0 ]; then
	echo "FAIL: kmod/static-build the W=1 C=2 build failed (status $rc)"
	tail -n 30 "$log" | sed 's/^/    | /'
	exit 1
fi
echo "PASS: kmod/static-build"
if [ -n "$diag" ]; then
	echo "FAIL: kmod/static-warnings $(echo "$diag" | wc -l) diagnostic line(s) from W=1/sparse/objtool"
	echo "$diag" | head -n 30 | sed 's/^/    | /'
	exit 1
fi
echo "PASS: kmod/static-warnings"
