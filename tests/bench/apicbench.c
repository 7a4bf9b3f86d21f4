// SPDX-License-Identifier: GPL-2.0-only
/*
 * apicbench.c - the local APIC rows of the exits benchmark: IPI round
 * trip, TSC-deadline timer latency and HLT wake-up latency, under vmm.ko
 * (VMM_CAP_LAPIC) or under KVM (KVM_CREATE_IRQCHIP), with the same guest
 * (apicguest.S) and the same few ioctls on each side: no libvmm.
 *
 * Each series is a fresh VM with 512 KiB of RAM and two vCPUs, both in
 * 32-bit protected mode (flat segments, paging off; SET_SREGS), vCPU 1
 * made runnable with SET_MP_STATE instead of INIT/SIPI, one thread per
 * vCPU.  The guest runs N rounds of each phase and leaves its TSC
 * readings in guest memory; the client turns them into one figure per
 * series and kind (the median of the N rounds):
 *
 *   ipi       vCPU 0's TSC after its V_BACK handler ran minus its TSC
 *             before it wrote the ICR: a round trip, both vCPUs busy
 *   timer     the TSC in the timer handler minus the deadline written to
 *             IA32_TSC_DEADLINE (the guest spins meanwhile)
 *   hlt-wake  the sleeper's TSC in its handler minus the waker's TSC
 *             before its ICR write, averaged over the two directions of
 *             one round (vCPU 1 wakes vCPU 0, then vCPU 0 wakes vCPU 1)
 *             so that a difference between the two vCPUs' TSCs cancels
 *
 * and prints, like exitbench's other rows, "KIND TICKS NS SPREAD" with
 * the median over REPS series (SPREAD: (max - min) / median of the REPS
 * figures), plus "info: ..." lines: the TSC difference between the vCPUs
 * the two wake directions show, wake-ups that did not find the sleeper
 * in HLT (dropped), interrupts delivered a second time (ignored by the
 * guest).  Checks: every round's interrupt arrived, no timer before its
 * deadline, no spurious interrupt, every round trip and wake-up
 * positive; any failure ends the program with status 1.
 *
 * Environment: APICBENCH_DELAY_US (1000: the waker's wait after the
 * sleeper's HLT), APICBENCH_TIMER_US (200: deadline - now),
 * APICBENCH_TIMEOUT_US (20000000: when a guest wait gives up).
 */
#define _GNU_SOURCE		/* sched_setaffinity, CPU_SET */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "vmm.h"
#include "apicbench.h"

/* ---- the two back-ends ------------------------------------------------- */

/* What an exit means. */
enum aact { A_RESUME, A_DONE, A_ERR, A_BAD };

struct avm {
	const struct aops *ops;
	uint8_t *mem;
	int sys, vm, vcpu[2];
	void *run[2];
	int run_size;
};

struct aops {
	const char *name;
	/* 0, or -1 when the hypervisor has no in-kernel APIC (why set). */
	int (*create)(struct avm *v, const char **why);
	void (*start)(struct avm *v, int i, uint32_t rip, uint32_t rsp);
	enum aact (*run1)(struct avm *v, int i, char *why, size_t len);
};

static uint8_t *alloc_guest_mem(void)
{
	void *m = mmap(NULL, AG_MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		die("mmap guest memory: %s", strerror(errno));
	return m;
}

static void map_runs(struct avm *v, int size)
{
	int i;

	if (size <= 0)
		die("run area size %d", size);
	v->run_size = size;
	for (i = 0; i < 2; i++) {
		v->run[i] = mmap(NULL, size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, v->vcpu[i], 0);
		if (v->run[i] == MAP_FAILED)
			die("mmap run area: %s", strerror(errno));
	}
}

/* Flat 4 GiB segment, present, DPL 0, 32-bit, 4 KiB granularity: the
 * same fields in struct vmm_segment and struct kvm_segment. */
#define FLAT_SEG(seg, sel, typ) do {					\
	(seg).base = 0;							\
	(seg).limit = 0xffffffff;					\
	(seg).selector = (sel);						\
	(seg).type = (typ);						\
	(seg).present = 1;						\
	(seg).dpl = 0;							\
	(seg).db = 1;							\
	(seg).s = 1;							\
	(seg).l = 0;							\
	(seg).g = 1;							\
	(seg).avl = 0;							\
	(seg).unusable = 0;						\
} while (0)

