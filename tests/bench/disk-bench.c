// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lib/disk half of tests/bench/disk.sh: the access pattern of
 * `qemu-img bench` (COUNT requests of BUFSIZE bytes, each STEP bytes after
 * the last, wrapping), through vmm_disk_read/write, from one thread.
 * Prints the elapsed seconds, open and close excluded as qemu-img does.
 *
 *   disk-bench FILE read|write BUFSIZE COUNT STEP
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
	bool wr;
	char *buf;
	int ret;

	if (argc != 6)
		errx(1, "usage: disk-bench FILE read|write BUFSIZE COUNT STEP");
	wr = !strcmp(argv[2], "write");
	bufsize = strtoull(argv[3], NULL, 0);
	count = strtoull(argv[4], NULL, 0);
	step = strtoull(argv[5], NULL, 0);
	ret = vmm_disk_open(&d, argv[1], VMM_DISK_FMT_AUTO,
			    wr ? VMM_DISK_RDWR : 0);
	if (ret)
		errx(1, "%s: %s", argv[1], vmm_disk_strerror());
	size = vmm_disk_size(d);
	if (posix_memalign((void **)&buf, 4096, bufsize))
		errx(1, "out of memory");
	memset(buf, 0xa5, bufsize);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (uint64_t i = 0; i < count; i++) {
		ret = wr ? vmm_disk_write(d, buf, bufsize, off)
			 : vmm_disk_read(d, buf, bufsize, off);
		if (ret)
			errx(1, "I/O at %llu: %s", (unsigned long long)off,
			     vmm_disk_strerror());
		/* As qemu-img bench: advance by step, wrap inside the disk. */
		off += step;
		if (size <= bufsize)
			off = 0;
		else
			off %= size - bufsize;
	}
	/* qemu-img bench stops its clock before closing the image (and
	 * flushing it): so do we. */
	clock_gettime(CLOCK_MONOTONIC, &b);
	ret = vmm_disk_close(d);
	if (ret)
		errx(1, "close: %s", vmm_disk_strerror());
	printf("%.6f\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
