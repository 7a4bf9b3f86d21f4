// SPDX-License-Identifier: GPL-2.0-only
/*
 * lapic-abi.c - the VMM_CAP_LAPIC ioctls from userspace, as uapi/vmm.h
 * describes them, and teardown with work in flight:
 *
 *   - VMM_ENABLE_CAP(VMM_CAP_LAPIC): EINVAL with args, 0 (twice) before
 *     the first vCPU, EBUSY after; VMM_SIGNAL_MSI ENXIO without it;
 *   - VMM_GET/SET_MP_STATE: vCPU 0 runnable, the others wait for a SIPI;
 *     bad states and flags refused;
 *   - VMM_GET/SET_LAPIC: the reset state, a round trip, reserved bits
 *     refused;
 *   - VMM_SIGNAL_MSI: physical, broadcast and logical destinations, a
 *     software-disabled APIC takes nothing, bad messages refused;
 *   - VMM_RUN of a vCPU waiting for a SIPI sleeps until a signal
 *     (EINTR, VMM_EXIT_INTR) and keeps waiting;
 *   - 64 vCPUs with periodic APIC timers armed, MSIs sent from another
 *     thread while the fds close: the host must not notice;
 *   - one TSC per VM: a vCPU created 100 ms after another, and run after
 *     it, reads a TSC no smaller (each vCPU's own offset, taken when it
 *     was created, made it lag).
 *
 * Exit status 0 when every check passed.  Built static against
 * uapi/vmm.h: gcc -static -Iuapi -o lapic-abi tests/lab/lapic-abi.c
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"

static int failures, checks;

#define CHECK(cond, ...) do {						\
	checks++;							\
	if (cond) {							\
		printf("PASS: " __VA_ARGS__);				\
	} else {							\
		failures++;						\
		printf("FAIL: " __VA_ARGS__);				\
		printf(" (errno %d)", errno);				\
	}								\
	printf("\n");							\
} while (0)

static int sys_fd;

static int new_vm(void)
{
	return ioctl(sys_fd, VMM_CREATE_VM, 0);
}

static int enable_lapic(int vm, unsigned long long arg0)
{
	struct vmm_enable_cap cap = { .cap = VMM_CAP_LAPIC };

	cap.args[0] = arg0;
	return ioctl(vm, VMM_ENABLE_CAP, &cap);
}

static int msi(int vm, unsigned int lo, unsigned int data)
{
	struct vmm_msi m = { .address_lo = lo, .data = data };

	return ioctl(vm, VMM_SIGNAL_MSI, &m);
}

static unsigned int reg(const struct vmm_lapic_state *s, unsigned int off)
{
	unsigned int v;

	memcpy(&v, &s->regs[off], 4);
	return v;
}

static void set_reg(struct vmm_lapic_state *s, unsigned int off,
		    unsigned int v)
{
	memcpy(&s->regs[off], &v, 4);
}

static bool irr(const struct vmm_lapic_state *s, unsigned int vector)
{
	return reg(s, 0x200 + (vector / 32) * 0x10) & (1U << (vector % 32));
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_abi(void)
{
	struct vmm_lapic_state s, t;
	struct vmm_mp_state mp;
	struct vmm_msi m;
	struct vmm_run *run;
	struct sigaction sa;
	int vm, v0, v1, r;
	long size;

	vm = new_vm();
	CHECK(vm >= 0, "VMM_CREATE_VM");
	CHECK(ioctl(sys_fd, VMM_CHECK_CAP, VMM_CAP_LAPIC) == 1,
	      "VMM_CHECK_CAP(VMM_CAP_LAPIC) is 1");
	CHECK(msi(vm, 0xfee00000, 0x40) == -1 && errno == ENXIO,
	      "VMM_SIGNAL_MSI without the capability: ENXIO");
	CHECK(enable_lapic(vm, 1) == -1 && errno == EINVAL,
	      "VMM_ENABLE_CAP(LAPIC) with args: EINVAL");
	CHECK(enable_lapic(vm, 0) == 0 && enable_lapic(vm, 0) == 0,
	      "VMM_ENABLE_CAP(LAPIC) twice before any vCPU");
	v0 = ioctl(vm, VMM_CREATE_VCPU, 0);
	v1 = ioctl(vm, VMM_CREATE_VCPU, 1);
	CHECK(v0 >= 0 && v1 >= 0, "two vCPUs");
	CHECK(enable_lapic(vm, 0) == -1 && errno == EBUSY,
	      "VMM_ENABLE_CAP(LAPIC) after a vCPU: EBUSY");

	CHECK(!ioctl(v0, VMM_GET_MP_STATE, &mp) && mp.state == VMM_MP_RUNNABLE,
	      "vCPU 0 runnable");
	CHECK(!ioctl(v1, VMM_GET_MP_STATE, &mp) &&
	      mp.state == VMM_MP_WAIT_SIPI, "vCPU 1 waits for a SIPI");
	memset(&mp, 0, sizeof(mp));
	mp.state = 3;
	CHECK(ioctl(v1, VMM_SET_MP_STATE, &mp) == -1 && errno == EINVAL,
	      "VMM_SET_MP_STATE 3: EINVAL");
	mp.state = VMM_MP_WAIT_SIPI;
	mp.flags = 1;
	CHECK(ioctl(v1, VMM_SET_MP_STATE, &mp) == -1 && errno == EINVAL,
	      "VMM_SET_MP_STATE with flags: EINVAL");

	CHECK(!ioctl(v1, VMM_GET_LAPIC, &s), "VMM_GET_LAPIC");
	CHECK(reg(&s, 0x20) == 1U << 24, "vCPU 1: ID 0x%x", reg(&s, 0x20));
	CHECK(reg(&s, 0x30) == 0x50014, "version 0x%x", reg(&s, 0x30));
	CHECK(reg(&s, 0xf0) == 0xff && reg(&s, 0xe0) == 0xffffffff &&
	      reg(&s, 0x320) == 0x10000, "SVR, DFR, LVT timer at reset");

	CHECK(msi(vm, 0xfee01000, 0x40) == 0,
	      "MSI to a software-disabled APIC: taken by none");
	set_reg(&s, 0xf0, 0x1ff);
	set_reg(&s, 0xd0, 0x02000000);		/* logical ID, flat: bit 1 */
	CHECK(!ioctl(v1, VMM_SET_LAPIC, &s), "VMM_SET_LAPIC: enable, LDR");
	CHECK(!ioctl(v1, VMM_GET_LAPIC, &t) && reg(&t, 0xf0) == 0x1ff &&
	      reg(&t, 0xd0) == 0x02000000, "VMM_GET_LAPIC reads it back");
	CHECK(msi(vm, 0xfee01000, 0x41) == 1, "MSI fixed to APIC 1");
	CHECK(msi(vm, 0xfee02000, 0x42) == 0, "MSI to APIC 2: nobody");
	CHECK(msi(vm, 0xfeeff000, 0x43) == 1,
	      "MSI broadcast: only the enabled APIC");
	CHECK(msi(vm, 0xfee02004, 0x44) == 1, "MSI logical, flat bit 1");
	CHECK(msi(vm, 0xfee01004, 0x45) == 0, "MSI logical, flat bit 0: nobody");
	CHECK(msi(vm, 0xfee01000, 0x103) == 0 || errno == EINVAL,
	      "MSI with vector 3 is taken by none");
	CHECK(!ioctl(v1, VMM_GET_LAPIC, &t) && irr(&t, 0x41) && irr(&t, 0x43) &&
	      irr(&t, 0x44) && !irr(&t, 0x42) && !irr(&t, 0x45),
	      "IRR has exactly the vectors delivered");
	CHECK(msi(vm, 0xfed00000, 0x40) == -1 && errno == EINVAL,
	      "MSI address 0xfed00000: EINVAL");
	CHECK(msi(vm, 0xfee01000, 0x740) == -1 && errno == EINVAL,
	      "MSI ExtINT: EINVAL");
	CHECK(msi(vm, 0xfee01000, 0x640) == -1 && errno == EINVAL,
	      "MSI delivery mode 6 (reserved): EINVAL");
	memset(&m, 0, sizeof(m));
	m.address_lo = 0xfee01000;
	m.data = 0x40;
	m.flags = 1;
	CHECK(ioctl(vm, VMM_SIGNAL_MSI, &m) == -1 && errno == EINVAL,
	      "MSI with flags: EINVAL");
	CHECK(msi(vm, 0xfee01000, 0x400) == 1, "MSI NMI to APIC 1");

	t = s;
	set_reg(&t, 0x80, 0x100);
	CHECK(ioctl(v1, VMM_SET_LAPIC, &t) == -1 && errno == EINVAL,
	      "VMM_SET_LAPIC: TPR bit 8 is EINVAL");
	t = s;
	set_reg(&t, 0x200, 1U << 3);
	CHECK(ioctl(v1, VMM_SET_LAPIC, &t) == -1 && errno == EINVAL,
	      "VMM_SET_LAPIC: IRR vector 3 is EINVAL");
	t = s;
	set_reg(&t, 0x24, 1);
	CHECK(ioctl(v1, VMM_SET_LAPIC, &t) == -1 && errno == EINVAL,
	      "VMM_SET_LAPIC: a byte between registers is EINVAL");

	/* A waiting AP sleeps in VMM_RUN until a signal. */
	size = ioctl(sys_fd, VMM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v1, 0);
	CHECK(run != MAP_FAILED, "mmap the run area");
	if (run == MAP_FAILED)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	r = ioctl(v1, VMM_RUN, 0);
	CHECK(r == -1 && errno == EINTR && run->exit_reason == VMM_EXIT_INTR,
	      "VMM_RUN of a waiting AP: EINTR after the signal");
	CHECK(!ioctl(v1, VMM_GET_MP_STATE, &mp) &&
	      mp.state == VMM_MP_WAIT_SIPI, "and it still waits for a SIPI");
	munmap(run, size);
	close(v0);
	close(v1);
	close(vm);
}

