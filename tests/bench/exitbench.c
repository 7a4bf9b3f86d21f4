// SPDX-License-Identifier: GPL-2.0-only
/*
 * exitbench.c - cycles per exit round trip, under vmm.ko or under KVM.
 *
 *   exitbench vmm|kvm [N [REPS [APIC_N]]]
 *
 * The same real-mode guest payload runs under either hypervisor, each
 * driven through its own ioctls (uapi/vmm.h, <linux/kvm.h>) by a client of
 * a few lines, the two kept symmetrical: no libvmm.  One payload per exit
 * kind does N iterations of
 *
 *   none       nothing: the loop itself (dec esi; jnz), the baseline
 *   cpuid      CPUID leaf 0: handled in the kernel by both
 *   pio        OUT to port 0x10: out to userspace, which resumes at once
 *   mmio       a byte store to 0xf000, outside every memory slot: out to
 *              userspace (after decoding), which resumes at once
 *   hlt        HLT: out to userspace (vmm: VMM_EXIT_HLT; KVM without an
 *              in-kernel irqchip: KVM_EXIT_HLT), which resumes at once
 *   hypercall  VMMCALL (AMD) or VMCALL (Intel) with EAX=0: both answer
 *              it in the kernel, an
 *              unknown number (KVM: RAX = -KVM_ENOSYS; vmm, with
 *              VMM_CAP_HYPERCALL_EXIT enabled for number 1 only: RAX =
 *              VMM_HC_ENOSYS).  The payload's #UD handler, which steps
 *              over the instruction, is there in case a hypervisor
 *              injects #UD instead (vmm without the capability).
 *   hypercall-user  (vmm only) the same with EAX=1, in the mask: out to
 *              userspace as VMM_EXIT_HYPERCALL, which sets ret 0 and
 *              resumes at once.  KVM has no such exit for a hypercall of
 *              the guest's choosing, so it is not run under KVM.
 *
 * then writes to port 0xf4 ("done").  The client reads the TSC before
 * its first RUN and after the done exit: per exit = ticks / N, median of
 * REPS runs after one untimed warm-up.  One line per kind:
 *
 *   KIND CYCLES_PER_EXIT NS_PER_EXIT SPREAD_PERCENT
 *
 * SPREAD is (max - min) / median of the REPS runs (N = 0 leaves these
 * rows out).  Then the local APIC rows (apicbench.c: ipi, timer,
 * hlt-wake, APIC_N rounds each, default 300; 0 leaves them out), in VMs
 * of their own.  Exit status 0, or 1 with a message on stderr.  Built
 * static by tests/bench/exits.sh, with apicbench.c and apicguest.S.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#include <cpuid.h>

#include "vmm.h"
#include "apicbench.h"

#define MEM_SIZE	0x8000		/* guest RAM: [0, 32 KiB) */
#define CODE_GPA	0x1000
#define UD_HANDLER_GPA	0x1800
#define STACK_TOP	0x7000
#define MMIO_GPA	0xf000		/* no slot there */
#define BENCH_PORT	0x10
#define DONE_PORT	0xf4

enum kind { K_NONE, K_CPUID, K_PIO, K_MMIO, K_HLT, K_HYPERCALL,
	     K_HYPERCALL_USER, K_NR };

static const char *const kind_name[K_NR] = {
	"none", "cpuid", "pio", "mmio", "hlt", "hypercall", "hypercall-user",
};

#define HC_USER_NR	1	/* the one number vmm sends to userspace */

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "exitbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- the guest ------------------------------------------------------ */

/* The hypercall instruction of this CPU: VMCALL on Intel, VMMCALL on AMD
 * (the other one is #UD there).  Set by main(). */
static const char *hypercall_insn = "\x0f\x01\xd9";
int on_intel;

