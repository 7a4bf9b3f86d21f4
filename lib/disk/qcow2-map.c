// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * qcow2 guest I/O: translating guest offsets through the L1 and L2 tables
 * ("Cluster mapping" in qcow2.txt) and the read, write, discard,
 * write-zeroes and block-status operations.
 *
 * Each request is cut at L2 table boundaries.  For one piece, the mapping
 * (and any allocation) is done under q->lock; the data transfers then run
 * without it, holding q->io shared, so several threads move data at once
 * while metadata changes stay serialised.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/io.h"
#include "disk/qcow2.h"

#define MAX_SEGS	256	/* clusters mapped per locked round */

enum { T_UNALLOC, T_DATA, T_ZERO };

static int classify(struct vmm_disk *d, uint64_t entry, uint64_t *host)
{
	struct qcow2 *q = Q(d);

	*host = entry & QCOW2_OFFSET_MASK;
	if (entry & QCOW2_OFLAG_COMPRESSED)
		return disk_err(-EOPNOTSUPP, "qcow2: compressed clusters are "
				"not supported");
	if (q->version >= 3 && (entry & QCOW2_OFLAG_ZERO))
		return T_ZERO;
	if (*host & (q->cluster_size - 1))
		return disk_err(-EIO, "qcow2: unaligned data cluster offset "
				"%#llx (corrupt image)",
				(unsigned long long)*host);
	return *host ? T_DATA : T_UNALLOC;
}

/*
 * The L2 table for guest cluster vc, allocating it when alloc is set; the
 * table is NULL when unallocated and not asked for.
 */
static int get_l2(struct vmm_disk *d, uint64_t vc, bool alloc,
		  uint64_t **table)
{
	struct qcow2 *q = Q(d);
	uint64_t l1i = vc / q->l2_entries, off;
	int ret;

	*table = NULL;
	if (l1i >= q->l1_size)
		return disk_err(-EIO, "qcow2: L1 table too small for the disk "
				"size (corrupt image)");
	off = q->l1[l1i] & QCOW2_OFFSET_MASK;
	if (off) {
		if ((off & (q->cluster_size - 1)) ||
		    q2_overlaps_meta(q, off, q->cluster_size))
			return disk_err(-EIO, "qcow2: bad L2 table offset %#llx "
					"(corrupt image)",
					(unsigned long long)off);
		return q2c_get(d, &q->l2c, off, false, table);
	}
	if (!alloc)
		return 0;
	/* A new table: on disk before the L1 entry, which is only written
	 * at flush, after the L2 tables (q2_flush_locked). */
	ret = q2_alloc(d, 1, &off);
	if (ret)
		return ret;
	ret = q2c_get(d, &q->l2c, off, true, table);
	if (ret)
		return ret;
	q2c_dirty(&q->l2c, *table);
	q->l1[l1i] = off | QCOW2_OFLAG_COPIED;
	if (q->l1_dirty_lo > q->l1_dirty_hi) {
		q->l1_dirty_lo = q->l1_dirty_hi = l1i;
	} else {
		if ((int64_t)l1i < q->l1_dirty_lo)
			q->l1_dirty_lo = l1i;
		if ((int64_t)l1i > q->l1_dirty_hi)
			q->l1_dirty_hi = l1i;
	}
	return 0;
}

int q2_get_l2_entry(struct vmm_disk *d, uint64_t vc, uint64_t *entry)
{
	struct qcow2 *q = Q(d);
	uint64_t *t;
	int ret = get_l2(d, vc, false, &t);

	*entry = 0;
	if (ret || !t)
		return ret;
	*entry = be64toh(t[vc % q->l2_entries]);
	return 0;
}

/* Clusters of [off, off+len) that share one L2 table, at most MAX_SEGS. */
static uint64_t round_len(struct qcow2 *q, uint64_t off, uint64_t len)
{
	uint64_t cs = q->cluster_size;
	uint64_t l2_span = q->l2_entries * cs;
	uint64_t end = min_u64(off + len, (off / l2_span + 1) * l2_span);

	end = min_u64(end, (off / cs + MAX_SEGS) * cs);
	return end - off;
}

