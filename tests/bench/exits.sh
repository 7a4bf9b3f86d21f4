#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Exit round trips, vmm.ko against Linux KVM, in one boot of each lab
# (shared/LAB.md): the AMD lab (QEMU TCG) against Debian's kvm_amd, then
# the Intel lab (Bochs) against kvm_intel.  The same real-mode payloads
# (tests/bench/exitbench.c) run under each hypervisor, one exit kind at a
# time.  Then the local APIC rows (tests/bench/apicbench.c: IPI round
# trip, TSC-deadline timer latency, HLT wake-up; vmm with VMM_CAP_LAPIC
# against KVM with KVM_CREATE_IRQCHIP), in a second AMD lab boot with
# multi-threaded TCG ("amd-apic"): single-threaded TCG runs the lab's
# two CPUs in turns, and an IPI from one to the other then waits for
# the next timer event of the emulator, milliseconds, whatever the
# hypervisor does (Documentation/performance.md).  The exit rows run
# multi-threaded too: in single-threaded TCG the lab's other CPU takes
# its turns in the middle of a series, and the spreads were 50-90 %.
# Prints, per lab and kind, lab TSC ticks per round trip under each
# and the ratio vmm/KVM (below 1: vmm is faster).  Only ratios mean
# anything: the labs are emulators, tens of microseconds per exit, and the
# machine is shared.  Never fails on speed; fails when a lab or a client
# does.
#
# Each figure: the client times N iterations from the host side (RDTSC
# around the RUN loop) and takes the median of REPS runs; the client runs
# ROUNDS times under each hypervisor and the table shows the lowest round
# (noise only adds time).  AMD: EXITS_N (3000), EXITS_REPS (7),
# EXITS_ROUNDS (3).  Bochs is slower: EXITS_INTEL_N (300),
# EXITS_INTEL_REPS (3), EXITS_INTEL_ROUNDS (1).  APIC rows: EXITS_APIC_N
# rounds per series (300), EXITS_APIC_REPS series (7), EXITS_ROUNDS
# rounds; the Intel lab has one CPU, where two spinning vCPUs take turns
# by time slice, so it runs no APIC rows unless EXITS_INTEL_APIC_N says
# so.  EXITS_LABS chooses the labs ("amd amd-apic intel").
# EXITS_RELOAD=1 adds, after the figures, KVM unload + vmm.ko load and
# a short vmm run: that order hung the AMD lab once (Documentation/
# performance.md).
# "spread" is the worst (max - min) / median of a round, in percent.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
repo=$(pwd)
out=$repo/build/bench
mkdir -p "$out"
[ -f kmod/vmm.ko ] || { echo "exits bench: build kmod/vmm.ko first (make)"; exit 1; }
# A copy: kmod/ may be rebuilt while the lab runs.
cp "${VMM_KO:-kmod/vmm.ko}" "$out/vmm.ko" || exit 1
gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -Iuapi -pthread \
	-o "$out/exitbench" tests/bench/exitbench.c tests/bench/apicbench.c \
	tests/bench/apicguest.S || exit 1
# lab_run NAME LAB N REPS ROUNDS APIC_N: one boot of LAB (amd or intel);
# its output in exits-NAME.out.  LAB_TCG_THREAD passes through.
lab_run() {
	local name=$1 lab=$2 log=$out/exits-$1.out rc

	cat > "$out/exits.env" <<-EOT
	EXITS_N=$3
	EXITS_REPS=$4
	EXITS_ROUNDS=$5
	EXITS_APIC_N=$6
	EXITS_RELOAD=${EXITS_RELOAD:-0}
	EOT
	echo "-- $name lab"
	LAB_PACK="build/bench/exitbench build/bench/exits.env build/bench/vmm.ko" \
		tests/lab/run.sh "$lab-script" "$repo/tests/bench/exits-lab.sh" \
		"${EXITS_TIMEOUT:-1800}" > "$log" 2>&1
	rc=$?
	grep -E '^BENCH: lab |^BENCH-FAIL: |^FAIL: ' "$log"
	if ! grep -q '^BENCH: done' "$log"; then
		echo "exits bench: the $name lab stopped before the end (${log#"$repo"/})"
		return 1
	fi
	table < "$log"
	[ $rc = 0 ] || { echo "exits bench: the $name lab failed after the figures (${log#"$repo"/})"; return 1; }
	# A client that failed (its rounds left out of the table) fails the bench.
	! grep -q '^BENCH-FAIL: ' "$log" ||
		{ echo "exits bench: a client failed in the $name lab (${log#"$repo"/})"; return 1; }
}