/* Protected mode, paging off, AG_GDT/AG_IDT loaded: the same for both
 * sregs structures.  CR0: PE and ET only (caches on). */
#define PMODE_SREGS(s) do {						\
	FLAT_SEG((s).cs, AG_SEL_CODE, 0xb);	/* code, read, accessed */ \
	FLAT_SEG((s).ds, AG_SEL_DATA, 0x3);	/* data, write, accessed */ \
	FLAT_SEG((s).es, AG_SEL_DATA, 0x3);				\
	FLAT_SEG((s).fs, AG_SEL_DATA, 0x3);				\
	FLAT_SEG((s).gs, AG_SEL_DATA, 0x3);				\
	FLAT_SEG((s).ss, AG_SEL_DATA, 0x3);				\
	(s).gdt.base = AG_GDT;						\
	(s).gdt.limit = 3 * 8 - 1;					\
	(s).idt.base = AG_IDT;						\
	(s).idt.limit = 256 * 8 - 1;					\
	(s).cr0 = 0x11;							\
	(s).cr4 = 0;							\
	(s).efer = 0;							\
} while (0)

/* vmm.ko, through uapi/vmm.h. */
static int vmm_create(struct avm *v, const char **why)
{
	struct vmm_memory_slot slot = { 0 };
	struct vmm_enable_cap cap = { .cap = VMM_CAP_LAPIC };
	int i;

	v->sys = open("/dev/vmm", O_RDWR | O_CLOEXEC);
	if (v->sys < 0)
		die("open /dev/vmm: %s", strerror(errno));
	if (ioctl(v->sys, VMM_CHECK_CAP, VMM_CAP_LAPIC) <= 0) {
		*why = "no in-kernel APIC";
		close(v->sys);
		return -1;
	}
	v->vm = ioctl(v->sys, VMM_CREATE_VM, 0);
	if (v->vm < 0)
		die("VMM_CREATE_VM: %s", strerror(errno));
	v->mem = alloc_guest_mem();
	slot.size = AG_MEM_SIZE;
	slot.userspace_addr = (uintptr_t)v->mem;
	if (ioctl(v->vm, VMM_SET_MEMORY_SLOT, &slot))
		die("VMM_SET_MEMORY_SLOT: %s", strerror(errno));
	/* Before the vCPUs: each gets its local APIC at creation. */
	if (ioctl(v->vm, VMM_ENABLE_CAP, &cap))
		die("VMM_ENABLE_CAP(VMM_CAP_LAPIC): %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		v->vcpu[i] = ioctl(v->vm, VMM_CREATE_VCPU, i);
		if (v->vcpu[i] < 0)
			die("VMM_CREATE_VCPU %d: %s", i, strerror(errno));
	}
	map_runs(v, ioctl(v->sys, VMM_GET_VCPU_MMAP_SIZE, 0));
	return 0;
}

static void vmm_start(struct avm *v, int i, uint32_t rip, uint32_t rsp)
{
	struct vmm_regs r = { .rip = rip, .rsp = rsp, .rflags = 2 };
	struct vmm_mp_state mp = { .state = VMM_MP_RUNNABLE };
	struct vmm_sregs s;

	if (ioctl(v->vcpu[i], VMM_GET_SREGS, &s))
		die("VMM_GET_SREGS: %s", strerror(errno));
	PMODE_SREGS(s);
	if (ioctl(v->vcpu[i], VMM_SET_SREGS, &s))
		die("VMM_SET_SREGS: %s", strerror(errno));
	if (ioctl(v->vcpu[i], VMM_SET_REGS, &r))
		die("VMM_SET_REGS: %s", strerror(errno));
	/* vCPU 1 waits for INIT/SIPI otherwise. */
	if (i && ioctl(v->vcpu[i], VMM_SET_MP_STATE, &mp))
		die("VMM_SET_MP_STATE: %s", strerror(errno));
}

