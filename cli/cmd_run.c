// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_run.c - vmctl run: build a VM around a flat binary or a kernel
 * (multiboot ELF), run it in the foreground with the serial console on
 * the terminal, and turn the way the guest ended into vmctl's exit status
 * (see vmctl(8), EXIT STATUS).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/flat.h"
#include "boot/multiboot.h"
#include "bus.h"
#include "dev/exitport.h"
#include "dev/fw_cfg.h"
#include "dev/serial.h"
#include "dev/testdev.h"
#include "libvmm.h"
#include "util.h"
#include "vmctl.h"

#define DEFAULT_MEMORY	(64ULL << 20)

/* The exit statuses of vmctl run besides the guest's own (vmctl.8). */
#define EXIT_HALTED	0
#define EXIT_SETUP	1
#define EXIT_SHUTDOWN	2
#define EXIT_VMM_ERROR	4

struct run_opts {
	const char *file;	/* --flat */
	struct vmm_flat flat;
	bool load_set, entry_set, mode_set;
	const char *kernel;	/* --kernel */
	const char *append;
	char *module[VMM_MB_MAX_MODULES];	/* FILE[,STRING] as given */
	unsigned int nr_modules;
	uint64_t memory;
	bool testdev;
	bool hypercall_exit;	/* --hypercall exit */
	bool no_lapic;		/* --no-lapic */
	unsigned int nr_cpus;	/* --cpus */
	unsigned int affinity[VMM_MACHINE_MAX_VCPUS];	/* --cpu-affinity */
	unsigned int nr_affinity;	/* 0: no pinning */
};

/* --hypercall exit: the numbers that come to vmctl (vmctl.8).  3 is in
 * the mask but unknown here, so it returns VMM_HC_ENOSYS from us. */
#define HYPERCALL_MASK	((1ULL << VMM_HC_SUM) | (1ULL << VMM_HC_PRINT) | \
			 (1ULL << 3))

/* A file read whole into memory (kernels and modules). */
struct blob {
	void *data;
	size_t size;
};

/* For the signal handler: the machine to stop and the signal that did it. */
static struct vmm_machine *the_machine;
static volatile sig_atomic_t stop_signo;

static void on_signal(int signo)
{
	stop_signo = signo;
	if (the_machine)
		vmm_machine_request_stop(the_machine);
}

static void __attribute__((noreturn)) die_errno(int ret, const char *what)
{
	errno = -ret;
	err(EXIT_SETUP, "%s", what);
}

static uint64_t parse_addr(const char *opt, const char *s)
{
	uint64_t v;

	if (util_parse_u64(s, &v))
		errx(EXIT_SETUP, "run: %s: '%s' is not an address "
		     "(decimal or 0x hex)", opt, s);
	return v;
}

