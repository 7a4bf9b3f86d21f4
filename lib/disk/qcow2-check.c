// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * qcow2 consistency check: counts every reference to every host cluster
 * (header, L1 and refcount tables, refcount blocks, L2 tables, data, and
 * the same for internal snapshots, "Snapshots" in qcow2.txt) and compares
 * the counts with the stored refcounts.  A stored refcount below the
 * count is corruption (the cluster could be handed out twice); above it,
 * a leak, which repair gives back.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "disk/io.h"
#include "disk/qcow2.h"

struct counts {
	struct vmm_disk *d;
	struct vmm_disk_check *r;
	uint64_t nclusters;	/* clusters in the file */
	uint32_t *cnt;
	uint64_t *tbl;		/* one cluster of scratch */
	uint64_t l2_reads;	/* bounded: a hostile image can share tables */
};

static void corrupt(struct counts *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void corrupt(struct counts *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->r->corruptions++) {
		va_start(ap, fmt);
		vsnprintf(c->r->first_error, sizeof(c->r->first_error), fmt, ap);
		va_end(ap);
	}
}

static void ref(struct counts *c, uint64_t off, uint64_t len, const char *what)
{
	struct qcow2 *q = Q(c->d);
	uint64_t first = off >> q->cluster_bits;
	uint64_t n = align_up(len, q->cluster_size) >> q->cluster_bits;

	if (off & (q->cluster_size - 1)) {
		corrupt(c, "%s at %#llx is not cluster aligned", what,
			(unsigned long long)off);
		return;
	}
	for (uint64_t i = first; i < first + n; i++) {
		if (i >= c->nclusters) {
			corrupt(c, "%s at %#llx is past the end of the file",
				what, (unsigned long long)(i * q->cluster_size));
			return;
		}
		if (c->cnt[i] != UINT32_MAX)
			c->cnt[i]++;
	}
}

static int walk_l1(struct counts *c, uint64_t l1_off, uint32_t l1_size,
		   bool active)
{
	struct qcow2 *q = Q(c->d);
	uint64_t cs = q->cluster_size;
	int ret;

	for (uint32_t i = 0; i < l1_size; i++) {
		uint64_t e, l2;

		if (active) {
			e = q->l1[i];
		} else {
			ret = io_pread_full(c->d->fd, &e, 8, l1_off + i * 8ull);
			if (ret)
				return ret;
			e = be64toh(e);
		}
		l2 = e & QCOW2_OFFSET_MASK;
		if (!l2)
			continue;
		ref(c, l2, cs, "L2 table");
		if ((l2 & (cs - 1)) || (l2 >> q->cluster_bits) >= c->nclusters)
			continue;
		if (++c->l2_reads > 4 * c->nclusters + 1024) {
			corrupt(c, "snapshots share too many tables");
			return 0;
		}
		ret = io_pread_full(c->d->fd, c->tbl, cs, l2);
		if (ret)
			return ret;
		for (uint64_t j = 0; j < q->l2_entries; j++) {
			uint64_t le = be64toh(c->tbl[j]);
			uint64_t host = le & QCOW2_OFFSET_MASK;

			if (le & QCOW2_OFLAG_COMPRESSED) {
				corrupt(c, "compressed cluster (not supported)");
				continue;
			}
			if (!host)
				continue;
			ref(c, host, cs, "data cluster");
			if (active && !(q->version >= 3 &&
					(le & QCOW2_OFLAG_ZERO)))
				c->r->allocated_clusters++;
		}
	}
	return 0;
}

static int walk_snapshots(struct counts *c)
{
	struct qcow2 *q = Q(c->d);
	uint64_t off = q->snapshots_offset, start = off;
	uint64_t fsize = c->nclusters * q->cluster_size;
	char h[40];
	int ret;

	for (uint32_t i = 0; i < q->nb_snapshots; i++) {
		uint64_t l1_off;
		uint32_t l1_size, extra, len;

		if (off + sizeof(h) > fsize) {
			corrupt(c, "snapshot table past the end of the file");
			return 0;
		}
		ret = io_pread_full(c->d->fd, h, sizeof(h), off);
		if (ret)
			return ret;
		l1_off = be64_at(h, 0);
		l1_size = be32_at(h, 8);
		extra = be32_at(h, 36);
		len = 40 + extra + (be32_at(h, 12) >> 16) + (be32_at(h, 12) & 0xffff);
		off += align_up(len, 8);
		if ((uint64_t)l1_size * 8 > QCOW2_MAX_L1_BYTES ||
		    l1_off + (uint64_t)l1_size * 8 > fsize) {
			corrupt(c, "snapshot %u: bad L1 table", i);
			continue;
		}
		if (!l1_size)
			continue;
		ref(c, l1_off, (uint64_t)l1_size * 8, "snapshot L1 table");
		ret = walk_l1(c, l1_off, l1_size, false);
		if (ret)
			return ret;
	}
	if (q->nb_snapshots)
		ref(c, start, off - start, "snapshot table");
	return 0;
}