static enum aact vmm_run1(struct avm *v, int i, char *why, size_t len)
{
	struct vmm_run *run = v->run[i];

	if (ioctl(v->vcpu[i], VMM_RUN, 0)) {
		if (errno == EINTR)
			return A_RESUME;
		snprintf(why, len, "VMM_RUN: %s", strerror(errno));
		return A_BAD;
	}
	switch (run->exit_reason) {
	case VMM_EXIT_IO:
		if (run->io.direction == VMM_EXIT_IO_OUT &&
		    run->io.port == AG_DONE_PORT)
			return A_DONE;
		if (run->io.direction == VMM_EXIT_IO_OUT &&
		    run->io.port == AG_ERR_PORT)
			return A_ERR;
		snprintf(why, len, "I/O exit, port %#x", run->io.port);
		return A_BAD;
	case VMM_EXIT_INTR:
		return A_RESUME;
	case VMM_EXIT_MMIO:
		snprintf(why, len, "MMIO exit at %#llx (rip %#llx)",
			 (unsigned long long)run->mmio.phys_addr,
			 (unsigned long long)run->rip);
		return A_BAD;
	default:
		snprintf(why, len, "exit reason %u at rip %#llx",
			 run->exit_reason, (unsigned long long)run->rip);
		return A_BAD;
	}
}

/* KVM, through <linux/kvm.h>, with an in-kernel irqchip. */
static void kvm_set_cpuid(struct avm *v)
{
	const int max = 256;
	struct kvm_cpuid2 *c;
	uint32_t i;
	int tscdl, k;

	c = calloc(1, sizeof(*c) + max * sizeof(c->entries[0]));
	if (!c)
		die("out of memory");
	c->nent = max;
	if (ioctl(v->sys, KVM_GET_SUPPORTED_CPUID, c))
		die("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	/* KVM emulates the TSC-deadline timer but leaves the CPUID bit to
	 * userspace (KVM_CAP_TSC_DEADLINE_TIMER, api.rst). */
	tscdl = ioctl(v->sys, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1 && tscdl)
			c->entries[i].ecx |= 1u << 24;
	for (k = 0; k < 2; k++) {
		/* CPUID.1:EBX[31:24], the initial APIC ID: the vCPU id. */
		for (i = 0; i < c->nent; i++)
			if (c->entries[i].function == 1)
				c->entries[i].ebx = (c->entries[i].ebx & 0xffffff) |
						    (uint32_t)k << 24;
		if (ioctl(v->vcpu[k], KVM_SET_CPUID2, c))
			die("KVM_SET_CPUID2: %s", strerror(errno));
	}
	free(c);
}

static int kvm_create(struct avm *v, const char **why)
{
	struct kvm_userspace_memory_region slot = { 0 };
	int i;

	(void)why;
	v->sys = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v->sys < 0)
		die("open /dev/kvm: %s", strerror(errno));
	v->vm = ioctl(v->sys, KVM_CREATE_VM, 0);
	if (v->vm < 0)
		die("KVM_CREATE_VM: %s", strerror(errno));
	v->mem = alloc_guest_mem();
	slot.memory_size = AG_MEM_SIZE;
	slot.userspace_addr = (uintptr_t)v->mem;
	if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &slot))
		die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	if (on_intel && ioctl(v->vm, KVM_SET_TSS_ADDR, 0xfffbd000UL))
		die("KVM_SET_TSS_ADDR: %s", strerror(errno));
	/* Before the vCPUs: each gets its local APIC at creation. */
	if (ioctl(v->vm, KVM_CREATE_IRQCHIP, 0))
		die("KVM_CREATE_IRQCHIP: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		v->vcpu[i] = ioctl(v->vm, KVM_CREATE_VCPU, i);
		if (v->vcpu[i] < 0)
			die("KVM_CREATE_VCPU %d: %s", i, strerror(errno));
	}
	kvm_set_cpuid(v);
	map_runs(v, ioctl(v->sys, KVM_GET_VCPU_MMAP_SIZE, 0));
	return 0;
}

