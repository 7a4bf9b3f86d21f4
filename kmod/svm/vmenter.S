/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmenter.S - one guest entry on AMD-V, after KVM's __svm_vcpu_run.
 *
 * void __svm_vcpu_run(unsigned long vmcb_pa, u64 *regs,
 *                     unsigned long host_save_pa);
 *
 * regs[] holds the guest GPRs in encoding order (rax rcx rdx rbx rsp rbp
 * rsi rdi r8..r15); RAX and RSP are not used from it: VMRUN takes them
 * from the VMCB (APM Vol. 2 15.5.1).  Called with GIF = 0 (CLGI) and
 * interrupts off.
 */
#include <linux/linkage.h>
#include <asm/asm.h>

#define REG_RCX		(1 * 8)
#define REG_RDX		(2 * 8)
#define REG_RBX		(3 * 8)
#define REG_RBP		(5 * 8)
#define REG_RSI		(6 * 8)
#define REG_RDI		(7 * 8)
#define REG_R8		(8 * 8)
#define REG_R9		(9 * 8)
#define REG_R10		(10 * 8)
#define REG_R11		(11 * 8)
#define REG_R12		(12 * 8)
#define REG_R13		(13 * 8)
#define REG_R14		(14 * 8)
#define REG_R15		(15 * 8)

/* Stack slots after the pushes below. */
#define SLOT_REGS	0
#define SLOT_VMCB	8
#define SLOT_HOST	16

.section .text, "ax"

SYM_FUNC_START(__svm_vcpu_run)
	/* The host's callee-saved registers: the guest will overwrite them. */
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rdx		/* host save area */
	push %rdi		/* guest VMCB */
	push %rsi		/* regs */

	/*
	 * APM 15.5.2: VMLOAD loads the guest's FS, GS, TR, LDTR (with their
	 * hidden parts), KernelGsBase, STAR/LSTAR/CSTAR/SFMASK and the
	 * SYSENTER MSRs, which VMRUN itself does not.
	 */
	mov %rdi, %rax
1:	vmload %rax
2:
	/* Guest GPRs, RSI and RDI last as RAX points at regs[]. */
	mov SLOT_REGS(%rsp), %rax
	mov REG_RCX(%rax), %rcx
	mov REG_RDX(%rax), %rdx
	mov REG_RBX(%rax), %rbx
	mov REG_RBP(%rax), %rbp
	mov REG_R8(%rax),  %r8
	mov REG_R9(%rax),  %r9
	mov REG_R10(%rax), %r10
	mov REG_R11(%rax), %r11
	mov REG_R12(%rax), %r12
	mov REG_R13(%rax), %r13
	mov REG_R14(%rax), %r14
	mov REG_R15(%rax), %r15
	mov REG_RSI(%rax), %rsi
	mov REG_RDI(%rax), %rdi

	/*
	 * APM 15.5: VMRUN saves host state to VM_HSAVE_PA, loads the guest
	 * from the VMCB at RAX and sets GIF.  STI first: with GIF = 0 no
	 * interrupt is taken here, but in the guest a host interrupt is
	 * recognized and, being intercepted, causes #VMEXIT(INTR) (15.17).
	 */
	mov SLOT_VMCB(%rsp), %rax
	sti
3:	vmrun %rax
4:	cli

	/* #VMEXIT (APM 15.6): back at the host RSP and RIP; GIF = 0. */
	mov SLOT_REGS(%rsp), %rax
	mov %rcx, REG_RCX(%rax)
	mov %rdx, REG_RDX(%rax)
	mov %rbx, REG_RBX(%rax)
	mov %rbp, REG_RBP(%rax)
	mov %rsi, REG_RSI(%rax)
	mov %rdi, REG_RDI(%rax)
	mov %r8,  REG_R8(%rax)
	mov %r9,  REG_R9(%rax)
	mov %r10, REG_R10(%rax)
	mov %r11, REG_R11(%rax)
	mov %r12, REG_R12(%rax)
	mov %r13, REG_R13(%rax)
	mov %r14, REG_R14(%rax)
	mov %r15, REG_R15(%rax)

	/*
	 * APM 15.5.2: VMSAVE the guest's FS, GS, TR, ... back into its VMCB,
	 * then VMLOAD the host's from the per-CPU area VMSAVEd before entry.
	 * Until that VMLOAD, GS base is the guest's: no per-CPU access here.
	 */
	mov SLOT_VMCB(%rsp), %rax
5:	vmsave %rax
6:
	mov SLOT_HOST(%rsp), %rax
7:	vmload %rax
8:
	add $24, %rsp

	/* Leave no guest value in a caller-saved register. */
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d

	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

	/*
	 * An SVM instruction faults only when EFER.SVME was cleared under
	 * us by the reboot notifier: carry on, the machine is going down.
	 */
10:	cmpb $0, vmm_rebooting(%rip)
	jne 2b
	ud2
30:	cmpb $0, vmm_rebooting(%rip)
	jne 4b
	ud2
50:	cmpb $0, vmm_rebooting(%rip)
	jne 6b
	ud2
70:	cmpb $0, vmm_rebooting(%rip)
	jne 8b
	ud2

	_ASM_EXTABLE(1b, 10b)
	_ASM_EXTABLE(3b, 30b)
	_ASM_EXTABLE(5b, 50b)
	_ASM_EXTABLE(7b, 70b)
SYM_FUNC_END(__svm_vcpu_run)