static void add_seg(struct io_seg *segs, int *n, void *buf, size_t len,
		    uint64_t host)
{
	struct io_seg *last = *n ? &segs[*n - 1] : NULL;

	if (last && (char *)last->buf + last->len == (char *)buf &&
	    last->off + last->len == host) {
		last->len += len;
		return;
	}
	segs[*n].buf = buf;
	segs[*n].len = len;
	segs[*n].off = host;
	(*n)++;
}

static int qcow2_read(struct vmm_disk *d, void *buf, size_t len, uint64_t off)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size;
	struct io_seg segs[MAX_SEGS], back[MAX_SEGS];
	char *p = buf;
	int ret = 0;

	while (len) {
		uint64_t n = round_len(q, off, len), pos = 0, *t;
		int nseg = 0, nback = 0;

		pthread_mutex_lock(&q->lock);
		ret = get_l2(d, off / cs, false, &t);
		while (!ret && pos < n) {
			uint64_t o = off + pos, host, entry;
			uint64_t k = min_u64(n - pos, cs - o % cs);
			int type;

			entry = t ? be64toh(t[(o / cs) % q->l2_entries]) : 0;
			type = classify(d, entry, &host);
			if (type < 0)
				ret = type;
			else if (type == T_DATA)
				add_seg(segs, &nseg, p + pos, k, host + o % cs);
			else if (type == T_ZERO || !d->backing)
				memset(p + pos, 0, k);
			else
				add_seg(back, &nback, p + pos, k, o);
			pos += k;
		}
		pthread_rwlock_rdlock(&q->io);
		pthread_mutex_unlock(&q->lock);
		if (!ret)
			ret = io_batch(d->fd, segs, nseg, false);
		for (int i = 0; !ret && i < nback; i++)
			ret = disk_read_backing(d, back[i].buf, back[i].len,
						back[i].off);
		pthread_rwlock_unlock(&q->io);
		if (ret)
			return ret;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* Makes the file long enough to hold [0, end), so a partly written fresh
 * cluster reads back zero-padded everywhere (not only here). */
static int extend_file(struct vmm_disk *d, uint64_t end)
{
	struct qcow2 *q = Q(d);

	if (end <= q->file_end)
		return 0;
	/* Grow by at least 1 MiB at a time: one ftruncate per cluster
	 * would double the cost of small writes to an empty image.  Close
	 * trims what was not used.  Never below alloc_end: clusters written
	 * whole may already lie past file_end. */
	end = align_up(end > q->file_end + (1 << 20) ? end :
		       q->file_end + (1 << 20), q->cluster_size);
	if (end < q->alloc_end)
		end = q->alloc_end;
	if (ftruncate(d->fd, end) < 0)
		return -errno;
	q->file_end = end;
	return 0;
}

/*
 * Writes part [o, o+k) of a guest cluster whose old content is not in
 * this layer (type T_UNALLOC or T_ZERO): a new host cluster gets the old
 * content around the new data ("copy on write"), then the L2 entry points
 * to it.  Fresh zero clusters need no copy.
 */
static int alloc_write(struct vmm_disk *d, uint64_t *t, uint64_t o,
		       const char *data, uint64_t k, int type, uint64_t old,
		       struct io_seg *segs, int *nseg)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size, vstart = o - o % cs, h;
	bool zero_src = type == T_ZERO || !d->backing ||
			vstart >= d->backing->size;
	char *bounce;
	int ret;

	ret = q2_alloc(d, 1, &h);
	if (ret)
		return ret;
	if (k == cs || (zero_src && h >= q->fresh_from)) {
		ret = extend_file(d, h + cs);
		if (ret)
			return ret;
		add_seg(segs, nseg, (char *)data, k, h + o % cs);
	} else {
		if (posix_memalign((void **)&bounce, 512, cs))
			return -ENOMEM;
		if (zero_src)
			memset(bounce, 0, cs);
		else
			ret = disk_read_backing(d, bounce,
						min_u64(cs, d->size - vstart),
						vstart);
		if (!ret) {
			if (d->size - vstart < cs)
				memset(bounce + (d->size - vstart), 0,
				       cs - (d->size - vstart));
			memcpy(bounce + o % cs, data, k);
			ret = io_pwrite_full(d->fd, bounce, cs, h);
		}
		free(bounce);
		if (ret)
			return ret;
		if (h + cs > q->file_end)
			q->file_end = h + cs;
	}
	if (old) {
		ret = q2_free_later(d, old);
		if (ret)
			return ret;
	}
	t[(o / cs) % q->l2_entries] = htobe64(h | QCOW2_OFLAG_COPIED);
	q2c_dirty(&q->l2c, t);
	return 0;
}

