// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * qcow2 images: header parsing and validation at open ("Header", "Header
 * extensions", "Feature name table" in QEMU's docs/interop/qcow2.txt),
 * creation, resize, info and close.  Everything an image can lie about
 * (offsets, sizes, table lengths) is checked against the file before it
 * is used, and features we cannot honour are refused here, at open.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/io.h"
#include "disk/qcow2.h"

bool qcow2_probe(const void *buf, size_t len)
{
	return len >= 4 && be32_at(buf, 0) == QCOW2_MAGIC;
}

const char *qcow2_backing_name(struct vmm_disk *d)
{
	return Q(d)->backing_name;
}

enum vmm_disk_format qcow2_backing_format(struct vmm_disk *d)
{
	return Q(d)->backing_fmt;
}

int q2_write_header_field(struct vmm_disk *d, size_t off, const void *buf,
			  size_t len)
{
	return io_pwrite_full(d->fd, buf, len, off);
}

static int write_incompat(struct vmm_disk *d, uint64_t bits)
{
	char buf[8];
	int ret;

	put_be64(buf, 0, bits);
	ret = q2_write_header_field(d, QH_INCOMPAT, buf, 8);
	return ret ? ret : io_fdatasync(d->fd);
}

static int file_size(struct vmm_disk *d, uint64_t *size)
{
	struct stat st;

	if (fstat(d->fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(d->fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	*size = st.st_size;
	return 0;
}

static void qcow2_free(struct qcow2 *q)
{
	q2c_free(&q->l2c);
	q2c_free(&q->rbc);
	free(q->l1);
	free(q->rt);
	free(q->pending);
	free(q->backing_name);
	pthread_mutex_destroy(&q->lock);
	pthread_rwlock_destroy(&q->io);
	free(q);
}

/* The name of feature bit `bit` of `type` from the feature name table. */
static const char *feature_name(const char *hdr, uint64_t tbl, uint32_t len,
				int type, int bit, char *out, size_t outlen)
{
	for (uint32_t i = 0; tbl && i + 48 <= len; i += 48) {
		const char *e = hdr + tbl + i;

		if (e[0] == type && e[1] == bit) {
			snprintf(out, outlen, " (%.46s)", e + 2);
			return out;
		}
	}
	return "";
}

static int check_incompat(struct vmm_disk *d, const char *hdr, uint64_t ftbl,
			  uint32_t flen)
{
	struct qcow2 *q = Q(d);
	uint64_t bits = q->incompat;
	char name[64];

	if (bits & QCOW2_INCOMPAT_DATA_FILE)
		return disk_err(-EOPNOTSUPP, "qcow2: %s: external data files "
				"are not supported", d->path);
	if (bits & QCOW2_INCOMPAT_COMPRESSION)
		return disk_err(-EOPNOTSUPP, "qcow2: %s: compression types "
				"other than zlib are not supported (nor is "
				"compression)", d->path);
	if (bits & QCOW2_INCOMPAT_EXTL2)
		return disk_err(-EOPNOTSUPP, "qcow2: %s: extended L2 entries "
				"(subclusters) are not supported", d->path);
	bits &= ~(QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT);
	for (int b = 0; b < 64; b++) {
		if (bits & (1ull << b))
			return disk_err(-EOPNOTSUPP, "qcow2: %s: unknown "
					"incompatible feature bit %d%s", d->path,
					b, feature_name(hdr, ftbl, flen, 0, b,
							name, sizeof(name)));
	}
	if ((q->incompat & QCOW2_INCOMPAT_CORRUPT) && d->rw)
		return disk_err(-EROFS, "qcow2: %s: image is marked corrupt; "
				"repair it (qemu-img check -r all) before "
				"writing", d->path);
	if ((q->incompat & QCOW2_INCOMPAT_DIRTY) && d->rw &&
	    (q->compat & QCOW2_COMPAT_LAZY_REFCOUNTS))
		return disk_err(-EROFS, "qcow2: %s: image was not closed "
				"cleanly and uses lazy refcounts; repair it "
				"(qemu-img check -r all) before writing",
				d->path);
	return 0;
}

static int parse_extensions(struct vmm_disk *d, const char *hdr,
			    uint64_t *ftbl, uint32_t *flen)
{
	struct qcow2 *q = Q(d);
	uint64_t pos = q->version >= 3 ? q->header_length : QH_V2_LENGTH;
	uint64_t end = q->cluster_size;
	uint64_t boff = be64_at(hdr, QH_BACKING_OFFSET);

	if (boff && boff < end)
		end = boff;
	while (pos + 8 <= end) {
		uint32_t type = be32_at(hdr, pos), len = be32_at(hdr, pos + 4);

		if (type == QEXT_END)
			return 0;
		if (len > end - pos - 8)
			return disk_err(-EINVAL, "qcow2: %s: header extension "
					"%#x runs past the header", d->path, type);
		switch (type) {
		case QEXT_BACKING_FORMAT:
			if (len == 3 && !memcmp(hdr + pos + 8, "raw", 3))
				q->backing_fmt = VMM_DISK_FMT_RAW;
			else if (len == 5 && !memcmp(hdr + pos + 8, "qcow2", 5))
				q->backing_fmt = VMM_DISK_FMT_QCOW2;
			else
				return disk_err(-EOPNOTSUPP, "qcow2: %s: backing "
						"format '%.*s' is not supported",
						d->path, (int)(len < 32 ? len : 32),
						hdr + pos + 8);
			break;
		case QEXT_FEATURE_TABLE:
			*ftbl = pos + 8;
			*flen = len;
			break;
		case QEXT_CRYPTO:
			return disk_err(-EOPNOTSUPP, "qcow2: %s: encryption is "
					"not supported", d->path);
		case QEXT_DATA_FILE:
			return disk_err(-EOPNOTSUPP, "qcow2: %s: external data "
					"files are not supported", d->path);
		default:
			break;	/* bitmaps and the unknown: not needed to read */
		}
		pos += 8 + align_up(len, 8);
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Reads every L2 table once: refuses compressed clusters at open rather
 * than failing some read later, and catches tables that are shared,
 * misplaced or over the top-level metadata.
 */
static int scan_l2_tables(struct vmm_disk *d, uint64_t fsize)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size, *offs, *tbl = NULL;
	uint32_t n = 0;
	int ret = 0;

	offs = malloc((q->l1_size ? q->l1_size : 1) * sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	for (uint32_t i = 0; i < q->l1_size; i++) {
		uint64_t off = q->l1[i] & QCOW2_OFFSET_MASK;

		if (!off)
			continue;
		if ((off & (cs - 1)) || off > fsize - cs ||
		    q2_overlaps_meta(q, off, cs)) {
			ret = disk_err(-EINVAL, "qcow2: %s: L2 table %u at "
				       "%#llx is misplaced (corrupt image)",
				       d->path, i, (unsigned long long)off);
			goto out;
		}
		offs[n++] = off;
	}
	qsort(offs, n, sizeof(*offs), cmp_u64);
	tbl = malloc(cs);
	if (!tbl) {
		ret = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (i && offs[i] == offs[i - 1]) {
			ret = disk_err(-EINVAL, "qcow2: %s: L2 table at %#llx "
				       "is used twice (corrupt image)", d->path,
				       (unsigned long long)offs[i]);
			goto out;
		}
		ret = io_pread_full(d->fd, tbl, cs, offs[i]);
		if (ret)
			goto out;
		for (uint64_t j = 0; j < q->l2_entries; j++) {
			if (be64toh(tbl[j]) & QCOW2_OFLAG_COMPRESSED) {
				ret = disk_err(-EOPNOTSUPP, "qcow2: %s: "
					"compressed clusters are not supported "
					"(decompress with qemu-img convert)",
					d->path);
				goto out;
			}
		}
	}
out:
	free(tbl);
	free(offs);
	return ret;
}

static int load_table(struct vmm_disk *d, uint64_t off, uint64_t entries,
		      uint64_t **out)
{
	uint64_t *t = calloc(entries ? entries : 1, 8);
	int ret;

	if (!t)
		return -ENOMEM;
	ret = io_pread_full(d->fd, t, entries * 8, off);
	if (ret) {
		free(t);
		return ret;
	}
	for (uint64_t i = 0; i < entries; i++)
		t[i] = be64toh(t[i]);
	*out = t;
	return 0;
}

static int parse_header(struct vmm_disk *d, const char *hdr, uint64_t fsize)
{
	struct qcow2 *q = Q(d);
	uint64_t size = be64_at(hdr, QH_SIZE), span, need, l1_bytes, rt_bytes;
	uint64_t ftbl = 0;
	uint32_t flen = 0, boff_size;
	uint64_t boff;
	int ret;

	if (q->version >= 3) {
		q->incompat = be64_at(hdr, QH_INCOMPAT);
		q->compat = be64_at(hdr, QH_COMPAT);
		q->autoclear = be64_at(hdr, QH_AUTOCLEAR);
		q->refcount_order = be32_at(hdr, QH_REFCOUNT_ORDER);
		q->header_length = be32_at(hdr, QH_HEADER_LENGTH);
		if (q->header_length < QH_V3_LENGTH ||
		    q->header_length > q->cluster_size)
			return disk_err(-EINVAL, "qcow2: %s: bad header length "
					"%u", d->path, q->header_length);
		if (q->refcount_order > 6)
			return disk_err(-EINVAL, "qcow2: %s: bad refcount order "
					"%u", d->path, q->refcount_order);
		if (q->header_length > QH_COMPRESSION_TYPE &&
		    (unsigned char)hdr[QH_COMPRESSION_TYPE] != 0 &&
		    !(q->incompat & QCOW2_INCOMPAT_COMPRESSION))
			return disk_err(-EINVAL, "qcow2: %s: compression type "
					"set without its feature bit", d->path);
	} else {
		q->refcount_order = 4;
		q->header_length = QH_V2_LENGTH;
	}
	if (be32_at(hdr, QH_CRYPT_METHOD))
		return disk_err(-EOPNOTSUPP, "qcow2: %s: encryption is not "
				"supported", d->path);
	ret = parse_extensions(d, hdr, &ftbl, &flen);
	if (ret)
		return ret;
	ret = check_incompat(d, hdr, ftbl, flen);
	if (ret)
		return ret;

	q->l2_entries = q->cluster_size / 8;
	q->rb_entries = q->cluster_size * 8 >> q->refcount_order;
	q->rc_max = q->refcount_order == 6 ? UINT64_MAX :
		    (1ull << (1u << q->refcount_order)) - 1;

	/* The L1 table must map the whole disk and lie inside the file. */
	span = q->l2_entries * q->cluster_size;
	need = size / span + (size % span != 0);
	q->l1_size = be32_at(hdr, QH_L1_SIZE);
	q->l1_offset = be64_at(hdr, QH_L1_OFFSET);
	l1_bytes = (uint64_t)q->l1_size * 8;
	if (need > QCOW2_MAX_L1_BYTES / 8)
		return disk_err(-EFBIG, "qcow2: %s: virtual size %llu is too "
				"large", d->path, (unsigned long long)size);
	if (q->l1_size < need || l1_bytes > QCOW2_MAX_L1_BYTES)
		return disk_err(-EINVAL, "qcow2: %s: L1 table size %u does not "
				"fit the virtual size", d->path, q->l1_size);
	if (q->l1_size && ((q->l1_offset & (q->cluster_size - 1)) ||
			   !q->l1_offset || q->l1_offset > fsize ||
			   l1_bytes > fsize - q->l1_offset))
		return disk_err(-EINVAL, "qcow2: %s: L1 table lies outside the "
				"file", d->path);

	q->rt_offset = be64_at(hdr, QH_RT_OFFSET);
	q->rt_clusters = be32_at(hdr, QH_RT_CLUSTERS);
	rt_bytes = (uint64_t)q->rt_clusters * q->cluster_size;
	if (!q->rt_clusters || rt_bytes > QCOW2_MAX_RT_BYTES ||
	    !q->rt_offset || (q->rt_offset & (q->cluster_size - 1)) ||
	    q->rt_offset > fsize || rt_bytes > fsize - q->rt_offset)
		return disk_err(-EINVAL, "qcow2: %s: bad refcount table",
				d->path);
	if (q->l1_size && q->l1_offset < q->rt_offset + rt_bytes &&
	    q->rt_offset < q->l1_offset + l1_bytes)
		return disk_err(-EINVAL, "qcow2: %s: L1 and refcount tables "
				"overlap", d->path);
	q->rt_size = rt_bytes / 8;

	q->nb_snapshots = be32_at(hdr, QH_NB_SNAPSHOTS);
	q->snapshots_offset = be64_at(hdr, QH_SNAPSHOTS_OFFSET);
	if (q->nb_snapshots && d->rw)
		return disk_err(-EOPNOTSUPP, "qcow2: %s: images with internal "
				"snapshots can only be opened read-only",
				d->path);

	boff = be64_at(hdr, QH_BACKING_OFFSET);
	boff_size = be32_at(hdr, QH_BACKING_SIZE);
	if (boff) {
		if (boff_size == 0 || boff_size > QCOW2_MAX_BACKING_NAME ||
		    boff >= q->cluster_size ||
		    boff_size > q->cluster_size - boff)
			return disk_err(-EINVAL, "qcow2: %s: bad backing file "
					"name", d->path);
		if (memchr(hdr + boff, 0, boff_size))
			return disk_err(-EINVAL, "qcow2: %s: backing file name "
					"contains a NUL byte", d->path);
		q->backing_name = strndup(hdr + boff, boff_size);
		if (!q->backing_name)
			return -ENOMEM;
	}
	d->size = size;
	return 0;
}

int qcow2_open(struct vmm_disk *d, unsigned int flags)
{
	struct qcow2 *q;
	uint64_t fsize;
	char small[QH_V3_LENGTH], *hdr = NULL;
	int ret, n;

	(void)flags;
	ret = file_size(d, &fsize);
	if (ret)
		return disk_err(ret, "%s: %s", d->path, strerror(-ret));
	ret = io_pread_full(d->fd, small, sizeof(small), 0);
	if (ret)
		return disk_err(ret, "%s: %s", d->path, strerror(-ret));
	if (be32_at(small, QH_MAGIC) != QCOW2_MAGIC)
		return disk_err(-EINVAL, "%s: not a qcow2 image", d->path);
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	pthread_mutex_init(&q->lock, NULL);
	pthread_rwlock_init(&q->io, NULL);
	d->priv = q;
	q->l1_dirty_lo = 1;
	q->backing_fmt = VMM_DISK_FMT_AUTO;

	q->version = be32_at(small, QH_VERSION);
	q->cluster_bits = be32_at(small, QH_CLUSTER_BITS);
	if (q->version != 2 && q->version != 3) {
		ret = disk_err(-EOPNOTSUPP, "qcow2: %s: version %u is not "
			       "supported", d->path, q->version);
		goto fail;
	}
	if (q->version == 2 && d->rw) {
		ret = disk_err(-EOPNOTSUPP, "qcow2: %s: version 2 images are "
			       "read-only here (upgrade with qemu-img amend -o "
			       "compat=1.1)", d->path);
		goto fail;
	}
	if (q->cluster_bits < 9 || q->cluster_bits > 21) {
		ret = disk_err(-EINVAL, "qcow2: %s: bad cluster size 2^%u",
			       d->path, q->cluster_bits);
		goto fail;
	}
	q->cluster_size = 1ull << q->cluster_bits;
	hdr = malloc(q->cluster_size);
	if (!hdr) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = io_pread_full(d->fd, hdr, q->cluster_size, 0);
	if (ret)
		goto fail;
	ret = parse_header(d, hdr, fsize);
	if (ret)
		goto fail;
	ret = load_table(d, q->l1_offset, q->l1_size, &q->l1);
	if (!ret)
		ret = load_table(d, q->rt_offset, q->rt_size, &q->rt);
	if (ret)
		goto fail;
	ret = scan_l2_tables(d, fsize);
	if (ret)
		goto fail;

	/* Caches: about 4 MiB of L2 tables (32 GiB of disk with 64 KiB
	 * clusters) and 1 MiB of refcount blocks. */
	n = (4u << 20) >> q->cluster_bits;
	ret = q2c_init(&q->l2c, n < 16 ? 16 : n > 256 ? 256 : n,
		       q->cluster_size, true);
	if (ret)
		goto fail;
	n = (1u << 20) >> q->cluster_bits;
	ret = q2c_init(&q->rbc, n < 8 ? 8 : n > 64 ? 64 : n, q->cluster_size,
		       false);
	if (ret)
		goto fail;

	q->file_end = fsize;
	q->alloc_end = align_up(fsize, q->cluster_size);
	q->fresh_from = q->alloc_end;
	if (d->rw) {
		/* Dirty while open for writing ("incompatible features", bit
		 * 0): a crash then shows, and QEMU will check the image. */
		ret = write_incompat(d, q->incompat | QCOW2_INCOMPAT_DIRTY);
		if (!ret && q->autoclear) {
			char z[8] = { 0 };

			/* We do not keep bitmaps up to date: say so, as the
			 * spec asks of writers that don't know the bits. */
			ret = q2_write_header_field(d, QH_AUTOCLEAR, z, 8);
			q->autoclear = 0;
		}
		if (ret) {
			disk_err(ret, "%s: %s", d->path, strerror(-ret));
			goto fail;
		}
	}
	free(hdr);
	d->ops = &qcow2_ops;
	return 0;
fail:
	free(hdr);
	qcow2_free(q);
	d->priv = NULL;
	return ret;
}

int qcow2_close(struct vmm_disk *d)
{
	struct qcow2 *q = Q(d);
	int ret = 0;

	if (!q)
		return 0;
	if (d->rw) {
		pthread_mutex_lock(&q->lock);
		ret = q2_flush_locked(d);
		/* Freed clusters' refcounts, lowered by that flush. */
		if (!ret)
			ret = q2c_writeback(d, &q->rbc);
		if (!ret && q->file_end > q->alloc_end &&
		    ftruncate(d->fd, q->alloc_end) < 0)
			ret = -errno;
		if (!ret)
			ret = io_fdatasync(d->fd);
		if (!ret)
			ret = write_incompat(d, q->incompat &
					     ~QCOW2_INCOMPAT_DIRTY);
		pthread_mutex_unlock(&q->lock);
		if (ret)
			disk_err(ret, "%s: closing: %s", d->path,
				 strerror(-ret));
	}
	qcow2_free(q);
	d->priv = NULL;
	return ret;
}

int qcow2_info(struct vmm_disk *d, struct vmm_disk_info *info)
{
	struct qcow2 *q = Q(d);

	info->cluster_size = q->cluster_size;
	info->qcow2_version = q->version;
	info->refcount_bits = 1u << q->refcount_order;
	info->dirty = q->incompat & QCOW2_INCOMPAT_DIRTY;
	if (q->backing_name)
		snprintf(info->backing_file, sizeof(info->backing_file), "%s",
			 q->backing_name);
	if (q->backing_fmt != VMM_DISK_FMT_AUTO)
		snprintf(info->backing_format, sizeof(info->backing_format),
			 "%s", vmm_disk_format_name(q->backing_fmt));
	return 0;
}

/* Grows the disk; the L1 table moves to a bigger place when needed. */
int qcow2_resize(struct vmm_disk *d, uint64_t size)
{
	struct qcow2 *q = Q(d);
	uint64_t cs = q->cluster_size, span = q->l2_entries * cs;
	uint64_t need = size / span + (size % span != 0);
	uint64_t old_off = q->l1_offset, old_n, new_off = 0, *buf = NULL;
	char hdr[24];
	int ret;

	if (size < d->size)
		return disk_err(-EOPNOTSUPP, "qcow2: shrinking is not "
				"supported");
	if (need > QCOW2_MAX_L1_BYTES / 8)
		return disk_err(-EFBIG, "qcow2: %llu bytes is too large",
				(unsigned long long)size);
	pthread_mutex_lock(&q->lock);
	ret = q2_flush_locked(d);
	if (ret || need <= q->l1_size)
		goto write_size;
	old_n = align_up((uint64_t)q->l1_size * 8, cs) / cs;
	ret = q2_alloc(d, align_up(need * 8, cs) / cs, &new_off);
	if (ret)
		goto out;
	buf = calloc(1, align_up(need * 8, cs));
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < q->l1_size; i++)
		buf[i] = htobe64(q->l1[i]);
	ret = io_pwrite_full(d->fd, buf, align_up(need * 8, cs), new_off);
	if (!ret)
		ret = io_fdatasync(d->fd);
	if (ret)
		goto out;
	for (uint64_t i = 0; i < need; i++)
		buf[i] = be64toh(buf[i]);
	/* size, crypt_method, l1_size and l1_table_offset are adjacent:
	 * one write switches to the new table. */
	put_be64(hdr, 0, size);
	put_be32(hdr, 8, 0);
	put_be32(hdr, 12, need);
	put_be64(hdr, 16, new_off);
	ret = q2_write_header_field(d, QH_SIZE, hdr, sizeof(hdr));
	if (!ret)
		ret = io_fdatasync(d->fd);
	if (ret)
		goto out;
	free(q->l1);
	q->l1 = buf;
	buf = NULL;
	q->l1_offset = new_off;
	q->l1_size = need;
	d->size = size;
	if (new_off + align_up(need * 8, cs) > q->file_end)
		q->file_end = new_off + align_up(need * 8, cs);
	for (uint64_t c = 0; c < old_n && old_off; c++) {
		ret = q2_free_later(d, old_off + c * cs);
		if (ret)
			goto out;
	}
	ret = q2_apply_frees(d);
	goto out;
write_size:
	if (!ret) {
		put_be64(hdr, 0, size);
		ret = q2_write_header_field(d, QH_SIZE, hdr, 8);
		if (!ret)
			ret = io_fdatasync(d->fd);
		if (!ret)
			d->size = size;
	}
out:
	pthread_mutex_unlock(&q->lock);
	free(buf);
	return ret;
}

/*
 * A new image: header cluster, refcount table, L1 table, then the
 * refcount blocks that cover all of these ("Host cluster management").
 */
int qcow2_create(const char *path, const struct vmm_disk_create_opts *o,
		 enum vmm_disk_format backing_fmt)
{
	uint64_t cs = o->cluster_size ? o->cluster_size : 65536;
	uint64_t l2_entries = cs / 8, rb_entries = cs * 8 / 16;
	uint64_t span, l1_size, l1c, rtc = 1, nrb = 1, total, pos;
	const char *bfmt = backing_fmt == VMM_DISK_FMT_AUTO ? NULL :
			   vmm_disk_format_name(backing_fmt);
	uint32_t bits = __builtin_ctzll(cs);
	char *buf;
	int fd, ret;

	if (cs < 512 || cs > (2u << 20) || (cs & (cs - 1)))
		return disk_err(-EINVAL, "qcow2: cluster size must be a power "
				"of two from 512 to 2M");
	span = l2_entries * cs;
	l1_size = o->size / span + (o->size % span != 0);
	if (l1_size * 8 > QCOW2_MAX_L1_BYTES)
		return disk_err(-EFBIG, "qcow2: virtual size too large for "
				"this cluster size");
	if (o->backing_file && strlen(o->backing_file) > QCOW2_MAX_BACKING_NAME)
		return disk_err(-ENAMETOOLONG, "qcow2: backing file name "
				"too long");
	l1c = align_up(l1_size * 8, cs) / cs;
	/* Enough refcount blocks for everything, themselves included, and a
	 * refcount table big enough to point to all of them. */
	for (;;) {
		total = 1 + rtc + l1c + nrb;
		if (nrb * rb_entries >= total && rtc * cs / 8 >= nrb)
			break;
		if (nrb * rb_entries < total)
			nrb++;
		else
			rtc++;
	}
	buf = calloc(1, (1 + rtc) * cs > nrb * cs ? (1 + rtc) * cs : nrb * cs);
	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = disk_err(-errno, "%s: %s", path, strerror(errno));
		free(buf);
		return ret;
	}
	/* Header ("Header", version 3, 112 bytes with compression type). */
	put_be32(buf, QH_MAGIC, QCOW2_MAGIC);
	put_be32(buf, QH_VERSION, 3);
	put_be32(buf, QH_CLUSTER_BITS, bits);
	put_be64(buf, QH_SIZE, o->size);
	put_be32(buf, QH_L1_SIZE, l1_size);
	put_be64(buf, QH_L1_OFFSET, (1 + rtc) * cs);
	put_be64(buf, QH_RT_OFFSET, cs);
	put_be32(buf, QH_RT_CLUSTERS, rtc);
	put_be32(buf, QH_REFCOUNT_ORDER, 4);
	put_be32(buf, QH_HEADER_LENGTH, 112);
	pos = 112;
	if (o->backing_file && bfmt) {
		put_be32(buf, pos, QEXT_BACKING_FORMAT);
		put_be32(buf, pos + 4, strlen(bfmt));
		memcpy(buf + pos + 8, bfmt, strlen(bfmt));
		pos += 8 + align_up(strlen(bfmt), 8);
	}
	pos += 8;		/* end of extensions */
	if (o->backing_file) {
		if (pos + strlen(o->backing_file) > cs) {
			ret = disk_err(-ENAMETOOLONG, "qcow2: backing file name "
				       "does not fit in the header cluster");
			goto fail;
		}
		put_be64(buf, QH_BACKING_OFFSET, pos);
		put_be32(buf, QH_BACKING_SIZE, strlen(o->backing_file));
		memcpy(buf + pos, o->backing_file, strlen(o->backing_file));
	}
	/* Refcount table: entries for the refcount blocks after the L1. */
	for (uint64_t j = 0; j < nrb; j++)
		put_be64(buf, cs + j * 8, (1 + rtc + l1c + j) * cs);
	ret = io_pwrite_full(fd, buf, (1 + rtc) * cs, 0);
	if (ret)
		goto fail_err;
	/* Refcount blocks (16-bit, big-endian): 1 for clusters [0, total). */
	memset(buf, 0, nrb * cs);
	for (uint64_t c = 0; c < total; c++)
		((uint8_t *)buf)[c * 2 + 1] = 1;
	ret = io_pwrite_full(fd, buf, nrb * cs, (1 + rtc + l1c) * cs);
	if (ret)
		goto fail_err;
	/* The L1 table is all zero: a hole in the file. */
	if (ftruncate(fd, total * cs) < 0 || fdatasync(fd) < 0) {
		ret = -errno;
		goto fail_err;
	}
	close(fd);
	free(buf);
	return 0;
fail_err:
	disk_err(ret, "%s: %s", path, strerror(-ret));
fail:
	close(fd);
	unlink(path);
	free(buf);
	return ret;
}
