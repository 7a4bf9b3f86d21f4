// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_abi.c - pins down uapi/vmm.h: every structure's size, alignment
 * and field offsets, every ioctl's direction, size, type and number, and
 * the numeric constants.  The expected values are written out by hand
 * from the header's layout rules (natural alignment, explicit padding),
 * not computed from the header, so that any change to a shipped
 * structure or number turns this test red: a shipped ABI never changes,
 * a new structure and ioctl are added instead (Documentation/abi.md).
 */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>

#include "vmm.h"

#define SIZE(type, n)		ck_assert_uint_eq(sizeof(type), n)
#define ALIGN(type, n)		ck_assert_uint_eq(_Alignof(type), n)
#define OFF(type, f, n)		ck_assert_uint_eq(offsetof(type, f), n)
#define FSIZE(type, f, n)	ck_assert_uint_eq(sizeof(((type *)0)->f), n)

START_TEST(info_layout)
{
	SIZE(struct vmm_info, 80);
	ALIGN(struct vmm_info, 8);
	OFF(struct vmm_info, api_version, 0);
	OFF(struct vmm_info, backend, 4);
	OFF(struct vmm_info, features, 8);
	OFF(struct vmm_info, nr_asids, 16);
	OFF(struct vmm_info, max_vcpus, 20);
	OFF(struct vmm_info, nr_vms, 24);
	OFF(struct vmm_info, flags, 28);
	OFF(struct vmm_info, backend_name, 32);
	FSIZE(struct vmm_info, backend_name, 16);
	OFF(struct vmm_info, reserved, 48);
	FSIZE(struct vmm_info, reserved, 32);
}
END_TEST

START_TEST(memory_slot_layout)
{
	SIZE(struct vmm_memory_slot, 48);
	ALIGN(struct vmm_memory_slot, 8);
	OFF(struct vmm_memory_slot, slot, 0);
	OFF(struct vmm_memory_slot, flags, 4);
	OFF(struct vmm_memory_slot, guest_phys_addr, 8);
	OFF(struct vmm_memory_slot, size, 16);
	OFF(struct vmm_memory_slot, userspace_addr, 24);
	OFF(struct vmm_memory_slot, reserved, 32);
	FSIZE(struct vmm_memory_slot, reserved, 16);
}
END_TEST

START_TEST(cpuid_layout)
{
	SIZE(struct vmm_cpuid_entry, 32);
	ALIGN(struct vmm_cpuid_entry, 4);
	OFF(struct vmm_cpuid_entry, function, 0);
	OFF(struct vmm_cpuid_entry, index, 4);
	OFF(struct vmm_cpuid_entry, flags, 8);
	OFF(struct vmm_cpuid_entry, eax, 12);
	OFF(struct vmm_cpuid_entry, ebx, 16);
	OFF(struct vmm_cpuid_entry, ecx, 20);
	OFF(struct vmm_cpuid_entry, edx, 24);
	OFF(struct vmm_cpuid_entry, reserved, 28);

	SIZE(struct vmm_cpuid, 16);
	ALIGN(struct vmm_cpuid, 8);
	OFF(struct vmm_cpuid, nent, 0);
	OFF(struct vmm_cpuid, flags, 4);
	OFF(struct vmm_cpuid, entries, 8);
	FSIZE(struct vmm_cpuid, entries, 8);
}
END_TEST

START_TEST(regs_layout)
{
	SIZE(struct vmm_regs, 144);
	ALIGN(struct vmm_regs, 8);
	OFF(struct vmm_regs, rax, 0);
	OFF(struct vmm_regs, rbx, 8);
	OFF(struct vmm_regs, rcx, 16);
	OFF(struct vmm_regs, rdx, 24);
	OFF(struct vmm_regs, rsi, 32);
	OFF(struct vmm_regs, rdi, 40);
	OFF(struct vmm_regs, rsp, 48);
	OFF(struct vmm_regs, rbp, 56);
	OFF(struct vmm_regs, r8, 64);
	OFF(struct vmm_regs, r9, 72);
	OFF(struct vmm_regs, r10, 80);
	OFF(struct vmm_regs, r11, 88);
	OFF(struct vmm_regs, r12, 96);
	OFF(struct vmm_regs, r13, 104);
	OFF(struct vmm_regs, r14, 112);
	OFF(struct vmm_regs, r15, 120);
	OFF(struct vmm_regs, rip, 128);
	OFF(struct vmm_regs, rflags, 136);
}
END_TEST

