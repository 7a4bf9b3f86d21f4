// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmctl disk: create, inspect, snapshot, commit, convert, check and
 * resize raw and qcow2 disk images (lib/disk).  One table of sub-verbs
 * gives both the dispatch and the usage text; see vmctl-disk(8).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/disk.h"

#if defined(__has_include)
#if __has_include("vmctl.h")
#include "vmctl.h"
#endif
#endif

int cmd_disk(int argc, char **argv);

struct verb {
	const char *name;
	const char *args;
	const char *help;
	int (*fn)(int argc, char **argv);
};

static const struct verb *cur;

static void usage_verb(FILE *f, const struct verb *v)
{
	fprintf(f, "usage: vmctl disk %s %s\n  %s\n", v->name, v->args, v->help);
}

/* Exit status 1 with the verb's usage. */
static int bad_usage(void)
{
	usage_verb(stderr, cur);
	return 1;
}

static enum vmm_disk_format parse_format(const char *s)
{
	if (!strcmp(s, "qcow2"))
		return VMM_DISK_FMT_QCOW2;
	if (!strcmp(s, "raw"))
		return VMM_DISK_FMT_RAW;
	errx(1, "unknown format '%s' (qcow2 or raw)", s);
}

static uint64_t parse_size_or_die(const char *s)
{
	uint64_t v;

	if (vmm_disk_parse_size(s, &v))
		errx(1, "%s", vmm_disk_strerror());
	return v;
}

static const char *human(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB",
					    "PiB", "EiB" };
	double x = v;
	int u = 0;

	while (x >= 1024 && u < 6) {
		x /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", v);
	else
		snprintf(buf, len, "%.3g %s", x, unit[u]);
	return buf;
}

/* Fails with the library's explanation of the last error. */
static void __attribute__((noreturn)) die_disk(int ret, const char *what)
{
	const char *msg = vmm_disk_strerror();

	if (msg && strcmp(msg, "no error"))
		errx(1, "%s: %s", what, msg);
	errx(1, "%s: %s", what, strerror(-ret));
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* Options shared by all verbs: only --help. */
#define HELP_OPT { "help", no_argument, NULL, 'h' }

static int do_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "backing", required_argument, NULL, 'b' },
		{ "backing-format", required_argument, NULL, 'F' },
		{ "cluster-size", required_argument, NULL, 'c' },
		HELP_OPT, { 0 }
	};
	struct vmm_disk_create_opts o = { .format = VMM_DISK_FMT_QCOW2 };
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "f:b:F:c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			o.format = parse_format(optarg);
			break;
		case 'b':
			o.backing_file = optarg;
			break;
		case 'F':
			o.backing_format = parse_format(optarg);
			break;
		case 'c':
			o.cluster_size = parse_size_or_die(optarg);
			break;
		case 'h':
			usage_verb(stdout, cur);
			return 0;
		default:
			return bad_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2 || (argc == 1 && !o.backing_file))
		return bad_usage();
	if (argc == 2)
		o.size = parse_size_or_die(argv[1]);
	ret = vmm_disk_create(argv[0], &o);
	if (ret)
		die_disk(ret, argv[0]);
	return 0;
}