struct storm {
	int vm;
	volatile int stop;
};

static void *msi_storm(void *arg)
{
	struct storm *st = arg;

	while (!st->stop) {
		msi(st->vm, 0xfeeff000, 0x40);		/* broadcast */
		msi(st->vm, 0xfeeff000, 0x500);		/* INIT to all */
	}
	return NULL;
}

/* 64 vCPUs, each with a periodic timer; close everything under fire. */
static void test_teardown(void)
{
	struct vmm_lapic_state s;
	struct storm st;
	pthread_t thr;
	int vm, v[64], i, ok = 1;

	vm = new_vm();
	if (vm < 0 || enable_lapic(vm, 0)) {
		CHECK(0, "VM with the local APIC");
		return;
	}
	for (i = 0; i < 64; i++) {
		v[i] = ioctl(vm, VMM_CREATE_VCPU, i);
		if (v[i] < 0 || ioctl(v[i], VMM_GET_LAPIC, &s)) {
			ok = 0;
			continue;
		}
		set_reg(&s, 0xf0, 0x1ff);
		set_reg(&s, 0x320, 0x20040);		/* periodic, 0x40 */
		set_reg(&s, 0x3e0, 0xb);
		set_reg(&s, 0x380, 10000000);		/* 10 ms */
		if (ioctl(v[i], VMM_SET_LAPIC, &s))
			ok = 0;
	}
	CHECK(ok, "64 vCPUs with periodic APIC timers armed");
	CHECK(ioctl(vm, VMM_CREATE_VCPU, 64) == -1 && errno == EINVAL,
	      "vCPU 64: EINVAL");
	st.vm = vm;
	st.stop = 0;
	pthread_create(&thr, NULL, msi_storm, &st);
	usleep(200000);
	for (i = 0; i < 64; i++)
		if (v[i] >= 0)
			close(v[i]);
	usleep(100000);
	st.stop = 1;
	pthread_join(thr, NULL);
	close(vm);		/* the last reference: timers cancelled */
	CHECK(1, "closed under timers and MSIs");
}

