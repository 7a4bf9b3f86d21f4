// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Whole-image operations built on the block interface: copying a chain
 * into a new image (vmctl disk convert), committing an overlay into its
 * backing file (vmctl disk commit), and the check entry point.  Copies
 * follow block status so that holes are neither read nor written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "disk/disk-int.h"
#include "disk/io.h"
#include "disk/qcow2.h"

#define CHUNK	(1u << 20)

static int progress(vmm_disk_progress_fn fn, void *arg, uint64_t done,
		    uint64_t total)
{
	if (fn && fn(done, total, arg))
		return disk_err(-ECANCELED, "cancelled");
	return 0;
}

int vmm_disk_copy(struct vmm_disk *src, struct vmm_disk *dst,
		  vmm_disk_progress_fn fn, void *arg)
{
	uint64_t size = src->size, off = 0, pnum;
	char *buf;
	int ret = 0;

	if (dst->size < size)
		return disk_err(-EINVAL, "%s: smaller than %s", dst->path,
				src->path);
	buf = aligned_alloc(4096, CHUNK);
	if (!buf)
		return -ENOMEM;
	while (!ret && off < size) {
		uint64_t n = min_u64(CHUNK, size - off);
		int st = vmm_disk_chain_status(src, off, n, &pnum);

		if (st < 0) {
			ret = st;
			break;
		}
		if (st == VMM_DISK_DATA) {
			ret = vmm_disk_read(src, buf, pnum, off);
			/* The destination is new, hence already zero. */
			if (!ret && !io_is_zero(buf, pnum))
				ret = vmm_disk_write(dst, buf, pnum, off);
		}
		off += pnum;
		if (!ret)
			ret = progress(fn, arg, off, size);
	}
	free(buf);
	if (!ret)
		ret = vmm_disk_flush(dst);
	return ret;
}

int vmm_disk_commit(struct vmm_disk *d, vmm_disk_progress_fn fn, void *arg)
{
	struct vmm_disk *b;
	uint64_t off = 0, pnum;
	char *buf;
	int ret;

	if (!d->rw)
		return disk_err(-EBADF, "%s: image is open read-only", d->path);
	if (!d->backing)
		return disk_err(-EINVAL, "%s: has no backing file to commit "
				"into", d->path);
	ret = vmm_disk_flush(d);
	if (ret)
		return ret;
	/* Reopen the backing file for writing, in place of the read-only
	 * handle whose caches would go stale. */
	ret = disk_open_depth(&b, d->backing->path, d->backing->ops->fmt,
			      VMM_DISK_RDWR, d);
	if (ret)
		return ret;
	vmm_disk_close(d->backing);
	d->backing = b;
	if (b->size < d->size) {
		ret = vmm_disk_resize(b, d->size);
		if (ret)
			return ret;
	}
	buf = aligned_alloc(4096, CHUNK);
	if (!buf)
		return -ENOMEM;
	while (off < d->size) {
		uint64_t n = min_u64(CHUNK, d->size - off);
		int st = vmm_disk_block_status(d, off, n, &pnum);

		if (st < 0) {
			ret = st;
			break;
		}
		if (st == VMM_DISK_DATA) {
			ret = vmm_disk_read(d, buf, pnum, off);
			if (!ret)
				ret = vmm_disk_write(b, buf, pnum, off);
		} else if (st == VMM_DISK_ZERO) {
			ret = vmm_disk_write_zeroes(b, off, pnum);
		}
		if (ret)
			break;
		off += pnum;
		ret = progress(fn, arg, off, d->size);
		if (ret)
			break;
	}
	free(buf);
	/* Only once the backing file holds everything (flushed) may the
	 * overlay let go of its clusters: a crash in between leaves both
	 * views intact. */
	if (!ret)
		ret = vmm_disk_flush(b);
	if (!ret)
		ret = d->ops->make_empty(d);
	return ret;
}

int vmm_disk_check(const char *path, bool repair, struct vmm_disk_check *r)
{
	struct vmm_disk *d;
	int ret, ret2;

	memset(r, 0, sizeof(*r));
	ret = vmm_disk_open(&d, path, VMM_DISK_FMT_AUTO,
			    VMM_DISK_NO_BACKING | (repair ? VMM_DISK_RDWR : 0));
	if (ret)
		return ret;
	if (d->ops == &qcow2_ops)
		ret = qcow2_check(d, repair, r);
	ret2 = vmm_disk_close(d);
	return ret ? ret : ret2;
}
