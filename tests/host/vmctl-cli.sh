#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vmctl-cli.sh - vmctl's command line on the build machine, where no
# guest can run: help and usage texts, prefixes, and that every bad
# argument, bad image and a missing module give exactly one line on
# stderr and exit status 1.  Needs cli/vmctl (make cli).
set -uo pipefail
cd "$(dirname "$0")/../.."
S=host/vmctl-cli
V=${VMCTL:-cli/vmctl}
T=$(mktemp -d "${TMPDIR:-/tmp}/vmctl-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0

pass() { echo "PASS: $S/$1"; }
fail() { echo "FAIL: $S/$1 ${2:-}"; fails=$((fails + 1)); }
skip() { echo "SKIP: $S/$1 ${2:-}"; }

if [ ! -x "$V" ]; then
	echo "FAIL: $S/build $V missing (run make cli)"
	exit 1
fi

# run_v ARGS...: runs vmctl; $rc, $out (stdout), $errout (stderr).
run_v() {
	"$V" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	errout=$(cat "$T/err")
}

# one_line NAME REGEX ARGS...: exit 1, nothing on stdout, one stderr line
# that matches REGEX.
one_line() {
	local name=$1 re=$2; shift 2
	run_v "$@"
	if [ "$rc" -ne 1 ]; then
		fail "$name" "(exit $rc, want 1: $errout)"
	elif [ -n "$out" ]; then
		fail "$name" "(stdout not empty: $out)"
	elif [ "$(wc -l <"$T/err")" -ne 1 ]; then
		fail "$name" "(want one stderr line: $(tr '\n' '|' <"$T/err"))"
	elif ! grep -Eq -- "$re" "$T/err"; then
		fail "$name" "(stderr '$errout' does not match '$re')"
	else
		pass "$name"
	fi
}

# help_ok NAME REGEX ARGS...: exit 0 and stdout matching REGEX.
help_ok() {
	local name=$1 re=$2; shift 2
	run_v "$@"
	if [ "$rc" -eq 0 ] && grep -Eq -- "$re" "$T/out"; then
		pass "$name"
	else
		fail "$name" "(exit $rc; stdout: $(head -n 2 "$T/out" | tr '\n' '|'))"
	fi
}

printf '\xf4\xeb\xfd' > "$T/guest.bin"
head -c 200000 /dev/zero > "$T/big.bin"
G=$T/guest.bin

help_ok help '^  run ' --help
help_ok help-lists-all '^  (disk|info) ' --help
help_ok help-verb '^usage: vmctl run --flat FILE' help run
help_ok verb-help '--load-addr ADDR' run --help
help_ok verb-help-prefix '^usage: vmctl info' inf --help
help_ok info-help '--json' info --help
help_ok disk-help 'vmctl disk' help disk
run_v
[ "$rc" -eq 1 ] && grep -q '^usage: vmctl' "$T/err" && pass no-args ||
	fail no-args "(exit $rc)"

one_line unknown-command "^vmctl: unknown command 'frobnicate'" frobnicate
one_line unknown-option "^vmctl: unknown option '--frob'" --frob
one_line run-needs-flat '^vmctl: run: --flat FILE is required' run
one_line run-prefix '^vmctl: run: --flat FILE is required' ru
one_line run-bad-option "^vmctl: run: unknown option '--bogus'" run --bogus
one_line run-missing-arg "^vmctl: run: option '--flat' needs an argument" run --flat
one_line run-extra-arg "^vmctl: run: unexpected argument 'extra'" run --flat "$G" extra
one_line run-bad-mode "^vmctl: run: --mode: 'virtual86'" run --flat "$G" --mode virtual86
one_line run-bad-memory "^vmctl: run: --memory: '12Q'" run --flat "$G" --memory 12Q
one_line run-zero-memory "^vmctl: run: --memory: '0'" run --flat "$G" --memory 0
one_line run-odd-memory 'not a multiple of 4K' run --flat "$G" --memory 5000
one_line run-bad-load-addr "^vmctl: run: --load-addr: '0xzz'" run --flat "$G" --load-addr 0xzz
one_line run-bad-entry "^vmctl: run: --entry: '-1'" run --flat "$G" --entry -1
one_line run-no-file "^vmctl: $T/none.bin: No such file or directory$" run --flat "$T/none.bin"
one_line run-directory ": Is a directory$" run --flat "$T"
one_line run-overlap-long 'overlaps the boot structures at 0x500-0xefff' \
	run --flat "$G" --load-addr 0x1000
one_line run-overlap-pm 'overlaps the boot structures' \
	run --flat "$G" --mode protected --load-addr 0x4ff --entry 0x4ff
one_line run-too-big 'does not fit in guest RAM' \
	run --flat "$T/big.bin" --memory 1M --load-addr 0xf0000
one_line run-outside-ram 'does not fit in guest RAM' \
	run --flat "$G" --load-addr 0x80000000
one_line run-real-entry 'below 1 MiB in real mode' \
	run --flat "$G" --mode real --entry 0x100000
help_ok verb-help-cpus '--cpu-affinity LIST' run --help
one_line run-zero-cpus "^vmctl: run: --cpus: '0' is not a number of vCPUs \\(1-64\\)$" \
	run --flat "$G" --cpus 0
one_line run-too-many-cpus "^vmctl: run: --cpus: '65'" run --flat "$G" --cpus 65
one_line run-bad-cpus "^vmctl: run: --cpus: 'two'" run --flat "$G" --cpus two
one_line run-cpus-no-lapic '^vmctl: run: --cpus 2 needs the in-kernel local APIC' \
	run --flat "$G" --cpus 2 --no-lapic
one_line run-bad-affinity "^vmctl: run: --cpu-affinity: '0-3,x' is not a CPU list" \
	run --flat "$G" --cpu-affinity 0-3,x
one_line run-backward-affinity "^vmctl: run: --cpu-affinity: '3-1'" \
	run --flat "$G" --cpu-affinity 3-1
one_line run-huge-affinity 'CPU numbers go up to 1023' \
	run --flat "$G" --cpu-affinity 4096
one_line run-long-affinity 'has more than 64 CPUs' \
	run --flat "$G" --cpu-affinity 0-64

if [ -e /dev/vmm ]; then
	skip no-module-run "(/dev/vmm exists here)"
	skip no-module-info "(/dev/vmm exists here)"
	skip no-module-json "(/dev/vmm exists here)"
else
	one_line no-module-run \
		'^vmctl: /dev/vmm: No such file or directory \(is vmm.ko loaded\?\)$' \
		run --flat "$G"
	# Real mode loads at 0x10000 even in 1M: same message, not an image error.
	one_line no-module-run-real '^vmctl: /dev/vmm: No such file' \
		run --flat "$G" --mode real --memory 1M --testdev
	# Options valid without the module: the same message.
	one_line no-module-run-smp '^vmctl: /dev/vmm: No such file' \
		run --flat "$G" --cpus 64 --cpu-affinity 0-3:2,7
	one_line no-module-info '^vmctl: vmm.ko is not loaded' info
	run_v info --json
	if [ "$rc" -eq 0 ] && [ "$out" = '{"loaded": false}' ] && [ -z "$errout" ]; then
		pass no-module-json
	else
		fail no-module-json "(exit $rc: $out $errout)"
	fi
fi

# The manual formats without a warning.
if command -v groff >/dev/null; then
	if w=$(groff -mandoc -ww -z cli/vmctl.8 2>&1) && [ -z "$w" ]; then
		pass manual
	else
		fail manual "($w)"
	fi
else
	skip manual "(no groff)"
fi

[ "$fails" -eq 0 ]
