#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# exits-lab.sh - the in-lab half of tests/bench/exits.sh (run by
# tests/lab/run.sh amd-script, chrooted into the build machine's /, or by
# tests/lab/run.sh intel-script from the Intel lab's packed /lab).
# vmm.ko, then Debian's kvm_amd or kvm_intel (whichever this CPU takes),
# in this one boot, never both loaded: insmod vmm.ko, exitbench vmm
# ROUNDS times, rmmod; modprobe KVM (with its dependencies), exitbench
# kvm ROUNDS times, modprobe -r.
# Prints "BENCH: HV ROUND KIND CYCLES NS SPREAD" lines for exits.sh (and
# "BENCH: HV ROUND info: ..." notes), and "BENCH-FAIL: why" when a step
# fails.  Settings come from build/bench/exits.env (EXITS_N, EXITS_REPS,
# EXITS_ROUNDS, EXITS_APIC_N, EXITS_RELOAD), written by exits.sh.
set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench=$repo/build/bench/exitbench
EXITS_N=3000 EXITS_REPS=7 EXITS_ROUNDS=3 EXITS_APIC_N=0 VMM_KO=$repo/build/bench/vmm.ko
# shellcheck source=/dev/null
[ -f "$repo/build/bench/exits.env" ] && . "$repo/build/bench/exits.env"
work=$(mktemp -d /tmp/exits.XXXXXX)
cp "$VMM_KO" "$work/vmm.ko" || { echo "BENCH-FAIL: no $VMM_KO"; exit 1; }

if grep -q -m1 -w vmx /proc/cpuinfo; then
	kvm=kvm_intel
	flags="vmx flags: $(grep -m1 -o -w -e ept -e vpid -e unrestricted_guest -e flexpriority /proc/cpuinfo | tr '\n' ' ')"
else
	kvm=kvm_amd
	flags="svm flags: $(grep -m1 -o -w -e npt -e nrip_save -e decodeassists -e vmcb_clean -e flushbyasid /proc/cpuinfo | tr '\n' ' ')"
fi
echo "BENCH: lab $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, $flags"

# run HV: the client EXITS_ROUNDS times under HV, its lines prefixed
# (those of a failed round too, up to its failure).
run() {
	local r

	for ((r = 1; r <= EXITS_ROUNDS; r++)); do
		if timeout 300 "$bench" "$1" "$EXITS_N" "$EXITS_REPS" "$EXITS_APIC_N" \
		   > "$work/$1.out" 2> "$work/$1.err"; then
			sed "s/^/BENCH: $1 $r /" "$work/$1.out"
		else
			sed "s/^/BENCH: $1 $r /" "$work/$1.out"
			echo "BENCH-FAIL: exitbench $1 (round $r): $(tail -n 1 "$work/$1.err")"
		fi
	done
}

# step WHAT: where a hung lab was (the console shows the last one).
step() { echo "LAB: exits: $*"; }

# vmm.ko first, then KVM: one switch.  The other order (kvm_amd
# unloaded, then vmm.ko loaded and run) hung the AMD lab once: see
# EXITS_RELOAD below.
step "insmod vmm.ko"
if insmod "$work/vmm.ko" > "$work/insmod.out" 2>&1; then
	run vmm
	step "rmmod vmm"
	rmmod vmm || echo "BENCH-FAIL: rmmod vmm"
else
	echo "BENCH-FAIL: insmod vmm.ko: $(tail -n 1 "$work/insmod.out")"
fi
step "modprobe $kvm"
if modprobe "$kvm" > "$work/modprobe.out" 2>&1; then
	run kvm
	echo "BENCH: done"
	if [ "${EXITS_RELOAD:-0}" = 1 ]; then
		step "modprobe -r $kvm"
		modprobe -r "$kvm" || echo "BENCH-FAIL: modprobe -r $kvm"
		step "insmod vmm.ko after $kvm"
		insmod "$work/vmm.ko" || echo "BENCH-FAIL: insmod vmm.ko after $kvm"
		step "exitbench vmm after $kvm"
		timeout 300 "$bench" vmm "$EXITS_N" "$EXITS_REPS" "$EXITS_APIC_N"
		step "rmmod vmm after $kvm"
		rmmod vmm
		step "reload done"
	else
		modprobe -r "$kvm" || echo "BENCH-FAIL: modprobe -r $kvm"
	fi
else
	echo "BENCH-FAIL: modprobe $kvm: $(tail -n 1 "$work/modprobe.out")"
fi
rm -rf "$work"