static int qcow2_write(struct vmm_disk *d, const void *buf, size_t len,
		       uint64_t off)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size;
	struct io_seg segs[MAX_SEGS];
	const char *p = buf;
	int ret = 0;

	while (len) {
		uint64_t n = round_len(q, off, len), pos = 0, *t;
		int nseg = 0;

		pthread_mutex_lock(&q->lock);
		ret = get_l2(d, off / cs, true, &t);
		while (!ret && pos < n) {
			uint64_t o = off + pos, host, entry;
			uint64_t k = min_u64(n - pos, cs - o % cs);
			int type;

			entry = be64toh(t[(o / cs) % q->l2_entries]);
			type = classify(d, entry, &host);
			if (type < 0) {
				ret = type;
			} else if (type == T_DATA) {
				if (q2_overlaps_meta(q, host, cs))
					ret = disk_err(-EIO, "qcow2: data "
						"cluster overlaps metadata "
						"(corrupt image)");
				else
					add_seg(segs, &nseg, (char *)p + pos,
						k, host + o % cs);
			} else {
				ret = alloc_write(d, t, o, p + pos, k, type,
						  host, segs, &nseg);
			}
			pos += k;
		}
		pthread_rwlock_rdlock(&q->io);
		pthread_mutex_unlock(&q->lock);
		if (!ret)
			ret = io_batch(d->fd, segs, nseg, true);
		pthread_rwlock_unlock(&q->io);
		if (ret)
			return ret;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* Writes real zeroes (the parts of a range that are not whole clusters). */
static int write_zero_bytes(struct vmm_disk *d, uint64_t off, uint64_t len)
{
	uint64_t cs = Q(d)->cluster_size;
	void *z;
	int ret = 0;

	if (!len)
		return 0;
	z = calloc(1, cs);
	if (!z)
		return -ENOMEM;
	while (!ret && len) {
		uint64_t k = min_u64(len, cs);

		ret = qcow2_write(d, z, k, off);
		off += k;
		len -= k;
	}
	free(z);
	return ret;
}

/*
 * Sets whole clusters [off, off+len) to entry value nv (0: unallocated,
 * so the backing file shows through; QCOW2_OFLAG_ZERO: reads as zero),
 * freeing their host clusters.
 */
static int set_clusters(struct vmm_disk *d, uint64_t off, uint64_t len,
			uint64_t nv)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size;
	int ret = 0;

	pthread_mutex_lock(&q->lock);
	while (!ret && len) {
		uint64_t n = round_len(q, off, len), *t;
		/* No table yet: unallocated already; only the zero flag over
		 * a backing file needs one. */
		bool need = nv && d->backing && off < d->backing->size;

		ret = get_l2(d, off / cs, need, &t);
		for (uint64_t pos = 0; !ret && t && pos < n; pos += cs) {
			uint64_t i = ((off + pos) / cs) % q->l2_entries;
			uint64_t entry = be64toh(t[i]), host;

			if (entry == nv)
				continue;
			if (entry & QCOW2_OFLAG_COMPRESSED) {
				ret = disk_err(-EOPNOTSUPP, "qcow2: compressed "
					       "clusters are not supported");
				break;
			}
			host = entry & QCOW2_OFFSET_MASK;
			if (host)
				ret = q2_free_later(d, host);
			t[i] = htobe64(nv);
			q2c_dirty(&q->l2c, t);
		}
		off += n;
		len -= n;
	}
	/* Keep the queue of clusters to free bounded. */
	if (!ret && q->npending > 4096)
		ret = q2_flush_locked(d);
	pthread_mutex_unlock(&q->lock);
	return ret;
}

