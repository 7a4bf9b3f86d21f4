// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target over lib/disk's open and read paths (and a few writes):
 * each input is written to a file and opened as qcow2; whatever it holds
 * must give errors, never crashes, hangs or out-of-bounds accesses.  Built
 * and run by tests/host/disk-fuzz.sh with -fsanitize=fuzzer,address.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/disk.h"

static char dir[64], path[96];

static void exercise(struct vmm_disk *d)
{
	static char buf[1 << 16];
	uint64_t size = vmm_disk_size(d), pnum, off;
	struct vmm_disk_info info;

	vmm_disk_get_info(d, &info);
	/* The first 4 MiB, a piece in the middle and the end: enough to
	 * walk the tables without reading terabytes of holes. */
	for (off = 0; off < size && off < (4u << 20); off += sizeof(buf))
		vmm_disk_read(d, buf, size - off < sizeof(buf) ? size - off :
			      sizeof(buf), off);
	if (size > 4096) {
		vmm_disk_read(d, buf, 4096, size / 2 & ~511ull);
		vmm_disk_read(d, buf, 4096, size - 4096);
	}
	off = 0;
	for (int i = 0; i < 256 && off < size; i++) {
		if (vmm_disk_chain_status(d, off, size - off, &pnum) < 0)
			break;
		off += pnum;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmm_disk *d;
	struct vmm_disk_check r;
	int fd;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "%s/vmm-fuzz.XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/img", dir);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);

	if (vmm_disk_open(&d, path, VMM_DISK_FMT_QCOW2, 0) == 0) {
		exercise(d);
		vmm_disk_close(d);
	}
	vmm_disk_check(path, false, &r);
	/* Writes, on inputs small enough to keep the file small. */
	if (size < 65536 &&
	    vmm_disk_open(&d, path, VMM_DISK_FMT_QCOW2, VMM_DISK_RDWR) == 0) {
		static char buf[8192];
		uint64_t s = vmm_disk_size(d);

		memset(buf, 0xab, sizeof(buf));
		if (s >= sizeof(buf)) {
			vmm_disk_write(d, buf, sizeof(buf), 0);
			vmm_disk_write(d, buf, 512, (s / 3) & ~511ull);
			vmm_disk_discard(d, 0, s / 2);
			vmm_disk_write_zeroes(d, s / 2, s - s / 2);
			vmm_disk_flush(d);
		}
		vmm_disk_close(d);
		vmm_disk_check(path, true, &r);
	}
	return 0;
}
