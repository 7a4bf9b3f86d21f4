// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * qcow2 host cluster management ("Host cluster management" in qcow2.txt):
 * the refcount table and refcount blocks, cluster allocation, deferred
 * freeing, and the flush that writes the metadata out in crash-safe order:
 *
 *   1. data and refcount increments reach the disk (fdatasync),
 *   2. then the L2 tables that point to them (fdatasync),
 *   3. then the L1 entries that point to new L2 tables (fdatasync),
 *   4. only then do refcounts of unreferenced clusters drop.
 *
 * So a crash at any point leaves at worst leaked clusters (refcount too
 * high), never a table pointing to an unwritten or free cluster.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/io.h"
#include "disk/qcow2.h"

uint64_t q2_rb_get(struct qcow2 *q, const uint64_t *rb, uint64_t i)
{
	const uint8_t *p = (const uint8_t *)rb;
	uint32_t bits = 1u << q->refcount_order;
	uint64_t v = 0;

	if (bits < 8)
		return (p[i * bits / 8] >> ((i * bits) % 8)) & ((1u << bits) - 1);
	p += i * (bits / 8);
	for (uint32_t b = 0; b < bits / 8; b++)
		v = (v << 8) | p[b];
	return v;
}

void q2_rb_set(struct qcow2 *q, uint64_t *rb, uint64_t i, uint64_t v)
{
	uint8_t *p = (uint8_t *)rb;
	uint32_t bits = 1u << q->refcount_order;

	if (bits < 8) {
		unsigned int sh = (i * bits) % 8;
		uint8_t mask = ((1u << bits) - 1) << sh;

		p[i * bits / 8] = (p[i * bits / 8] & ~mask) | ((v << sh) & mask);
		return;
	}
	p += i * (bits / 8);
	for (int b = bits / 8 - 1; b >= 0; b--) {
		p[b] = v & 0xff;
		v >>= 8;
	}
}

bool q2_overlaps_meta(struct qcow2 *q, uint64_t off, uint64_t len)
{
	uint64_t l1_end = q->l1_offset + align_up((uint64_t)q->l1_size * 8,
						   q->cluster_size);
	uint64_t rt_end = q->rt_offset + (uint64_t)q->rt_clusters *
			  q->cluster_size;

	if (off < q->cluster_size)
		return true;
	if (q->l1_size && off < l1_end && off + len > q->l1_offset)
		return true;
	return off < rt_end && off + len > q->rt_offset;
}

static int load_refblock(struct vmm_disk *d, uint64_t idx, bool fresh,
			 uint64_t **rb)
{
	struct qcow2 *q = Q(d);
	uint64_t off = q->rt[idx] & QCOW2_RT_OFFSET_MASK;

	if (off & (q->cluster_size - 1))
		return disk_err(-EIO, "qcow2: refcount block %llu is not "
				"cluster aligned (corrupt image)",
				(unsigned long long)idx);
	return q2c_get(d, &q->rbc, off, fresh, rb);
}

int q2_get_refcount(struct vmm_disk *d, uint64_t cluster, uint64_t *rc)
{
	struct qcow2 *q = Q(d);
	uint64_t idx = cluster / q->rb_entries;
	uint64_t *rb;
	int ret;

	*rc = 0;
	if (idx >= q->rt_size || !(q->rt[idx] & QCOW2_RT_OFFSET_MASK))
		return 0;
	ret = load_refblock(d, idx, false, &rb);
	if (ret)
		return ret;
	*rc = q2_rb_get(q, rb, cluster % q->rb_entries);
	return 0;
}

static int write_rt_entry(struct vmm_disk *d, uint64_t idx)
{
	struct qcow2 *q = Q(d);
	uint64_t be = htobe64(q->rt[idx]);

	return io_pwrite_full(d->fd, &be, 8, q->rt_offset + idx * 8);
}

static void note_end(struct qcow2 *q, uint64_t off)
{
	if (off > q->alloc_end)
		q->alloc_end = off;
}

/*
 * Makes the refcount table cover rt index idx.  New structures go at the
 * first cluster no refcount block covers (the end of the image): the new
 * refcount blocks, which describe themselves, then the new table.  They
 * are on disk before the header points to them.
 */