/*
 * Real-mode code at 0: RDTSC, EAX to port 0x10, EDX to port 0x11, HLT.
 *   0f 31        rdtsc
 *   66 e7 10     out 0x10, eax
 *   66 89 d0     mov eax, edx
 *   66 e7 11     out 0x11, eax
 *   f4           hlt
 */
static const unsigned char tsc_code[] = {
	0x0f, 0x31, 0x66, 0xe7, 0x10, 0x66, 0x89, 0xd0, 0x66, 0xe7, 0x11, 0xf4
};

/* Run vCPU fd v from 0 until HLT; the TSC it read, or 0 on a failure. */
static unsigned long long run_tsc(int v, long size)
{
	struct vmm_sregs sr;
	struct vmm_regs regs = { .rflags = 2 };
	struct vmm_run *run;
	unsigned int half[2] = { 0, 0 };
	int got = 0;

	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v, 0);
	if (run == MAP_FAILED || ioctl(v, VMM_GET_SREGS, &sr))
		return 0;
	sr.cs.base = 0;
	sr.cs.selector = 0;
	if (ioctl(v, VMM_SET_SREGS, &sr) || ioctl(v, VMM_SET_REGS, &regs))
		return 0;
	for (;;) {
		if (ioctl(v, VMM_RUN, 0))
			break;
		if (run->exit_reason == VMM_EXIT_HLT)
			break;
		if (run->exit_reason != VMM_EXIT_IO || run->io.size != 4 ||
		    (run->io.port != 0x10 && run->io.port != 0x11))
			break;
		memcpy(&half[run->io.port - 0x10],
		       (char *)run + run->io.data_offset, 4);
		got++;
	}
	munmap(run, size);
	return got == 2 ? ((unsigned long long)half[1] << 32) | half[0] : 0;
}

