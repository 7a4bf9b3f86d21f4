// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_libvmm.c - libvmm's ABI wrappers and run loop (lib/sys.c, vm.c,
 * vcpu.c, run.c) against a fake kernel: this file defines ioctl(), which
 * takes precedence over libc's for the statically linked library, and
 * answers the VMM_* requests from a script.  The vCPU's run area is a
 * MAP_SHARED mapping of /dev/zero, as good as the module's for this.
 * What it checks: the calls the library makes (memory slots, unwinding
 * on failure, the version check), how the run loop resumes or stops
 * (HLT, signals, immediate_exit, the exit port, errors), and the machine
 * runner (lib/machine.c): one vCPU follows the script while the others
 * "sleep in the kernel" as APs waiting for a SIPI do, until a signal.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bus.h"
#include "dev/exitport.h"
#include "dev/serial.h"
#include "libvmm.h"

/* ---- the fake kernel ---- */

#define MAX_SLOTS	8
#define MAX_STEPS	16

struct step {
	int err;		/* VMM_RUN's errno, or 0 */
	uint32_t reason;
	uint64_t rflags;
	uint16_t port;		/* for VMM_EXIT_IO OUT */
	const char *bytes;	/* its data, one byte per element */
	bool stop;		/* "a signal handler" asks to stop first */
};

static struct {
	int api_version;
	int fail_slot;		/* VMM_SET_MEMORY_SLOT of this slot: -EEXIST */
	struct vmm_memory_slot slots[MAX_SLOTS];
	int nr_slot_calls;
	int nr_runs;
	struct step steps[MAX_STEPS];
	int nr_steps, next;
	struct vmm_run *run;
	struct vmm_vcpu *vcpu;
	unsigned int cpuid_nent;
	/* Machine tests: VMM_RUN on script_fd follows the script, on the
	 * other vCPU fds (fds[i], run area areas[i]) it sleeps. */
	int script_fd;
	unsigned int nr_fds;
	int fds[8];
	struct vmm_run *areas[8];
	char names[8][16];	/* each sleeper's thread name */
	int pinned[8];		/* the one CPU it may run on, or -1 */
	int sleeps[8];
	bool wait_sleepers;	/* the script waits until all others sleep */
} k;

/*
 * A vCPU with nothing to do sleeps in VMM_RUN until a signal, as the
 * module's WAIT_SIPI and HLT do; immediate_exit returns at once.  The
 * signal is blocked between the check and the sleep, as the kernel's
 * signal_pending() check would, so a kick cannot fall in between.
 */
static int fake_sleep(unsigned int i)
{
	struct vmm_run *run = k.areas[i];
	sigset_t kick, old;
	cpu_set_t set;

	pthread_getname_np(pthread_self(), k.names[i], sizeof(k.names[i]));
	k.pinned[i] = -1;
	if (!pthread_getaffinity_np(pthread_self(), sizeof(set), &set) &&
	    CPU_COUNT(&set) == 1)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				k.pinned[i] = c;
	__atomic_add_fetch(&k.sleeps[i], 1, __ATOMIC_RELAXED);
	sigemptyset(&kick);
	sigaddset(&kick, VMM_MACHINE_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &kick, &old);
	if (!run->immediate_exit) {
		sigdelset(&old, VMM_MACHINE_KICK_SIGNAL);
		sigsuspend(&old);
	}
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	run->exit_reason = VMM_EXIT_INTR;
	errno = EINTR;
	return -1;
}