static void parse_args(int argc, char **argv, struct run_opts *o)
{
	enum { OPT_FLAT = 256, OPT_LOAD, OPT_ENTRY, OPT_MODE, OPT_MEMORY,
	       OPT_TESTDEV, OPT_KERNEL, OPT_APPEND, OPT_MODULE,
	       OPT_HYPERCALL, OPT_NO_LAPIC, OPT_CPUS, OPT_CPU_AFFINITY };
	static const struct option opts[] = {
		{ "flat", required_argument, NULL, OPT_FLAT },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "module", required_argument, NULL, OPT_MODULE },
		{ "load-addr", required_argument, NULL, OPT_LOAD },
		{ "entry", required_argument, NULL, OPT_ENTRY },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "testdev", no_argument, NULL, OPT_TESTDEV },
		{ "hypercall", required_argument, NULL, OPT_HYPERCALL },
		{ "no-lapic", no_argument, NULL, OPT_NO_LAPIC },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "cpu-affinity", required_argument, NULL, OPT_CPU_AFFINITY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	enum vmm_boot_mode mode = VMM_BOOT_LONG;
	uint64_t load = 0, entry = 0, v;
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->memory = DEFAULT_MEMORY;
	o->nr_cpus = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FLAT:
			o->file = optarg;
			break;
		case OPT_KERNEL:
			o->kernel = optarg;
			break;
		case OPT_APPEND:
			o->append = optarg;
			break;
		case OPT_MODULE:
			if (o->nr_modules == VMM_MB_MAX_MODULES)
				errx(EXIT_SETUP, "run: more than %d --module "
				     "options", VMM_MB_MAX_MODULES);
			o->module[o->nr_modules++] = optarg;
			break;
		case OPT_LOAD:
			load = parse_addr("--load-addr", optarg);
			o->load_set = true;
			break;
		case OPT_ENTRY:
			entry = parse_addr("--entry", optarg);
			o->entry_set = true;
			break;
		case OPT_MODE:
			if (vmm_boot_mode_parse(optarg, &mode))
				errx(EXIT_SETUP, "run: --mode: '%s' is not one "
				     "of real, protected, long", optarg);
			o->mode_set = true;
			break;
		case OPT_MEMORY:
			if (util_parse_size(optarg, &o->memory) || !o->memory)
				errx(EXIT_SETUP, "run: --memory: '%s' is not a "
				     "size (such as 64M or 1G)", optarg);
			if (o->memory & 0xfff)
				errx(EXIT_SETUP, "run: --memory: %s is not a "
				     "multiple of 4K", optarg);
			break;
		case OPT_TESTDEV:
			o->testdev = true;
			break;
		case OPT_HYPERCALL:
			if (!strcmp(optarg, "exit"))
				o->hypercall_exit = true;
			else if (!strcmp(optarg, "ud"))
				o->hypercall_exit = false;
			else
				errx(EXIT_SETUP, "run: --hypercall: '%s' is not "
				     "one of exit, ud", optarg);
			break;
		case OPT_NO_LAPIC:
			o->no_lapic = true;
			break;
		case OPT_CPUS:
			if (util_parse_u64(optarg, &v) || !v ||
			    v > VMM_MACHINE_MAX_VCPUS)
				errx(EXIT_SETUP, "run: --cpus: '%s' is not a "
				     "number of vCPUs (1-%d)", optarg,
				     VMM_MACHINE_MAX_VCPUS);
			o->nr_cpus = v;
			break;
		case OPT_CPU_AFFINITY:
			ret = util_parse_cpulist(optarg, o->affinity,
						 VMM_MACHINE_MAX_VCPUS,
						 &o->nr_affinity);
			if (ret == -E2BIG)
				errx(EXIT_SETUP, "run: --cpu-affinity: '%s' has "
				     "more than %d CPUs", optarg,
				     VMM_MACHINE_MAX_VCPUS);
			if (ret == -ERANGE)
				errx(EXIT_SETUP, "run: --cpu-affinity: '%s': CPU "
				     "numbers go up to %d", optarg,
				     UTIL_CPULIST_MAX_CPU - 1);
			if (ret)
				errx(EXIT_SETUP, "run: --cpu-affinity: '%s' is not "
				     "a CPU list (such as 0-3,6)", optarg);
			break;
		case 'h':
			vmctl_help(stdout, "run");
			exit(0);
		case ':':
			errx(EXIT_SETUP, "run: option '%s' needs an argument",
			     argv[optind - 1]);
		default:
			errx(EXIT_SETUP, "run: unknown option '%s' "
			     "(see vmctl run --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		errx(EXIT_SETUP, "run: unexpected argument '%s' "
		     "(the binary goes after --flat or --kernel)",
		     argv[optind]);
	if (o->file && o->kernel)
		errx(EXIT_SETUP, "run: --flat and --kernel exclude each other");
	if (!o->file && !o->kernel)
		errx(EXIT_SETUP, "run: --flat FILE is required, or --kernel FILE "
		     "(see vmctl run --help)");
	if (o->file && (o->append || o->nr_modules))
		errx(EXIT_SETUP, "run: --append and --module need --kernel");
	if (o->nr_cpus > 1 && o->no_lapic)
		errx(EXIT_SETUP, "run: --cpus %u needs the in-kernel local APIC "
		     "(INIT/SIPI start the other vCPUs): drop --no-lapic",
		     o->nr_cpus);
	if (o->kernel && (o->load_set || o->entry_set || o->mode_set))
		errx(EXIT_SETUP, "run: --load-addr, --entry and --mode are for "
		     "--flat; a kernel says where it goes");

	vmm_flat_defaults(&o->flat, mode);
	if (o->load_set)
		o->flat.load_addr = load;
	o->flat.entry = o->entry_set ? entry : o->flat.load_addr;
}