START_TEST(segment_layout)
{
	SIZE(struct vmm_segment, 24);
	ALIGN(struct vmm_segment, 8);
	OFF(struct vmm_segment, base, 0);
	OFF(struct vmm_segment, limit, 8);
	FSIZE(struct vmm_segment, limit, 4);
	OFF(struct vmm_segment, selector, 12);
	FSIZE(struct vmm_segment, selector, 2);
	OFF(struct vmm_segment, type, 14);
	OFF(struct vmm_segment, present, 15);
	OFF(struct vmm_segment, dpl, 16);
	OFF(struct vmm_segment, db, 17);
	OFF(struct vmm_segment, s, 18);
	OFF(struct vmm_segment, l, 19);
	OFF(struct vmm_segment, g, 20);
	OFF(struct vmm_segment, avl, 21);
	OFF(struct vmm_segment, unusable, 22);
	OFF(struct vmm_segment, padding, 23);

	SIZE(struct vmm_dtable, 16);
	ALIGN(struct vmm_dtable, 8);
	OFF(struct vmm_dtable, base, 0);
	OFF(struct vmm_dtable, limit, 8);
	FSIZE(struct vmm_dtable, limit, 2);
	OFF(struct vmm_dtable, padding, 10);
	FSIZE(struct vmm_dtable, padding, 6);
}
END_TEST

START_TEST(sregs_layout)
{
	SIZE(struct vmm_sregs, 312);
	ALIGN(struct vmm_sregs, 8);
	OFF(struct vmm_sregs, cs, 0);
	OFF(struct vmm_sregs, ds, 24);
	OFF(struct vmm_sregs, es, 48);
	OFF(struct vmm_sregs, fs, 72);
	OFF(struct vmm_sregs, gs, 96);
	OFF(struct vmm_sregs, ss, 120);
	OFF(struct vmm_sregs, tr, 144);
	OFF(struct vmm_sregs, ldt, 168);
	OFF(struct vmm_sregs, gdt, 192);
	OFF(struct vmm_sregs, idt, 208);
	OFF(struct vmm_sregs, cr0, 224);
	OFF(struct vmm_sregs, cr2, 232);
	OFF(struct vmm_sregs, cr3, 240);
	OFF(struct vmm_sregs, cr4, 248);
	OFF(struct vmm_sregs, cr8, 256);
	OFF(struct vmm_sregs, efer, 264);
	OFF(struct vmm_sregs, apic_base, 272);
	OFF(struct vmm_sregs, reserved, 280);
	FSIZE(struct vmm_sregs, reserved, 32);
}
END_TEST

START_TEST(run_layout)
{
	SIZE(struct vmm_run, 320);
	ALIGN(struct vmm_run, 8);
	OFF(struct vmm_run, immediate_exit, 0);
	OFF(struct vmm_run, request_interrupt_window, 1);
	OFF(struct vmm_run, padding1, 2);
	FSIZE(struct vmm_run, padding1, 6);
	OFF(struct vmm_run, exit_reason, 8);
	OFF(struct vmm_run, flags, 12);
	OFF(struct vmm_run, rip, 16);
	OFF(struct vmm_run, rflags, 24);
	OFF(struct vmm_run, reserved, 32);
	FSIZE(struct vmm_run, reserved, 32);
	OFF(struct vmm_run, padding, 64);
	FSIZE(struct vmm_run, padding, 256);

	OFF(struct vmm_run, io.direction, 64);
	OFF(struct vmm_run, io.size, 65);
	OFF(struct vmm_run, io.port, 66);
	FSIZE(struct vmm_run, io.port, 2);
	OFF(struct vmm_run, io.count, 68);
	FSIZE(struct vmm_run, io.count, 4);
	OFF(struct vmm_run, io.data_offset, 72);
	FSIZE(struct vmm_run, io.data_offset, 8);

	OFF(struct vmm_run, mmio.phys_addr, 64);
	OFF(struct vmm_run, mmio.data, 72);
	FSIZE(struct vmm_run, mmio.data, 8);
	OFF(struct vmm_run, mmio.len, 80);
	FSIZE(struct vmm_run, mmio.len, 4);
	OFF(struct vmm_run, mmio.is_write, 84);
	OFF(struct vmm_run, mmio.padding, 85);
	FSIZE(struct vmm_run, mmio, 24);

	OFF(struct vmm_run, fail_entry.hardware_entry_failure_reason, 64);
	OFF(struct vmm_run, fail_entry.info1, 72);
	OFF(struct vmm_run, fail_entry.info2, 80);

	OFF(struct vmm_run, internal.suberror, 64);
	OFF(struct vmm_run, internal.ndata, 68);
	OFF(struct vmm_run, internal.data, 72);
	FSIZE(struct vmm_run, internal.data, 128);
}
END_TEST

