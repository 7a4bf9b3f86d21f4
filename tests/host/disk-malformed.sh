#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Malformed qcow2 images give errors, not crashes: truncated files,
# overlapping tables, absurd sizes, backing-chain loops, refcount
# overflow, unknown feature bits.  The driver is built with
# AddressSanitizer when clang is there, so an out-of-bounds read fails too.
SUITE=host/disk-malformed
cd "$(dirname "$0")/../.."
. tests/host/disk-common.bash
need_qemu
if command -v clang >/dev/null; then
	CC="clang -fsanitize=address,undefined -fno-sanitize-recover=undefined"
	# Compile lib/disk itself with the sanitizers, not the prebuilt archive.
	if $CC -g -O1 -std=gnu11 -D_GNU_SOURCE -Iuapi -Ilib -o "$T/disk-io" \
		tests/host/disk-io.c cli/cmd_disk.c lib/disk/*.c \
		$(pkg-config --libs liburing 2>/dev/null || echo -luring) -lpthread 2>"$T/build.log"; then
		DIO=$T/disk-io; VD="$DIO disk"
	else
		build_driver
	fi
else
	build_driver
fi
export ASAN_OPTIONS=detect_leaks=0

# poke FILE OFFSET FORMAT VALUE: write one big-endian field.
poke() {
	python3 -c 'import struct,sys
f=open(sys.argv[1],"r+b"); f.seek(int(sys.argv[2],0)); f.write(struct.pack(">"+sys.argv[3],int(sys.argv[4],0)&((1<<64)-1)))' "$@"
}
base() {
	rm -f "$T/$1"
	qemu-img create -q -f qcow2 -o cluster_size=4096 "$T/$1" 8M &&
	qemu-io -c 'write -P 7 0 64k' -c 'write -P 8 1M 4k' "$T/$1" >/dev/null
}
# rejects NAME FILE PATTERN [chain]: info, a full read and check each end
# in an error exit (1 or 2, never a signal) and info says PATTERN.  With
# "chain", the image itself is sound (check looks at it alone).
rejects() {
	local out rc
	out=$($VD info "$2" 2>&1); rc=$?
	[ "$rc" -eq 1 ] || { echo "info: exit $rc: $out"; return 1; }
	echo "$out" | grep -qi -- "$3" || { echo "info said: $out"; return 1; }
	$DIO dump "$2" "$T/dump" >/dev/null 2>&1; rc=$?
	[ "$rc" -eq 1 ] || { echo "read: exit $rc"; return 1; }
	$VD check "$2" >/dev/null 2>&1; rc=$?
	[ "$rc" -eq 1 ] || [ "$rc" -eq 2 ] || { [ "${4:-}" = chain ] && [ "$rc" -eq 0 ]; } ||
		{ echo "check: exit $rc"; return 1; }
}

t_trunc_header() { base a.qcow2 && truncate -s 50 "$T/a.qcow2" && rejects x "$T/a.qcow2" "qcow2"; }
ok disk-malformed/truncated-header t_trunc_header
t_trunc_tables() { base a.qcow2 && truncate -s 4096 "$T/a.qcow2" && rejects x "$T/a.qcow2" "outside the file\|refcount table"; }
ok disk-malformed/truncated-tables t_trunc_tables
t_trunc_data() {
	# Data clusters cut off: reads give zeroes, check reports the loss.
	base a.qcow2 && truncate -s $((5 * 4096)) "$T/a.qcow2" || return 1
	$DIO dump "$T/a.qcow2" "$T/dump" >/dev/null 2>&1; local rc=$?
	[ "$rc" -le 1 ] || return 1
	$VD check "$T/a.qcow2" >/dev/null 2>&1; [ $? -eq 2 ]
}
ok disk-malformed/truncated-data t_trunc_data
t_huge() { base a.qcow2 && poke "$T/a.qcow2" 24 Q 0x7fffffffffffffff && rejects x "$T/a.qcow2" "too large"; }
ok disk-malformed/huge-virtual-size t_huge
t_l1size() { base a.qcow2 && poke "$T/a.qcow2" 36 I 0xffffffff && rejects x "$T/a.qcow2" "L1 table"; }
ok disk-malformed/huge-l1-size t_l1size
t_rtsize() { base a.qcow2 && poke "$T/a.qcow2" 56 I 0x7fffffff && rejects x "$T/a.qcow2" "refcount table"; }
ok disk-malformed/huge-refcount-table t_rtsize
t_cbits() { base a.qcow2 && poke "$T/a.qcow2" 20 I 40 && rejects x "$T/a.qcow2" "cluster size"; }
ok disk-malformed/bad-cluster-bits t_cbits
t_l1_over_rt() {
	# The L1 table moved onto the refcount table.
	base a.qcow2 && poke "$T/a.qcow2" 40 Q "$(python3 -c 'import struct;print(struct.unpack(">Q",open("'"$T/a.qcow2"'","rb").read()[48:56])[0])')" &&
	rejects x "$T/a.qcow2" "overlap"
}
ok disk-malformed/overlapping-l1-refcount-table t_l1_over_rt
t_l2_over_l1() {
	# The first L2 entry of L1 points at the L1 table itself.
	base a.qcow2 || return 1
	local l1
	l1=$(python3 -c 'import struct;print(struct.unpack(">Q",open("'"$T/a.qcow2"'","rb").read()[40:48])[0])')
	poke "$T/a.qcow2" "$l1" Q $((l1 | (1 << 63))) && rejects x "$T/a.qcow2" "misplaced"
}
ok disk-malformed/overlapping-l2-on-l1 t_l2_over_l1
t_backing_name() { base a.qcow2 && poke "$T/a.qcow2" 8 Q 4000 && poke "$T/a.qcow2" 16 I 1000 && rejects x "$T/a.qcow2" "backing file name"; }
ok disk-malformed/backing-name-out-of-header t_backing_name
t_unknown_bit() { base a.qcow2 && poke "$T/a.qcow2" 72 Q $((1 << 13)) && rejects x "$T/a.qcow2" "unknown incompatible feature bit 13"; }
ok disk-malformed/unknown-incompatible-bit t_unknown_bit

t_loop() {
	rm -f "$T/la.qcow2" "$T/lb.qcow2" "$T/self.qcow2"
	qemu-img create -q -f qcow2 "$T/la.qcow2" 1M && qemu-img create -q -f qcow2 -b la.qcow2 -F qcow2 "$T/lb.qcow2" &&
	qemu-img rebase -q -u -b lb.qcow2 -F qcow2 "$T/la.qcow2" || return 1
	rejects x "$T/lb.qcow2" "loop" chain || return 1
	qemu-img create -q -f qcow2 "$T/self.qcow2" 1M && qemu-img rebase -q -u -b self.qcow2 -F qcow2 "$T/self.qcow2" &&
	rejects x "$T/self.qcow2" "loop" chain
}
ok disk-malformed/backing-loop t_loop
t_deep() {
	local i
	qemu-img create -q -f qcow2 "$T/d0.qcow2" 1M || return 1
	for i in $(seq 1 70); do
		qemu-img create -q -f qcow2 -b "d$((i - 1)).qcow2" -F qcow2 "$T/d$i.qcow2" >/dev/null 2>&1 ||
			qemu-img create -q -f qcow2 -u -b "d$((i - 1)).qcow2" -F qcow2 "$T/d$i.qcow2" 1M || return 1
	done
	$VD info "$T/d60.qcow2" >/dev/null && rejects x "$T/d70.qcow2" "chain longer" chain
}
ok disk-malformed/backing-chain-too-deep t_deep

t_overflow() {
	# 1-bit refcounts and a data cluster referenced from two L2 entries.
	rm -f "$T/o.qcow2"
	qemu-img create -q -f qcow2 -o cluster_size=4096,refcount_bits=1 "$T/o.qcow2" 8M &&
	qemu-io -c 'write -P 1 0 8k' "$T/o.qcow2" >/dev/null || return 1
	python3 - "$T/o.qcow2" <<'PY' || return 1
import struct, sys
f = open(sys.argv[1], "r+b"); h = f.read(104)
l1 = struct.unpack(">Q", h[40:48])[0]
f.seek(l1); l2 = struct.unpack(">Q", f.read(8))[0] & 0x00fffffffffffe00
f.seek(l2); e0 = f.read(8)
f.seek(l2 + 8); f.write(e0)        # entry 1 = entry 0: two references
PY
	$DIO dump "$T/o.qcow2" "$T/dump" || return 1
	local out
	out=$($VD check "$T/o.qcow2"); [ $? -eq 2 ] || return 1
	echo "$out" | grep -q overflow && qemu-img check "$T/o.qcow2" >/dev/null 2>&1; [ $? -eq 2 ]
}
ok disk-malformed/refcount-overflow t_overflow

t_garbage() {
	local i rc
	for i in 1 2 3 4 5 6 7 8; do
		base g.qcow2 || return 1
		# random bytes over the header (after the magic) and tables
		python3 - "$T/g.qcow2" "$i" <<'PY'
import os, random, sys
random.seed(int(sys.argv[2])); f = open(sys.argv[1], "r+b")
size = os.path.getsize(sys.argv[1])
for _ in range(40):
    off = random.randrange(4, min(size, 5 * 4096)); f.seek(off); f.write(os.urandom(random.randint(1, 8)))
PY
		$VD info "$T/g.qcow2" >/dev/null 2>&1; rc=$?; [ "$rc" -le 1 ] || { echo "info: exit $rc"; return 1; }
		$DIO dump "$T/g.qcow2" "$T/dump" >/dev/null 2>&1; rc=$?; [ "$rc" -le 1 ] || { echo "read: exit $rc"; return 1; }
		$VD check "$T/g.qcow2" >/dev/null 2>&1; rc=$?; [ "$rc" -le 3 ] || { echo "check: exit $rc"; return 1; }
	done
}
ok disk-malformed/random-damage t_garbage
finish