static void test_tsc(void)
{
	struct vmm_memory_slot slot = { .size = 0x10000 };
	unsigned long long t0, t1;
	void *ram;
	int vm, v0, v1;
	long size = ioctl(sys_fd, VMM_GET_VCPU_MMAP_SIZE, 0);

	vm = new_vm();
	ram = mmap(NULL, slot.size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || ram == MAP_FAILED) {
		CHECK(0, "VM for the TSC check");
		return;
	}
	memcpy(ram, tsc_code, sizeof(tsc_code));
	slot.userspace_addr = (unsigned long)ram;
	v0 = ioctl(vm, VMM_CREATE_VCPU, 0);
	usleep(100000);
	v1 = ioctl(vm, VMM_CREATE_VCPU, 1);
	if (ioctl(vm, VMM_SET_MEMORY_SLOT, &slot) || v0 < 0 || v1 < 0) {
		CHECK(0, "VM for the TSC check");
		return;
	}
	t0 = run_tsc(v0, size);
	t1 = run_tsc(v1, size);
	CHECK(t0 && t1, "vCPU 0 and vCPU 1 read their TSC (%llu, %llu)",
	      t0, t1);
	CHECK(t1 >= t0, "vCPU 1, created 100 ms later and run later, "
	      "reads no smaller a TSC: one TSC per VM (%lld ticks apart)",
	      (long long)(t1 - t0));
	close(v0);
	close(v1);
	close(vm);
	munmap(ram, slot.size);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	sys_fd = open("/dev/vmm", O_RDWR);
	if (sys_fd < 0) {
		perror("/dev/vmm");
		return 1;
	}
	test_abi();
	test_teardown();
	test_tsc();
	printf("SUMMARY: %d tests, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