START_TEST(event_layout)
{
	SIZE(struct vmm_event, 24);
	ALIGN(struct vmm_event, 8);
	OFF(struct vmm_event, type, 0);
	OFF(struct vmm_event, vector, 1);
	OFF(struct vmm_event, flags, 2);
	OFF(struct vmm_event, padding, 3);
	OFF(struct vmm_event, error_code, 4);
	FSIZE(struct vmm_event, error_code, 4);
	OFF(struct vmm_event, cr2, 8);
	FSIZE(struct vmm_event, cr2, 8);
	OFF(struct vmm_event, reserved, 16);
	FSIZE(struct vmm_event, reserved, 8);

	SIZE(struct vmm_events, 112);
	ALIGN(struct vmm_events, 8);
	OFF(struct vmm_events, reinject, 0);
	OFF(struct vmm_events, exception, 24);
	OFF(struct vmm_events, interrupt, 48);
	OFF(struct vmm_events, nmi_pending, 72);
	OFF(struct vmm_events, nmi_masked, 73);
	OFF(struct vmm_events, interrupt_shadow, 74);
	OFF(struct vmm_events, padding, 75);
	FSIZE(struct vmm_events, padding, 5);
	OFF(struct vmm_events, reserved, 80);
	FSIZE(struct vmm_events, reserved, 32);
}
END_TEST

/*
 * _IOC_DIR, _IOC_SIZE, _IOC_TYPE, _IOC_NR and the whole number; a macro,
 * so that a failure names the ioctl's own line.
 */
#define check_ioctl(req, dir, size, nr, value)				\
	do {								\
		ck_assert_uint_eq(_IOC_DIR(req), dir);			\
		ck_assert_uint_eq(_IOC_SIZE(req), size);		\
		ck_assert_uint_eq(_IOC_TYPE(req), 0xb6);		\
		ck_assert_uint_eq(_IOC_NR(req), nr);			\
		ck_assert_uint_eq(req, value);				\
	} while (0)

#define R	_IOC_READ
#define W	_IOC_WRITE

START_TEST(system_ioctls)
{
	check_ioctl(VMM_GET_API_VERSION, _IOC_NONE, 0, 0x00, 0xb600);
	check_ioctl(VMM_CREATE_VM, _IOC_NONE, 0, 0x01, 0xb601);
	check_ioctl(VMM_CHECK_CAP, _IOC_NONE, 0, 0x02, 0xb602);
	check_ioctl(VMM_GET_VCPU_MMAP_SIZE, _IOC_NONE, 0, 0x03, 0xb603);
	check_ioctl(VMM_GET_INFO, R, 80, 0x04, 0x8050b604);
}
END_TEST

START_TEST(vm_ioctls)
{
	check_ioctl(VMM_SET_MEMORY_SLOT, W, 48, 0x40, 0x4030b640);
	check_ioctl(VMM_CREATE_VCPU, _IOC_NONE, 0, 0x41, 0xb641);
	check_ioctl(VMM_SET_CPUID, W, 16, 0x42, 0x4010b642);
	check_ioctl(VMM_GET_CPUID, R | W, 16, 0x43, 0xc010b643);
}
END_TEST