# table: the ratio table from a lab's BENCH lines; "KIND n/a (why)"
# lines give a row without figures, "info: ..." lines are printed after.
table() {
	grep '^BENCH: \(vmm\|kvm\) ' | awk '
$4 == "info:" {
	hv = $2; r = $3; $1 = $2 = $3 = $4 = ""; sub(/^ +/, "")
	info[++ni] = hv " round " r ": " $0; next
}
{
	hv = $2; k = $4; c = $5 + 0; s = $7 + 0
	if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
	key = hv SUBSEP k
	if ($5 == "n/a") { na[key] = substr($0, index($0, "n/a")); next }
	if (!(key in best) || c < best[key]) best[key] = c
	if (s > spread[key]) spread[key] = s
}
END {
	printf "%-14s %14s %14s %8s  %s\n", "exit", "vmm ticks", "KVM ticks", \
		"vmm/KVM", "spread vmm/KVM"
	for (i = 1; i <= nk; i++) {
		k = order[i]; v = best["vmm", k]; m = best["kvm", k]
		r = (v > 0 && m > 0) ? sprintf("%.2f", v / m) : "n/a"
		vs = v > 0 ? v : (("vmm", k) in na ? na["vmm", k] : "-")
		ms = m > 0 ? m : (("kvm", k) in na ? na["kvm", k] : "-")
		printf "%-14s %14s %14s %8s  %.0f%%/%.0f%%\n", k, vs, ms, r, \
			spread["vmm", k], spread["kvm", k]
		if (k == "none") n_exit = 1
		if (k == "ipi") n_apic = 1
	}
	if (n_exit) {
		print "none: the loop alone (no exit), the baseline in every row"
		print "hypercall: an unknown number (EAX=0), answered with ENOSYS in the"
		print "  kernel by both; hypercall-user: vmm only, out to userspace and back"
	}
	if (n_apic) {
		print "ipi: IPI round trip between two busy vCPUs; timer: TSC-deadline"
		print "  interrupt after its deadline; hlt-wake: IPI to a halted vCPU until"
		print "  its handler runs (medians; Documentation/performance.md)"
	}
	for (i = 1; i <= ni; i++) print "  " info[i]
}'
}

rc=0
for lab in ${EXITS_LABS:-amd amd-apic intel}; do
	case $lab in
	amd) LAB_TCG_THREAD=multi lab_run amd amd "${EXITS_N:-3000}" \
		"${EXITS_REPS:-7}" "${EXITS_ROUNDS:-3}" 0 || rc=1 ;;
	amd-apic) LAB_TCG_THREAD=multi lab_run amd-apic amd 0 "${EXITS_APIC_REPS:-7}" \
		"${EXITS_ROUNDS:-3}" "${EXITS_APIC_N:-300}" || rc=1 ;;
	intel) lab_run intel intel "${EXITS_INTEL_N:-300}" "${EXITS_INTEL_REPS:-3}" \
		"${EXITS_INTEL_ROUNDS:-1}" "${EXITS_INTEL_APIC_N:-0}" || rc=1 ;;
	*) echo "exits bench: unknown lab $lab"; rc=1 ;;
	esac
done
exit $rc