static int zero_or_discard(struct vmm_disk *d, uint64_t off, uint64_t len,
			   bool zero)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size;
	uint64_t a = align_up(off, cs), b = (off + len) & ~(cs - 1);
	uint64_t nv = 0;
	int ret;

	/* The tail cluster that ends the disk counts as whole. */
	if (off + len == d->size)
		b = align_up(d->size, cs);
	if (a >= b) {
		/* Within one cluster: discard is only a hint. */
		return zero ? write_zero_bytes(d, off, len) : 0;
	}
	if (zero) {
		ret = write_zero_bytes(d, off, a - off);
		if (!ret)
			ret = write_zero_bytes(d, b, off + len > b ?
					       off + len - b : 0);
		if (ret)
			return ret;
	}
	/* Discarded data must not reappear from the backing file either. */
	if ((zero || d->backing) && q->version >= 3)
		nv = QCOW2_OFLAG_ZERO;
	if (zero && d->backing && q->version < 3) {
		/* Version 2 has no zero flag: write the zeroes. */
		for (uint64_t o = a; o < b; o += cs) {
			ret = write_zero_bytes(d, o, min_u64(cs, d->size - o));
			if (ret)
				return ret;
		}
		return 0;
	}
	return set_clusters(d, a, b - a, nv);
}

static int qcow2_discard(struct vmm_disk *d, uint64_t off, uint64_t len)
{
	return zero_or_discard(d, off, len, false);
}

static int qcow2_write_zeroes(struct vmm_disk *d, uint64_t off, uint64_t len)
{
	return zero_or_discard(d, off, len, true);
}

static int qcow2_block_status(struct vmm_disk *d, uint64_t off, uint64_t len,
			      uint64_t *pnum)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size, pos = 0, *t;
	int ret, first = -1;

	pthread_mutex_lock(&q->lock);
	while (pos < len) {
		uint64_t o = off + pos, n = round_len(q, o, len - pos), host;

		ret = get_l2(d, o / cs, false, &t);
		for (uint64_t p2 = 0; !ret && p2 < n;) {
			uint64_t e = t ? be64toh(t[((o + p2) / cs) %
					q->l2_entries]) : 0;
			uint64_t k = min_u64(n - p2, cs - (o + p2) % cs);
			int type = classify(d, e, &host);

			if (type < 0) {
				ret = type;
				break;
			}
			if (first < 0)
				first = type;
			if (type != first)
				goto done;
			p2 += k;
			pos += k;
		}
		if (ret) {
			pthread_mutex_unlock(&q->lock);
			return ret;
		}
	}
done:
	pthread_mutex_unlock(&q->lock);
	*pnum = pos;
	return first == T_DATA ? VMM_DISK_DATA :
	       first == T_ZERO ? VMM_DISK_ZERO : VMM_DISK_UNALLOCATED;
}

static int qcow2_flush(struct vmm_disk *d)
{
	struct qcow2 *q = Q(d);
	int ret;

	pthread_mutex_lock(&q->lock);
	ret = q2_flush_locked(d);
	pthread_mutex_unlock(&q->lock);
	return ret;
}

static int qcow2_make_empty(struct vmm_disk *d)
{
	int ret = set_clusters(d, 0, align_up(d->size, Q(d)->cluster_size), 0);

	return ret ? ret : qcow2_flush(d);
}

const struct disk_ops qcow2_ops = {
	.name = "qcow2",
	.fmt = VMM_DISK_FMT_QCOW2,
	.read = qcow2_read,
	.write = qcow2_write,
	.flush = qcow2_flush,
	.discard = qcow2_discard,
	.write_zeroes = qcow2_write_zeroes,
	.block_status = qcow2_block_status,
	.info = qcow2_info,
	.resize = qcow2_resize,
	.make_empty = qcow2_make_empty,
	.close = qcow2_close,
};