static int do_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' }, HELP_OPT, { 0 }
	};
	struct vmm_disk *d, *b;
	struct vmm_disk_info in;
	bool json = false;
	char h1[32], h2[32];
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage_verb(stdout, cur);
			return 0;
		default:
			return bad_usage();
		}
	}
	if (argc - optind != 1)
		return bad_usage();
	ret = vmm_disk_open(&d, argv[optind], VMM_DISK_FMT_AUTO, 0);
	if (ret)
		die_disk(ret, argv[optind]);
	vmm_disk_get_info(d, &in);
	if (json) {
		printf("{\"filename\": ");
		json_string(stdout, argv[optind]);
		printf(", \"format\": \"%s\", \"virtual-size\": %" PRIu64
		       ", \"allocated-bytes\": %" PRIu64 ", \"file-size\": %"
		       PRIu64, vmm_disk_format_name(in.format), in.virtual_size,
		       in.allocated_bytes, in.file_size);
		if (in.format == VMM_DISK_FMT_QCOW2)
			printf(", \"cluster-size\": %u, \"qcow2-version\": %u, "
			       "\"refcount-bits\": %u, \"dirty\": %s",
			       in.cluster_size, in.qcow2_version,
			       in.refcount_bits, in.dirty ? "true" : "false");
		if (in.backing_file[0]) {
			printf(", \"backing-file\": ");
			json_string(stdout, in.backing_file);
		}
		printf(", \"backing-chain\": [");
		for (b = vmm_disk_backing(d); b; b = vmm_disk_backing(b)) {
			struct vmm_disk_info bi;

			vmm_disk_get_info(b, &bi);
			printf("%s{\"filename\": ", b == vmm_disk_backing(d) ?
			       "" : ", ");
			json_string(stdout, vmm_disk_path(b));
			printf(", \"format\": \"%s\", \"virtual-size\": %" PRIu64
			       ", \"allocated-bytes\": %" PRIu64 "}",
			       vmm_disk_format_name(bi.format), bi.virtual_size,
			       bi.allocated_bytes);
		}
		printf("]}\n");
	} else {
		printf("image: %s\nformat: %s\n", argv[optind],
		       vmm_disk_format_name(in.format));
		printf("virtual size: %s (%" PRIu64 " bytes)\n",
		       human(in.virtual_size, h1, sizeof(h1)), in.virtual_size);
		printf("allocated: %s (%" PRIu64 " bytes)\n",
		       human(in.allocated_bytes, h2, sizeof(h2)),
		       in.allocated_bytes);
		if (in.format == VMM_DISK_FMT_QCOW2) {
			printf("cluster size: %u\nqcow2 version: %u\n"
			       "refcount bits: %u\n", in.cluster_size,
			       in.qcow2_version, in.refcount_bits);
			if (in.dirty)
				printf("dirty: yes (not closed cleanly)\n");
		}
		if (in.backing_file[0])
			printf("backing file: %s%s%s%s\n", in.backing_file,
			       in.backing_format[0] ? " (format " : "",
			       in.backing_format, in.backing_format[0] ? ")" : "");
		if (vmm_disk_backing(d))
			printf("backing chain:\n");
		for (b = vmm_disk_backing(d); b; b = vmm_disk_backing(b))
			printf("  %s (%s, %s)\n", vmm_disk_path(b),
			       vmm_disk_format_name(vmm_disk_format(b)),
			       human(vmm_disk_size(b), h1, sizeof(h1)));
	}
	vmm_disk_close(d);
	return 0;
}

/*
 * The name to store for backing file base in an overlay at path: qcow2
 * resolves it relative to the overlay's directory, so a relative name
 * that means something else from there becomes absolute.
 */
static char *backing_name_for(const char *path, const char *base)
{
	const char *slash = strrchr(path, '/');
	char *abs;

	if (base[0] == '/' || !slash)
		return strdup(base);
	abs = realpath(base, NULL);
	if (!abs)
		err(1, "%s", base);
	return abs;
}

static int do_snapshot(int argc, char **argv)
{
	static const struct option opts[] = { HELP_OPT, { 0 } };
	struct vmm_disk_create_opts o = { .format = VMM_DISK_FMT_QCOW2 };
	struct vmm_disk *d;
	char *name;
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch != 'h')
			return bad_usage();
		usage_verb(stdout, cur);
		return 0;
	}
	if (argc - optind != 2)
		return bad_usage();
	/* The base keeps its format; the overlay is always qcow2. */
	ret = vmm_disk_open(&d, argv[optind], VMM_DISK_FMT_AUTO, 0);
	if (ret)
		die_disk(ret, argv[optind]);
	o.backing_format = vmm_disk_format(d);
	o.size = vmm_disk_size(d);
	vmm_disk_close(d);
	name = backing_name_for(argv[optind + 1], argv[optind]);
	o.backing_file = name;
	ret = vmm_disk_create(argv[optind + 1], &o);
	free(name);
	if (ret)
		die_disk(ret, argv[optind + 1]);
	return 0;
}

