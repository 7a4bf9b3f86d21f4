#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Crash consistency of qcow2 writes: a writer (random writes, discards,
# write-zeroes and flushes through lib/disk) is killed with SIGKILL at a
# random moment, several times over on the same image.  After each kill,
# `qemu-img check` must find no corruption (leaks are allowed: a crash may
# leave clusters counted that nothing uses yet), and every block must hold
# the content of its last write acknowledged by a flush, or of a later
# one.  At the end, `vmctl disk check --repair` leaves an image qemu-img
# calls clean.
SUITE=host/disk-crash
cd "$(dirname "$0")/../.."
. tests/host/disk-common.bash
need_qemu
build_driver

ROUNDS=${DISK_CRASH_ROUNDS:-10}
img=$T/crash.qcow2
log=$T/crash.log
$VD create "$img" 64M || { fail disk-crash/create; finish; }

for r in $(seq 1 "$ROUNDS"); do
	$DIO crash-writer "$img" "$log" "$((RANDOM * 32768 + RANDOM))" &
	pid=$!
	# 50 to 1000 ms of writing: sometimes mid-flush, sometimes not.
	sleep "0.$(printf '%03d' $((50 + RANDOM % 950)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	qemu-img check -q "$img" >/dev/null 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
		fail "disk-crash/round-$r-qemu-img-check" "(exit $rc: $(qemu-img check "$img" 2>&1 | grep -m1 ERROR))"
		continue
	fi
	if out=$($DIO crash-verify "$img" "$log" 2>&1); then
		pass "disk-crash/round-$r"
	else
		fail "disk-crash/round-$r" "($(echo "$out" | tail -n 2 | tr '\n' ' '))"
	fi
done

# Leaks left by the kills are ours to give back.
t_repair() {
	$VD check --repair "$img" >/dev/null; local rc=$?
	[ "$rc" -eq 0 ] || { echo "vmctl check --repair: exit $rc"; return 1; }
	qcheck "$img" && $DIO crash-verify "$img" "$log"
}
ok disk-crash/repair-leaks t_repair
finish