static void kvm_start(struct avm *v, int i, uint32_t rip, uint32_t rsp)
{
	struct kvm_regs r = { .rip = rip, .rsp = rsp, .rflags = 2 };
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct kvm_sregs s;

	if (ioctl(v->vcpu[i], KVM_GET_SREGS, &s))
		die("KVM_GET_SREGS: %s", strerror(errno));
	PMODE_SREGS(s);
	if (ioctl(v->vcpu[i], KVM_SET_SREGS, &s))
		die("KVM_SET_SREGS: %s", strerror(errno));
	if (ioctl(v->vcpu[i], KVM_SET_REGS, &r))
		die("KVM_SET_REGS: %s", strerror(errno));
	/* vCPU 1 waits for INIT/SIPI otherwise. */
	if (i && ioctl(v->vcpu[i], KVM_SET_MP_STATE, &mp))
		die("KVM_SET_MP_STATE: %s", strerror(errno));
}

static enum aact kvm_run1(struct avm *v, int i, char *why, size_t len)
{
	struct kvm_run *run = v->run[i];

	if (ioctl(v->vcpu[i], KVM_RUN, 0)) {
		if (errno == EINTR)
			return A_RESUME;
		snprintf(why, len, "KVM_RUN: %s", strerror(errno));
		return A_BAD;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.direction == KVM_EXIT_IO_OUT &&
		    run->io.port == AG_DONE_PORT)
			return A_DONE;
		if (run->io.direction == KVM_EXIT_IO_OUT &&
		    run->io.port == AG_ERR_PORT)
			return A_ERR;
		snprintf(why, len, "I/O exit, port %#x", run->io.port);
		return A_BAD;
	case KVM_EXIT_INTR:
		return A_RESUME;
	case KVM_EXIT_MMIO:
		snprintf(why, len, "MMIO exit at %#llx",
			 (unsigned long long)run->mmio.phys_addr);
		return A_BAD;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(why, len, "internal error %u (data %#llx %#llx %#llx)",
			 run->internal.suberror,
			 (unsigned long long)run->internal.data[0],
			 (unsigned long long)run->internal.data[1],
			 (unsigned long long)run->internal.data[2]);
		return A_BAD;
	default:
		snprintf(why, len, "exit reason %u", run->exit_reason);
		return A_BAD;
	}
}

static const struct aops vmm_aops = {
	.name = "vmm", .create = vmm_create, .start = vmm_start,
	.run1 = vmm_run1,
};

static const struct aops kvm_aops = {
	.name = "kvm", .create = kvm_create, .start = kvm_start,
	.run1 = kvm_run1,
};

static void avm_destroy(struct avm *v)
{
	int i;

	for (i = 0; i < 2; i++) {
		munmap(v->run[i], v->run_size);
		close(v->vcpu[i]);
	}
	close(v->vm);
	close(v->sys);
	munmap(v->mem, AG_MEM_SIZE);
}

/* ---- the guest's memory ------------------------------------------------- */

static uint32_t *u32_at(struct avm *v, uint32_t gpa)
{
	return (uint32_t *)(v->mem + gpa);
}

static uint64_t *u64_at(struct avm *v, uint32_t gpa)
{
	return (uint64_t *)(v->mem + gpa);
}

static uint32_t guest_addr(const uint8_t *sym)
{
	return AG_CODE + (uint32_t)(sym - apic_guest_start);
}

static void set_gate(struct avm *v, int vec, const uint8_t *handler)
{
	uint32_t off = guest_addr(handler);

	/* 32-bit interrupt gate, DPL 0 (SDM Vol. 3A 6.11, Figure 6-2). */
	*u64_at(v, AG_IDT + vec * 8) =
		(off & 0xffff) | (uint64_t)AG_SEL_CODE << 16 |
		(uint64_t)0x8e00 << 32 | (uint64_t)(off & 0xffff0000) << 32;
}

struct params {
	uint32_t n;
	uint64_t timeout, timer_dist, wake_delay;
};