START_TEST(vcpu_ioctls)
{
	check_ioctl(VMM_RUN, _IOC_NONE, 0, 0x80, 0xb680);
	check_ioctl(VMM_GET_REGS, R, 144, 0x81, 0x8090b681);
	check_ioctl(VMM_SET_REGS, W, 144, 0x82, 0x4090b682);
	check_ioctl(VMM_GET_SREGS, R, 312, 0x83, 0x8138b683);
	check_ioctl(VMM_SET_SREGS, W, 312, 0x84, 0x4138b684);
	check_ioctl(VMM_QUEUE_EVENT, W, 24, 0x85, 0x4018b685);
	check_ioctl(VMM_GET_EVENTS, R, 112, 0x86, 0x8070b686);
}
END_TEST

START_TEST(constants)
{
	ck_assert_int_eq(VMM_API_VERSION, 1);
	ck_assert_int_eq(VMMIO, 0xb6);

	ck_assert_int_eq(VMM_CAP_NR_MEMSLOTS, 1);
	ck_assert_int_eq(VMM_CAP_MAX_VCPUS, 2);
	ck_assert_int_eq(VMM_CAP_NESTED_PAGING, 3);
	ck_assert_int_eq(VMM_CAP_REAL_MODE, 4);
	ck_assert_int_eq(VMM_CAP_IMMEDIATE_EXIT, 5);
	ck_assert_int_eq(VMM_CAP_MAX_CPUID, 6);
	ck_assert_int_eq(VMM_CAP_STRING_IO, 7);
	ck_assert_int_eq(VMM_CAP_EVENTS, 8);
	ck_assert_int_eq(VMM_CAP_XSAVE, 10);

	ck_assert_int_eq(VMM_BACKEND_SVM, 1);
	ck_assert_int_eq(VMM_BACKEND_VMX, 2);

	ck_assert_uint_eq(VMM_FEAT_NPT, 0x1);
	ck_assert_uint_eq(VMM_FEAT_NRIPS, 0x2);
	ck_assert_uint_eq(VMM_FEAT_DECODE_ASSISTS, 0x4);
	ck_assert_uint_eq(VMM_FEAT_VMCB_CLEAN, 0x8);
	ck_assert_uint_eq(VMM_FEAT_FLUSH_BY_ASID, 0x10);
	ck_assert_uint_eq(VMM_FEAT_PAUSE_FILTER, 0x20);
	ck_assert_uint_eq(VMM_FEAT_AVIC, 0x40);
	ck_assert_uint_eq(VMM_FEAT_EPT, 0x10000);
	ck_assert_uint_eq(VMM_FEAT_VPID, 0x20000);
	ck_assert_uint_eq(VMM_FEAT_UNRESTRICTED, 0x40000);
	ck_assert_uint_eq(VMM_FEAT_PREEMPT_TIMER, 0x80000);
	ck_assert_uint_eq(VMM_FEAT_APICV, 0x100000);

	ck_assert_uint_eq(VMM_MEM_READONLY, 1);
	ck_assert_uint_eq(VMM_CPUID_SIGNIFICANT_INDEX, 1);

	ck_assert_int_eq(VMM_EXIT_UNKNOWN, 0);
	ck_assert_int_eq(VMM_EXIT_IO, 1);
	ck_assert_int_eq(VMM_EXIT_MMIO, 2);
	ck_assert_int_eq(VMM_EXIT_HLT, 3);
	ck_assert_int_eq(VMM_EXIT_SHUTDOWN, 4);
	ck_assert_int_eq(VMM_EXIT_FAIL_ENTRY, 5);
	ck_assert_int_eq(VMM_EXIT_INTERNAL_ERROR, 6);
	ck_assert_int_eq(VMM_EXIT_INTR, 7);
	ck_assert_int_eq(VMM_EXIT_IRQ_WINDOW_OPEN, 8);
	ck_assert_int_eq(VMM_EXIT_IO_IN, 0);
	ck_assert_int_eq(VMM_EXIT_IO_OUT, 1);

	ck_assert_int_eq(VMM_INTERNAL_UNKNOWN_EXIT, 1);
	ck_assert_int_eq(VMM_INTERNAL_EMULATION, 2);
	ck_assert_int_eq(VMM_INTERNAL_GUEST_MEMORY, 3);
	ck_assert_int_eq(VMM_INTERNAL_DELIVERY_EV, 4);

	ck_assert_uint_eq(VMM_RUN_F_IF, 1);
	ck_assert_uint_eq(VMM_RUN_F_READY_FOR_INTERRUPT, 2);
	ck_assert_int_eq(VMM_EVENT_NONE, 0);
	ck_assert_int_eq(VMM_EVENT_EXTINT, 1);
	ck_assert_int_eq(VMM_EVENT_NMI, 2);
	ck_assert_int_eq(VMM_EVENT_EXCEPTION, 3);
	ck_assert_int_eq(VMM_EVENT_SOFT_INT, 4);
	ck_assert_uint_eq(VMM_EVENT_F_ERROR_CODE, 1);
	ck_assert_uint_eq(VMM_SHADOW_STI, 1);
	ck_assert_uint_eq(VMM_SHADOW_MOV_SS, 2);
	/* The event word of VMM_INTERNAL_DELIVERY_EV. */
	ck_assert_uint_eq(VMM_EVENT_WORD_VECTOR(0x123456789abcdef0ULL), 0xf0);
	ck_assert_uint_eq(VMM_EVENT_WORD_TYPE(0xffffffff00000b50ULL), 3);
	ck_assert_uint_eq(VMM_EVENT_WORD_HAS_ERROR, 0x800);
	ck_assert_uint_eq(VMM_EVENT_WORD_ERROR(0x1234567800000000ULL), 0x12345678);
}
END_TEST