static int fake_run(void)
{
	struct vmm_run *run = k.run;
	const struct step *s;

	/* A loop that never stops must still end the test. */
	if (++k.nr_runs > 100) {
		errno = ENOSYS;
		return -1;
	}
	if (run->immediate_exit) {
		run->exit_reason = VMM_EXIT_INTR;
		errno = EINTR;
		return -1;
	}
	if (k.next == k.nr_steps) {
		errno = EIO;	/* the script ran out: the loop must stop */
		return -1;
	}
	/* So that the kick must wake threads asleep in VMM_RUN. */
	for (unsigned int i = 0, n = 0; k.wait_sleepers && i < k.nr_fds; i++)
		while (k.fds[i] != k.script_fd &&
		       !__atomic_load_n(&k.sleeps[i], __ATOMIC_RELAXED) &&
		       n++ < 5000)
			usleep(1000);
	s = &k.steps[k.next++];
	if (s->stop)
		vmm_vcpu_request_stop(k.vcpu);
	run->exit_reason = s->reason;
	run->rflags = s->rflags;
	run->rip = 0x100000 + k.next;
	if (s->reason == VMM_EXIT_IO) {
		run->io.direction = VMM_EXIT_IO_OUT;
		run->io.size = 1;
		run->io.port = s->port;
		run->io.count = strlen(s->bytes);
		run->io.data_offset = 4096;
		memcpy((char *)run + 4096, s->bytes, run->io.count);
	}
	if (s->reason == VMM_EXIT_MMIO) {
		run->mmio.phys_addr = 0xfed00000;	/* nobody's: all-ones */
		run->mmio.len = 4;
		run->mmio.is_write = 0;
	}
	if (s->err) {
		errno = s->err;
		return -1;
	}
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	switch (req) {
	case VMM_GET_API_VERSION:
		return k.api_version;
	case VMM_CHECK_CAP:
		return (uintptr_t)arg == VMM_CAP_NR_MEMSLOTS ? MAX_SLOTS : 0;
	case VMM_GET_VCPU_MMAP_SIZE:
		return 8192;
	case VMM_GET_INFO:
		memset(arg, 0, sizeof(struct vmm_info));
		strcpy(((struct vmm_info *)arg)->backend_name, "fake");
		((struct vmm_info *)arg)->backend_name[15] = 'x';
		return 0;
	case VMM_CREATE_VM:
		return open("/dev/null", O_RDWR | O_CLOEXEC);
	case VMM_CREATE_VCPU:
		return open("/dev/zero", O_RDWR | O_CLOEXEC);
	case VMM_SET_MEMORY_SLOT: {
		const struct vmm_memory_slot *s = arg;

		k.nr_slot_calls++;
		if (s->slot >= MAX_SLOTS) {
			errno = EINVAL;
			return -1;
		}
		if ((int)s->slot == k.fail_slot && s->size) {
			errno = EEXIST;
			return -1;
		}
		k.slots[s->slot] = *s;
		return 0;
	}
	case VMM_GET_CPUID: {
		struct vmm_cpuid *c = arg;

		if (c->nent < k.cpuid_nent) {
			c->nent = k.cpuid_nent;
			errno = E2BIG;
			return -1;
		}
		c->nent = k.cpuid_nent;
		return 0;
	}
	case VMM_RUN:
		for (unsigned int i = 0; i < k.nr_fds; i++)
			if (fd == k.fds[i] && fd != k.script_fd)
				return fake_sleep(i);
		return fake_run();
	}
	return syscall(SYS_ioctl, fd, req, arg);
}

/* ---- the tests ---- */

static struct vmm_sys *sys;
static struct vmm_vm *vm;

static void setup(void)
{
	memset(&k, 0, sizeof(k));
	k.script_fd = -1;
	k.api_version = VMM_API_VERSION;
	k.fail_slot = -1;
	ck_assert_int_eq(vmm_sys_open_path("/dev/null", &sys), 0);
}

static void teardown(void)
{
	vmm_sys_close(sys);
}

static void step(uint32_t reason, uint64_t rflags, int err, bool stop)
{
	k.steps[k.nr_steps++] = (struct step){
		.reason = reason, .rflags = rflags, .err = err, .stop = stop,
	};
}

static void step_out(uint16_t port, const char *bytes)
{
	k.steps[k.nr_steps++] = (struct step){
		.reason = VMM_EXIT_IO, .rflags = 2, .port = port, .bytes = bytes,
	};
}

