// SPDX-License-Identifier: GPL-2.0-only
/*
 * util.c - helpers shared by vmctl's verbs (see util.h).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* Digits of s in base 10 or 16 (after 0x); *end past the last digit. */
static int parse_digits(const char *s, uint64_t *out, const char **end)
{
	unsigned int base = 10, d;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!isxdigit((unsigned char)*p))
		return -EINVAL;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	*end = p;
	return 0;
}

int util_parse_u64(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int ret;

	ret = parse_digits(s, &v, &end);
	if (ret)
		return ret;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int util_parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "kmgt";
	const char *end, *u;
	unsigned int shift = 0;
	uint64_t v;
	int ret;

	ret = parse_digits(s, &v, &end);
	if (ret)
		return ret;
	if (*end) {
		u = strchr(units, tolower((unsigned char)*end));
		if (!u)
			return -EINVAL;
		shift = 10 * (u - units + 1);
		end++;
		if (!strcasecmp(end, "ib") || !strcasecmp(end, "b"))
			end += strlen(end);
		if (*end)
			return -EINVAL;
	}
	if (shift && v > UINT64_MAX >> shift)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

char *util_format_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int i;

	for (i = 3; i >= 0; i--) {
		unsigned int shift = 10 * (i + 1);

		if (v && !(v & ((1ULL << shift) - 1))) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(v >> shift), units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* A decimal CPU number at *p; *p moves past it. */
static int parse_cpu(const char **p, unsigned int *out)
{
	unsigned long v = 0;
	const char *q = *p;

	if (!isdigit((unsigned char)*q))
		return -EINVAL;
	for (; isdigit((unsigned char)*q); q++) {
		v = v * 10 + (*q - '0');
		if (v >= UTIL_CPULIST_MAX_CPU)
			return -ERANGE;
	}
	*out = v;
	*p = q;
	return 0;
}

int util_parse_cpulist(const char *s, unsigned int *cpus, unsigned int max,
		       unsigned int *nr)
{
	const char *p = s;
	unsigned int n = 0;
	int ret;

	for (;;) {
		unsigned int first, last, stride = 1, c;

		ret = parse_cpu(&p, &first);
		if (ret)
			return ret;
		last = first;
		if (*p == '-') {
			p++;
			ret = parse_cpu(&p, &last);
			if (ret)
				return ret;
			if (last < first)
				return -EINVAL;
			if (*p == ':') {
				p++;
				ret = parse_cpu(&p, &stride);
				if (ret)
					return ret == -ERANGE ? -EINVAL : ret;
				if (!stride)
					return -EINVAL;
			}
		}
		if (*p != ',' && *p)
			return -EINVAL;
		for (c = first; c <= last; c += stride) {
			if (n == max)
				return -E2BIG;
			cpus[n++] = c;
		}
		if (!*p)
			break;
		p++;
	}
	*nr = n;
	return 0;
}

void util_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}