/* VMM_ENABLE_CAP and VMM_EXIT_HYPERCALL (hypercalls). */
START_TEST(hypercall_abi)
{
	SIZE(struct vmm_enable_cap, 40);
	ALIGN(struct vmm_enable_cap, 8);
	OFF(struct vmm_enable_cap, cap, 0);
	OFF(struct vmm_enable_cap, flags, 4);
	OFF(struct vmm_enable_cap, args, 8);
	FSIZE(struct vmm_enable_cap, args, 32);

	OFF(struct vmm_run, hypercall.nr, 64);
	OFF(struct vmm_run, hypercall.args, 72);
	FSIZE(struct vmm_run, hypercall.args, 40);
	OFF(struct vmm_run, hypercall.ret, 112);
	OFF(struct vmm_run, hypercall.longmode, 120);
	OFF(struct vmm_run, hypercall.padding, 124);
	FSIZE(struct vmm_run, hypercall, 64);
	SIZE(struct vmm_run, 320);

	check_ioctl(VMM_ENABLE_CAP, W, 40, 0x44, 0x4028b644);

	ck_assert_int_eq(VMM_CAP_HYPERCALL_EXIT, 9);
	ck_assert_int_eq(VMM_EXIT_HYPERCALL, 9);
	ck_assert_uint_eq(VMM_HC_SUCCESS, 0);
	ck_assert_uint_eq(VMM_HC_EPERM, 0xffffffffffffffffULL);
	ck_assert_uint_eq(VMM_HC_ENOSYS, 0xfffffffffffffc18ULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("abi");
	TCase *tc = tcase_create("abi");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, info_layout);
	tcase_add_test(tc, memory_slot_layout);
	tcase_add_test(tc, cpuid_layout);
	tcase_add_test(tc, regs_layout);
	tcase_add_test(tc, segment_layout);
	tcase_add_test(tc, sregs_layout);
	tcase_add_test(tc, run_layout);
	tcase_add_test(tc, event_layout);
	tcase_add_test(tc, system_ioctls);
	tcase_add_test(tc, vm_ioctls);
	tcase_add_test(tc, vcpu_ioctls);
	tcase_add_test(tc, constants);
	tcase_add_test(tc, hypercall_abi);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