/* Real mode, CS = DS = SS = 0, IP = CODE_GPA. */
static void load_payload(uint8_t *mem, enum kind k, uint32_t n)
{
	uint8_t *p = mem + CODE_GPA, *loop;

	memset(mem, 0, MEM_SIZE);
	/* IVT[6] (#UD) -> 0000:UD_HANDLER_GPA, which steps over the
	 * 3-byte VMMCALL: push bp; mov bp,sp; add word [bp+2],3; pop bp; iret */
	mem[6 * 4] = UD_HANDLER_GPA & 0xff;
	mem[6 * 4 + 1] = UD_HANDLER_GPA >> 8;
	memcpy(mem + UD_HANDLER_GPA,
	       "\x55\x89\xe5\x83\x46\x02\x03\x5d\xcf", 9);

	*p++ = 0x66; *p++ = 0xbe;			/* mov esi, n */
	memcpy(p, &n, 4);
	p += 4;
	loop = p;
	switch (k) {
	case K_NONE:
		break;
	case K_CPUID:
		memcpy(p, "\x66\x31\xc0\x0f\xa2", 5);	/* xor eax,eax; cpuid */
		p += 5;
		break;
	case K_PIO:
		*p++ = 0xe6; *p++ = BENCH_PORT;		/* out BENCH_PORT, al */
		break;
	case K_MMIO:
		*p++ = 0xa2;				/* mov [MMIO_GPA], al */
		*p++ = MMIO_GPA & 0xff; *p++ = MMIO_GPA >> 8;
		break;
	case K_HLT:
		*p++ = 0xf4;				/* hlt */
		break;
	case K_HYPERCALL:
		memcpy(p, "\x66\x31\xc0", 3);		/* xor eax,eax */
		p += 3;
		memcpy(p, hypercall_insn, 3);
		p += 3;
		break;
	case K_HYPERCALL_USER:
		/* mov eax, HC_USER_NR; vmcall/vmmcall */
		memcpy(p, "\x66\xb8\x01\x00\x00\x00", 6);
		p += 6;
		memcpy(p, hypercall_insn, 3);
		p += 3;
		break;
	case K_NR:
		break;
	}
	*p++ = 0x66; *p++ = 0x4e;			/* dec esi */
	*p = 0x75;					/* jnz loop */
	p[1] = (uint8_t)(loop - (p + 2));
	p += 2;
	*p++ = 0xe6; *p++ = DONE_PORT;			/* out DONE_PORT, al */
	*p++ = 0xf4;					/* hlt (not reached) */
}

/* What the client does with an exit: resume, stop, or fail. */
enum action { RESUME, DONE, BAD };

static enum action classify_io(int out, unsigned int port)
{
	if (out && port == BENCH_PORT)
		return RESUME;
	if (out && port == DONE_PORT)
		return DONE;
	return BAD;
}

/* ---- the two back-ends ---------------------------------------------- */

struct hv {
	const char *name;
	void (*setup)(struct hv *hv);
	void (*reset)(struct hv *hv);		/* regs to the payload's start */
	/* One RUN; RESUME, DONE or BAD (with a description in why). */
	enum action (*run)(struct hv *hv, char *why, size_t len);
	uint8_t *mem;
	int sys, vm, vcpu;
	void *run_area;
};

static uint8_t *alloc_mem(void)
{
	void *m = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		die("mmap guest memory: %s", strerror(errno));
	return m;
}

static void *map_run(int vcpu_fd, int size)
{
	void *r;

	if (size <= 0)
		die("run area size %d", size);
	r = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (r == MAP_FAILED)
		die("mmap run area: %s", strerror(errno));
	return r;
}

/* vmm.ko, through uapi/vmm.h. */
static void vmm_setup(struct hv *hv)
{
	struct vmm_memory_slot slot = { 0 };
	struct vmm_enable_cap cap = {
		.cap = VMM_CAP_HYPERCALL_EXIT,
		.args = { 1ULL << HC_USER_NR },
	};

	hv->sys = open("/dev/vmm", O_RDWR | O_CLOEXEC);
	if (hv->sys < 0)
		die("open /dev/vmm: %s", strerror(errno));
	if (ioctl(hv->sys, VMM_GET_API_VERSION, 0) != VMM_API_VERSION)
		die("VMM_GET_API_VERSION mismatch");
	hv->vm = ioctl(hv->sys, VMM_CREATE_VM, 0);
	if (hv->vm < 0)
		die("VMM_CREATE_VM: %s", strerror(errno));
	hv->mem = alloc_mem();
	slot.size = MEM_SIZE;
	slot.userspace_addr = (uintptr_t)hv->mem;
	if (ioctl(hv->vm, VMM_SET_MEMORY_SLOT, &slot))
		die("VMM_SET_MEMORY_SLOT: %s", strerror(errno));
	/* Hypercalls on: HC_USER_NR comes out, others ENOSYS in-kernel. */
	if (ioctl(hv->vm, VMM_ENABLE_CAP, &cap))
		die("VMM_ENABLE_CAP: %s", strerror(errno));
	hv->vcpu = ioctl(hv->vm, VMM_CREATE_VCPU, 0);
	if (hv->vcpu < 0)
		die("VMM_CREATE_VCPU: %s", strerror(errno));
	hv->run_area = map_run(hv->vcpu,
			       ioctl(hv->sys, VMM_GET_VCPU_MMAP_SIZE, 0));
}

