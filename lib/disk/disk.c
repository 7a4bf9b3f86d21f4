// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The block-device front of lib/disk: opening an image (format probe,
 * backing chain with depth and loop limits), bounds checks, and dispatch
 * of every request to the raw or qcow2 operations; plus the per-thread
 * error message behind vmm_disk_strerror().
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/disk-int.h"
#include "disk/io.h"

static __thread char errmsg[512];

int disk_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return err;
}

const char *vmm_disk_strerror(void)
{
	return errmsg[0] ? errmsg : "no error";
}

const char *vmm_disk_format_name(enum vmm_disk_format fmt)
{
	switch (fmt) {
	case VMM_DISK_FMT_RAW:
		return "raw";
	case VMM_DISK_FMT_QCOW2:
		return "qcow2";
	default:
		return "auto";
	}
}

/*
 * Opens path without following it into something that blocks or is not
 * storage: a backing file name comes from an image, which may be hostile.
 */
static int open_image_file(const char *path, bool rw)
{
	struct stat st;
	int fd, flags;

	fd = open(path, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return disk_err(-errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		close(fd);
		return disk_err(-EINVAL, "%s: not a regular file or block device",
				path);
	}
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

static enum vmm_disk_format probe(int fd)
{
	char buf[8];

	if (io_pread_full(fd, buf, sizeof(buf), 0) == 0 &&
	    qcow2_probe(buf, sizeof(buf)))
		return VMM_DISK_FMT_QCOW2;
	return VMM_DISK_FMT_RAW;
}

/* The backing file name of an image is relative to the image's directory. */
static char *resolve_backing(const char *image, const char *name)
{
	const char *slash;
	char *p;

	if (name[0] == '/' || !(slash = strrchr(image, '/')))
		return strdup(name);
	if (asprintf(&p, "%.*s/%s", (int)(slash - image), image, name) < 0)
		return NULL;
	return p;
}

/* A file that is already in the chain above: a loop. */
static bool in_chain(const struct vmm_disk *child, int fd)
{
	struct stat st, pst;

	if (fstat(fd, &st) < 0)
		return false;
	for (; child; child = child->child) {
		if (fstat(child->fd, &pst) == 0 && pst.st_dev == st.st_dev &&
		    pst.st_ino == st.st_ino)
			return true;
	}
	return false;
}

int disk_open_depth(struct vmm_disk **dp, const char *path,
		    enum vmm_disk_format fmt, unsigned int flags,
		    struct vmm_disk *child)
{
	int depth = child ? child->depth + 1 : 0;
	struct vmm_disk *d;
	const char *bname;
	int ret;

	*dp = NULL;
	if (depth >= VMM_DISK_MAX_CHAIN)
		return disk_err(-ELOOP, "%s: backing chain longer than %d images "
				"(a loop?)", path, VMM_DISK_MAX_CHAIN);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->path = strdup(path);
	d->rw = flags & VMM_DISK_RDWR;
	d->depth = depth;
	d->child = child;
	d->fd = open_image_file(path, d->rw);
	if (!d->path || d->fd < 0) {
		ret = d->path ? d->fd : -ENOMEM;
		goto free_disk;
	}
	if (in_chain(child, d->fd)) {
		ret = disk_err(-ELOOP, "%s: backing chain loops back to %s",
			       child->path, path);
		goto close_fd;
	}
	if (fmt == VMM_DISK_FMT_AUTO)
		fmt = probe(d->fd);
	if (fmt == VMM_DISK_FMT_QCOW2)
		ret = qcow2_open(d, flags);
	else
		ret = raw_open(d);
	if (ret)
		goto close_fd;

	bname = d->ops == &qcow2_ops ? qcow2_backing_name(d) : NULL;
	if (bname && !(flags & VMM_DISK_NO_BACKING)) {
		char *bpath = resolve_backing(path, bname);

		if (!bpath) {
			ret = -ENOMEM;
			goto close_format;
		}
		/* Backing files are only ever read through an overlay. */
		ret = disk_open_depth(&d->backing, bpath,
				      qcow2_backing_format(d), 0, d);
		if (ret == -ENOENT)
			disk_err(ret, "%s: backing file %s not found", path,
				 bpath);
		free(bpath);
		if (ret)
			goto close_format;
	}
	*dp = d;
	return 0;

close_format:
	d->rw = false;		/* nothing was written: leave it as it was */
	d->ops->close(d);
close_fd:
	close(d->fd);
free_disk:
	free(d->path);
	free(d);
	return ret;
}

int vmm_disk_open(struct vmm_disk **dp, const char *path,
		  enum vmm_disk_format fmt, unsigned int flags)
{
	return disk_open_depth(dp, path, fmt, flags, NULL);
}

int vmm_disk_close(struct vmm_disk *d)
{
	int ret, ret2 = 0;

	if (!d)
		return 0;
	ret = d->ops->close(d);
	if (d->backing)
		ret2 = vmm_disk_close(d->backing);
	if (close(d->fd) < 0 && !ret)
		ret = -errno;
	free(d->path);
	free(d);
	return ret ? ret : ret2;
}

static int check_range(struct vmm_disk *d, uint64_t off, uint64_t len,
		       bool write)
{
	if (write && !d->rw)
		return disk_err(-EBADF, "%s: image is open read-only", d->path);
	if (off > d->size || len > d->size - off)
		return disk_err(-EINVAL, "%s: request [%llu, +%llu) beyond the "
				"end of the disk (%llu)", d->path,
				(unsigned long long)off,
				(unsigned long long)len,
				(unsigned long long)d->size);
	return 0;
}

int vmm_disk_read(struct vmm_disk *d, void *buf, size_t len, uint64_t off)
{
	int ret = check_range(d, off, len, false);

	return ret ? ret : (len ? d->ops->read(d, buf, len, off) : 0);
}

int vmm_disk_write(struct vmm_disk *d, const void *buf, size_t len,
		   uint64_t off)
{
	int ret = check_range(d, off, len, true);

	return ret ? ret : (len ? d->ops->write(d, buf, len, off) : 0);
}

int vmm_disk_readv(struct vmm_disk *d, const struct iovec *iov, int iovcnt,
		   uint64_t off)
{
	for (int i = 0; i < iovcnt; i++) {
		int ret = vmm_disk_read(d, iov[i].iov_base, iov[i].iov_len, off);

		if (ret)
			return ret;
		off += iov[i].iov_len;
	}
	return 0;
}

int vmm_disk_writev(struct vmm_disk *d, const struct iovec *iov, int iovcnt,
		    uint64_t off)
{
	for (int i = 0; i < iovcnt; i++) {
		int ret = vmm_disk_write(d, iov[i].iov_base, iov[i].iov_len,
					 off);

		if (ret)
			return ret;
		off += iov[i].iov_len;
	}
	return 0;
}

int vmm_disk_flush(struct vmm_disk *d)
{
	return d->rw ? d->ops->flush(d) : 0;
}

int vmm_disk_discard(struct vmm_disk *d, uint64_t off, uint64_t len)
{
	int ret = check_range(d, off, len, true);

	return ret ? ret : (len ? d->ops->discard(d, off, len) : 0);
}

int vmm_disk_write_zeroes(struct vmm_disk *d, uint64_t off, uint64_t len)
{
	int ret = check_range(d, off, len, true);

	return ret ? ret : (len ? d->ops->write_zeroes(d, off, len) : 0);
}

uint64_t vmm_disk_size(const struct vmm_disk *d)
{
	return d->size;
}

enum vmm_disk_format vmm_disk_format(const struct vmm_disk *d)
{
	return d->ops->fmt;
}

const char *vmm_disk_path(const struct vmm_disk *d)
{
	return d->path;
}

struct vmm_disk *vmm_disk_backing(const struct vmm_disk *d)
{
	return d->backing;
}

int disk_read_backing(struct vmm_disk *d, void *buf, size_t len,
		      uint64_t off)
{
	struct vmm_disk *b = d->backing;
	size_t n = 0;

	if (b && off < b->size) {
		n = min_u64(len, b->size - off);
		int ret = b->ops->read(b, buf, n, off);

		if (ret)
			return ret;
	}
	memset((char *)buf + n, 0, len - n);
	return 0;
}

int vmm_disk_block_status(struct vmm_disk *d, uint64_t off, uint64_t len,
			  uint64_t *pnum)
{
	int ret = check_range(d, off, len, false);

	if (ret)
		return ret;
	if (!len)
		return disk_err(-EINVAL, "block status of an empty range");
	return d->ops->block_status(d, off, len, pnum);
}

int vmm_disk_chain_status(struct vmm_disk *d, uint64_t off, uint64_t len,
			  uint64_t *pnum)
{
	int st = vmm_disk_block_status(d, off, len, pnum);

	if (st < 0 || st != VMM_DISK_UNALLOCATED)
		return st;
	if (!d->backing || off >= d->backing->size)
		return VMM_DISK_ZERO;
	len = min_u64(*pnum, d->backing->size - off);
	return vmm_disk_chain_status(d->backing, off, len, pnum);
}

int vmm_disk_get_info(struct vmm_disk *d, struct vmm_disk_info *info)
{
	struct stat st;

	memset(info, 0, sizeof(*info));
	info->format = d->ops->fmt;
	info->virtual_size = d->size;
	if (fstat(d->fd, &st) == 0) {
		info->allocated_bytes = (uint64_t)st.st_blocks * 512;
		info->file_size = st.st_size;
	}
	return d->ops->info ? d->ops->info(d, info) : 0;
}

int vmm_disk_resize(struct vmm_disk *d, uint64_t size)
{
	if (!d->rw)
		return disk_err(-EBADF, "%s: image is open read-only", d->path);
	return d->ops->resize(d, size);
}

int vmm_disk_create(const char *path, const struct vmm_disk_create_opts *o)
{
	enum vmm_disk_format bfmt = o->backing_format;
	struct vmm_disk_create_opts opts = *o;
	struct vmm_disk *b;
	char *bpath;
	int ret;

	if (opts.format == VMM_DISK_FMT_AUTO)
		opts.format = VMM_DISK_FMT_QCOW2;
	if (opts.format == VMM_DISK_FMT_RAW) {
		if (opts.backing_file)
			return disk_err(-EINVAL, "raw images cannot have a "
					"backing file");
		return raw_create(path, opts.size);
	}
	if (opts.backing_file) {
		/* The backing file must open (and its chain too), and gives
		 * the size when none is asked for. */
		bpath = resolve_backing(path, opts.backing_file);
		if (!bpath)
			return -ENOMEM;
		ret = vmm_disk_open(&b, bpath, bfmt, 0);
		free(bpath);
		if (ret)
			return ret;
		if (!opts.size)
			opts.size = b->size;
		bfmt = b->ops->fmt;
		vmm_disk_close(b);
	}
	return qcow2_create(path, &opts, bfmt);
}

int vmm_disk_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return disk_err(-EINVAL, "invalid size '%s'", s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return disk_err(-EINVAL, "invalid size '%s'", s);
	switch (*end) {
	case 'k': case 'K':
		shift = 10; end++; break;
	case 'm': case 'M':
		shift = 20; end++; break;
	case 'g': case 'G':
		shift = 30; end++; break;
	case 't': case 'T':
		shift = 40; end++; break;
	}
	if (shift && !strcmp(end, "iB"))
		end += 2;
	else if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return disk_err(-EINVAL, "invalid size '%s' (suffixes: K, M, G, T)",
				s);
	if (shift && v > (UINT64_MAX >> shift))
		return disk_err(-ERANGE, "size '%s' is too large", s);
	*out = (uint64_t)v << shift;
	return 0;
}
