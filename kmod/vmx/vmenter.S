/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmenter.S - one guest entry on Intel VT-x, after KVM's __vmx_vcpu_run.
 *
 * int __vmx_vcpu_run(u64 *regs, bool launched);
 *
 * regs[] holds the guest GPRs in encoding order (rax rcx rdx rbx rsp rbp
 * rsi rdi r8..r15); RSP is not used from it: the VMCS holds it (SDM Vol.
 * 3C 24.4.1).  The VMCS is current, HOST_RIP is vmx_vmexit, interrupts
 * are off.  HOST_RSP is written here, as the stack pointer is only known
 * here.  Returns 0 after a VM exit, 1 when VMLAUNCH/VMRESUME (or the
 * VMWRITE of HOST_RSP) failed with VMfail: the caller reads the
 * VM-instruction error.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/unwind_hints.h>
#include <asm/ibt.h>

#define REG_RAX		(0 * 8)
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

#define VMCS_HOST_RSP	0x6c14

.section .text, "ax"

SYM_FUNC_START(__vmx_vcpu_run)
	/* The host's callee-saved registers: the guest will overwrite them. */
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rdi		/* regs: 0(%rsp) from here on */
	mov  %esi, %ebx		/* launched */

	/* SDM 27.5.3: the exit resumes at HOST_RSP, which is this %rsp. */
	mov $VMCS_HOST_RSP, %eax
1:	vmwrite %rsp, %rax
	jbe .Lvmfail		/* CF: VMfailInvalid, ZF: VMfailValid */

	/* Guest GPRs; RAX, the pointer, last.  MOV leaves the flags alone. */
	test %bl, %bl
	mov 0(%rsp), %rax
	mov REG_RCX(%rax), %rcx
	mov REG_RDX(%rax), %rdx
	mov REG_RBX(%rax), %rbx
	mov REG_RBP(%rax), %rbp
	mov REG_RSI(%rax), %rsi
	mov REG_RDI(%rax), %rdi
	mov REG_R8(%rax),  %r8
	mov REG_R9(%rax),  %r9
	mov REG_R10(%rax), %r10
	mov REG_R11(%rax), %r11
	mov REG_R12(%rax), %r12
	mov REG_R13(%rax), %r13
	mov REG_R14(%rax), %r14
	mov REG_R15(%rax), %r15
	mov REG_RAX(%rax), %rax

	/* ZF from the TEST above. */
	jz .Lvmlaunch

	/*
	 * After a successful VMRESUME/VMLAUNCH the CPU comes back at
	 * vmx_vmexit (HOST_RIP), not after the instruction: objtool is told
	 * to carry the unwind state across.
	 */
	UNWIND_HINT_SAVE
.Lvmresume:
	vmresume
	jmp .Lvmfail

.Lvmlaunch:
	vmlaunch
	jmp .Lvmfail

	_ASM_EXTABLE(1b, .Lfixup)
	_ASM_EXTABLE(.Lvmresume, .Lfixup)
	_ASM_EXTABLE(.Lvmlaunch, .Lfixup)

SYM_INNER_LABEL(vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	/* SDM 27.5: host state loaded, RFLAGS = 2 (interrupts off). */
	push %rax
	mov 8(%rsp), %rax	/* regs */
	popq REG_RAX(%rax)
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
	xor %ebx, %ebx		/* return 0: a VM exit */

.Lout:
	add $8, %rsp		/* regs */
	mov %ebx, %eax

	/* Leave no guest value in a caller-saved register. */
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
	 * A VMX instruction faults only when VMX was turned off under us
	 * by the reboot notifier: report a failed entry, the machine is
	 * going down.
	 */
.Lfixup:
	cmpb $0, vmm_rebooting(%rip)
	jne .Lvmfail
	ud2

	/*
	 * VMLAUNCH/VMRESUME (or the VMWRITE) did not enter the guest: the
	 * host's callee-saved registers are still on the stack.
	 */
.Lvmfail:
	mov $1, %ebx
	jmp .Lout
SYM_FUNC_END(__vmx_vcpu_run)