static void load_guest(struct avm *v, const struct params *p)
{
	size_t size = apic_guest_end - apic_guest_start;
	int vec;

	if (size > AG_CODE_MAX)
		die("guest too large (%zu bytes)", size);
	memcpy(v->mem + AG_CODE, apic_guest_start, size);
	/* GDT: null, flat code (0x08), flat data (0x10), accessed set. */
	*u64_at(v, AG_GDT + 8) = 0x00cf9b000000ffffULL;
	*u64_at(v, AG_GDT + 16) = 0x00cf93000000ffffULL;
	for (vec = 0; vec < 256; vec++)
		set_gate(v, vec, ag_stubs + vec * AG_STUB_SIZE);
	set_gate(v, V_BACK, ag_h_back);
	set_gate(v, V_PING, ag_h_ping);
	set_gate(v, V_TIMER, ag_h_timer);
	set_gate(v, V_WAKE0, ag_h_wake0);
	set_gate(v, V_WAKE1, ag_h_wake1);
	set_gate(v, V_KICK, ag_h_kick);
	set_gate(v, V_SPURIOUS, ag_h_spurious);
	*u32_at(v, AGD(D_N)) = p->n;
	*u64_at(v, AGD(D_TIMEOUT)) = p->timeout;
	*u64_at(v, AGD(D_TIMER_DIST)) = p->timer_dist;
	*u64_at(v, AGD(D_WAKE_DELAY)) = p->wake_delay;
}

static const char *const wait_name[] = {
	[W_READY1] = "vCPU 0 waiting for vCPU 1 to start",
	[W_BACK] = "vCPU 0 waiting for the IPI back",
	[W_TIMER] = "vCPU 0 waiting for its timer",
	[W_WAKE] = "a sleeper waiting for its wake-up after HLT",
	[W_SLEEPING] = "a waker waiting for the sleeper",
	[W_END] = "vCPU 0 waiting for vCPU 1's last wake-up",
};

/* The guest's D_ERR as words. */
static void guest_error(struct avm *v, int i)
{
	uint32_t code = *u32_at(v, AGD(D_ERR));
	uint32_t w1 = *u32_at(v, AGD(D_ERR) + 4), w2 = *u32_at(v, AGD(D_ERR) + 8);
	uint32_t what = code & 0xff;

	switch (code & ~0xffu) {
	case E_VECTOR:
		die("%s: vCPU %d: unexpected vector %u (stack: %#x %#x)",
		    v->ops->name, i, what, w1, w2);
	case E_WAIT:
		die("%s: vCPU %d: timed out: %s (at %#x: %u)", v->ops->name, i,
		    what < sizeof(wait_name) / sizeof(wait_name[0]) &&
		    wait_name[what] ? wait_name[what] : "?", w1, w2);
	default:
		die("%s: vCPU %d: guest error %#x", v->ops->name, i, code);
	}
}

/* ---- running one series ------------------------------------------------- */

/* Each vCPU thread on a CPU of its own, the same for both hypervisors:
 * two spinning vCPUs left to the scheduler may share one CPU of the
 * two-CPU lab and then take turns by time slice (milliseconds). */
static void pin(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity: %s", strerror(errno));
}

static void run_vcpu(struct avm *v, int i)
{
	char why[160];
	enum aact a;

	pin(i);

	while ((a = v->ops->run1(v, i, why, sizeof(why))) == A_RESUME)
		;
	if (a == A_ERR)
		guest_error(v, i);
	if (a == A_BAD)
		die("%s: vCPU %d: %s", v->ops->name, i, why);
}

static void *vcpu1_thread(void *arg)
{
	run_vcpu(arg, 1);
	return NULL;
}