static int grow_reftable(struct vmm_disk *d, uint64_t idx)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size, base = q->rt_size * q->rb_entries;
	uint64_t entries, tbl_clusters, nrb, *newrt, *rb = NULL;
	uint64_t old_off = q->rt_offset, old_clusters = q->rt_clusters;
	char hdr[12];
	int ret;

	if (idx < q->rt_size)
		return 0;
	/* Room for idx, grown by half so that growth stays rare. */
	entries = align_up((idx + 1) + (idx + 1) / 2 + 1, cs / 8);
	if (entries * 8 > QCOW2_MAX_RT_BYTES)
		return disk_err(-EFBIG, "qcow2: refcount table would exceed %u "
				"MiB", QCOW2_MAX_RT_BYTES >> 20);
	tbl_clusters = entries * 8 / cs;
	/* Refcount blocks needed to cover [base, base + nrb + tbl). */
	nrb = 1;
	while (nrb * q->rb_entries < nrb + tbl_clusters)
		nrb++;
	if (q->rt_size + nrb > entries)
		return disk_err(-EFBIG, "qcow2: refcount table too small");

	newrt = calloc(entries, 8);
	if (posix_memalign((void **)&rb, 512, cs))
		rb = NULL;
	if (!newrt || !rb) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(newrt, q->rt, q->rt_size * 8);
	for (uint64_t j = 0; j < nrb; j++) {
		memset(rb, 0, cs);
		for (uint64_t c = 0; c < nrb + tbl_clusters; c++) {
			if (c / q->rb_entries == j)
				q2_rb_set(q, rb, c % q->rb_entries, 1);
		}
		ret = io_pwrite_full(d->fd, rb, cs,
				     (base + j * q->rb_entries) * cs);
		if (ret)
			goto out;
		newrt[q->rt_size + j] = (base + j * q->rb_entries) * cs;
	}
	/* The table, written big-endian. */
	for (uint64_t i = 0; i < entries; i++)
		newrt[i] = htobe64(newrt[i]);
	ret = io_pwrite_full(d->fd, newrt, entries * 8, (base + nrb) * cs);
	for (uint64_t i = 0; i < entries; i++)
		newrt[i] = be64toh(newrt[i]);
	if (ret)
		goto out;
	ret = io_fdatasync(d->fd);
	if (ret)
		goto out;
	put_be64(hdr, 0, (base + nrb) * cs);
	put_be32(hdr, 8, tbl_clusters);
	ret = q2_write_header_field(d, QH_RT_OFFSET, hdr, sizeof(hdr));
	if (ret)
		goto out;
	ret = io_fdatasync(d->fd);
	if (ret)
		goto out;
	free(q->rt);
	q->rt = newrt;
	newrt = NULL;
	q->rt_size = entries;
	q->rt_offset = (base + nrb) * cs;
	q->rt_clusters = tbl_clusters;
	note_end(q, (base + nrb + tbl_clusters) * cs);
	if ((base + nrb + tbl_clusters) * cs > q->file_end)
		q->file_end = (base + nrb + tbl_clusters) * cs;
	/* The old table is referenced by nothing on disk any more. */
	for (uint64_t c = 0; c < old_clusters; c++) {
		ret = q2_set_refcount(d, old_off / cs + c, 0);
		if (ret)
			goto out;
	}
	ret = io_punch(d->fd, old_off, old_clusters * cs);
out:
	free(newrt);
	free(rb);
	return ret;
}

/*
 * Makes sure a refcount block covers cluster c.  A missing block is put
 * at c itself (every cluster of its range is free, c included) and
 * counts itself; the caller then sees c as taken.
 */
static int ensure_refblock(struct vmm_disk *d, uint64_t c)
{
	struct qcow2 *q = Q(d);
	uint64_t idx = c / q->rb_entries, *rb;
	int ret;

	if (idx >= q->rt_size) {
		ret = grow_reftable(d, idx);
		if (ret)
			return ret;
	}
	if (q->rt[idx] & QCOW2_RT_OFFSET_MASK)
		return 0;
	ret = q2c_get(d, &q->rbc, c * q->cluster_size, true, &rb);
	if (ret)
		return ret;
	q2_rb_set(q, rb, c % q->rb_entries, 1);
	ret = io_pwrite_full(d->fd, rb, q->cluster_size, c * q->cluster_size);
	if (!ret)
		ret = io_fdatasync(d->fd);
	if (ret) {
		q2c_forget(&q->rbc, c * q->cluster_size);
		return ret;
	}
	q->rt[idx] = c * q->cluster_size;
	ret = write_rt_entry(d, idx);
	if (ret)
		return ret;
	note_end(q, (c + 1) * q->cluster_size);
	if ((c + 1) * q->cluster_size > q->file_end)
		q->file_end = (c + 1) * q->cluster_size;
	return 0;
}

