#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lib/disk against `qemu-img bench` on identical files in the same run:
# sequential 1 MiB and strided ("random") 4 KiB reads and writes, on raw
# and qcow2 images, empty and preallocated.  Prints figures; never fails
# on speed.
#
# Both sides do the same work:
# - the same file: one image per kind, recreated (empty) or reused
#   (preallocated: overwriting keeps it allocated) before every run, its
#   pages in the page cache and none dirty when the clock starts;
# - the same requests: COUNT requests of BUFSIZE bytes from offset 0, each
#   STEP after the last, wrapped by the rule of the installed qemu-img
#   (probed below); one request in flight (-d 1: vmm_disk_* calls are
#   synchronous, and qemu-img's default depth is 64);
# - the same cache mode: the page cache (qemu-img -t writeback, its
#   default; our buffered pread/pwrite), and no flush inside the timed
#   part (no --flush-interval; both flush at close, outside the clock).
# qemu-img bench has no random mode: the 4 KiB runs use a stride of 7919
# blocks (a prime), which visits the blocks of the disk in a scattered
# order, the same for both tools.
#
# Each cell: one untimed warm-up run per tool (a quarter of the length),
# then REPS timed runs with ours and qemu-img alternating (and swapping
# who goes first), so that background load hits both alike.  The figure
# is the median; "spread" is (max - min) / median of the run times, a
# measure of the noise.  DISK_BENCH_SIZE and DISK_BENCH_REPS change the
# image size (256M) and the number of runs (5); DISK_BENCH_DIR the
# directory of the images (a tmpfs by default, see below).
set -uo pipefail
cd "$(dirname "$0")/../.."
command -v qemu-img >/dev/null || { echo "disk bench: qemu-img not installed"; exit 0; }
[ -f lib/libvmm.a ] || { echo "disk bench: build lib/libvmm.a first"; exit 1; }
# The images live on a tmpfs when there is one with room: the timed part
# only touches the page cache either way, but on a disk filesystem the
# untimed part (the flush at close, deleting a scattered image) costs
# seconds per run and loads the disk that other work shares.
DIR=${DISK_BENCH_DIR:-}
if [ -z "$DIR" ]; then
	DIR=${TMPDIR:-/tmp}
	if [ -d /dev/shm ] && [ -w /dev/shm ] &&
	   [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt $((2 << 20)) ]; then
		DIR=/dev/shm
	fi
fi
T=$(mktemp -d "$DIR/vmm-bench.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
${CC:-cc} -O2 -std=gnu11 -D_GNU_SOURCE -Iuapi -Ilib -o "$T/bench" \
	tests/bench/disk-bench.c lib/libvmm.a \
	$(pkg-config --libs liburing 2>/dev/null || echo -luring) -lpthread || exit 1

SIZE=${DISK_BENCH_SIZE:-256M}
REPS=${DISK_BENCH_REPS:-5}

# Before QEMU 10.1 qemu-img bench wraps the offset modulo the disk size,
# after it modulo size - bufsize.  With 8 KiB requests on a 12 KiB disk
# the old rule sends the second request past the end, and fails.
qemu-img create -q -f raw "$T/probe" 12K
if qemu-img bench -q -f raw -d 1 -c 2 -s 8K -S 8K "$T/probe" >/dev/null 2>&1; then
	WRAP=usable
else
	WRAP=size
fi

IMAGES="raw-empty raw-prealloc qcow2-empty qcow2-prealloc"
for img in $IMAGES; do
	fmt=${img%%-*}
	case $img in
	*-empty) qemu-img create -q -f "$fmt" "$T/$img.tpl" "$SIZE" ;;
	*) qemu-img create -q -f "$fmt" -o preallocation=full "$T/$img" "$SIZE" ;;
	esac
done

# workload: name mode bufsize count step unit
WORKLOADS=(
	"seq-read-1M read 1048576 4096 1048576 MiB/s"
	"seq-write-1M write 1048576 4096 1048576 MiB/s"
	"rand-read-4K read 4096 40000 $((4096 * 7919)) IOPS"
	"rand-write-4K write 4096 40000 $((4096 * 7919)) IOPS"
)

# The image as the run must find it: an empty image is fresh from its
# template (a sparse copy: it has no data); a preallocated one stays.
prepare() {
	local img=$1
	case $img in
	*-empty)
		rm -f "$T/$img"
		cp --sparse=always --reflink=never "$T/$img.tpl" "$T/$img" ;;
	esac
	sync "$T/$img"
	cat "$T/$img" >/dev/null
}

# one run: prints its seconds
run1() {
	local tool=$1 img=$2 mode=$3 bs=$4 count=$5 step=$6 t w=""
	prepare "$img"
	if [ "$tool" = ours ]; then
		"$T/bench" "$T/$img" "$mode" "$bs" "$count" "$step" "$WRAP"
		return
	fi
	[ "$mode" = write ] && w="-w --pattern=165"
	t=$(qemu-img bench -f "${img%%-*}" -t writeback -d 1 -c "$count" \
		-s "$bs" -S "$step" $w "$T/$img" 2>&1 |
		sed -n 's/.*Run completed in \([0-9.]*\) seconds.*/\1/p')
	[ -n "$t" ] && echo "$t"
}

# median and spread (%) of the numbers on stdin
stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%s %.0f\n", m, (m > 0 ? 100 * (v[NR] - v[1]) / m : 0) }'
}

echo "size $SIZE, median of $REPS runs, depth 1, page cache, qemu-img" \
	"$(qemu-img --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')," \
	"images on $(stat -f -c %T "$T"), load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %-15s %11s %7s %11s %7s %6s %7s\n' workload image ours spread \
	qemu-img spread unit ratio
for img in $IMAGES; do
	for w in "${WORKLOADS[@]}"; do
		set -- $w
		name=$1 mode=$2 bs=$3 count=$4 step=$5 unit=$6
		# warm-up, a quarter of the length
		if ! run1 ours "$img" "$mode" "$bs" $((count / 4)) "$step" >/dev/null ||
		   ! run1 qemu "$img" "$mode" "$bs" $((count / 4)) "$step" >/dev/null; then
			echo "$name $img: a warm-up run failed"
			continue
		fi
		: >"$T/ours.t"; : >"$T/qemu.t"
		for r in $(seq 1 "$REPS"); do
			order="ours qemu"; [ $((r % 2)) = 0 ] && order="qemu ours"
			for tool in $order; do
				run1 "$tool" "$img" "$mode" "$bs" "$count" "$step" \
					>>"$T/$tool.t" || echo "$name $img: $tool run failed"
			done
		done
		if [ ! -s "$T/ours.t" ] || [ ! -s "$T/qemu.t" ]; then
			continue
		fi
		read -r ot os < <(stats <"$T/ours.t")
		read -r qt qs < <(stats <"$T/qemu.t")
		# MiB/s or requests per second, and the ratio ours / qemu-img
		# (above 1: we are faster).
		awk -v o="$ot" -v q="$qt" -v os="$os" -v qs="$qs" -v c="$count" \
		    -v bs="$bs" -v u="$unit" -v n="$name" -v i="$img" 'BEGIN {
			f = u == "IOPS" ? c : c * bs / 1048576
			printf "%-14s %-15s %11.0f %6s%% %11.0f %6s%% %6s %7.2f\n",
				n, i, f / o, os, f / q, qs, u, q / o }'
	done
done
