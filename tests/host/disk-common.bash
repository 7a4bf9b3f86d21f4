# SPDX-License-Identifier: GPL-2.0-only
# Shared by tests/host/disk-*.sh (sourced, not run): a scratch directory
# removed on exit, the test driver built against lib/libvmm.a, and the
# PASS/FAIL/SKIP reporting that tests/check.sh counts.

set -uo pipefail
T=$(mktemp -d "${TMPDIR:-/tmp}/vmm-disk.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 ${2:-}"; fails=$((fails + 1)); }
skip() { echo "SKIP: $1 ${2:-}"; }
# ok NAME CMD...: PASS when CMD succeeds, else FAIL with its last words.
ok() {
	local name=$1 out; shift
	if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "($(echo "$out" | tail -n 2 | tr '\n' ' '))"; fi
}
finish() { [ "$fails" -eq 0 ]; exit $?; }

# The driver: vmctl disk plus test verbs (tests/host/disk-io.c).
build_driver() {
	local urlib
	urlib=$(pkg-config --libs liburing 2>/dev/null || echo -luring)
	if [ ! -f lib/libvmm.a ]; then
		echo "FAIL: $SUITE/build lib/libvmm.a missing (run make lib)"
		exit 1
	fi
	if ! ${CC:-cc} -O2 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -Iuapi -Ilib \
		-o "$T/disk-io" tests/host/disk-io.c cli/cmd_disk.c \
		lib/libvmm.a $urlib -lpthread 2>"$T/build.log"; then
		echo "FAIL: $SUITE/build $(tail -n 3 "$T/build.log" | tr '\n' ' ')"
		exit 1
	fi
	DIO=$T/disk-io
	VD="$DIO disk"
}

need_qemu() {
	if ! command -v qemu-img >/dev/null || ! command -v qemu-io >/dev/null; then
		skip "$SUITE" "qemu-img/qemu-io not installed (qemu-utils)"
		exit 0
	fi
}

# qcheck IMG: qemu-img check finds no corruption (0) and, unless "leaks"
# is given, no leaks (3).
qcheck() {
	qemu-img check -q "$1" >/dev/null 2>&1
	local rc=$?
	[ "$rc" -eq 0 ] || { [ "${2:-}" = leaks ] && [ "$rc" -eq 3 ]; }
}
