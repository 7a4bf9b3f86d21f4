/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * File I/O for lib/disk: full-length pread/pwrite loops and a batch
 * submission that uses io_uring when the kernel allows it.
 */
#ifndef VMM_DISK_IO_H
#define VMM_DISK_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct io_seg {
	void *buf;
	size_t len;
	uint64_t off;
};

/* Reads len bytes; bytes past the end of the file read as zeroes. */
int io_pread_full(int fd, void *buf, size_t len, uint64_t off);
int io_pwrite_full(int fd, const void *buf, size_t len, uint64_t off);
/* Runs n independent transfers on fd, in parallel when io_uring works. */
int io_batch(int fd, struct io_seg *segs, int n, bool write);
int io_fdatasync(int fd);
/* Deallocates (punch) or zeroes a byte range of fd without writing data;
 * io_punch falls back to writing zeroes where holes are not supported. */
int io_punch(int fd, uint64_t off, uint64_t len);
bool io_is_zero(const void *buf, size_t len);

#endif /* VMM_DISK_IO_H */