int q2_set_refcount(struct vmm_disk *d, uint64_t cluster, uint64_t rc)
{
	struct qcow2 *q = Q(d);
	uint64_t idx = cluster / q->rb_entries, *rb;
	int ret;

	if (rc > q->rc_max)
		return disk_err(-ERANGE, "qcow2: refcount overflow on cluster "
				"%llu", (unsigned long long)cluster);
	if (idx >= q->rt_size || !(q->rt[idx] & QCOW2_RT_OFFSET_MASK)) {
		if (!rc)
			return 0;
		ret = ensure_refblock(d, cluster);
		if (ret)
			return ret;
	}
	ret = load_refblock(d, idx, false, &rb);
	if (ret)
		return ret;
	q2_rb_set(q, rb, cluster % q->rb_entries, rc);
	q2c_dirty(&q->rbc, rb);
	return 0;
}

static bool has_refblock(struct qcow2 *q, uint64_t idx)
{
	return idx < q->rt_size && (q->rt[idx] & QCOW2_RT_OFFSET_MASK);
}

/*
 * n > 1 contiguous clusters (a new L1 table) at the end of the image.  A
 * run longer than a refcount block's range cannot use self-describing
 * blocks (they would cut it), so the missing blocks go right after the
 * run and count the run, and themselves, before they are linked in.
 */
static int alloc_run(struct vmm_disk *d, uint64_t n, uint64_t *off)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size, rb = q->rb_entries;
	uint64_t s, m, first, last, *blk = NULL;
	int ret;

again:
	s = align_up(q->alloc_end, cs) / cs;
	/* m new blocks at [s+n, s+n+m) for the uncovered ranges of
	 * [s, s+n+m); grows until it covers its own blocks too. */
	for (m = 0;;) {
		uint64_t need = 0;

		first = s / rb;
		last = (s + n + m - 1) / rb;
		for (uint64_t i = first; i <= last; i++)
			need += !has_refblock(q, i);
		if (need == m)
			break;
		m = need;
	}
	if (last >= q->rt_size) {
		ret = grow_reftable(d, last);
		if (ret)
			return ret;
		goto again;	/* the new table went to the end */
	}
	if (m) {
		blk = calloc(m, cs);
		if (!blk)
			return -ENOMEM;
	}
	for (uint64_t i = first, j = 0; i <= last; i++) {
		if (has_refblock(q, i))
			continue;
		for (uint64_t c = s; c < s + n + m; c++)
			if (c / rb == i)
				q2_rb_set(q, (uint64_t *)((char *)blk + j * cs),
					  c % rb, 1);
		ret = io_pwrite_full(d->fd, (char *)blk + j * cs, cs,
				     (s + n + j) * cs);
		if (ret)
			goto out;
		j++;
	}
	ret = m ? io_fdatasync(d->fd) : 0;
	if (ret)
		goto out;
	for (uint64_t i = first, j = 0; i <= last; i++) {
		if (has_refblock(q, i))
			continue;
		q->rt[i] = (s + n + j++) * cs;
		ret = write_rt_entry(d, i);
		if (ret)
			goto out;
	}
	/* Clusters in ranges whose blocks already existed. */
	for (uint64_t c = s; c < s + n + m; c++) {
		uint64_t rc;

		ret = q2_get_refcount(d, c, &rc);
		if (!ret && !rc)
			ret = q2_set_refcount(d, c, 1);
		if (ret)
			goto out;
	}
	note_end(q, (s + n + m) * cs);
	if (m && (s + n + m) * cs > q->file_end)
		q->file_end = (s + n + m) * cs;
	*off = s * cs;
out:
	free(blk);
	return ret;
}