/* One series' figures, in ticks. */
struct figures {
	int64_t ipi, timer, wake, skew;
	uint32_t dropped, dup, nonpos;
	int no_timer;
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t median(int64_t *d, uint32_t n)
{
	qsort(d, n, sizeof(d[0]), cmp_i64);
	return d[n / 2];
}

static uint64_t arr(struct avm *v, int a, uint32_t k)
{
	return *u64_at(v, AG_ARR_ADDR(a) + k * 8);
}

static void check_count(struct avm *v, uint32_t off, uint32_t n,
			const char *what)
{
	uint32_t got = *u32_at(v, AGD(off));

	if (got != n)
		die("%s: %u %s, expected %u", v->ops->name, got, what, n);
}

/* The figures of one finished series; dies when the guest's readings
 * do not add up. */
static void compute(struct avm *v, uint32_t n, struct figures *f)
{
	int64_t *d = calloc(n, sizeof(*d)), *wa = calloc(n, sizeof(*wa));
	int64_t *wb = calloc(n, sizeof(*wb)), ma, mb;
	uint32_t k, na = 0;
	const char *name = v->ops->name;

	if (!d || !wa || !wb)
		die("out of memory");
	check_count(v, D_CNT_PING, n, "pings taken by vCPU 1");
	check_count(v, D_CNT_BACK, n, "replies taken by vCPU 0");
	for (k = 0; k < n; k++) {
		d[k] = arr(v, A_IPI_BACK, k) - arr(v, A_IPI_SEND, k);
		if (d[k] <= 0)
			die("%s: IPI round %u took %lld ticks", name, k,
			    (long long)d[k]);
	}
	f->ipi = median(d, n);

	f->no_timer = *u32_at(v, AGD(D_NO_TSCDL));
	if (!f->no_timer) {
		check_count(v, D_CNT_TIMER, n, "timer interrupts");
		for (k = 0; k < n; k++) {
			d[k] = arr(v, A_TIMER_HIT, k) - arr(v, A_TIMER_DL, k);
			if (d[k] < 0)
				die("%s: timer round %u: interrupt %lld ticks before the deadline",
				    name, k, (long long)-d[k]);
		}
		f->timer = median(d, n);
	}

	/* Round k, both directions, one after the other: a = latency +
	 * (TSC0 - TSC1), b = latency - (TSC0 - TSC1).  A pair with a
	 * wake-up that found its sleeper awake (TSC 0 in A_WAKE_HIT) is
	 * dropped. */
	check_count(v, D_SLEEP(0) + DS_CNT, n, "wake-ups taken by vCPU 0");
	check_count(v, D_SLEEP(1) + DS_CNT, n, "wake-ups taken by vCPU 1");
	f->dropped = *u32_at(v, AGD(D_SLEEP(0) + DS_NOT_HALTED)) +
		     *u32_at(v, AGD(D_SLEEP(1) + DS_NOT_HALTED));
	for (k = 0; k < n; k++) {
		if (!arr(v, A_WAKE_HIT, k) || !arr(v, A_WAKE_HIT, n + k))
			continue;
		ma = arr(v, A_WAKE_HIT, k) - arr(v, A_WAKE_SEND, k);
		mb = arr(v, A_WAKE_HIT, n + k) - arr(v, A_WAKE_SEND, n + k);
		wa[na] = (ma + mb) / 2;
		wb[na++] = (ma - mb) / 2;
		if ((ma + mb) / 2 <= 0)
			f->nonpos++;
	}
	if (!na)
		die("%s: no wake-up found its sleeper in HLT", name);
	f->wake = median(wa, na);
	f->skew = median(wb, na);
	if (f->wake <= 0)
		die("%s: HLT wake-up of %lld ticks (median over %u pairs)",
		    name, (long long)f->wake, na);
	f->dup = *u32_at(v, AGD(D_DUP_IPI)) + *u32_at(v, AGD(D_DUP_TIMER)) +
		 *u32_at(v, AGD(D_DUP_WAKE));
	if (f->dup)
		printf("info: second deliveries: %u ping/reply, %u timer, %u wake-up\n",
		       *u32_at(v, AGD(D_DUP_IPI)),
		       *u32_at(v, AGD(D_DUP_TIMER)), *u32_at(v, AGD(D_DUP_WAKE)));
	if (*u32_at(v, AGD(D_SPURIOUS)))
		die("%s: %u spurious interrupts", name,
		    *u32_at(v, AGD(D_SPURIOUS)));
	free(d);
	free(wa);
	free(wb);
}

/* One fresh VM, all phases.  0, or -1 when there is no in-kernel APIC. */
static int series(const struct aops *ops, const struct params *p,
		  struct figures *f, const char **why)
{
	struct avm v = { .ops = ops };
	pthread_t t;
	int err;