int qcow2_check(struct vmm_disk *d, bool repair, struct vmm_disk_check *r)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size;
	struct counts c = { .d = d, .r = r };
	struct stat st;
	int ret;

	if (fstat(d->fd, &st) < 0)
		return -errno;
	c.nclusters = align_up(st.st_size, cs) >> q->cluster_bits;
	/* One counter per cluster of the file: bounded (4 TiB of 64 KiB
	 * clusters), whatever length a damaged sparse file claims. */
	if (c.nclusters > (1ull << 26))
		return disk_err(-EFBIG, "qcow2: image file too large to check "
				"(%llu clusters)",
				(unsigned long long)c.nclusters);
	c.cnt = calloc(c.nclusters ? c.nclusters : 1, sizeof(*c.cnt));
	c.tbl = malloc(cs);
	if (!c.cnt || !c.tbl) {
		ret = -ENOMEM;
		goto out;
	}
	r->total_clusters = d->size / cs + (d->size % cs != 0);

	pthread_mutex_lock(&q->lock);
	ref(&c, 0, cs, "header");
	if (q->l1_size)
		ref(&c, q->l1_offset, (uint64_t)q->l1_size * 8, "L1 table");
	ref(&c, q->rt_offset, (uint64_t)q->rt_clusters * cs, "refcount table");
	for (uint64_t i = 0; i < q->rt_size; i++) {
		uint64_t rb = q->rt[i] & QCOW2_RT_OFFSET_MASK;

		if (rb)
			ref(&c, rb, cs, "refcount block");
	}
	ret = walk_l1(&c, q->l1_offset, q->l1_size, true);
	if (!ret)
		ret = walk_snapshots(&c);

	/* Compare with the stored refcounts, over the file and over every
	 * refcount block (which may describe clusters past its end). */
	for (uint64_t i = 0; !ret && i < q->rt_size; i++) {
		uint64_t base = i * q->rb_entries;

		/* Past the end of the file only a few blocks are looked at:
		 * a hostile table could name a million of them. */
		if (base >= c.nclusters &&
		    i > c.nclusters / q->rb_entries + 16)
			break;

		if (!(q->rt[i] & QCOW2_RT_OFFSET_MASK)) {
			for (uint64_t k = base; k < c.nclusters &&
			     k < base + q->rb_entries; k++)
				if (c.cnt[k])
					corrupt(&c, "cluster %llu is used but "
						"no refcount block covers it",
						(unsigned long long)k);
			continue;
		}
		for (uint64_t k = base; !ret && k < base + q->rb_entries; k++) {
			uint64_t want = k < c.nclusters ? c.cnt[k] : 0, have;

			ret = q2_get_refcount(d, k, &have);
			if (ret)
				break;
			if (want > q->rc_max) {
				corrupt(&c, "cluster %llu: %llu references "
					"overflow the refcount",
					(unsigned long long)k,
					(unsigned long long)want);
			} else if (have < want) {
				corrupt(&c, "cluster %llu: refcount %llu but "
					"%llu references",
					(unsigned long long)k,
					(unsigned long long)have,
					(unsigned long long)want);
			} else if (have > want) {
				r->leaks++;
				if (repair) {
					ret = q2_set_refcount(d, k, want);
					if (!ret)
						r->leaks_fixed++;
				}
			}
		}
	}
	for (uint64_t k = q->rt_size * q->rb_entries; k < c.nclusters; k++) {
		if (c.cnt[k]) {
			corrupt(&c, "cluster %llu is used but lies past the "
				"refcount table", (unsigned long long)k);
			break;
		}
	}
	if (!ret && r->leaks_fixed)
		ret = q2_flush_locked(d);
	if (!ret && r->leaks_fixed)
		ret = q2c_writeback(d, &q->rbc);
	pthread_mutex_unlock(&q->lock);
out:
	free(c.cnt);
	free(c.tbl);
	return ret;
}
