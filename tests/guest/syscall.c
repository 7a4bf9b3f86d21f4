// SPDX-License-Identifier: GPL-2.0-only
/*
 * syscall.c - the MSRs of SYSCALL/SWAPGS, which neither VMRUN nor VM
 * entry switch by themselves (SVM: VMLOAD/VMSAVE; VMX: the MSR lists):
 * STAR, LSTAR, CSTAR, SFMASK and KERNEL_GS_BASE read back what was
 * written, SYSCALL goes to the guest's LSTAR, SWAPGS swaps in the guest's
 * KERNEL_GS_BASE.
 * Run: vmctl run --flat syscall.bin
 */
#include "libtest.h"

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define EFER_SCE		1

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

/* The SYSCALL target: note RAX, restore RFLAGS (R11), back to RCX. */
volatile u64 syscall_seen;
extern char syscall_entry[];
asm(".text\n"
    "syscall_entry:\n\t"
    "mov %rax, syscall_seen(%rip)\n\t"
    "push %r11\n\t"
    "popfq\n\t"
    "jmp *%rcx\n");

int main(void)
{
	u64 cstar = 0xffffffff81234560ULL, kgs = 0x12345000ULL;
	u64 star = (u64)read_cs() << 32, lstar = (u64)syscall_entry;
	u64 rax = 0x5ca11, gs_before, gs_swapped, gs_after;

	printf("syscall: MSRs of SYSCALL and SWAPGS\n");
	wrmsr(MSR_STAR, star);
	wrmsr(MSR_LSTAR, lstar);
	wrmsr(MSR_CSTAR, cstar);
	wrmsr(MSR_SFMASK, 0x400);	/* DF */
	wrmsr(MSR_KERNEL_GS_BASE, kgs);
	report(rdmsr(MSR_STAR) == star, "STAR reads back");
	report(rdmsr(MSR_LSTAR) == lstar, "LSTAR reads back");
	report(rdmsr(MSR_CSTAR) == cstar, "CSTAR reads back");
	report(rdmsr(MSR_SFMASK) == 0x400, "SFMASK reads back");
	report(rdmsr(MSR_KERNEL_GS_BASE) == kgs, "KERNEL_GS_BASE reads back");

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	asm volatile("syscall" : "+a"(rax) : : "rcx", "r11", "memory");
	report(syscall_seen == 0x5ca11, "SYSCALL reached LSTAR (saw %llx)",
	       (unsigned long long)syscall_seen);
	/* A few exits in between: the values must survive them. */
	printf("syscall: after SYSCALL\n");
	report(rdmsr(MSR_LSTAR) == lstar, "LSTAR still set after exits");

	gs_before = rdmsr(MSR_GS_BASE);
	asm volatile("swapgs" ::: "memory");
	gs_swapped = rdmsr(MSR_GS_BASE);
	asm volatile("swapgs" ::: "memory");
	gs_after = rdmsr(MSR_GS_BASE);
	report(gs_swapped == kgs, "SWAPGS brings in KERNEL_GS_BASE (%llx)",
	       (unsigned long long)gs_swapped);
	report(gs_after == gs_before, "SWAPGS back restores GS base");
	return report_summary();
}
