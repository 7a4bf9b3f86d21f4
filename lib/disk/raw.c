// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Raw images: the virtual disk is the file (or block device) itself.
 * Files are kept sparse: creation only sets the length, discard and
 * write-zeroes punch holes, and block status comes from SEEK_DATA.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/disk-int.h"
#include "disk/io.h"

static int raw_read(struct vmm_disk *d, void *buf, size_t len, uint64_t off)
{
	return io_pread_full(d->fd, buf, len, off);
}

static int raw_write(struct vmm_disk *d, const void *buf, size_t len,
		     uint64_t off)
{
	return io_pwrite_full(d->fd, buf, len, off);
}

static int raw_flush(struct vmm_disk *d)
{
	return io_fdatasync(d->fd);
}

static bool raw_is_blk(struct vmm_disk *d)
{
	struct stat st;

	return fstat(d->fd, &st) == 0 && S_ISBLK(st.st_mode);
}

static int raw_discard(struct vmm_disk *d, uint64_t off, uint64_t len)
{
	if (raw_is_blk(d)) {
		uint64_t range[2] = { off, len };

		/* Advisory: a device without discard simply keeps the data. */
		if (ioctl(d->fd, BLKDISCARD, range) < 0 && errno != EOPNOTSUPP)
			return -errno;
		return 0;
	}
	return io_punch(d->fd, off, len);
}

static int raw_write_zeroes(struct vmm_disk *d, uint64_t off, uint64_t len)
{
	if (raw_is_blk(d)) {
		uint64_t range[2] = { off, len };

		if (ioctl(d->fd, BLKZEROOUT, range) < 0)
			return -errno;
		return 0;
	}
	return io_punch(d->fd, off, len);
}

static int raw_block_status(struct vmm_disk *d, uint64_t off, uint64_t len,
			    uint64_t *pnum)
{
	off_t data, hole;

	*pnum = len;
	if (raw_is_blk(d))
		return VMM_DISK_DATA;
	data = lseek(d->fd, off, SEEK_DATA);
	if (data < 0) {
		/* ENXIO: only a hole from off to the end of the file. */
		return errno == ENXIO ? VMM_DISK_ZERO : VMM_DISK_DATA;
	}
	if ((uint64_t)data > off) {
		*pnum = min_u64(len, data - off);
		return VMM_DISK_ZERO;
	}
	hole = lseek(d->fd, off, SEEK_HOLE);
	if (hole > (off_t)off)
		*pnum = min_u64(len, hole - off);
	return VMM_DISK_DATA;
}

static int raw_resize(struct vmm_disk *d, uint64_t size)
{
	if (raw_is_blk(d))
		return disk_err(-EOPNOTSUPP, "%s: cannot resize a block device",
				d->path);
	if (ftruncate(d->fd, size) < 0)
		return disk_err(-errno, "%s: %s", d->path, strerror(errno));
	d->size = size;
	return 0;
}

static int raw_make_empty(struct vmm_disk *d)
{
	return disk_err(-EOPNOTSUPP, "%s: a raw image has no backing file",
			d->path);
}

static int raw_close(struct vmm_disk *d)
{
	return d->rw ? io_fdatasync(d->fd) : 0;
}

const struct disk_ops raw_ops = {
	.name = "raw",
	.fmt = VMM_DISK_FMT_RAW,
	.read = raw_read,
	.write = raw_write,
	.flush = raw_flush,
	.discard = raw_discard,
	.write_zeroes = raw_write_zeroes,
	.block_status = raw_block_status,
	.resize = raw_resize,
	.make_empty = raw_make_empty,
	.close = raw_close,
};

int raw_open(struct vmm_disk *d)
{
	struct stat st;
	uint64_t size;

	if (fstat(d->fd, &st) < 0)
		return disk_err(-errno, "%s: %s", d->path, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(d->fd, BLKGETSIZE64, &size) < 0)
			return disk_err(-errno, "%s: %s", d->path,
					strerror(errno));
	} else {
		size = st.st_size;
	}
	d->size = size;
	d->ops = &raw_ops;
	return 0;
}

int raw_create(const char *path, uint64_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return disk_err(-errno, "%s: %s", path, strerror(errno));
	if (ftruncate(fd, size) < 0) {
		int ret = -errno;

		disk_err(ret, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return ret;
	}
	close(fd);
	return 0;
}
