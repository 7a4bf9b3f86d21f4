// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of lib/disk: size parsing, raw and qcow2 read/write/reopen,
 * thin provisioning, discard and write-zeroes, backing files, feature
 * refusal, check and resize.  qemu-img interoperability is in
 * tests/host/disk-*.sh.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/disk.h"

static char dir[64];

static const char *p(const char *name)
{
	static char buf[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void setup(void)
{
	strcpy(dir, "/tmp/vmm-test-disk.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct vmm_disk *mk(const char *name, enum vmm_disk_format fmt,
			   uint64_t size, const char *backing)
{
	struct vmm_disk_create_opts o = { .format = fmt, .size = size,
					  .backing_file = backing };
	struct vmm_disk *d;

	ck_assert_msg(vmm_disk_create(p(name), &o) == 0, "%s",
		      vmm_disk_strerror());
	ck_assert_int_eq(vmm_disk_open(&d, p(name), VMM_DISK_FMT_AUTO,
				       VMM_DISK_RDWR), 0);
	return d;
}

START_TEST(parse_size)
{
	uint64_t v;

	ck_assert_int_eq(vmm_disk_parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(vmm_disk_parse_size("10G", &v), 0);
	ck_assert_uint_eq(v, 10ull << 30);
	ck_assert_int_eq(vmm_disk_parse_size("512MiB", &v), 0);
	ck_assert_uint_eq(v, 512ull << 20);
	ck_assert_int_eq(vmm_disk_parse_size("2t", &v), 0);
	ck_assert_uint_eq(v, 2ull << 40);
	ck_assert_int_lt(vmm_disk_parse_size("", &v), 0);
	ck_assert_int_lt(vmm_disk_parse_size("-1", &v), 0);
	ck_assert_int_lt(vmm_disk_parse_size("12X", &v), 0);
	ck_assert_int_lt(vmm_disk_parse_size("99999999999T", &v), 0);
}
END_TEST

static void rw_roundtrip(enum vmm_disk_format fmt)
{
	static char a[200000], b[200000];
	struct vmm_disk *d = mk("img", fmt, 64 << 20, NULL);

	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = i * 7 + 3;
	ck_assert_int_eq(vmm_disk_write(d, a, sizeof(a), 12345 * 512), 0);
	ck_assert_int_eq(vmm_disk_write(d, a, 100, (64 << 20) - 100), 0);
	ck_assert_int_lt(vmm_disk_write(d, a, 101, (64 << 20) - 100), 0);
	ck_assert_int_eq(vmm_disk_close(d), 0);
	ck_assert_int_eq(vmm_disk_open(&d, p("img"), VMM_DISK_FMT_AUTO, 0), 0);
	ck_assert_int_eq(vmm_disk_format(d), fmt);
	ck_assert_int_eq(vmm_disk_read(d, b, sizeof(b), 12345 * 512), 0);
	ck_assert(!memcmp(a, b, sizeof(a)));
	ck_assert_int_eq(vmm_disk_read(d, b, 4096, 0), 0);
	for (int i = 0; i < 4096; i++)
		ck_assert_int_eq(b[i], 0);
	ck_assert_int_lt(vmm_disk_write(d, a, 512, 0), 0);	/* read-only */
	vmm_disk_close(d);
}

START_TEST(raw_rw)
{
	rw_roundtrip(VMM_DISK_FMT_RAW);
}
END_TEST

START_TEST(qcow2_rw)
{
	rw_roundtrip(VMM_DISK_FMT_QCOW2);
}
END_TEST

START_TEST(thin)
{
	struct vmm_disk *d = mk("big", VMM_DISK_FMT_QCOW2, 100ull << 30, NULL);
	struct vmm_disk_info in;
	struct stat st;
	char buf[4096] = "x";

	ck_assert_int_eq(vmm_disk_write(d, buf, sizeof(buf), 50ull << 30), 0);
	ck_assert_int_eq(vmm_disk_get_info(d, &in), 0);
	ck_assert_uint_eq(in.virtual_size, 100ull << 30);
	ck_assert(!in.dirty);	/* as found at open: closed cleanly */
	ck_assert_int_eq(vmm_disk_close(d), 0);
	ck_assert_int_eq(stat(p("big"), &st), 0);
	ck_assert_uint_lt((uint64_t)st.st_blocks * 512, 1 << 20);
}
END_TEST

START_TEST(discard_zero)
{
	struct vmm_disk *d = mk("z", VMM_DISK_FMT_QCOW2, 16 << 20, NULL);
	static char buf[1 << 20];
	uint64_t pnum;
	struct stat st1, st2;

	memset(buf, 0x5a, sizeof(buf));
	ck_assert_int_eq(vmm_disk_write(d, buf, sizeof(buf), 0), 0);
	ck_assert_int_eq(vmm_disk_block_status(d, 0, 1 << 20, &pnum),
			 VMM_DISK_DATA);
	ck_assert_int_eq(vmm_disk_flush(d), 0);
	fstat(open(p("z"), O_RDONLY), &st1);
	ck_assert_int_eq(vmm_disk_discard(d, 0, 512 << 10), 0);
	ck_assert_int_eq(vmm_disk_write_zeroes(d, 512 << 10, 1000), 0);
	ck_assert_int_eq(vmm_disk_flush(d), 0);
	fstat(open(p("z"), O_RDONLY), &st2);
	ck_assert_int_lt(st2.st_blocks, st1.st_blocks);	/* space came back */
	ck_assert_int_eq(vmm_disk_read(d, buf, sizeof(buf), 0), 0);
	for (int i = 0; i < (512 << 10) + 1000; i++)
		ck_assert_int_eq(buf[i], 0);
	ck_assert_int_eq(buf[(512 << 10) + 1000], 0x5a);
	ck_assert_int_eq(vmm_disk_close(d), 0);
}
END_TEST

START_TEST(backing)
{
	struct vmm_disk *b = mk("base", VMM_DISK_FMT_RAW, 8 << 20, NULL);
	struct vmm_disk *o;
	char buf[8192];

	memset(buf, 1, sizeof(buf));
	ck_assert_int_eq(vmm_disk_write(b, buf, sizeof(buf), 0), 0);
	vmm_disk_close(b);
	o = mk("top", VMM_DISK_FMT_QCOW2, 0, "base");
	ck_assert_uint_eq(vmm_disk_size(o), 8 << 20);
	ck_assert_ptr_nonnull(vmm_disk_backing(o));
	memset(buf, 2, 512);
	ck_assert_int_eq(vmm_disk_write(o, buf, 512, 1024), 0);
	ck_assert_int_eq(vmm_disk_read(o, buf, sizeof(buf), 0), 0);
	ck_assert_int_eq(buf[0], 1);
	ck_assert_int_eq(buf[1024], 2);
	ck_assert_int_eq(buf[1536], 1);	/* copied from the base on write */
	ck_assert_int_eq(vmm_disk_close(o), 0);
	ck_assert_int_eq(vmm_disk_open(&o, p("top"), VMM_DISK_FMT_AUTO,
				       VMM_DISK_RDWR), 0);
	ck_assert_int_eq(vmm_disk_commit(o, NULL, NULL), 0);
	ck_assert_int_eq(vmm_disk_close(o), 0);
	ck_assert_int_eq(vmm_disk_open(&b, p("base"), VMM_DISK_FMT_RAW, 0), 0);
	ck_assert_int_eq(vmm_disk_read(b, buf, 2048, 0), 0);
	ck_assert_int_eq(buf[1024], 2);
	vmm_disk_close(b);
}
END_TEST

START_TEST(refuse_unknown)
{
	struct vmm_disk *d = mk("u", VMM_DISK_FMT_QCOW2, 1 << 20, NULL);
	unsigned char bit = 0x20;	/* incompatible bit 5 */
	int fd;

	vmm_disk_close(d);
	fd = open(p("u"), O_WRONLY);
	ck_assert_int_eq(pwrite(fd, &bit, 1, 72 + 7), 1);
	close(fd);
	ck_assert_int_lt(vmm_disk_open(&d, p("u"), VMM_DISK_FMT_AUTO, 0), 0);
	ck_assert_ptr_nonnull(strstr(vmm_disk_strerror(),
				     "unknown incompatible feature bit 5"));
}
END_TEST

START_TEST(check_resize)
{
	struct vmm_disk *d = mk("c", VMM_DISK_FMT_QCOW2, 1 << 20, NULL);
	struct vmm_disk_check r;
	char buf[4096] = "data";

	ck_assert_int_eq(vmm_disk_write(d, buf, sizeof(buf), 0), 0);
	ck_assert_int_eq(vmm_disk_resize(d, 1ull << 40), 0);
	ck_assert_int_eq(vmm_disk_write(d, buf, sizeof(buf),
					(1ull << 40) - 4096), 0);
	ck_assert_int_eq(vmm_disk_close(d), 0);
	ck_assert_int_eq(vmm_disk_check(p("c"), false, &r), 0);
	ck_assert_uint_eq(r.corruptions, 0);
	ck_assert_uint_eq(r.leaks, 0);
	ck_assert_uint_eq(r.allocated_clusters, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("disk");
	TCase *tc = tcase_create("disk");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parse_size);
	tcase_add_test(tc, raw_rw);
	tcase_add_test(tc, qcow2_rw);
	tcase_add_test(tc, thin);
	tcase_add_test(tc, discard_zero);
	tcase_add_test(tc, backing);
	tcase_add_test(tc, refuse_unknown);
	tcase_add_test(tc, check_resize);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