START_TEST(open_missing_device)
{
	struct vmm_sys *s = (void *)1;

	ck_assert_int_eq(vmm_sys_open_path("/nonexistent/vmm", &s), -ENOENT);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(system_calls)
{
	struct vmm_info info;

	ck_assert_int_eq(vmm_sys_api_version(sys), VMM_API_VERSION);
	ck_assert_int_eq(vmm_sys_check_version(sys), 0);
	ck_assert_int_eq(vmm_sys_check_cap(sys, VMM_CAP_NR_MEMSLOTS), MAX_SLOTS);
	ck_assert_int_eq(vmm_sys_check_cap(sys, VMM_CAP_REAL_MODE), 0);
	ck_assert_int_eq(vmm_sys_vcpu_mmap_size(sys), 8192);
	ck_assert_int_eq(vmm_sys_info(sys, &info), 0);
	/* An unterminated name from the kernel comes back terminated. */
	ck_assert_uint_eq(info.backend_name[15], 0);
	ck_assert_str_eq(info.backend_name, "fake");
}
END_TEST

START_TEST(version_mismatch_refused)
{
	struct vmm_vm *v = (void *)1;

	k.api_version = VMM_API_VERSION + 1;
	ck_assert_int_eq(vmm_sys_check_version(sys), -EPROTONOSUPPORT);
	ck_assert_int_eq(vmm_vm_create(sys, &v), -EPROTONOSUPPORT);
	ck_assert_ptr_null(v);
}
END_TEST

START_TEST(memory_slots)
{
	struct vmm_mem *mem;
	void *hva;

	ck_assert_int_eq(vmm_vm_create(sys, &vm), 0);
	ck_assert_int_eq(vmm_vm_set_memory(vm, 4ULL << 30), 0);
	mem = vmm_vm_mem(vm);
	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(k.nr_slot_calls, 2);
	ck_assert_uint_eq(k.slots[0].guest_phys_addr, 0);
	ck_assert_uint_eq(k.slots[0].size, 3ULL << 30);
	ck_assert_uint_eq(k.slots[1].guest_phys_addr, 4ULL << 30);
	ck_assert_uint_eq(k.slots[1].size, 1ULL << 30);
	ck_assert_uint_eq(k.slots[0].flags | k.slots[1].flags, 0);
	vmm_mem_region(mem, 1, NULL, NULL, &hva);
	ck_assert_uint_eq(k.slots[1].userspace_addr, (uintptr_t)hva);
	/* Once only. */
	ck_assert_int_eq(vmm_vm_set_memory(vm, 1 << 20), -EBUSY);
	vmm_vm_destroy(vm);
}
END_TEST

START_TEST(memory_slots_unwind)
{
	k.fail_slot = 1;
	ck_assert_int_eq(vmm_vm_create(sys, &vm), 0);
	ck_assert_int_eq(vmm_vm_set_memory(vm, 4ULL << 30), -EEXIST);
	/* Slot 0 was registered, then deleted again (size 0). */
	ck_assert_int_eq(k.nr_slot_calls, 3);
	ck_assert_uint_eq(k.slots[0].size, 0);
	ck_assert_ptr_null(vmm_vm_mem(vm));
	vmm_vm_destroy(vm);
}
END_TEST

START_TEST(cpuid_too_small)
{
	struct vmm_cpuid_entry e[4];
	unsigned int n = 4;

	k.cpuid_nent = 9;
	ck_assert_int_eq(vmm_vm_create(sys, &vm), 0);
	ck_assert_int_eq(vmm_vm_get_cpuid(vm, e, &n), -E2BIG);
	ck_assert_uint_eq(n, 9);
	k.cpuid_nent = 3;
	n = 4;
	ck_assert_int_eq(vmm_vm_get_cpuid(vm, e, &n), 0);
	ck_assert_uint_eq(n, 3);
	vmm_vm_destroy(vm);
}
END_TEST

/* A VM with one vCPU, a serial port into a pipe and the exit port. */
static struct vmm_vcpu *vcpu;
static struct vmm_bus *bus;
static struct vmm_serial *uart;
static struct vmm_exitport *ep;
static int pipefd[2];

static void run_setup(void)
{
	setup();
	ck_assert_int_eq(vmm_vm_create(sys, &vm), 0);
	ck_assert_int_eq(vmm_vcpu_create(vm, 0, &vcpu), 0);
	ck_assert_uint_eq(vmm_vcpu_run_size(vcpu), 8192);
	k.run = vmm_vcpu_run_area(vcpu);
	k.vcpu = vcpu;
	ck_assert_int_eq(pipe2(pipefd, O_NONBLOCK), 0);
	ck_assert_int_eq(vmm_bus_create(&bus), 0);
	ck_assert_int_eq(vmm_serial_create(bus, 0x3f8, pipefd[1], -1, &uart), 0);
	ck_assert_int_eq(vmm_exitport_create(bus, 0xf4, &ep), 0);
}

static void run_teardown(void)
{
	vmm_exitport_destroy(ep);
	vmm_serial_destroy(uart);
	vmm_bus_destroy(bus);
	vmm_vcpu_destroy(vcpu);
	vmm_vm_destroy(vm);
	close(pipefd[0]);
	close(pipefd[1]);
	teardown();
}

static const char *console(void)
{
	static char buf[128];
	ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

START_TEST(loop_to_exit_port)
{
	struct vmm_exit_status st;

	step_out(0x3f8, "hi\n");
	step(VMM_EXIT_HLT, 0x202, 0, false);	/* IF=1: resumed */
	step(VMM_EXIT_INTR, 0x2, EINTR, false);	/* not ours: resumed */
	step(VMM_EXIT_MMIO, 0x2, 0, false);
	step_out(0xf4, "\x02");
	step(VMM_EXIT_HLT, 0x2, 0, false);	/* never reached */
	ck_assert_int_eq(vmm_vcpu_run_loop(vcpu, bus, &st), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_EXIT_REQUEST);
	ck_assert_uint_eq(st.code, 5);
	ck_assert_int_eq(k.nr_runs, 5);
	ck_assert_str_eq(console(), "hi\n");
}
END_TEST

START_TEST(loop_hlt_interrupts_off)
{
	struct vmm_exit_status st;

	step(VMM_EXIT_HLT, 0x2, 0, false);
	ck_assert_int_eq(vmm_vcpu_run_loop(vcpu, bus, &st), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_HALT);
	ck_assert_uint_eq(st.rip, 0x100001);
}
END_TEST

START_TEST(loop_stopped_by_signal)
{
	struct vmm_exit_status st;

	/* The signal lands while the guest runs: VMM_RUN returns EINTR. */
	step_out(0x3f8, "a");
	step(VMM_EXIT_INTR, 0x2, EINTR, true);
	step_out(0x3f8, "b");
	ck_assert_int_eq(vmm_vcpu_run_loop(vcpu, bus, &st), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_STOPPED);
	ck_assert_int_eq(k.nr_runs, 2);
	ck_assert(vmm_vcpu_stop_requested(vcpu));
	ck_assert_str_eq(console(), "a");
}
END_TEST

START_TEST(loop_stop_between_runs)
{
	struct vmm_exit_status st;

	/*
	 * The signal lands while the loop is in userspace, handling an
	 * exit: immediate_exit makes the next VMM_RUN return at once.
	 */
	k.steps[k.nr_steps++] = (struct step){
		.reason = VMM_EXIT_IO, .port = 0x3f8, .bytes = "c", .stop = true,
	};
	step_out(0x3f8, "d");
	ck_assert_int_eq(vmm_vcpu_run_loop(vcpu, bus, &st), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_STOPPED);
	ck_assert_uint_eq(k.run->immediate_exit, 1);
	ck_assert_str_eq(console(), "c");
}
END_TEST

START_TEST(loop_stale_immediate_exit)
{
	struct vmm_exit_status st;

	/* Set by someone else, with no stop asked: cleared, and on we go. */
	k.run->immediate_exit = 1;
	step_out(0xf4, "\x01");
	ck_assert_int_eq(vmm_vcpu_run_loop(vcpu, bus, &st), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_EXIT_REQUEST);
	ck_assert_uint_eq(st.code, 3);
	ck_assert_int_eq(k.nr_runs, 2);
}
END_TEST

START_TEST(loop_run_error)
{
	struct vmm_exit_status st;

	step(VMM_EXIT_SHUTDOWN, 0x2, EIO, false);
	ck_assert_int_eq(vmm_vcpu_run_loop(vcpu, bus, &st), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_ERROR);
	ck_assert_int_eq(st.error, -EIO);
}
END_TEST

START_TEST(loop_shutdown)
{
	struct vmm_exit_status st;

	step_out(0x3f8, "x");
	step(VMM_EXIT_SHUTDOWN, 0x2, 0, false);
	ck_assert_int_eq(vmm_vcpu_run_loop(vcpu, bus, &st), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_SHUTDOWN);
	ck_assert_uint_eq(st.exit_reason, VMM_EXIT_SHUTDOWN);
}
END_TEST

/* ---- the machine runner ---- */

static struct vmm_machine *m;

/* A machine of n vCPUs; vCPU script (or none: -1) follows the script. */
static void machine(unsigned int n, int script)
{
	ck_assert_int_eq(vmm_machine_create(vm, bus, n, &m), 0);
	ck_assert_uint_eq(vmm_machine_nr_vcpus(m), n);
	k.nr_fds = n;
	for (unsigned int i = 0; i < n; i++) {
		struct vmm_vcpu *v = vmm_machine_vcpu(m, i);

		k.fds[i] = vmm_vcpu_fd(v);
		k.areas[i] = vmm_vcpu_run_area(v);
		if ((int)i == script) {
			k.script_fd = k.fds[i];
			k.run = k.areas[i];
			k.vcpu = v;
		}
	}
}

static void machine_setup(void)
{
	setup();
	ck_assert_int_eq(vmm_vm_create(sys, &vm), 0);
	ck_assert_int_eq(vmm_bus_create(&bus), 0);
	ck_assert_int_eq(vmm_exitport_create(bus, 0xf4, &ep), 0);
	m = NULL;
}

static void machine_teardown(void)
{
	vmm_machine_destroy(m);
	vmm_exitport_destroy(ep);
	vmm_bus_destroy(bus);
	vmm_vm_destroy(vm);
	teardown();
}

START_TEST(machine_first_stop_stops_all)
{
	struct vmm_exit_status st;
	unsigned int index = 99;

	machine(4, 0);
	k.wait_sleepers = true;
	step(VMM_EXIT_INTR, 0x2, EINTR, false);
	step_out(0xf4, "\x03");
	ck_assert_int_eq(vmm_machine_run(m, &st, &index), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_EXIT_REQUEST);
	ck_assert_uint_eq(st.code, 7);
	ck_assert_uint_eq(index, 0);
	/* The others were woken from their sleep and went no further. */
	for (unsigned int i = 1; i < 4; i++) {
		char want[16];

		snprintf(want, sizeof(want), "vcpu/%u", i);
		ck_assert_str_eq(k.names[i], want);
		ck_assert_int_eq(k.sleeps[i], 1);
		ck_assert(vmm_vcpu_stop_requested(vmm_machine_vcpu(m, i)));
	}
}
END_TEST

START_TEST(machine_ap_stops_all)
{
	struct vmm_exit_status st;
	unsigned int index = 99;

	machine(3, 2);
	step(VMM_EXIT_SHUTDOWN, 0x2, 0, false);
	ck_assert_int_eq(vmm_machine_run(m, &st, &index), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_SHUTDOWN);
	ck_assert_uint_eq(index, 2);
}
END_TEST

START_TEST(machine_stop_before_run)
{
	struct vmm_exit_status st;

	machine(2, 0);
	step(VMM_EXIT_HLT, 0x2, 0, false);
	vmm_machine_request_stop(m);
	ck_assert_int_eq(vmm_machine_run(m, &st, NULL), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_STOPPED);
	ck_assert_int_eq(k.nr_runs, 0);
	ck_assert_int_eq(k.sleeps[1], 0);
}
END_TEST

START_TEST(machine_limits)
{
	struct vmm_machine *bad = (void *)1;

	ck_assert_int_eq(vmm_machine_create(vm, bus, 0, &bad), -EINVAL);
	ck_assert_ptr_null(bad);
	ck_assert_int_eq(vmm_machine_create(vm, bus, VMM_MACHINE_MAX_VCPUS + 1,
					    &bad), -EINVAL);
	machine(2, -1);
	ck_assert_ptr_null(vmm_machine_vcpu(m, 2));
	ck_assert_int_eq(vmm_machine_set_affinity(m, 2, 0), -EINVAL);
	ck_assert_int_eq(vmm_machine_set_affinity(m, 0, -2), -EINVAL);
	ck_assert_int_eq(vmm_machine_set_affinity(m, 0, CPU_SETSIZE), -EINVAL);
	ck_assert_int_eq(vmm_machine_set_affinity(m, 0, -1), 0);
}
END_TEST

START_TEST(machine_affinity)
{
	struct vmm_exit_status st;
	cpu_set_t set;
	int cpu = -1;

	/* The first CPU this process may use. */
	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	for (int c = 0; c < CPU_SETSIZE && cpu < 0; c++)
		if (CPU_ISSET(c, &set))
			cpu = c;
	machine(3, 0);
	ck_assert_int_eq(vmm_machine_set_affinity(m, 1, cpu), 0);
	step(VMM_EXIT_SHUTDOWN, 0x2, 0, false);
	ck_assert_int_eq(vmm_machine_run(m, &st, NULL), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_SHUTDOWN);
	if (k.sleeps[1])
		ck_assert_int_eq(k.pinned[1], cpu);
}
END_TEST

START_TEST(machine_bad_affinity)
{
	struct vmm_exit_status st;

	/* No build machine has CPU 1023: the start fails, nothing hangs. */
	machine(3, -1);
	ck_assert_int_eq(vmm_machine_set_affinity(m, 2, CPU_SETSIZE - 1), 0);
	ck_assert_int_eq(vmm_machine_run(m, &st, NULL), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("libvmm");
	TCase *tc = tcase_create("wrappers");
	TCase *loop = tcase_create("run_loop");
	TCase *mach = tcase_create("machine");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, open_missing_device);
	tcase_add_test(tc, system_calls);
	tcase_add_test(tc, version_mismatch_refused);
	tcase_add_test(tc, memory_slots);
	tcase_add_test(tc, memory_slots_unwind);
	tcase_add_test(tc, cpuid_too_small);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(loop, run_setup, run_teardown);
	tcase_add_test(loop, loop_to_exit_port);
	tcase_add_test(loop, loop_hlt_interrupts_off);
	tcase_add_test(loop, loop_stopped_by_signal);
	tcase_add_test(loop, loop_stop_between_runs);
	tcase_add_test(loop, loop_stale_immediate_exit);
	tcase_add_test(loop, loop_run_error);
	tcase_add_test(loop, loop_shutdown);
	tcase_add_checked_fixture(mach, machine_setup, machine_teardown);
	tcase_add_test(mach, machine_first_stop_stops_all);
	tcase_add_test(mach, machine_ap_stops_all);
	tcase_add_test(mach, machine_stop_before_run);
	tcase_add_test(mach, machine_limits);
	tcase_add_test(mach, machine_affinity);
	tcase_add_test(mach, machine_bad_affinity);
	suite_add_tcase(s, loop);
	suite_add_tcase(s, mach);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
