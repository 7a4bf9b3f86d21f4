#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lib/disk against `qemu-img bench` on identical files in the same run:
# sequential 1 MiB and strided ("random") 4 KiB reads and writes, on raw
# and qcow2 images, empty and preallocated.  Both run one request at a
# time (qemu-img bench -d 1) through the page cache (its default
# writeback mode).  qemu-img bench has no random mode: the 4 KiB runs
# use a stride of 7919 blocks (a prime), which wraps over the whole disk
# in a scattered order, identical for both tools.  Prints seconds and
# the ratio qemu/ours: above 1 means we are faster.
set -uo pipefail
cd "$(dirname "$0")/../.."
command -v qemu-img >/dev/null || { echo "disk bench: qemu-img not installed"; exit 0; }
[ -f lib/libvmm.a ] || { echo "disk bench: build lib/libvmm.a first"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/vmm-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
${CC:-cc} -O2 -std=gnu11 -D_GNU_SOURCE -Iuapi -Ilib -o "$T/bench" \
	tests/bench/disk-bench.c lib/libvmm.a \
	$(pkg-config --libs liburing 2>/dev/null || echo -luring) -lpthread || exit 1

SIZE=${DISK_BENCH_SIZE:-256M}
REPS=${DISK_BENCH_REPS:-3}
for fmt in raw qcow2; do
	qemu-img create -q -f $fmt "$T/$fmt-empty" "$SIZE"
	qemu-img create -q -f $fmt -o preallocation=full "$T/$fmt-prealloc" "$SIZE"
done

# workload: name mode bufsize count step
WORKLOADS=(
	"seq-read-1M read 1048576 1024 1048576"
	"seq-write-1M write 1048576 1024 1048576"
	"rand-read-4K read 4096 50000 $((4096 * 7919))"
	"rand-write-4K write 4096 50000 $((4096 * 7919))"
)

# best of REPS runs, each on a fresh copy of the image
run() {
	local tool=$1 img=$2 fmt=$3 mode=$4 bs=$5 count=$6 step=$7 best="" t i
	for i in $(seq 1 "$REPS"); do
		cp --sparse=always "$T/$img" "$T/work"
		sync "$T/work" 2>/dev/null
		cat "$T/work" >/dev/null	# both start with a warm page cache
		if [ "$tool" = ours ]; then
			t=$("$T/bench" "$T/work" "$mode" "$bs" "$count" "$step") || return 1
		else
			local w=""; [ "$mode" = write ] && w="-w --pattern=165"
			t=$(qemu-img bench -f "$fmt" -d 1 -c "$count" -s "$bs" -S "$step" $w "$T/work" 2>&1 |
				sed -n 's/.*Run completed in \([0-9.]*\) seconds.*/\1/p')
			[ -n "$t" ] || return 1
		fi
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
	done
	echo "$best"
}

printf '%-15s %-14s %10s %10s %8s\n' workload image "ours (s)" "qemu (s)" ratio
for img in raw-empty raw-prealloc qcow2-empty qcow2-prealloc; do
	fmt=${img%%-*}
	for w in "${WORKLOADS[@]}"; do
		set -- $w
		ours=$(run ours "$img" "$fmt" "$2" "$3" "$4" "$5") || { echo "$1 $img: ours failed"; continue; }
		qemu=$(run qemu "$img" "$fmt" "$2" "$3" "$4" "$5") || { echo "$1 $img: qemu-img bench failed"; continue; }
		printf '%-15s %-14s %10.3f %10.3f %8.2f\n' "$1" "$img" "$ours" "$qemu" \
			"$(awk "BEGIN{print $qemu / ($ours > 0 ? $ours : 1e-9)}")"
	done
done
