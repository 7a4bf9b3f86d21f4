#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fuzzes lib/disk's qcow2 open/read/check path (tests/fuzz/disk_fuzz.c)
# with libFuzzer under AddressSanitizer and UBSan for a bounded time
# (DISK_FUZZ_SECONDS, default 60), from seeds made here by qemu-img.
SUITE=host/disk-fuzz
cd "$(dirname "$0")/../.."
. tests/host/disk-common.bash
need_qemu
SECS=${DISK_FUZZ_SECONDS:-60}

if ! command -v clang >/dev/null; then
	skip disk-fuzz "clang not installed (make deps)"
	exit 0
fi
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -std=gnu11 -D_GNU_SOURCE -Iuapi -Ilib \
	-o "$T/fuzz" tests/fuzz/disk_fuzz.c lib/disk/*.c \
	$(pkg-config --libs liburing 2>/dev/null || echo -luring) -lpthread \
	2>"$T/build.log"; then
	if grep -q 'libclang_rt.fuzzer\|cannot find.*fuzzer' "$T/build.log"; then
		skip disk-fuzz "libFuzzer runtime missing (libclang-rt-14-dev)"
		exit 0
	fi
	fail disk-fuzz/build "($(tail -n 3 "$T/build.log" | tr '\n' ' '))"
	finish
fi
pass disk-fuzz/build

# Seeds: small images with tables, data, zero clusters and discards.
mkdir -p "$T/seeds" "$T/corpus"
i=0
for opts in cluster_size=512 cluster_size=1024,refcount_bits=1 \
	    cluster_size=512,compat=0.10 cluster_size=4096,refcount_bits=64 \
	    cluster_size=512,refcount_bits=8; do
	i=$((i + 1))
	qemu-img create -q -f qcow2 -o "$opts" "$T/seeds/s$i" 256K
	qemu-io -c 'write -P 1 0 2k' -c 'write -z 4k 1k' -c 'write -P 2 100k 1k' \
		-c 'discard 0 1k' "$T/seeds/s$i" >/dev/null 2>&1
done
qemu-img create -q -f qcow2 -o cluster_size=512 "$T/seeds/empty" 1M
pass disk-fuzz/seeds

# -timeout: one input may not take more than 10 s (a hang is a bug too).
# TMPDIR: the target keeps its scratch image there, removed with $T.
if TMPDIR="$T" "$T/fuzz" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 -artifact_prefix="$T/" \
	"$T/corpus" "$T/seeds" >"$T/fuzz.log" 2>&1; then
	pass disk-fuzz/run-${SECS}s "($(grep -m1 'stat::number_of_executed_units' "$T/fuzz.log" | awk '{print $2}') runs)"
else
	grep -E 'ERROR|SUMMARY|==[0-9]+==' "$T/fuzz.log" | head -n 20 >&2
	for a in "$T"/crash-* "$T"/timeout-* "$T"/leak-*; do
		[ -e "$a" ] && cp "$a" "${TMPDIR:-/tmp}/" && echo "kept ${TMPDIR:-/tmp}/$(basename "$a")" >&2
	done
	fail disk-fuzz/run "($(grep -m1 -E 'ERROR|SUMMARY' "$T/fuzz.log"))"
fi
finish
