/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal to lib/disk: the qcow2 on-disk layout (QEMU's
 * docs/interop/qcow2.txt, "Header", "Host cluster management", "Cluster
 * mapping") and the in-memory state shared by qcow2*.c.
 */
#ifndef VMM_DISK_QCOW2_H
#define VMM_DISK_QCOW2_H

#include <endian.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "disk/disk-int.h"

#define QCOW2_MAGIC		0x514649fbu	/* "QFI\xfb" */

/* Header field offsets ("Header"); all fields are big-endian. */
#define QH_MAGIC		0
#define QH_VERSION		4
#define QH_BACKING_OFFSET	8
#define QH_BACKING_SIZE		16
#define QH_CLUSTER_BITS		20
#define QH_SIZE			24
#define QH_CRYPT_METHOD		32
#define QH_L1_SIZE		36
#define QH_L1_OFFSET		40
#define QH_RT_OFFSET		48
#define QH_RT_CLUSTERS		56
#define QH_NB_SNAPSHOTS		60
#define QH_SNAPSHOTS_OFFSET	64
#define QH_V2_LENGTH		72
#define QH_INCOMPAT		72
#define QH_COMPAT		80
#define QH_AUTOCLEAR		88
#define QH_REFCOUNT_ORDER	96
#define QH_HEADER_LENGTH	100
#define QH_COMPRESSION_TYPE	104
#define QH_V3_LENGTH		104

/* Feature bits. */
#define QCOW2_INCOMPAT_DIRTY		(1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT		(1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE	(1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION	(1ull << 3)
#define QCOW2_INCOMPAT_EXTL2		(1ull << 4)
#define QCOW2_COMPAT_LAZY_REFCOUNTS	(1ull << 0)

/* Header extension types ("Header extensions"). */
#define QEXT_END		0x00000000u
#define QEXT_BACKING_FORMAT	0xe2792acau
#define QEXT_FEATURE_TABLE	0x6803f857u
#define QEXT_BITMAPS		0x23852875u
#define QEXT_CRYPTO		0x0537be77u
#define QEXT_DATA_FILE		0x44415441u

/* L1 and L2 entries ("Cluster mapping"). */
#define QCOW2_OFLAG_COPIED	(1ull << 63)
#define QCOW2_OFLAG_COMPRESSED	(1ull << 62)
#define QCOW2_OFLAG_ZERO	(1ull << 0)
#define QCOW2_OFFSET_MASK	0x00fffffffffffe00ull
#define QCOW2_RT_OFFSET_MASK	0xfffffffffffffe00ull

/* Limits on what we load into memory, as QEMU's. */
#define QCOW2_MAX_L1_BYTES	(32u << 20)
#define QCOW2_MAX_RT_BYTES	(8u << 20)
#define QCOW2_MAX_BACKING_NAME	1023

/* A bounded write-back cache of cluster-sized tables (L2 or refcount
 * blocks), least recently used out. */
struct q2_cache_ent {
	uint64_t off;		/* host offset of the table, 0 when unused */
	uint64_t lru;
	bool dirty;
	void *buf;
};

struct q2_cache {
	int n;
	bool is_l2;
	uint64_t tick;
	int last;		/* index of the last hit */
	struct q2_cache_ent *e;
};

struct qcow2 {
	uint32_t version;
	uint32_t cluster_bits;
	uint64_t cluster_size;
	uint64_t l2_entries;	/* entries per L2 table */
	uint32_t refcount_order;
	uint64_t rb_entries;	/* refcounts per refcount block */
	uint64_t rc_max;	/* largest refcount value */
	uint64_t incompat, compat, autoclear;
	uint32_t header_length;

	uint64_t l1_offset;
	uint32_t l1_size;
	uint64_t *l1;		/* host order */
	int64_t l1_dirty_lo, l1_dirty_hi;	/* dirty index range, lo > hi: none */

	uint64_t rt_offset;
	uint32_t rt_clusters;
	uint64_t rt_size;	/* entries */
	uint64_t *rt;		/* host order */

	uint32_t nb_snapshots;
	uint64_t snapshots_offset;

	char *backing_name;
	enum vmm_disk_format backing_fmt;

	struct q2_cache l2c;	/* L2 tables */
	struct q2_cache rbc;	/* refcount blocks */

	uint64_t free_hint;	/* first cluster index that may be free */
	uint64_t fresh_from;	/* host clusters from here on read as zero */
	uint64_t file_end;	/* length of the image file as we made it */
	uint64_t alloc_end;	/* end of the highest cluster in use */

	/* Clusters whose last reference is gone from the in-memory tables:
	 * their refcounts drop once that removal is on disk (at flush). */
	uint64_t *pending;
	size_t npending, cap_pending;

	/* lock guards all the metadata above.  io is held shared by data
	 * transfers done without lock and taken exclusively (under lock)
	 * before any L2 table reaches the disk, so that no table points to
	 * data that is still being written. */
	pthread_mutex_t lock;
	pthread_rwlock_t io;
};

static inline struct qcow2 *Q(struct vmm_disk *d)
{
	return d->priv;
}

static inline uint64_t be64_at(const void *p, size_t off)
{
	uint64_t v;

	__builtin_memcpy(&v, (const char *)p + off, 8);
	return be64toh(v);
}

static inline uint32_t be32_at(const void *p, size_t off)
{
	uint32_t v;

	__builtin_memcpy(&v, (const char *)p + off, 4);
	return be32toh(v);
}

static inline void put_be64(void *p, size_t off, uint64_t v)
{
	v = htobe64(v);
	__builtin_memcpy((char *)p + off, &v, 8);
}

static inline void put_be32(void *p, size_t off, uint32_t v)
{
	v = htobe32(v);
	__builtin_memcpy((char *)p + off, &v, 4);
}

/* qcow2-cache.c */
int q2c_init(struct q2_cache *c, int n, uint64_t size, bool is_l2);
void q2c_free(struct q2_cache *c);
/* Returns the cached table at host offset off, reading it unless fresh
 * (then it starts zeroed).  The pointer is valid until the next call. */
int q2c_get(struct vmm_disk *d, struct q2_cache *c, uint64_t off,
	    bool fresh, uint64_t **table);
void q2c_dirty(struct q2_cache *c, const uint64_t *table);
int q2c_writeback(struct vmm_disk *d, struct q2_cache *c);
void q2c_forget(struct q2_cache *c, uint64_t off);
bool q2c_has_dirty(const struct q2_cache *c);

/* qcow2-refcount.c */
int q2_get_refcount(struct vmm_disk *d, uint64_t cluster, uint64_t *rc);
int q2_set_refcount(struct vmm_disk *d, uint64_t cluster, uint64_t rc);
/* Allocates n contiguous clusters with refcount 1; *off gets the first. */
int q2_alloc(struct vmm_disk *d, uint64_t n, uint64_t *off);
/* Queues a cluster to be freed at the next flush. */
int q2_free_later(struct vmm_disk *d, uint64_t off);
/* Drops the refcounts of the queued clusters and punches them out. */
int q2_apply_frees(struct vmm_disk *d);
/* Before an L2 table is written: data and refcounts on disk first. */
int q2_l2_barrier(struct vmm_disk *d);
/* Writes the whole in-memory state out in the safe order (locked). */
int q2_flush_locked(struct vmm_disk *d);
/* The range [off, off+len) of the file holds the header, the L1 table
 * or the refcount table: writing data there would destroy metadata. */
bool q2_overlaps_meta(struct qcow2 *q, uint64_t off, uint64_t len);
/* Refcount entry i of a refcount block. */
uint64_t q2_rb_get(struct qcow2 *q, const uint64_t *rb, uint64_t i);
void q2_rb_set(struct qcow2 *q, uint64_t *rb, uint64_t i, uint64_t v);

/* qcow2-map.c */
extern const struct disk_ops qcow2_ops;
/* The L2 entry for guest cluster vc (0 when unmapped). */
int q2_get_l2_entry(struct vmm_disk *d, uint64_t vc, uint64_t *entry);

/* qcow2-check.c */
int qcow2_check(struct vmm_disk *d, bool repair, struct vmm_disk_check *r);

/* qcow2.c */
int q2_write_header_field(struct vmm_disk *d, size_t off, const void *buf,
			  size_t len);
int qcow2_resize(struct vmm_disk *d, uint64_t size);
int qcow2_close(struct vmm_disk *d);
int qcow2_info(struct vmm_disk *d, struct vmm_disk_info *info);

#endif /* VMM_DISK_QCOW2_H */
