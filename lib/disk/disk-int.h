/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal to lib/disk: the format operations table that disk.c dispatches
 * into, the common image handle, and the error-message helper.
 */
#ifndef VMM_DISK_INT_H
#define VMM_DISK_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "disk/disk.h"

struct disk_ops {
	const char *name;
	enum vmm_disk_format fmt;
	/* Reads and writes are within the virtual size (disk.c checks). */
	int (*read)(struct vmm_disk *d, void *buf, size_t len, uint64_t off);
	int (*write)(struct vmm_disk *d, const void *buf, size_t len,
		     uint64_t off);
	int (*flush)(struct vmm_disk *d);
	int (*discard)(struct vmm_disk *d, uint64_t off, uint64_t len);
	int (*write_zeroes)(struct vmm_disk *d, uint64_t off, uint64_t len);
	int (*block_status)(struct vmm_disk *d, uint64_t off, uint64_t len,
			    uint64_t *pnum);
	int (*info)(struct vmm_disk *d, struct vmm_disk_info *info);
	int (*resize)(struct vmm_disk *d, uint64_t size);
	/* Drop every cluster so that the backing file shows through. */
	int (*make_empty)(struct vmm_disk *d);
	/* Releases the format state; flushes first when writable. */
	int (*close)(struct vmm_disk *d);
};

struct vmm_disk {
	const struct disk_ops *ops;
	char *path;
	int fd;
	bool rw;
	uint64_t size;			/* virtual size */
	int depth;			/* 0 for the top of a chain */
	struct vmm_disk *backing;
	struct vmm_disk *child;		/* the overlay above, while opening */
	void *priv;			/* format state */
};

extern const struct disk_ops raw_ops;
extern const struct disk_ops qcow2_ops;

/* Format open/create entry points: fill d->priv, d->size, d->ops. */
int raw_open(struct vmm_disk *d);
int raw_create(const char *path, uint64_t size);
int qcow2_open(struct vmm_disk *d, unsigned int flags);
int qcow2_create(const char *path, const struct vmm_disk_create_opts *o,
		 enum vmm_disk_format backing_fmt);
/* The backing file name and format stored in a qcow2 header (NULL when
 * none); qcow2_open fills them, disk.c opens the chain. */
const char *qcow2_backing_name(struct vmm_disk *d);
enum vmm_disk_format qcow2_backing_format(struct vmm_disk *d);
bool qcow2_probe(const void *buf, size_t len);

/* Opens one image of a chain (used for backing files). */
int disk_open_depth(struct vmm_disk **dp, const char *path,
		    enum vmm_disk_format fmt, unsigned int flags,
		    struct vmm_disk *child);

/* Records a message for vmm_disk_strerror() and returns err (< 0). */
int disk_err(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reads [off, off+len) of the backing chain below d, zeroes past its end
 * (a backing file may be shorter than its overlay). */
int disk_read_backing(struct vmm_disk *d, void *buf, size_t len,
		      uint64_t off);

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

#endif /* VMM_DISK_INT_H */
