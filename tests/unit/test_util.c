// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_util.c - unit tests of vmctl's shared helpers (cli/util.c, built
 * in here since vmctl is not a library): numbers, sizes, JSON strings,
 * CPU lists.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "../../cli/util.c"

START_TEST(numbers)
{
	uint64_t v = 0;

	ck_assert_int_eq(util_parse_u64("0", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(util_parse_u64("1048576", &v), 0);
	ck_assert_uint_eq(v, 1048576);
	ck_assert_int_eq(util_parse_u64("0x100000", &v), 0);
	ck_assert_uint_eq(v, 0x100000);
	ck_assert_int_eq(util_parse_u64("0XfE000000", &v), 0);
	ck_assert_uint_eq(v, 0xfe000000);
	/* Leading zero is decimal, not octal. */
	ck_assert_int_eq(util_parse_u64("010", &v), 0);
	ck_assert_uint_eq(v, 10);
	ck_assert_int_eq(util_parse_u64("18446744073709551615", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(util_parse_u64("0xffffffffffffffff", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);

	ck_assert_int_eq(util_parse_u64("18446744073709551616", &v), -ERANGE);
	ck_assert_int_eq(util_parse_u64("0x10000000000000000", &v), -ERANGE);
	ck_assert_int_eq(util_parse_u64("", &v), -EINVAL);
	ck_assert_int_eq(util_parse_u64("0x", &v), -EINVAL);
	ck_assert_int_eq(util_parse_u64("-1", &v), -EINVAL);
	ck_assert_int_eq(util_parse_u64(" 1", &v), -EINVAL);
	ck_assert_int_eq(util_parse_u64("1 ", &v), -EINVAL);
	ck_assert_int_eq(util_parse_u64("12ab", &v), -EINVAL);
	ck_assert_int_eq(util_parse_u64("1M", &v), -EINVAL);
}
END_TEST

START_TEST(sizes)
{
	uint64_t v = 0;

	ck_assert_int_eq(util_parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(util_parse_size("4K", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(util_parse_size("64M", &v), 0);
	ck_assert_uint_eq(v, 64ULL << 20);
	ck_assert_int_eq(util_parse_size("64m", &v), 0);
	ck_assert_uint_eq(v, 64ULL << 20);
	ck_assert_int_eq(util_parse_size("64MB", &v), 0);
	ck_assert_uint_eq(v, 64ULL << 20);
	ck_assert_int_eq(util_parse_size("64MiB", &v), 0);
	ck_assert_uint_eq(v, 64ULL << 20);
	ck_assert_int_eq(util_parse_size("1G", &v), 0);
	ck_assert_uint_eq(v, 1ULL << 30);
	ck_assert_int_eq(util_parse_size("2T", &v), 0);
	ck_assert_uint_eq(v, 2ULL << 40);
	ck_assert_int_eq(util_parse_size("0x10M", &v), 0);
	ck_assert_uint_eq(v, 16ULL << 20);

	ck_assert_int_eq(util_parse_size("16777216T", &v), -ERANGE);
	ck_assert_int_eq(util_parse_size("16777215T", &v), 0);
	ck_assert_int_eq(util_parse_size("M", &v), -EINVAL);
	ck_assert_int_eq(util_parse_size("1X", &v), -EINVAL);
	ck_assert_int_eq(util_parse_size("1MM", &v), -EINVAL);
	ck_assert_int_eq(util_parse_size("1Mx", &v), -EINVAL);
	ck_assert_int_eq(util_parse_size("1.5G", &v), -EINVAL);
	ck_assert_int_eq(util_parse_size("", &v), -EINVAL);
}
END_TEST

START_TEST(format_sizes)
{
	char buf[24];

	ck_assert_str_eq(util_format_size(64ULL << 20, buf, sizeof(buf)), "64M");
	ck_assert_str_eq(util_format_size(1ULL << 30, buf, sizeof(buf)), "1G");
	ck_assert_str_eq(util_format_size(1536 << 10, buf, sizeof(buf)), "1536K");
	ck_assert_str_eq(util_format_size(3ULL << 40, buf, sizeof(buf)), "3T");
	ck_assert_str_eq(util_format_size(512, buf, sizeof(buf)), "512");
	ck_assert_str_eq(util_format_size(0, buf, sizeof(buf)), "0");
	ck_assert_str_eq(util_format_size(UINT64_MAX, buf, sizeof(buf)),
			 "18446744073709551615");
}
END_TEST

static char *json(const char *s)
{
	static char out[256];
	FILE *f = fmemopen(out, sizeof(out), "w");

	util_json_string(f, s);
	fclose(f);
	return out;
}

START_TEST(json_strings)
{
	ck_assert_str_eq(json("svm"), "\"svm\"");
	ck_assert_str_eq(json(""), "\"\"");
	ck_assert_str_eq(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
	ck_assert_str_eq(json("l1\nl2\tx\r"), "\"l1\\nl2\\tx\\r\"");
	ck_assert_str_eq(json("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
	/* UTF-8 passes through. */
	ck_assert_str_eq(json("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}
END_TEST

/* Parse s into a string "a b c" for one-line comparisons. */
static const char *cpulist(const char *s, unsigned int max, int *ret)
{
	static char out[512];
	unsigned int cpus[64], nr = 0, i;
	size_t n = 0;

	ck_assert_uint_le(max, 64);
	out[0] = '\0';
	*ret = util_parse_cpulist(s, cpus, max, &nr);
	for (i = 0; !*ret && i < nr; i++)
		n += snprintf(out + n, sizeof(out) - n, "%s%u", i ? " " : "",
			      cpus[i]);
	return out;
}

START_TEST(cpulists)
{
	unsigned int cpus[4] = { 7, 7, 7, 7 }, nr = 99;
	int ret;

	ck_assert_str_eq(cpulist("0", 64, &ret), "0");
	ck_assert_int_eq(ret, 0);
	ck_assert_str_eq(cpulist("0-3,6", 64, &ret), "0 1 2 3 6");
	ck_assert_int_eq(ret, 0);
	ck_assert_str_eq(cpulist("6,0-1", 64, &ret), "6 0 1");
	ck_assert_str_eq(cpulist("1,1", 64, &ret), "1 1");
	ck_assert_str_eq(cpulist("3-3", 64, &ret), "3");
	ck_assert_str_eq(cpulist("0-10:4", 64, &ret), "0 4 8");
	ck_assert_str_eq(cpulist("1-2:5,9", 64, &ret), "1 9");
	ck_assert_str_eq(cpulist("1023", 64, &ret), "1023");
	ck_assert_int_eq(ret, 0);
	/* Exactly max CPUs fit, one more does not. */
	cpulist("0-3", 4, &ret);
	ck_assert_int_eq(ret, 0);
	cpulist("0-4", 4, &ret);
	ck_assert_int_eq(ret, -E2BIG);

	static const char *const bad[] = {
		"", ",", "0,", ",0", "0,,1", "-1", "1-", "3-1", "0-3:",
		"0-3:0", "0:2", "a", "0x1", " 0", "0 ", "1-2-3", "+1",
		"0-3:1:1",
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cpulist(bad[i], 64, &ret);
		ck_assert_msg(ret == -EINVAL, "'%s': %d", bad[i], ret);
	}
	cpulist("1024", 64, &ret);
	ck_assert_int_eq(ret, -ERANGE);
	cpulist("0-99999999999999999999", 64, &ret);
	ck_assert_int_eq(ret, -ERANGE);

	/* A failed parse leaves *nr alone. */
	ck_assert_int_eq(util_parse_cpulist("0,x", cpus, 4, &nr), -EINVAL);
	ck_assert_uint_eq(nr, 99);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, numbers);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, format_sizes);
	tcase_add_test(tc, json_strings);
	tcase_add_test(tc, cpulists);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
