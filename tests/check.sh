#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs every test suite and prints one closing line "N passed, N failed".
#
# Every suite reports one line per test on stdout:
#     PASS: suite/name        FAIL: suite/name [why]        SKIP: suite/name [why]
# Check-based unit programs (tests/unit/test_*) are run with CK_VERBOSITY=verbose and
# their lines translated to the same form.  A suite that exits non-zero
# without a FAIL line counts as one failure of its own.
#
# Environment: SUITES="unit host lab-amd lab-intel" picks suites (default:
# all of them); LAB_SKIP_INTEL=1 leaves the Intel lab out.
set -uo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
suites=${SUITES:-"unit host lab-amd lab-intel"}

# Run one command; copy its output to the terminal and the log; a non-zero
# exit with no FAIL line of its own becomes one.
run() {
	local name=$1; shift
	local out rc
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL: ' "$out"; then
		echo "FAIL: $name (exit status $rc)" | tee -a "$out"
	fi
	grep -E '^(PASS|FAIL|SKIP): ' "$out" >> "$log"
	rm -f "$out"
}

unit_one() {
	# CK_VERBOSE lines: file:line:P|F|E:tcase:test:iter: message
	CK_VERBOSITY=verbose CK_DEFAULT_TIMEOUT=60 "$1" 2>&1 | awk -F: -v s="$(basename "$1")" '
		$3 == "P" { print "PASS: unit/" s "/" $5; next }
		$3 == "F" || $3 == "E" { print "FAIL: unit/" s "/" $5 " " $0; next }
		{ print }'
	return "${PIPESTATUS[0]}"
}

for s in $suites; do
	case $s in
	unit)
		for t in tests/unit/test_*; do
			[ -x "$t" ] && [ "${t%.c}" = "$t" ] || continue
			case $t in *.d) continue;; esac
			run "unit/$(basename "$t")" unit_one "$t"
		done ;;
	host)
		for t in tests/host/*.sh; do
			[ -e "$t" ] || continue
			run "host/$(basename "$t" .sh)" bash "$t"
		done ;;
	lab-amd)
		run lab-amd tests/lab/run.sh amd ;;
	lab-intel)
		[ -n "${LAB_SKIP_INTEL:-}" ] && continue
		[ -e tests/lab/intel.sh ] || continue
		run lab-intel tests/lab/run.sh intel ;;
	esac
done

passed=$(grep -c '^PASS: ' "$log")
failed=$(grep -c '^FAIL: ' "$log")
skipped=$(grep -c '^SKIP: ' "$log")
if [ "$failed" -gt 0 ]; then
	echo
	echo "Failures:"
	grep '^FAIL: ' "$log"
fi
echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
