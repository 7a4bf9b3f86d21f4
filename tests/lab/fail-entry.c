// SPDX-License-Identifier: GPL-2.0-only
/*
 * fail-entry.c - a refused VM entry reaches userspace, and the vCPU and
 * the host carry on (the Intel lab's fail-entry check).
 *
 * A real-mode vCPU whose CS has type 1 (a data segment) is refused by
 * VM entry's guest-state checks (Intel SDM Vol. 3C 26.3.1.2): VMM_RUN
 * must return VMM_EXIT_FAIL_ENTRY with the exit reason (33, "invalid
 * guest state", with bit 31 set) as hardware_entry_failure_reason.  Then
 * CS type 11 (code) again, and the same vCPU must run its HLT.
 *
 * Exit status 0 when both happen, 1 otherwise.  Built static by
 * tests/lab/run.sh against uapi/vmm.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm.h"

#define MEM_SIZE	0x10000
#define ENTRY_INVALID_STATE	0x80000021ULL

static int fail(const char *what)
{
	printf("fail-entry: %s: %s\n", what, strerror(errno));
	return 1;
}

static int run_with_cs_type(int vcpu, int type)
{
	struct vmm_sregs s;
	struct vmm_regs r;

	if (ioctl(vcpu, VMM_GET_SREGS, &s))
		return fail("VMM_GET_SREGS");
	s.cs.base = 0;
	s.cs.selector = 0;
	s.cs.type = type;
	if (ioctl(vcpu, VMM_SET_SREGS, &s))
		return fail("VMM_SET_SREGS");
	memset(&r, 0, sizeof(r));
	r.rflags = 2;
	if (ioctl(vcpu, VMM_SET_REGS, &r))
		return fail("VMM_SET_REGS");
	if (ioctl(vcpu, VMM_RUN, 0))
		return fail("VMM_RUN");
	return 0;
}

int main(void)
{
	struct vmm_memory_slot slot;
	struct vmm_run *run;
	int dev, vm, vcpu;
	long run_size;
	unsigned char *mem;

	dev = open("/dev/vmm", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return fail("open /dev/vmm");
	vm = ioctl(dev, VMM_CREATE_VM, 0);
	if (vm < 0)
		return fail("VMM_CREATE_VM");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap guest memory");
	mem[0] = 0xf4;				/* hlt */
	memset(&slot, 0, sizeof(slot));
	slot.size = MEM_SIZE;
	slot.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, VMM_SET_MEMORY_SLOT, &slot))
		return fail("VMM_SET_MEMORY_SLOT");
	vcpu = ioctl(vm, VMM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("VMM_CREATE_VCPU");
	run_size = ioctl(dev, VMM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return fail("VMM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail("mmap vCPU run area");

	if (run_with_cs_type(vcpu, 1))
		return 1;
	printf("fail-entry: CS type 1: exit_reason %u, hardware reason %#llx, info1 %#llx\n",
	       run->exit_reason,
	       (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
	       (unsigned long long)run->fail_entry.info1);
	if (run->exit_reason != VMM_EXIT_FAIL_ENTRY ||
	    run->fail_entry.hardware_entry_failure_reason != ENTRY_INVALID_STATE) {
		printf("fail-entry: expected VMM_EXIT_FAIL_ENTRY (%u) with reason %#llx\n",
		       VMM_EXIT_FAIL_ENTRY, ENTRY_INVALID_STATE);
		return 1;
	}
	if (run_with_cs_type(vcpu, 11))
		return 1;
	printf("fail-entry: CS type 11: exit_reason %u at rip %#llx\n",
	       run->exit_reason, (unsigned long long)run->rip);
	if (run->exit_reason != VMM_EXIT_HLT) {
		printf("fail-entry: expected VMM_EXIT_HLT (%u) after the fix\n",
		       VMM_EXIT_HLT);
		return 1;
	}
	return 0;
}
