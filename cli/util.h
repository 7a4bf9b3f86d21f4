/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - helpers shared by vmctl's verbs: number and size parsing,
 * size formatting, JSON string output.  None of them prints an error or
 * exits; the verb decides what to say.
 */
#ifndef VMCTL_UTIL_H
#define VMCTL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A number: decimal, or hexadecimal with 0x.  No sign, no suffix,
 * nothing after it.  0, or -EINVAL (not a number), -ERANGE (> 2^64 - 1).
 */
int util_parse_u64(const char *s, uint64_t *out);

/*
 * A size: a number as above, optionally followed by one of K, M, G, T
 * (binary: 1K = 1024; either case; an optional trailing B or iB, so
 * "64M", "64MB", "64MiB" and "0x4000000" are the same).
 * 0, or -EINVAL, -ERANGE.
 */
int util_parse_size(const char *s, uint64_t *out);

/*
 * Size as text: the largest unit that divides it exactly ("64M", "1536K",
 * "1G", "512"), written into buf of len bytes (24 is always enough).
 * Returns buf.
 */
char *util_format_size(uint64_t v, char *buf, size_t len);

/*
 * A CPU list, as taskset -c and the kernel's cpulist format write it:
 * comma-separated items, each a CPU number "N", a range "N-M" (N <= M)
 * or a range with a stride "N-M:S" (N, N+S, ... up to M), all decimal.
 * The CPUs are stored in *cpus in the order written, ranges expanded,
 * repeats kept ("2,0-1" is 2, 0, 1): the order is what --cpu-affinity
 * pins vCPUs by.  At most max entries; *nr is how many.
 * 0, or -EINVAL (syntax), -ERANGE (a CPU >= UTIL_CPULIST_MAX_CPU), -E2BIG
 * (more than max CPUs).
 */
#define UTIL_CPULIST_MAX_CPU	1024	/* glibc's CPU_SETSIZE */
int util_parse_cpulist(const char *s, unsigned int *cpus, unsigned int max,
		       unsigned int *nr);

/* s as a JSON string, with its quotes and RFC 8259 escapes. */
void util_json_string(FILE *f, const char *s);

#endif /* VMCTL_UTIL_H */