/*
 * Read path whole, refusing anything larger than max (the guest's RAM:
 * it could not fit anyway).  0 or -errno; -EFBIG when too large.
 */
static int read_blob(const char *path, uint64_t max, struct blob *b)
{
	struct stat stb;
	size_t done;
	int fd, ret;

	b->data = NULL;
	b->size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &stb) < 0) {
		ret = -errno;
		goto close_fd;
	}
	if (!S_ISREG(stb.st_mode)) {
		ret = S_ISDIR(stb.st_mode) ? -EISDIR : -EINVAL;
		goto close_fd;
	}
	if ((uint64_t)stb.st_size > max) {
		ret = -EFBIG;
		goto close_fd;
	}
	b->size = stb.st_size;
	b->data = malloc(b->size ? b->size : 1);
	if (!b->data) {
		ret = -ENOMEM;
		goto close_fd;
	}
	for (done = 0; done < b->size;) {
		ssize_t n = read(fd, (char *)b->data + done, b->size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;	/* shrank under us */
			free(b->data);
			b->data = NULL;
			goto close_fd;
		}
		done += n;
	}
	ret = 0;
close_fd:
	close(fd);
	return ret;
}

static void read_blob_or_die(const char *path, uint64_t max, struct blob *b)
{
	int ret = read_blob(path, max, b);

	if (ret == -EFBIG)
		errx(EXIT_SETUP, "%s: larger than guest RAM", path);
	if (ret)
		die_errno(ret, path);
}

/*
 * --kernel: choose the loader from the file's contents.  Only multiboot
 * ELF kernels are known so far; anything else gets one line saying what
 * it is not.
 */
static void load_kernel(struct vmm_mem *mem, struct run_opts *o,
			struct vmm_regs *regs, struct vmm_sregs *sregs)
{
	struct vmm_mb_module mods[VMM_MB_MAX_MODULES];
	struct blob kernel, blobs[VMM_MB_MAX_MODULES];
	struct vmm_multiboot mb = { .cmdline = o->append };
	const char *why;
	unsigned int i;
	size_t off;
	int ret;

	read_blob_or_die(o->kernel, o->memory, &kernel);
	if (vmm_multiboot_find(kernel.data, kernel.size, &off, &why)) {
		if (kernel.size >= 4 && !memcmp(kernel.data, "\x7f" "ELF", 4))
			errx(EXIT_SETUP, "%s: an ELF file but not a multiboot "
			     "kernel (%s)", o->kernel, why);
		errx(EXIT_SETUP, "%s: unknown kernel format (not a multiboot "
		     "ELF kernel)", o->kernel);
	}
	for (i = 0; i < o->nr_modules; i++) {
		char *path = o->module[i], *comma = strchr(path, ',');

		/* FILE,STRING: the string is the module's command line. */
		mods[i].string = comma ? comma + 1 : path;
		if (comma)
			*comma = '\0';
		read_blob_or_die(path, o->memory, &blobs[i]);
		mods[i].data = blobs[i].data;
		mods[i].size = blobs[i].size;
	}
	mb.modules = mods;
	mb.nr_modules = o->nr_modules;
	ret = vmm_multiboot_load(mem, kernel.data, kernel.size, &mb, regs,
				 sregs, &why);
	if (ret && why)
		errx(EXIT_SETUP, "%s: %s", o->kernel, why);
	if (ret)
		die_errno(ret, o->kernel);
	for (i = 0; i < o->nr_modules; i++)
		free(blobs[i].data);
	free(kernel.data);
}

/*
 * After a triple fault: the state the guest died in, for the person
 * debugging it (QEMU's "-d cpu_reset" in small).  Best effort: the
 * hardware leaves the state at a shutdown undefined (APM Vol. 2 15.11),
 * though in practice it is the state of the last delivery attempt.
 */