static void vmm_reset(struct hv *hv)
{
	struct vmm_sregs s;
	struct vmm_regs r = { .rip = CODE_GPA, .rflags = 2,
			      .rsp = STACK_TOP };

	if (ioctl(hv->vcpu, VMM_GET_SREGS, &s))
		die("VMM_GET_SREGS: %s", strerror(errno));
	s.cs.base = s.ds.base = s.ss.base = 0;
	s.cs.selector = s.ds.selector = s.ss.selector = 0;
	if (ioctl(hv->vcpu, VMM_SET_SREGS, &s))
		die("VMM_SET_SREGS: %s", strerror(errno));
	if (ioctl(hv->vcpu, VMM_SET_REGS, &r))
		die("VMM_SET_REGS: %s", strerror(errno));
}

static enum action vmm_run1(struct hv *hv, char *why, size_t len)
{
	struct vmm_run *run = hv->run_area;

	if (ioctl(hv->vcpu, VMM_RUN, 0)) {
		snprintf(why, len, "VMM_RUN: %s", strerror(errno));
		return BAD;
	}
	switch (run->exit_reason) {
	case VMM_EXIT_IO:
		if (classify_io(run->io.direction == VMM_EXIT_IO_OUT,
				run->io.port) != BAD)
			return classify_io(1, run->io.port);
		snprintf(why, len, "I/O exit, port %#x", run->io.port);
		return BAD;
	case VMM_EXIT_MMIO:
		if (run->mmio.is_write && run->mmio.phys_addr == MMIO_GPA)
			return RESUME;
		snprintf(why, len, "MMIO exit at %#llx",
			 (unsigned long long)run->mmio.phys_addr);
		return BAD;
	case VMM_EXIT_HLT:
		return RESUME;
	case VMM_EXIT_HYPERCALL:
		if (run->hypercall.nr == HC_USER_NR) {
			run->hypercall.ret = 0;
			return RESUME;
		}
		snprintf(why, len, "hypercall %llu",
			 (unsigned long long)run->hypercall.nr);
		return BAD;
	default:
		snprintf(why, len, "exit reason %u at rip %#llx",
			 run->exit_reason, (unsigned long long)run->rip);
		return BAD;
	}
}

/* KVM, through <linux/kvm.h>: no irqchip, so HLT comes to userspace. */
static void kvm_setup(struct hv *hv)
{
	struct kvm_userspace_memory_region slot = { 0 };

	hv->sys = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (hv->sys < 0)
		die("open /dev/kvm: %s", strerror(errno));
	if (ioctl(hv->sys, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("KVM_GET_API_VERSION mismatch");
	hv->vm = ioctl(hv->sys, KVM_CREATE_VM, 0);
	if (hv->vm < 0)
		die("KVM_CREATE_VM: %s", strerror(errno));
	hv->mem = alloc_mem();
	slot.memory_size = MEM_SIZE;
	slot.userspace_addr = (uintptr_t)hv->mem;
	if (ioctl(hv->vm, KVM_SET_USER_MEMORY_REGION, &slot))
		die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	/* KVM on Intel wants three pages for its real-mode TSS, whether or
	 * not it needs them (Documentation/virt/kvm/api.rst); above RAM. */
	if (on_intel && ioctl(hv->vm, KVM_SET_TSS_ADDR, 0xfffbd000UL))
		die("KVM_SET_TSS_ADDR: %s", strerror(errno));
	hv->vcpu = ioctl(hv->vm, KVM_CREATE_VCPU, 0);
	if (hv->vcpu < 0)
		die("KVM_CREATE_VCPU: %s", strerror(errno));
	hv->run_area = map_run(hv->vcpu,
			       ioctl(hv->sys, KVM_GET_VCPU_MMAP_SIZE, 0));
}

static void kvm_reset(struct hv *hv)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = CODE_GPA, .rflags = 2,
			      .rsp = STACK_TOP };

	if (ioctl(hv->vcpu, KVM_GET_SREGS, &s))
		die("KVM_GET_SREGS: %s", strerror(errno));
	s.cs.base = s.ds.base = s.ss.base = 0;
	s.cs.selector = s.ds.selector = s.ss.selector = 0;
	if (ioctl(hv->vcpu, KVM_SET_SREGS, &s))
		die("KVM_SET_SREGS: %s", strerror(errno));
	if (ioctl(hv->vcpu, KVM_SET_REGS, &r))
		die("KVM_SET_REGS: %s", strerror(errno));
}

