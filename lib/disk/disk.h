/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Public interface of libvmm's disk images: one block-device API (read,
 * write, flush, discard, write-zeroes, size) over raw and qcow2 files,
 * plus the image operations vmctl needs (create, info, check, resize,
 * commit).  See Documentation/disk.md.
 *
 * Every function returns 0 (or a count where said) or a negative errno and
 * never prints.  When a call fails, vmm_disk_strerror() gives a one-line
 * explanation ("qcow2: compressed clusters are not supported") that is
 * specific to the calling thread and valid until its next failing call.
 *
 * Thread safety: read, write, readv, writev, discard, write_zeroes and
 * flush may be called concurrently on one handle.  open, close, resize and
 * commit may not run concurrently with anything else on the same image.
 */
#ifndef VMM_DISK_H
#define VMM_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct vmm_disk;

enum vmm_disk_format {
	VMM_DISK_FMT_AUTO = 0,	/* probe: qcow2 magic, else raw */
	VMM_DISK_FMT_RAW,
	VMM_DISK_FMT_QCOW2,
};

/* vmm_disk_open() flags */
#define VMM_DISK_RDWR		0x1u	/* open for writing (else read-only) */
#define VMM_DISK_NO_BACKING	0x2u	/* do not open the backing chain */

/* The longest backing chain followed; deeper chains (and loops) fail. */
#define VMM_DISK_MAX_CHAIN	64

int vmm_disk_open(struct vmm_disk **dp, const char *path,
		  enum vmm_disk_format fmt, unsigned int flags);
/* Flushes, marks a qcow2 image clean, closes the chain.  Returns the
 * first error met; the handle is freed in every case. */
int vmm_disk_close(struct vmm_disk *d);

/* Full transfers: 0 on success.  Reads past the end fail with -EINVAL. */
int vmm_disk_read(struct vmm_disk *d, void *buf, size_t len, uint64_t off);
int vmm_disk_write(struct vmm_disk *d, const void *buf, size_t len,
		   uint64_t off);
int vmm_disk_readv(struct vmm_disk *d, const struct iovec *iov, int iovcnt,
		   uint64_t off);
int vmm_disk_writev(struct vmm_disk *d, const struct iovec *iov, int iovcnt,
		    uint64_t off);
/* A barrier: everything written before is on stable storage after. */
int vmm_disk_flush(struct vmm_disk *d);
/* The range's contents become unspecified and its space may be freed. */
int vmm_disk_discard(struct vmm_disk *d, uint64_t off, uint64_t len);
/* The range reads as zeroes afterwards, using as little space as can be. */
int vmm_disk_write_zeroes(struct vmm_disk *d, uint64_t off, uint64_t len);

uint64_t vmm_disk_size(const struct vmm_disk *d);
enum vmm_disk_format vmm_disk_format(const struct vmm_disk *d);
const char *vmm_disk_format_name(enum vmm_disk_format fmt);
const char *vmm_disk_path(const struct vmm_disk *d);
/* The opened backing image, or NULL (none, or VMM_DISK_NO_BACKING). */
struct vmm_disk *vmm_disk_backing(const struct vmm_disk *d);

/* Block status of one layer, for copying images without reading holes. */
enum vmm_disk_status {
	VMM_DISK_UNALLOCATED = 0,	/* not here: read from the backing file */
	VMM_DISK_DATA = 1,		/* data stored in this layer */
	VMM_DISK_ZERO = 2,		/* reads as zeroes at this layer */
};
/* Status of [off, off+len) in this layer only; *pnum gets the length
 * (>= 1, <= len) of the leading run with the returned status.  */
int vmm_disk_block_status(struct vmm_disk *d, uint64_t off, uint64_t len,
			  uint64_t *pnum);
/* Same through the whole chain: only VMM_DISK_DATA or VMM_DISK_ZERO. */
int vmm_disk_chain_status(struct vmm_disk *d, uint64_t off, uint64_t len,
			  uint64_t *pnum);

struct vmm_disk_info {
	enum vmm_disk_format format;
	uint64_t virtual_size;
	uint64_t allocated_bytes;	/* space the file takes on the host */
	uint64_t file_size;		/* length of the file */
	uint32_t cluster_size;		/* qcow2 only, else 0 */
	uint32_t qcow2_version;		/* 2 or 3, qcow2 only */
	uint32_t refcount_bits;		/* qcow2 only */
	bool dirty;			/* qcow2: was not closed cleanly */
	char backing_file[4096];	/* as stored in the header, or "" */
	char backing_format[32];	/* from the header extension, or "" */
};
int vmm_disk_get_info(struct vmm_disk *d, struct vmm_disk_info *info);

struct vmm_disk_create_opts {
	enum vmm_disk_format format;	/* AUTO means qcow2 */
	uint64_t size;			/* 0 with a backing file: its size */
	const char *backing_file;	/* stored as given; relative to the image */
	enum vmm_disk_format backing_format;	/* AUTO: probe */
	uint32_t cluster_size;		/* qcow2; 0 means 64 KiB */
};
/* Fails with -EEXIST when the file exists. */
int vmm_disk_create(const char *path, const struct vmm_disk_create_opts *o);

/* Grows a raw or qcow2 image; shrinking is only done for raw images. */
int vmm_disk_resize(struct vmm_disk *d, uint64_t size);

/* Progress callback: done and total in bytes; a non-zero return cancels
 * with -ECANCELED. */
typedef int (*vmm_disk_progress_fn)(uint64_t done, uint64_t total, void *arg);

/* Writes every cluster the overlay d holds into its backing image (which
 * is reopened for writing), then empties the overlay.  d must be open
 * read-write. */
int vmm_disk_commit(struct vmm_disk *d, vmm_disk_progress_fn fn, void *arg);

/* Copies the contents of src (through its chain) into dst, which must be
 * a freshly created, all-zero image of at least the same size. */
int vmm_disk_copy(struct vmm_disk *src, struct vmm_disk *dst,
		  vmm_disk_progress_fn fn, void *arg);

struct vmm_disk_check {
	uint64_t corruptions;	/* references the refcounts do not cover... */
	uint64_t leaks;		/* clusters counted but not referenced */
	uint64_t leaks_fixed;
	uint64_t allocated_clusters;
	uint64_t total_clusters;	/* of the virtual disk */
	char first_error[256];	/* description of the first problem, or "" */
};
/* Checks a qcow2 image's metadata (raw images have none: all zero).  With
 * repair, leaked clusters are given back.  Returns 0 when the check ran,
 * whatever it found, or a negative errno. */
int vmm_disk_check(const char *path, bool repair, struct vmm_disk_check *r);

/* Parses a size: an integer with an optional K, M, G or T suffix (powers
 * of 1024), optionally followed by "B" or "iB": "4096", "10G", "512MiB". */
int vmm_disk_parse_size(const char *s, uint64_t *out);

/* The explanation of this thread's last failure. */
const char *vmm_disk_strerror(void);

#endif /* VMM_DISK_H */