static void dump_state(struct vmm_vcpu *vcpu)
{
	struct vmm_sregs s;
	struct vmm_regs r;

	if (!vcpu || vmm_vcpu_get_regs(vcpu, &r) || vmm_vcpu_get_sregs(vcpu, &s))
		return;
	fprintf(stderr,
		"vmctl: rip %016" PRIx64 " rsp %016" PRIx64 " rflags %08" PRIx64 "\n"
		"vmctl: rax %016" PRIx64 " rbx %016" PRIx64 " rcx %016" PRIx64 " rdx %016" PRIx64 "\n"
		"vmctl: rsi %016" PRIx64 " rdi %016" PRIx64 " rbp %016" PRIx64 "\n"
		"vmctl: cr0 %08" PRIx64 " cr2 %016" PRIx64 " cr3 %016" PRIx64 " cr4 %08" PRIx64 " efer %" PRIx64 "\n"
		"vmctl: cs %04x ss %04x gdt %" PRIx64 "/%x idt %" PRIx64 "/%x\n",
		(uint64_t)r.rip, (uint64_t)r.rsp, (uint64_t)r.rflags,
		(uint64_t)r.rax, (uint64_t)r.rbx, (uint64_t)r.rcx, (uint64_t)r.rdx,
		(uint64_t)r.rsi, (uint64_t)r.rdi, (uint64_t)r.rbp,
		(uint64_t)s.cr0, (uint64_t)s.cr2, (uint64_t)s.cr3, (uint64_t)s.cr4,
		(uint64_t)s.efer, s.cs.selector, s.ss.selector,
		(uint64_t)s.gdt.base, s.gdt.limit, (uint64_t)s.idt.base, s.idt.limit);
}

/* VMM_INTERNAL_DELIVERY_EV: the guest's event delivery hit MMIO/PIO. */
static void report_delivery_error(const struct vmm_exit_status *st)
{
	static const char *const types[] = {
		[VMM_EVENT_NONE] = "event", [VMM_EVENT_EXTINT] = "interrupt",
		[VMM_EVENT_NMI] = "NMI", [VMM_EVENT_EXCEPTION] = "exception",
		[VMM_EVENT_SOFT_INT] = "software interrupt",
	};
	uint64_t w = st->data[0];
	unsigned int type = VMM_EVENT_WORD_TYPE(w);
	char err[32] = "";

	if (w & VMM_EVENT_WORD_HAS_ERROR)
		snprintf(err, sizeof(err), ", error code 0x%x",
			 VMM_EVENT_WORD_ERROR(w));
	warnx("event delivery failed: %s vector %u (0x%x)%s touched "
	      "MMIO/PIO at 0x%" PRIx64 " (rip 0x%" PRIx64 ")",
	      type < 5 ? types[type] : "event",
	      (unsigned int)VMM_EVENT_WORD_VECTOR(w),
	      (unsigned int)VMM_EVENT_WORD_VECTOR(w), err, st->data[1],
	      st->rip);
}

/*
 * Say how the guest ended and choose the exit status.  vcpu is the one
 * that stopped the machine (index), named when there are several.
 */