	if (ops->create(&v, why))
		return -1;
	load_guest(&v, p);
	ops->start(&v, 0, guest_addr(ag_entry0), AG_STACK0_TOP);
	ops->start(&v, 1, guest_addr(ag_entry1), AG_STACK1_TOP);
	err = pthread_create(&t, NULL, vcpu1_thread, &v);
	if (err)
		die("pthread_create: %s", strerror(err));
	run_vcpu(&v, 0);
	pthread_join(t, NULL);
	compute(&v, p->n, f);
	avm_destroy(&v);
	return 0;
}

/* ---- the rows ------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The TSC's rate (the guests' too: neither hypervisor scales it here),
 * from 100 ms of CLOCK_MONOTONIC. */
static double tsc_per_ns(void)
{
	struct timespec d = { 0, 100000000 };
	uint64_t t0, n0;

	n0 = now_ns();
	t0 = __rdtsc();
	nanosleep(&d, NULL);
	return (double)(__rdtsc() - t0) / (double)(now_ns() - n0);
}

static uint64_t env_us(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

/* "KIND TICKS NS SPREAD" from the per-series figures x[reps]. */
static void row(const char *kind, int64_t *x, int reps, double per_ns)
{
	int64_t m;

	qsort(x, reps, sizeof(x[0]), cmp_i64);
	m = x[reps / 2];
	printf("%s %lld %.0f %.0f\n", kind, (long long)m, (double)m / per_ns,
	       m ? 100.0 * (double)(x[reps - 1] - x[0]) / (double)m : 0.0);
}

void apic_bench(const char *hv, uint32_t n, int reps)
{
	const struct aops *ops = !strcmp(hv, "vmm") ? &vmm_aops : &kvm_aops;
	int64_t ipi[reps], timer[reps], wake[reps], skew[reps];
	uint32_t dropped = 0, dup = 0, nonpos = 0;
	const char *why = "";
	struct figures f = { 0 };
	struct params p;
	double per_ns;
	int r, no_timer = 0;

	if (n < 1 || n > AG_N_MAX / 2)
		die("APIC rounds must be 1..%d", AG_N_MAX / 2);
	per_ns = tsc_per_ns();
	p.n = n;
	p.timeout = (uint64_t)(per_ns * 1e3 * env_us("APICBENCH_TIMEOUT_US", 20000000));
	p.timer_dist = (uint64_t)(per_ns * 1e3 * env_us("APICBENCH_TIMER_US", 200));
	p.wake_delay = (uint64_t)(per_ns * 1e3 * env_us("APICBENCH_DELAY_US", 1000));
	for (r = 0; r < reps; r++) {
		memset(&f, 0, sizeof(f));
		if (series(ops, &p, &f, &why)) {
			printf("ipi n/a (%s)\ntimer n/a (%s)\nhlt-wake n/a (%s)\n",
			       why, why, why);
			fflush(stdout);
			return;
		}
		ipi[r] = f.ipi;
		timer[r] = f.timer;
		wake[r] = f.wake;
		skew[r] = f.skew;
		dropped += f.dropped;
		dup += f.dup;
		nonpos += f.nonpos;
		no_timer |= f.no_timer;
	}
	row("ipi", ipi, reps, per_ns);
	if (no_timer)
		printf("timer n/a (no TSC-deadline timer in CPUID)\n");
	else
		row("timer", timer, reps, per_ns);
	row("hlt-wake", wake, reps, per_ns);
	qsort(skew, reps, sizeof(skew[0]), cmp_i64);
	printf("info: N=%u: TSC of vCPU 0 minus vCPU 1, from the two wake directions: median %lld, range %lld..%lld ticks; %u of %u wake-ups did not find the sleeper in HLT (their pairs dropped); %u pairs <= 0 ticks; %u interrupts delivered twice (ignored); timer deadline %llu ticks ahead, waker delay %llu ticks; TSC %.3f GHz\n",
	       n, (long long)skew[reps / 2], (long long)skew[0],
	       (long long)skew[reps - 1], dropped, 2 * n * reps, nonpos, dup,
	       (unsigned long long)p.timer_dist,
	       (unsigned long long)p.wake_delay, per_ns);
	fflush(stdout);
}
