#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Exit round trips, vmm.ko against Debian's own kvm_amd, in one AMD lab
# boot (shared/LAB.md): the same real-mode payloads (tests/bench/
# exitbench.c) run under each, one exit kind at a time.  Prints, per kind,
# lab TSC ticks per round trip under each and the ratio vmm/KVM (below 1:
# vmm is faster).  Only ratios mean anything: the lab is an emulator
# (QEMU TCG), tens of microseconds per exit, and the machine is shared.
# Never fails on speed; fails when the lab or a client does.
#
# Each figure: the client times N iterations (EXITS_N, 3000) from the
# host side (RDTSC around the RUN loop) and takes the median of
# EXITS_REPS runs (7); the client runs EXITS_ROUNDS times (3) under each
# hypervisor and the table shows the lowest round (noise only adds time).
# EXITS_RELOAD=1 adds, after the figures, kvm_amd unload + vmm.ko load and
# a short vmm run: that order hung the lab once (Documentation/
# performance.md).
# "spread" is the worst (max - min) / median of a round, in percent.
# Intel (kvm_intel in the Bochs lab) is not measured yet.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
repo=$(pwd)
out=$repo/build/bench
mkdir -p "$out"
[ -f kmod/vmm.ko ] || { echo "exits bench: build kmod/vmm.ko first (make)"; exit 1; }
# A copy: kmod/ may be rebuilt while the lab runs.
cp "${VMM_KO:-kmod/vmm.ko}" "$out/vmm.ko" || exit 1
gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -Iuapi \
	-o "$out/exitbench" tests/bench/exitbench.c || exit 1
cat > "$out/exits.env" <<EOT
EXITS_N=${EXITS_N:-3000}
EXITS_REPS=${EXITS_REPS:-7}
EXITS_ROUNDS=${EXITS_ROUNDS:-3}
EXITS_RELOAD=${EXITS_RELOAD:-0}
VMM_KO=$out/vmm.ko
EOT

tests/lab/run.sh amd-script "$repo/tests/bench/exits-lab.sh" "${EXITS_TIMEOUT:-600}" \
	> "$out/exits-lab.out" 2>&1
rc=$?
grep -E '^BENCH: lab |^BENCH-FAIL: |^FAIL: ' "$out/exits-lab.out"
if ! grep -q '^BENCH: done' "$out/exits-lab.out"; then
	echo "exits bench: the lab stopped before the end (build/bench/exits-lab.out)"
	exit 1
fi

grep '^BENCH: \(vmm\|kvm\) ' "$out/exits-lab.out" | awk '
{
	hv = $2; k = $4; c = $5 + 0; s = $7 + 0
	if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
	key = hv SUBSEP k
	if (!(key in best) || c < best[key]) best[key] = c
	if (s > spread[key]) spread[key] = s
}
END {
	printf "%-14s %14s %14s %8s  %s\n", "exit", "vmm ticks", "KVM ticks", \
		"vmm/KVM", "spread vmm/KVM"
	for (i = 1; i <= nk; i++) {
		k = order[i]; v = best["vmm", k]; m = best["kvm", k]
		r = (v > 0 && m > 0) ? sprintf("%.2f", v / m) : "n/a"
		printf "%-14s %14s %14s %8s  %.0f%%/%.0f%%\n", k, \
			(v > 0 ? v : "-"), (m > 0 ? m : "-"), r, \
			spread["vmm", k], spread["kvm", k]
	}
	print "none: the loop alone (no exit), the baseline in every row"
	print "hypercall: an unknown number (EAX=0), answered with ENOSYS in the"
	print "  kernel by both; hypercall-user: vmm only, out to userspace and back"
}'
[ $rc = 0 ] || { echo "exits bench: the lab failed after the figures (build/bench/exits-lab.out)"; exit 1; }