static int show_progress(uint64_t done, uint64_t total, void *arg)
{
	int *last = arg, pct = total ? (int)(done * 100 / total) : 100;
	char bar[41];

	if (pct == *last)
		return 0;
	*last = pct;
	memset(bar, '#', pct * 40 / 100);
	memset(bar + pct * 40 / 100, ' ', 40 - pct * 40 / 100);
	bar[40] = 0;
	fprintf(stderr, "\r[%s] %3d%%", bar, pct);
	if (pct == 100)
		fputc('\n', stderr);
	return 0;
}

static int do_commit(int argc, char **argv)
{
	static const struct option opts[] = { HELP_OPT, { 0 } };
	struct vmm_disk *d;
	int ch, ret, last = -1;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch != 'h')
			return bad_usage();
		usage_verb(stdout, cur);
		return 0;
	}
	if (argc - optind != 1)
		return bad_usage();
	ret = vmm_disk_open(&d, argv[optind], VMM_DISK_FMT_AUTO,
			    VMM_DISK_RDWR);
	if (ret)
		die_disk(ret, argv[optind]);
	ret = vmm_disk_commit(d, isatty(2) ? show_progress : NULL, &last);
	if (ret) {
		warnx("%s: commit failed: %s", argv[optind],
		      vmm_disk_strerror());
		vmm_disk_close(d);
		return 1;
	}
	ret = vmm_disk_close(d);
	if (ret)
		die_disk(ret, argv[optind]);
	return 0;
}

static int do_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "cluster-size", required_argument, NULL, 'c' },
		HELP_OPT, { 0 }
	};
	struct vmm_disk_create_opts o = { 0 };
	struct vmm_disk *in, *out;
	int ch, ret, last = -1;

	while ((ch = getopt_long(argc, argv, "f:O:c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
		case 'O':
			o.format = parse_format(optarg);
			break;
		case 'c':
			o.cluster_size = parse_size_or_die(optarg);
			break;
		case 'h':
			usage_verb(stdout, cur);
			return 0;
		default:
			return bad_usage();
		}
	}
	if (argc - optind != 2)
		return bad_usage();
	ret = vmm_disk_open(&in, argv[optind], VMM_DISK_FMT_AUTO, 0);
	if (ret)
		die_disk(ret, argv[optind]);
	if (o.format == VMM_DISK_FMT_AUTO)
		o.format = vmm_disk_format(in);
	o.size = vmm_disk_size(in);
	ret = vmm_disk_create(argv[optind + 1], &o);
	if (ret)
		die_disk(ret, argv[optind + 1]);
	ret = vmm_disk_open(&out, argv[optind + 1], o.format, VMM_DISK_RDWR);
	if (ret)
		die_disk(ret, argv[optind + 1]);
	ret = vmm_disk_copy(in, out, isatty(2) ? show_progress : NULL, &last);
	if (ret) {
		warnx("convert: %s", vmm_disk_strerror());
		vmm_disk_close(out);
		vmm_disk_close(in);
		unlink(argv[optind + 1]);
		return 1;
	}
	vmm_disk_close(in);
	ret = vmm_disk_close(out);
	if (ret)
		die_disk(ret, argv[optind + 1]);
	return 0;
}

/* Exit status as qemu-img check: 0 clean, 2 corrupt, 3 leaks only. */
static int do_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repair", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		HELP_OPT, { 0 }
	};
	struct vmm_disk_check r;
	bool repair = false, json = false;
	uint64_t left;
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "rjh", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			repair = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage_verb(stdout, cur);
			return 0;
		default:
			return bad_usage();
		}
	}
	if (argc - optind != 1)
		return bad_usage();
	ret = vmm_disk_check(argv[optind], repair, &r);
	if (ret == -EINVAL || ret == -EIO) {
		/* The image did not even open: its structure is broken. */
		warnx("%s: %s", argv[optind], vmm_disk_strerror());
		return 2;
	}
	if (ret)
		die_disk(ret, argv[optind]);
	left = r.leaks - r.leaks_fixed;
	if (json) {
		printf("{\"filename\": ");
		json_string(stdout, argv[optind]);
		printf(", \"corruptions\": %" PRIu64 ", \"leaks\": %" PRIu64
		       ", \"leaks-fixed\": %" PRIu64 ", \"allocated-clusters\": %"
		       PRIu64 ", \"total-clusters\": %" PRIu64 "}\n",
		       r.corruptions, r.leaks, r.leaks_fixed,
		       r.allocated_clusters, r.total_clusters);
	} else {
		if (r.corruptions)
			printf("%" PRIu64 " errors found; first: %s\n",
			       r.corruptions, r.first_error);
		if (r.leaks)
			printf("%" PRIu64 " leaked clusters, %" PRIu64
			       " repaired\n", r.leaks, r.leaks_fixed);
		if (!r.corruptions && !left)
			printf("No errors were found on the image.\n");
		printf("%" PRIu64 "/%" PRIu64 " clusters allocated\n",
		       r.allocated_clusters, r.total_clusters);
	}
	return r.corruptions ? 2 : left ? 3 : 0;
}

