// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_info.c - vmctl info: is vmm.ko loaded, which API version and
 * backend, which hardware features and capabilities it reports, and what
 * the host CPU offers for virtualization; as text or JSON.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvmm.h"
#include "util.h"
#include "vmctl.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	uint64_t bit;
	const char *name;
} features[] = {
	{ VMM_FEAT_NPT,			"npt" },
	{ VMM_FEAT_NRIPS,		"nrips" },
	{ VMM_FEAT_DECODE_ASSISTS,	"decode_assists" },
	{ VMM_FEAT_VMCB_CLEAN,		"vmcb_clean" },
	{ VMM_FEAT_FLUSH_BY_ASID,	"flush_by_asid" },
	{ VMM_FEAT_PAUSE_FILTER,	"pause_filter" },
	{ VMM_FEAT_AVIC,		"avic" },
	{ VMM_FEAT_EPT,			"ept" },
	{ VMM_FEAT_VPID,		"vpid" },
	{ VMM_FEAT_UNRESTRICTED,	"unrestricted_guest" },
	{ VMM_FEAT_PREEMPT_TIMER,	"preemption_timer" },
	{ VMM_FEAT_APICV,		"apicv" },
};

static const struct {
	unsigned int cap;
	const char *name;
} caps[] = {
	{ VMM_CAP_NR_MEMSLOTS,		"nr_memslots" },
	{ VMM_CAP_MAX_VCPUS,		"max_vcpus" },
	{ VMM_CAP_NESTED_PAGING,	"nested_paging" },
	{ VMM_CAP_REAL_MODE,		"real_mode" },
	{ VMM_CAP_IMMEDIATE_EXIT,	"immediate_exit" },
	{ VMM_CAP_MAX_CPUID,		"max_cpuid" },
	{ VMM_CAP_STRING_IO,		"string_io" },
	{ VMM_CAP_XSAVE,		"xsave" },
	{ VMM_CAP_HYPERCALL_EXIT,	"hypercall_exit" },
	{ VMM_CAP_LAPIC,		"lapic" },
};

/* The flags of /proc/cpuinfo that matter here, in this order. */
static const char *const cpu_flags[] = { "svm", "npt", "vmx", "ept" };

/* Which of cpu_flags the first CPU has ("flags" and "vmx flags" lines). */
static unsigned int host_cpu_flags(void)
{
	unsigned int found = 0, i;
	char *line = NULL, *tok, *save;
	size_t cap = 0;
	bool seen_flags = false;
	FILE *f;

	f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		bool flags = !strncmp(line, "flags", 5);
		bool vmx = !strncmp(line, "vmx flags", 9);

		if (!strncmp(line, "processor", 9) && seen_flags)
			break;		/* the first CPU speaks for all */
		if (!flags && !vmx)
			continue;
		seen_flags = true;
		tok = strchr(line, ':');
		if (!tok)
			continue;
		for (tok = strtok_r(tok + 1, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			for (i = 0; i < ARRAY_SIZE(cpu_flags); i++)
				if (!strcmp(tok, cpu_flags[i]))
					found |= 1U << i;
	}
	free(line);
	fclose(f);
	return found;
}

static void print_text(const struct vmm_info *info, const int *capv,
		       unsigned int host)
{
	unsigned int i;
	uint64_t rest = info->features;

	printf("module:        loaded\n");
	printf("api version:   %u%s\n", info->api_version,
	       info->api_version == VMM_API_VERSION ? "" :
	       " (vmctl speaks a different version)");
	printf("backend:       %s\n", info->backend_name);
	printf("features:     ");
	for (i = 0; i < ARRAY_SIZE(features); i++) {
		if (info->features & features[i].bit)
			printf(" %s", features[i].name);
		rest &= ~features[i].bit;
	}
	for (i = 0; i < 64; i++)
		if (rest & (1ULL << i))
			printf(" bit%u", i);
	printf("\n");
	printf("asids:         %u\n", info->nr_asids);
	printf("max vcpus:     %u\n", info->max_vcpus);
	printf("vms:           %u\n", info->nr_vms);
	printf("capabilities:\n");
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		if (capv[i] < 0)
			printf("  %-16s error: %s\n", caps[i].name,
			       strerror(-capv[i]));
		else
			printf("  %-16s %d\n", caps[i].name, capv[i]);
	}
	printf("host cpu:     ");
	for (i = 0; i < ARRAY_SIZE(cpu_flags); i++)
		if (host & (1U << i))
			printf(" %s", cpu_flags[i]);
	printf("%s\n", host ? "" : " no virtualization extensions");
}

static void print_host_json(unsigned int host)
{
	const char *sep = "";
	unsigned int i;

	printf("\"host_cpu\": [");
	for (i = 0; i < ARRAY_SIZE(cpu_flags); i++) {
		if (host & (1U << i)) {
			printf("%s\"%s\"", sep, cpu_flags[i]);
			sep = ", ";
		}
	}
	printf("]");
}

static void print_json(const struct vmm_info *info, const int *capv,
		       unsigned int host)
{
	const char *sep = "";
	unsigned int i;

	printf("{\"loaded\": true, \"api_version\": %u, \"backend\": ",
	       info->api_version);
	util_json_string(stdout, info->backend_name);
	printf(", \"backend_id\": %u, \"features\": [", info->backend);
	for (i = 0; i < ARRAY_SIZE(features); i++) {
		if (info->features & features[i].bit) {
			printf("%s\"%s\"", sep, features[i].name);
			sep = ", ";
		}
	}
	printf("], \"features_raw\": %llu, \"nr_asids\": %u, "
	       "\"max_vcpus\": %u, \"nr_vms\": %u, \"capabilities\": {",
	       (unsigned long long)info->features, info->nr_asids,
	       info->max_vcpus, info->nr_vms);
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		printf("%s\"%s\": %d", i ? ", " : "", caps[i].name,
		       capv[i] < 0 ? -1 : capv[i]);
	printf("}, ");
	print_host_json(host);
	printf("}\n");
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int capv[ARRAY_SIZE(caps)];
	struct vmm_info info;
	struct vmm_sys *sys;
	bool json = false;
	unsigned int i, host;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			vmctl_help(stdout, "info");
			return 0;
		default:
			errx(1, "info: unknown option '%s' (see vmctl info --help)",
			     argv[optind - 1]);
		}
	}
	if (optind < argc)
		errx(1, "info: unexpected argument '%s'", argv[optind]);

	host = host_cpu_flags();
	ret = vmm_sys_open(&sys);
	if (ret == -ENOENT) {
		if (json) {
			printf("{\"loaded\": false}\n");
			return 0;
		}
		errx(1, "vmm.ko is not loaded (no %s)", VMM_DEV_PATH);
	}
	if (ret) {
		errno = -ret;
		err(1, "%s", VMM_DEV_PATH);
	}
	ret = vmm_sys_info(sys, &info);
	if (ret) {
		errno = -ret;
		err(1, "%s: VMM_GET_INFO", VMM_DEV_PATH);
	}
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		capv[i] = vmm_sys_check_cap(sys, caps[i].cap);
	vmm_sys_close(sys);

	if (json)
		print_json(&info, capv, host);
	else
		print_text(&info, capv, host);
	return 0;
}
