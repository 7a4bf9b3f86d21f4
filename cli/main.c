// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - vmctl's command table: verb name -> function, usage and help,
 * which also produces every usage text.  Verbs may be abbreviated to any
 * unambiguous prefix ("vmctl i" is "vmctl info").
 */
#include <err.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"

struct vmctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;	/* after "vmctl <name> " */
	const char *help;	/* one line */
	const char *details;	/* options, for "vmctl help <name>", or NULL */
	bool own_help;		/* has sub-verbs: it answers --help itself */
};

static const struct vmctl_cmd cmds[] = {
	{
		.name = "disk", .fn = cmd_disk,
		.args = "create|info|snapshot|commit|convert|check|resize ...",
		.help = "create and inspect disk images; see vmctl-disk(8)",
		.own_help = true,
	},
	{
		.name = "info", .fn = cmd_info,
		.args = "[--json]",
		.help = "show the module, its backend, features and capabilities",
		.details =
		"  --json              machine-readable output\n",
	},
	{
		.name = "run", .fn = cmd_run,
		.args = "--flat FILE [--load-addr ADDR] [--entry ADDR]\n"
			"                 [--mode real|protected|long] [--memory SIZE]\n"
			"                 [--cpus N] [--cpu-affinity LIST] [--no-lapic]\n"
			"                 [--testdev] [--hypercall exit|ud]\n"
			"       vmctl run --kernel FILE [--append STRING]\n"
			"                 [--module FILE[,STRING]]... [--memory SIZE]\n"
			"                 [--cpus N] [--cpu-affinity LIST] [--no-lapic]\n"
			"                 [--testdev] [--hypercall exit|ud]",
		.help = "run a raw binary or a kernel in the foreground, serial console on the terminal",
		.details =
		"  --flat FILE         the raw binary to load\n"
		"  --load-addr ADDR    guest-physical load address (default 0x100000,\n"
		"                      0x10000 in real mode)\n"
		"  --entry ADDR        entry point (default: the load address)\n"
		"  --mode MODE         real, protected or long (default long)\n"
		"  --kernel FILE       a kernel; its format picks the loader\n"
		"                      (multiboot ELF32)\n"
		"  --append STRING     the kernel's command line\n"
		"  --module FILE[,STRING]  a multiboot module and its string\n"
		"                      (default: FILE); may be repeated\n"
		"  --memory SIZE       guest RAM, with K/M/G suffixes (default 64M)\n"
		"  --cpus N            vCPUs, 1-64 (default 1); vCPU 0 boots, the\n"
		"                      others wait for the guest's INIT/SIPI (needs\n"
		"                      the in-kernel local APIC)\n"
		"  --cpu-affinity LIST pin vCPU i's thread to the i-th host CPU of\n"
		"                      LIST (taskset -c syntax: 0-3,6 or 0-7:2),\n"
		"                      wrapping around when LIST is shorter\n"
		"  --testdev           add the test device (ports 0xe0-0xe4, MMIO\n"
		"                      0xfe000000)\n"
		"  --hypercall exit|ud VMCALL/VMMCALL: hypercalls 1 (sum), 2 (print)\n"
		"                      and 3 come to vmctl, others return ENOSYS;\n"
		"                      or #UD in the guest (ud, the default)\n"
		"  --no-lapic          no in-kernel local APIC even when the module has\n"
		"                      one (VMM_CAP_LAPIC): HLT then comes to vmctl\n"
		"Always present: COM1 at 0x3f8, the exit port 0xf4, fw_cfg at 0x510\n"
		"(key 5: the number of vCPUs).  vCPU threads are named vcpu/N.\n"
		"Exit status: the guest's exit port value v as (v << 1) | 1; 0 when it\n"
		"halts; 2 on a triple fault; 4 on a vmm error; 128+N on signal N.\n",
	},
};

#define NR_CMDS	(sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vmctl [--help] command [arg ...]\n"
		   "       vmctl help command\n\ncommands:\n");
	for (i = 0; i < NR_CMDS; i++)
		fprintf(f, "  %-6s %s\n", cmds[i].name, cmds[i].help);
}

/* The verb named by s or an unambiguous prefix of it; NULL otherwise. */
static const struct vmctl_cmd *lookup(const char *s, bool *ambiguous)
{
	const struct vmctl_cmd *found = NULL;
	size_t i, n = strlen(s);

	*ambiguous = false;
	if (!n)
		return NULL;
	for (i = 0; i < NR_CMDS; i++) {
		if (!strcmp(cmds[i].name, s))
			return &cmds[i];
		if (!strncmp(cmds[i].name, s, n)) {
			if (found)
				*ambiguous = true;
			found = &cmds[i];
		}
	}
	return *ambiguous ? NULL : found;
}

static const struct vmctl_cmd *lookup_or_die(const char *s)
{
	const struct vmctl_cmd *c;
	bool ambiguous;

	c = lookup(s, &ambiguous);
	if (!c)
		errx(1, "%s command '%s' (see vmctl --help)",
		     ambiguous ? "ambiguous" : "unknown", s);
	return c;
}

static void help_cmd(FILE *f, const struct vmctl_cmd *c)
{
	fprintf(f, "usage: vmctl %s %s\n%s\n", c->name, c->args, c->help);
	if (c->details)
		fprintf(f, "\n%s", c->details);
}

void vmctl_help(FILE *f, const char *verb)
{
	bool ambiguous;
	const struct vmctl_cmd *c = lookup(verb, &ambiguous);

	if (c)
		help_cmd(f, c);
}

/* "vmctl help [VERB]" and "vmctl VERB --help". */
static int help(const struct vmctl_cmd *c)
{
	char *argv[] = { (char *)c->name, "--help", NULL };

	if (c->own_help)
		return c->fn(2, argv);
	help_cmd(stdout, c);
	return 0;
}

int main(int argc, char **argv)
{
	const struct vmctl_cmd *c;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		if (argc > 3)
			errx(1, "help takes one command (see vmctl --help)");
		return help(lookup_or_die(argv[2]));
	}
	if (argv[1][0] == '-')
		errx(1, "unknown option '%s' (see vmctl --help)", argv[1]);

	c = lookup_or_die(argv[1]);
	if (argc == 3 && !c->own_help &&
	    (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")))
		return help(c);
	/* The verb sees its full name as argv[0], even when abbreviated. */
	argv[1] = (char *)c->name;
	return c->fn(argc - 1, argv + 1);
}