static int do_resize(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "shrink", no_argument, NULL, 's' }, HELP_OPT, { 0 }
	};
	struct vmm_disk *d;
	bool shrink = false;
	uint64_t size;
	const char *arg;
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "sh", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			shrink = true;
			break;
		case 'h':
			usage_verb(stdout, cur);
			return 0;
		default:
			return bad_usage();
		}
	}
	if (argc - optind != 2)
		return bad_usage();
	ret = vmm_disk_open(&d, argv[optind], VMM_DISK_FMT_AUTO,
			    VMM_DISK_RDWR);
	if (ret)
		die_disk(ret, argv[optind]);
	arg = argv[optind + 1];
	size = parse_size_or_die(arg[0] == '+' ? arg + 1 : arg);
	if (arg[0] == '+')
		size += vmm_disk_size(d);
	if (size < vmm_disk_size(d) && !shrink) {
		vmm_disk_close(d);
		errx(1, "%s: shrinking loses data; use --shrink", argv[optind]);
	}
	ret = vmm_disk_resize(d, size);
	if (ret) {
		warnx("%s: %s", argv[optind], vmm_disk_strerror());
		vmm_disk_close(d);
		return 1;
	}
	ret = vmm_disk_close(d);
	if (ret)
		die_disk(ret, argv[optind]);
	return 0;
}

static const struct verb verbs[] = {
	{ "create", "FILE [SIZE] [--format qcow2|raw] [--backing BASE] "
	  "[--backing-format FMT] [--cluster-size SIZE]",
	  "create an empty image (SIZE may be omitted with --backing)",
	  do_create },
	{ "info", "FILE [--json]",
	  "show format, virtual size, allocated bytes and backing chain",
	  do_info },
	{ "snapshot", "FILE NEW",
	  "create the qcow2 overlay NEW on top of FILE", do_snapshot },
	{ "commit", "FILE",
	  "merge the overlay FILE into its backing file, then empty it",
	  do_commit },
	{ "convert", "IN OUT [--format qcow2|raw] [--cluster-size SIZE]",
	  "copy IN (with its backing chain) into a new image OUT", do_convert },
	{ "check", "FILE [--repair] [--json]",
	  "look for leaks and corruption; --repair gives leaked clusters back",
	  do_check },
	{ "resize", "FILE [+]SIZE [--shrink]",
	  "change the virtual size (qcow2 images only grow)", do_resize },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vmctl disk VERB [ARGS]\n\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-9s %s\n            %s\n", verbs[i].name,
			verbs[i].args, verbs[i].help);
	fprintf(f, "\nSizes take a K, M, G or T suffix (powers of 1024). "
		"See vmctl-disk(8).\n");
}

int cmd_disk(int argc, char **argv)
{
	const struct verb *v = NULL;
	size_t n;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	/* Exact names first, then unambiguous prefixes. */
	n = strlen(argv[1]);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (!strcmp(verbs[i].name, argv[1])) {
			v = &verbs[i];
			break;
		}
		if (!strncmp(verbs[i].name, argv[1], n)) {
			if (v)
				errx(1, "ambiguous verb '%s'", argv[1]);
			v = &verbs[i];
		}
	}
	if (!v) {
		warnx("unknown disk verb '%s'", argv[1]);
		usage(stderr);
		return 1;
	}
	cur = v;
	optind = 0;	/* GNU: restart getopt for the verb's own options */
	return v->fn(argc - 1, argv + 1);
}
