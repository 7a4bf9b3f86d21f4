// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The qcow2 table cache: a fixed number of cluster-sized slots holding L2
 * tables or refcount blocks in their on-disk (big-endian) form, written
 * back lazily.  Bounded memory whatever the image size; least recently
 * used slot out.  A dirty L2 table is only written after the data and
 * refcounts it depends on (q2_l2_barrier), which is the heart of the
 * crash-consistency ordering (see Documentation/disk.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "disk/io.h"
#include "disk/qcow2.h"

int q2c_init(struct q2_cache *c, int n, uint64_t size, bool is_l2)
{
	memset(c, 0, sizeof(*c));
	c->e = calloc(n, sizeof(*c->e));
	if (!c->e)
		return -ENOMEM;
	c->n = n;
	c->is_l2 = is_l2;
	for (int i = 0; i < n; i++) {
		if (posix_memalign(&c->e[i].buf, 512, size)) {
			q2c_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

void q2c_free(struct q2_cache *c)
{
	if (!c->e)
		return;
	for (int i = 0; i < c->n; i++)
		free(c->e[i].buf);
	free(c->e);
	c->e = NULL;
}

static int write_slot(struct vmm_disk *d, struct q2_cache_ent *e)
{
	struct qcow2 *q = Q(d);
	int ret;

	if (q2_overlaps_meta(q, e->off, q->cluster_size))
		return disk_err(-EIO, "qcow2: refusing to write a table over "
				"the image header or top-level tables (corrupt "
				"image?)");
	ret = io_pwrite_full(d->fd, e->buf, q->cluster_size, e->off);
	if (ret)
		return disk_err(ret, "%s: writing metadata: %s", d->path,
				strerror(-ret));
	e->dirty = false;
	return 0;
}

int q2c_get(struct vmm_disk *d, struct q2_cache *c, uint64_t off,
	    bool fresh, uint64_t **table)
{
	struct qcow2 *q = Q(d);
	struct q2_cache_ent *e;
	int i, victim = -1, ret;

	if (c->e[c->last].off == off) {
		i = c->last;
		goto hit;
	}
	for (i = 0; i < c->n; i++) {
		if (c->e[i].off == off)
			goto hit;
		if (victim < 0 || !c->e[i].off ||
		    (c->e[victim].off && c->e[i].lru < c->e[victim].lru))
			victim = i;
	}
	e = &c->e[victim];
	if (e->dirty) {
		if (c->is_l2) {
			ret = q2_l2_barrier(d);
			if (ret)
				return ret;
		}
		ret = write_slot(d, e);
		if (ret)
			return ret;
	}
	e->off = 0;
	if (fresh) {
		memset(e->buf, 0, q->cluster_size);
	} else {
		ret = io_pread_full(d->fd, e->buf, q->cluster_size, off);
		if (ret)
			return disk_err(ret, "%s: reading metadata: %s", d->path,
					strerror(-ret));
	}
	e->off = off;
	e->dirty = false;
	i = victim;
hit:
	/* A cluster that is reused for a new table starts empty even if an
	 * old table of the same place is still cached. */
	if (fresh && c->e[i].off == off && i != victim)
		memset(c->e[i].buf, 0, q->cluster_size);
	c->e[i].lru = ++c->tick;
	c->last = i;
	*table = c->e[i].buf;
	return 0;
}

void q2c_dirty(struct q2_cache *c, const uint64_t *table)
{
	for (int i = 0; i < c->n; i++) {
		if (c->e[i].buf == table) {
			c->e[i].dirty = true;
			return;
		}
	}
}

int q2c_writeback(struct vmm_disk *d, struct q2_cache *c)
{
	for (int i = 0; i < c->n; i++) {
		if (c->e[i].off && c->e[i].dirty) {
			int ret = write_slot(d, &c->e[i]);

			if (ret)
				return ret;
		}
	}
	return 0;
}

void q2c_forget(struct q2_cache *c, uint64_t off)
{
	for (int i = 0; i < c->n; i++) {
		if (c->e[i].off == off) {
			c->e[i].off = 0;
			c->e[i].dirty = false;
		}
	}
}

bool q2c_has_dirty(const struct q2_cache *c)
{
	for (int i = 0; i < c->n; i++)
		if (c->e[i].off && c->e[i].dirty)
			return true;
	return false;
}