static int report(const struct vmm_exit_status *st, struct vmm_vcpu *vcpu,
		  unsigned int index, unsigned int nr_cpus)
{
	unsigned int i;

	if (nr_cpus > 1 && st->reason != VMM_STOP_EXIT_REQUEST &&
	    st->reason != VMM_STOP_STOPPED)
		warnx("vCPU %u stopped the guest:", index);

	switch (st->reason) {
	case VMM_STOP_EXIT_REQUEST:
		return st->code & 0xff;
	case VMM_STOP_HALT:
		warnx("guest halted");
		return EXIT_HALTED;
	case VMM_STOP_SHUTDOWN:
		warnx("guest shutdown (triple fault)");
		dump_state(vcpu);
		return EXIT_SHUTDOWN;
	case VMM_STOP_STOPPED:
		warnx("stopped by signal");
		return 128 + (stop_signo ? stop_signo : SIGTERM);
	case VMM_STOP_FAIL_ENTRY:
		warnx("guest entry failed: hardware reason 0x%" PRIx64
		      ", info1 0x%" PRIx64 ", info2 0x%" PRIx64
		      " (rip 0x%" PRIx64 ")", st->hw_reason, st->info1,
		      st->info2, st->rip);
		return EXIT_VMM_ERROR;
	case VMM_STOP_INTERNAL_ERROR: {
		char data[16 * 20 + 8] = " none";
		size_t n = 0;

		if (st->suberror == VMM_INTERNAL_DELIVERY_EV && st->ndata >= 2) {
			report_delivery_error(st);
			return EXIT_VMM_ERROR;
		}

		for (i = 0; i < st->ndata && i < 16; i++)
			n += snprintf(data + n, sizeof(data) - n, " 0x%" PRIx64,
				      st->data[i]);
		warnx("internal error: suberror %u, rip 0x%" PRIx64 ", data:%s",
		      st->suberror, st->rip, data);
		return EXIT_VMM_ERROR;
	}
	case VMM_STOP_ERROR:
		warnx("VMM_RUN: %s", strerror(-st->error));
		return EXIT_VMM_ERROR;
	case VMM_STOP_BAD_EXIT:
		warnx("unusable exit from the kernel: reason %u (%s)",
		      st->exit_reason, strerror(-st->error));
		return EXIT_VMM_ERROR;
	case VMM_STOP_NONE:
		break;
	}
	warnx("run loop ended for no reason");
	return EXIT_VMM_ERROR;
}

