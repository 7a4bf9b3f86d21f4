// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lib/disk half of tests/bench/disk.sh: the access pattern of
 * `qemu-img bench -d 1` (COUNT requests of BUFSIZE bytes, the first at
 * offset 0, each STEP bytes after the last), through vmm_disk_read/write
 * from one thread, one request at a time.  Prints the elapsed seconds;
 * open and close (with its flush) are outside the clock, as in qemu-img.
 *
 *   disk-bench FILE read|write BUFSIZE COUNT STEP WRAP
 *
 * WRAP is how the offset wraps at the end of the disk, which changed in
 * qemu-img (commit ff2ab634, QEMU 10.1): "size" is the old rule, offset
 * modulo the disk size; "usable" the new one, modulo size - BUFSIZE.
 * disk.sh finds out which one the installed qemu-img follows, so both
 * tools send exactly the same requests.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disk/disk.h"

int main(int argc, char **argv)
{
	struct vmm_disk *d;
	struct timespec a, b;
	uint64_t bufsize, count, step, size, off = 0;
	bool wr, usable;
	char *buf;
	int ret;

	if (argc != 7 || (strcmp(argv[2], "read") && strcmp(argv[2], "write")) ||
	    (strcmp(argv[6], "size") && strcmp(argv[6], "usable")))
		errx(1, "usage: disk-bench FILE read|write BUFSIZE COUNT STEP "
		     "size|usable");
	wr = !strcmp(argv[2], "write");
	bufsize = strtoull(argv[3], NULL, 0);
	count = strtoull(argv[4], NULL, 0);
	step = strtoull(argv[5], NULL, 0);
	usable = !strcmp(argv[6], "usable");
	ret = vmm_disk_open(&d, argv[1], VMM_DISK_FMT_AUTO,
			    wr ? VMM_DISK_RDWR : 0);
	if (ret)
		errx(1, "%s: %s", argv[1], vmm_disk_strerror());
	size = vmm_disk_size(d);
	if (!bufsize || bufsize > size)
		errx(1, "buffer size %llu does not fit the disk",
		     (unsigned long long)bufsize);
	if (posix_memalign((void **)&buf, 4096, bufsize))
		errx(1, "out of memory");
	/* qemu-img bench --pattern=0xa5 for writes; reads overwrite it. */
	memset(buf, 0xa5, bufsize);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (uint64_t i = 0; i < count; i++) {
		ret = wr ? vmm_disk_write(d, buf, bufsize, off)
			 : vmm_disk_read(d, buf, bufsize, off);
		if (ret)
			errx(1, "I/O at %llu: %s", (unsigned long long)off,
			     vmm_disk_strerror());
		off += step;
		if (!usable)
			off %= size;
		else if (size <= bufsize)
			off = 0;
		else
			off %= size - bufsize;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ret = vmm_disk_close(d);
	if (ret)
		errx(1, "close: %s", vmm_disk_strerror());
	free(buf);
	printf("%.6f\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
