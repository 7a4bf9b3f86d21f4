// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.c - test results and the end of a test guest.
 *
 * Output format, read by tests/lab/lab-init.sh:
 *     PASS: what          one per report() whose condition holds
 *     FAIL: what          one per report() whose condition does not
 *     SKIP: what          report_skip(), not counted
 *     SUMMARY: N tests, M failures
 * then the guest writes 0 (no failure) or 1 to the exit port, so vmctl
 * exits with status 1 or 3.
 */
#include "libtest.h"

static unsigned int tests, failures;

static void vreport(const char *tag, const char *fmt, va_list ap)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	printf("%s: %s\n", tag, buf);
}

bool report(bool cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failures++;
	va_start(ap, fmt);
	vreport(cond ? "PASS" : "FAIL", fmt, ap);
	va_end(ap);
	return cond;
}

void report_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("SKIP", fmt, ap);
	va_end(ap);
}

int report_summary(void)
{
	printf("SUMMARY: %u tests, %u failures\n", tests, failures);
	return failures ? 1 : 0;
}

void exit(int code)
{
	outb(EXIT_PORT, (u8)code);
	/*
	 * Only reached if the exit port did nothing.  Halting with
	 * interrupts off makes vmctl exit with status 0, which the harness
	 * never expects from a test that ends here.
	 */
	for (;;)
		asm volatile("cli; hlt");
}