static enum action kvm_run1(struct hv *hv, char *why, size_t len)
{
	struct kvm_run *run = hv->run_area;

	if (ioctl(hv->vcpu, KVM_RUN, 0)) {
		snprintf(why, len, "KVM_RUN: %s", strerror(errno));
		return BAD;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (classify_io(run->io.direction == KVM_EXIT_IO_OUT,
				run->io.port) != BAD)
			return classify_io(1, run->io.port);
		snprintf(why, len, "I/O exit, port %#x", run->io.port);
		return BAD;
	case KVM_EXIT_MMIO:
		if (run->mmio.is_write && run->mmio.phys_addr == MMIO_GPA)
			return RESUME;
		snprintf(why, len, "MMIO exit at %#llx",
			 (unsigned long long)run->mmio.phys_addr);
		return BAD;
	case KVM_EXIT_HLT:
		return RESUME;
	default:
		snprintf(why, len, "exit reason %u", run->exit_reason);
		return BAD;
	}
}

/* ---- measuring -------------------------------------------------------- */

struct sample {
	uint64_t ticks;
	uint64_t ns;
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* One run of the loaded payload; the number of exits to userspace. */
static uint64_t run_payload(struct hv *hv, struct sample *s)
{
	uint64_t t0, n0, exits = 0;
	char why[128];
	enum action a;

	hv->reset(hv);
	n0 = now_ns();
	t0 = __rdtsc();
	while ((a = hv->run(hv, why, sizeof(why))) == RESUME)
		exits++;
	s->ticks = __rdtsc() - t0;
	s->ns = now_ns() - n0;
	if (a == BAD)
		die("%s: %s", hv->name, why);
	return exits;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void bench_kind(struct hv *hv, enum kind k, uint32_t n, int reps)
{
	uint64_t ticks[reps], ns[reps], want, exits;
	struct sample s;
	int i;

	want = (k == K_PIO || k == K_MMIO || k == K_HLT ||
		k == K_HYPERCALL_USER) ? n : 0;
	load_payload(hv->mem, k, n / 4 ? n / 4 : 1);
	run_payload(hv, &s);			/* warm-up: fault pages in */
	load_payload(hv->mem, k, n);
	for (i = 0; i < reps; i++) {
		exits = run_payload(hv, &s);
		if (exits != want)
			die("%s %s: %llu exits to userspace, expected %llu",
			    hv->name, kind_name[k], (unsigned long long)exits,
			    (unsigned long long)want);
		ticks[i] = s.ticks;
		ns[i] = s.ns;
	}
	qsort(ticks, reps, sizeof(ticks[0]), cmp_u64);
	qsort(ns, reps, sizeof(ns[0]), cmp_u64);
	printf("%s %.0f %.0f %.0f\n", kind_name[k],
	       (double)ticks[reps / 2] / n, (double)ns[reps / 2] / n,
	       100.0 * (double)(ticks[reps - 1] - ticks[0]) / ticks[reps / 2]);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	unsigned int a, b, c, d;
	struct hv hv = { 0 };
	uint32_t n = 2000, apic_n = 300;
	int reps = 7, k;

	__cpuid(0, a, b, c, d);
	on_intel = b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;
	if (on_intel)
		hypercall_insn = "\x0f\x01\xc1";

	if (argc < 2 || argc > 5)
		die("usage: exitbench vmm|kvm [N [REPS [APIC_N]]]");
	if (argc > 2)
		n = strtoul(argv[2], NULL, 0);
	if (argc > 3)
		reps = atoi(argv[3]);
	if (argc > 4)
		apic_n = strtoul(argv[4], NULL, 0);
	if (reps < 1 || reps > 1000)
		die("bad N or REPS");
	if (!strcmp(argv[1], "vmm"))
		hv = (struct hv){ .name = "vmm", .setup = vmm_setup,
				  .reset = vmm_reset, .run = vmm_run1 };
	else if (!strcmp(argv[1], "kvm"))
		hv = (struct hv){ .name = "kvm", .setup = kvm_setup,
				  .reset = kvm_reset, .run = kvm_run1 };
	else
		die("unknown hypervisor '%s' (vmm or kvm)", argv[1]);
	hv.setup(&hv);
	for (k = 0; n && k < K_NR; k++)
		if (k != K_HYPERCALL_USER || hv.setup == vmm_setup)
			bench_kind(&hv, k, n, reps);
	if (apic_n)
		apic_bench(hv.name, apic_n, reps);
	return 0;
}
