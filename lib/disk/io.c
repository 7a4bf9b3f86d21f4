// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * File I/O for lib/disk.  Single transfers are plain pread/pwrite loops:
 * for one synchronous request io_uring costs as much as a system call and
 * buys nothing.  It pays when one guest request maps to several
 * discontiguous pieces of the image file (a 1 MiB read over scattered
 * qcow2 clusters): io_batch() then submits them all at once on a ring
 * owned by the calling thread, and falls back to a pread/pwrite loop when
 * io_uring is unavailable (old kernel, seccomp, RLIMIT_MEMLOCK).
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/io.h"

#define RING_DEPTH	64

int io_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			/* End of file: the rest reads as zeroes. */
			memset(p, 0, len);
			return 0;
		}
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

int io_pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

int io_fdatasync(int fd)
{
	while (fdatasync(fd) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int io_punch(int fd, uint64_t off, uint64_t len)
{
	static const char zero[65536];

	if (!len)
		return 0;
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      off, len) == 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != ENOSYS)
		return -errno;
	/* No hole punching here (tmpfs on old kernels, some FUSE): write
	 * the zeroes, so that the range still reads back as zero. */
	while (len) {
		size_t n = len < sizeof(zero) ? len : sizeof(zero);
		int ret = io_pwrite_full(fd, zero, n, off);

		if (ret)
			return ret;
		off += n;
		len -= n;
	}
	return 0;
}

bool io_is_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	/* Check the head, then compare the buffer with itself shifted:
	 * memcmp is vectorised, a byte loop is not. */
	while (len && ((uintptr_t)p & 15)) {
		if (*p)
			return false;
		p++;
		len--;
	}
	if (len < 16) {
		while (len--)
			if (*p++)
				return false;
		return true;
	}
	for (int i = 0; i < 16; i++)
		if (p[i])
			return false;
	return memcmp(p, p + 16, len - 16) == 0;
}

/* One ring per thread: no locking, and a VMM's I/O threads never wait on
 * each other's completions. */
static pthread_key_t ring_key;
static pthread_once_t ring_once = PTHREAD_ONCE_INIT;
static __thread struct io_uring *ring;
static __thread bool ring_failed;

static void ring_free(void *p)
{
	io_uring_queue_exit(p);
	free(p);
}

static void ring_key_init(void)
{
	if (pthread_key_create(&ring_key, ring_free))
		ring_failed = true;
}

static struct io_uring *thread_ring(void)
{
	struct io_uring *r;

	if (ring || ring_failed)
		return ring;
	if (getenv("VMM_DISK_NO_URING")) {
		ring_failed = true;
		return NULL;
	}
	pthread_once(&ring_once, ring_key_init);
	r = malloc(sizeof(*r));
	if (!r || io_uring_queue_init(RING_DEPTH, r, 0) < 0) {
		free(r);
		ring_failed = true;
		return NULL;
	}
	pthread_setspecific(ring_key, r);
	ring = r;
	return r;
}

static int seg_sync(int fd, struct io_seg *s, bool write)
{
	return write ? io_pwrite_full(fd, s->buf, s->len, s->off)
		     : io_pread_full(fd, s->buf, s->len, s->off);
}

/* Submits segs[0..n) (n <= RING_DEPTH) and reaps them; a short transfer
 * is finished synchronously. */
static int ring_round(struct io_uring *r, int fd, struct io_seg *segs, int n,
		      bool write)
{
	int ret = 0, submitted, done = 0;

	for (int i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(r);

		if (write)
			io_uring_prep_write(sqe, fd, segs[i].buf, segs[i].len,
					    segs[i].off);
		else
			io_uring_prep_read(sqe, fd, segs[i].buf, segs[i].len,
					   segs[i].off);
		io_uring_sqe_set_data(sqe, &segs[i]);
	}
	submitted = io_uring_submit(r);
	if (submitted < 0)
		return submitted;
	while (done < submitted) {
		struct io_uring_cqe *cqe;
		struct io_seg *s, rest;
		int res, err;

		err = io_uring_wait_cqe(r, &cqe);
		if (err == -EINTR)
			continue;
		if (err < 0)
			return err;
		s = io_uring_cqe_get_data(cqe);
		res = cqe->res;
		io_uring_cqe_seen(r, cqe);
		done++;
		if (res < 0) {
			/* Retry the odd transient failure synchronously. */
			if (seg_sync(fd, s, write) && !ret)
				ret = res;
			continue;
		}
		if ((size_t)res < s->len) {
			rest.buf = (char *)s->buf + res;
			rest.len = s->len - res;
			rest.off = s->off + res;
			err = seg_sync(fd, &rest, write);
			if (err && !ret)
				ret = err;
		}
	}
	/* Anything the kernel did not take is done here. */
	for (int i = submitted; i < n; i++) {
		int err = seg_sync(fd, &segs[i], write);

		if (err && !ret)
			ret = err;
	}
	return ret;
}

int io_batch(int fd, struct io_seg *segs, int n, bool write)
{
	struct io_uring *r = n > 1 ? thread_ring() : NULL;
	int ret;

	if (!r) {
		for (int i = 0; i < n; i++) {
			ret = seg_sync(fd, &segs[i], write);
			if (ret)
				return ret;
		}
		return 0;
	}
	while (n) {
		int k = n < RING_DEPTH ? n : RING_DEPTH;

		ret = ring_round(r, fd, segs, k, write);
		if (ret)
			return ret;
		segs += k;
		n -= k;
	}
	return 0;
}