int q2_alloc(struct vmm_disk *d, uint64_t n, uint64_t *off)
{
	struct qcow2 *q = Q(d);
	uint64_t c, rc;
	uint64_t limit = (QCOW2_OFFSET_MASK + 1) >> q->cluster_bits;
	int ret;

	if (n > 1)
		return alloc_run(d, n, off);
	for (c = q->free_hint;; c++) {
		if (c >= limit)
			return disk_err(-ENOSPC, "qcow2: image file is full");
		ret = ensure_refblock(d, c);
		if (ret)
			return ret;
		ret = q2_get_refcount(d, c, &rc);
		if (ret)
			return ret;
		if (!rc)
			break;
	}
	ret = q2_set_refcount(d, c, 1);
	if (ret)
		return ret;
	q->free_hint = c + 1;
	*off = c * q->cluster_size;
	note_end(q, (c + 1) * q->cluster_size);
	return 0;
}
int q2_free_later(struct vmm_disk *d, uint64_t off)
{
	struct qcow2 *q = Q(d);

	if (q->npending == q->cap_pending) {
		size_t cap = q->cap_pending ? q->cap_pending * 2 : 256;
		uint64_t *p = realloc(q->pending, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		q->pending = p;
		q->cap_pending = cap;
	}
	q->pending[q->npending++] = off;
	return 0;
}

int q2_apply_frees(struct vmm_disk *d)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size;
	int ret = 0;

	for (size_t i = 0; i < q->npending; i++) {
		uint64_t c = q->pending[i] / cs, rc;

		ret = q2_get_refcount(d, c, &rc);
		if (ret)
			break;
		if (!rc)
			continue;	/* corrupt image: do not wrap around */
		ret = q2_set_refcount(d, c, rc - 1);
		if (ret)
			break;
		if (rc == 1) {
			/* Give the space back; a reused cluster then reads
			 * as zero, which the write path relies on. */
			ret = io_punch(d->fd, c * cs, cs);
			if (ret)
				break;
			if (c < q->free_hint)
				q->free_hint = c;
		}
	}
	q->npending = 0;
	return ret;
}

/* Waits for data transfers that run without the lock (they hold q->io). */
static void wait_inflight(struct qcow2 *q)
{
	pthread_rwlock_wrlock(&q->io);
	pthread_rwlock_unlock(&q->io);
}

int q2_l2_barrier(struct vmm_disk *d)
{
	struct qcow2 *q = Q(d);
	int ret;

	wait_inflight(q);
	ret = q2c_writeback(d, &q->rbc);
	if (ret)
		return ret;
	return io_fdatasync(d->fd);
}

static int write_l1(struct vmm_disk *d)
{
	struct qcow2 *q = Q(d);
	int64_t lo = q->l1_dirty_lo, hi = q->l1_dirty_hi;
	uint64_t *buf;
	int ret;

	if (lo > hi)
		return 0;
	buf = malloc((hi - lo + 1) * 8);
	if (!buf)
		return -ENOMEM;
	for (int64_t i = lo; i <= hi; i++)
		buf[i - lo] = htobe64(q->l1[i]);
	ret = io_pwrite_full(d->fd, buf, (hi - lo + 1) * 8,
			     q->l1_offset + lo * 8);
	free(buf);
	if (!ret) {
		q->l1_dirty_lo = 1;
		q->l1_dirty_hi = 0;
	}
	return ret;
}

int q2_flush_locked(struct vmm_disk *d)
{
	struct qcow2 *q = Q(d);
	bool l1 = q->l1_dirty_lo <= q->l1_dirty_hi;
	int ret;

	if (!q2c_has_dirty(&q->l2c) && !l1 && !q->npending) {
		ret = q2c_writeback(d, &q->rbc);
		return ret ? ret : io_fdatasync(d->fd);
	}
	/* 1: data and refcount increments. */
	ret = q2_l2_barrier(d);
	if (ret)
		return ret;
	/* 2: L2 tables, then 3: L1 entries. */
	ret = q2c_writeback(d, &q->l2c);
	if (ret)
		return ret;
	if (l1) {
		ret = io_fdatasync(d->fd);
		if (!ret)
			ret = write_l1(d);
		if (ret)
			return ret;
	}
	ret = io_fdatasync(d->fd);
	if (ret)
		return ret;
	/* 4: what no table on disk points to any more can be freed; the
	 * lowered refcounts go out with the next flush (a leak until then,
	 * never a corruption). */
	return q2_apply_frees(d);
}