int cmd_run(int argc, char **argv)
{
	struct vmm_serial *serial = NULL;
	struct vmm_exitport *exitport = NULL;
	struct vmm_testdev *testdev = NULL;
	struct vmm_fw_cfg *fw_cfg = NULL;
	struct vmm_exit_status st;
	struct vmm_sregs sregs = { 0 };
	struct vmm_regs regs;
	struct vmm_machine *machine;
	struct vmm_vcpu *vcpu;
	struct sigaction sa;
	struct run_opts o;
	struct vmm_bus *bus;
	struct vmm_mem *mem;
	struct vmm_sys *sys;
	struct vmm_vm *vm;
	const char *why;
	unsigned int i, index = 0;
	int ret, status, max;
	bool lapic;

	parse_args(argc, argv, &o);

	/*
	 * Load the image before opening /dev/vmm: guest memory is ordinary
	 * process memory, so a bad image is reported the same with or
	 * without the module.  The segment state comes from the loader;
	 * the rest of sregs (APIC base) from the vCPU, below.
	 */
	ret = vmm_mem_create(&mem);
	if (!ret)
		ret = vmm_mem_add_ram(mem, o.memory);
	if (ret)
		die_errno(ret, "guest memory");
	if (o.kernel) {
		load_kernel(mem, &o, &regs, &sregs);
	} else {
		ret = vmm_flat_load_file(mem, &o.flat, o.file, &regs, &sregs,
					 &why);
		if (ret && why)
			errx(EXIT_SETUP, "%s: %s", o.file, why);
		if (ret)
			die_errno(ret, o.file);
	}

	ret = vmm_sys_open(&sys);
	if (ret) {
		if (ret == -ENOENT)
			errx(EXIT_SETUP, "%s: %s (is vmm.ko loaded?)",
			     VMM_DEV_PATH, strerror(-ret));
		die_errno(ret, VMM_DEV_PATH);
	}
	ret = vmm_vm_create(sys, &vm);
	if (ret == -EPROTONOSUPPORT)
		errx(EXIT_SETUP, "vmm.ko speaks API version %d, vmctl %d",
		     vmm_sys_api_version(sys), VMM_API_VERSION);
	if (ret)
		die_errno(ret, "VMM_CREATE_VM");
	ret = vmm_vm_attach_mem(vm, mem);
	if (ret)
		die_errno(ret, "VMM_SET_MEMORY_SLOT");
	if (o.hypercall_exit) {
		ret = vmm_vm_enable_hypercall_exit(vm, HYPERCALL_MASK);
		if (ret)
			die_errno(ret, "VMM_ENABLE_CAP (hypercall exit)");
	}
	/*
	 * The in-kernel local APIC whenever the module has it: it must be
	 * turned on before the first vCPU exists.  Without it (an older
	 * module, or --no-lapic) HLT comes to vmctl as before.
	 */
	lapic = !o.no_lapic && vmm_sys_check_cap(sys, VMM_CAP_LAPIC) > 0;
	if (o.nr_cpus > 1 && !lapic)
		errx(EXIT_SETUP, "run: --cpus %u: vmm.ko has no in-kernel local "
		     "APIC (VMM_CAP_LAPIC) to start other vCPUs with",
		     o.nr_cpus);
	max = vmm_sys_check_cap(sys, VMM_CAP_MAX_VCPUS);
	if (max > 0 && o.nr_cpus > (unsigned int)max)
		errx(EXIT_SETUP, "run: --cpus %u: vmm.ko allows %d vCPUs per VM",
		     o.nr_cpus, max);
	if (lapic) {
		ret = vmm_vm_enable_lapic(vm);
		if (ret)
			die_errno(ret, "VMM_ENABLE_CAP (local APIC)");
	}

	ret = vmm_bus_create(&bus);
	if (!ret)
		ret = vmm_serial_create(bus, VMM_SERIAL_COM1, STDOUT_FILENO,
					-1, &serial);
	if (!ret)
		ret = vmm_exitport_create(bus, VMM_EXITPORT_PORT, &exitport);
	if (!ret)
		ret = vmm_fw_cfg_create(bus, o.memory, o.nr_cpus, &fw_cfg);
	if (!ret && o.testdev)
		ret = vmm_testdev_create(bus, &testdev);
	if (ret)
		die_errno(ret, "devices");

	ret = vmm_machine_create(vm, bus, o.nr_cpus, &machine);
	if (ret)
		die_errno(ret, "VMM_CREATE_VCPU");
	for (i = 0; i < o.nr_cpus; i++) {
		vmm_vcpu_set_hypercall_fd(vmm_machine_vcpu(machine, i),
					  STDERR_FILENO);
		/* vCPU i on the i-th CPU of the list, wrapping around. */
		if (o.nr_affinity)
			vmm_machine_set_affinity(machine, i,
				o.affinity[i % o.nr_affinity]);
	}
	/*
	 * The loader's state is the BSP's; the other vCPUs wait for the
	 * guest's INIT/SIPI, which sets their state.
	 */
	vcpu = vmm_machine_vcpu(machine, 0);
	{
		struct vmm_sregs cur;

		ret = vmm_vcpu_get_sregs(vcpu, &cur);
		if (ret)
			die_errno(ret, "VMM_GET_SREGS");
		sregs.apic_base = cur.apic_base;
		sregs.cr2 = cur.cr2;
		sregs.cr8 = cur.cr8;
	}
	ret = vmm_vcpu_set_sregs(vcpu, &sregs);
	if (ret)
		die_errno(ret, "VMM_SET_SREGS");
	ret = vmm_vcpu_set_regs(vcpu, &regs);
	if (ret)
		die_errno(ret, "VMM_SET_REGS");

	/*
	 * Ctrl-C stops the guest, not vmctl: the handler asks the run loop
	 * to return, and we clean up and report.  No SA_RESTART, so that
	 * VMM_RUN returns -EINTR at once.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	the_machine = machine;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	ret = vmm_machine_run(machine, &st, &index);

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	the_machine = NULL;
	if (ret == -EINVAL && o.nr_affinity)
		errx(EXIT_SETUP, "run: --cpu-affinity: a CPU of the list is not "
		     "online or not allowed to vmctl");
	if (ret)
		die_errno(ret, "starting the vCPU threads");
	status = report(&st, vmm_machine_vcpu(machine, index), index,
			o.nr_cpus);

	vmm_testdev_destroy(testdev);
	vmm_fw_cfg_destroy(fw_cfg);
	vmm_exitport_destroy(exitport);
	vmm_serial_destroy(serial);
	vmm_bus_destroy(bus);
	vmm_machine_destroy(machine);
	vmm_vm_destroy(vm);
	vmm_mem_destroy(mem);
	vmm_sys_close(sys);
	return status;
}
