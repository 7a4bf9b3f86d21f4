/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mp-tramp.S - how an AP gets from the SIPI to C.
 *
 * ap_tramp_start..ap_tramp_end is copied by smp_init() to TRAMP_BASE
 * (0x8000), where the SIPI starts the AP in real mode at CS:IP =
 * 0800:0000 (SDM Vol. 3A 9.4.4).  It runs at that address, so every
 * address in it is written T(label): the label's place in the copy.
 * It does what start64.S's loader did for the BSP (SDM Vol. 3A 9.8.5,
 * "Initializing IA-32e Mode"):
 *   real mode -> protected mode (own tiny GDT, CR0.PE)
 *   -> the BSP's CR4 (PAE), CR3 (its page tables), EFER (LME)
 *   -> the BSP's CR0 (PG on: long mode) -> a 64-bit code segment
 *   -> ap_entry64, in the image, at its link address.
 * ap_entry64 then takes an index and a stack, loads the BSP's own GDT
 * and IDT, and calls ap_main(index).
 */
#define TRAMP_BASE	0x8000
#define T(x)		(TRAMP_BASE + ((x) - ap_tramp_start))
#define SMP_MAX_CPUS	64
#define AP_STACK_SIZE	8192

	.section .rodata
	.balign 16
	.globl ap_tramp_start, ap_tramp_end, ap_tramp_params

	.code16
ap_tramp_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	T(tramp_gdt_desc)
	mov	%cr0, %eax
	or	$1, %eax		/* CR0.PE */
	mov	%eax, %cr0
	ljmpl	$0x08, $T(1f)		/* 32-bit code segment */

	.code32
1:	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	T(ap_tramp_params + 16), %eax	/* CR4: PAE */
	mov	%eax, %cr4
	mov	T(ap_tramp_params + 8), %eax	/* CR3: the BSP's PML4 */
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx		/* EFER: LME */
	mov	T(ap_tramp_params + 24), %eax
	xor	%edx, %edx
	wrmsr
	mov	T(ap_tramp_params + 0), %eax	/* CR0: PG, and long mode */
	mov	%eax, %cr0
	ljmp	$0x18, $T(2f)		/* 64-bit code segment */

	.code64
2:	mov	T(ap_tramp_params + 32), %rax	/* ap_entry64 */
	jmp	*%rax

	/*
	 * Accessed bits preset: the CPU would otherwise write them, and
	 * every AP loads these at once.
	 */
	.balign 8
tramp_gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08 32-bit code */
	.quad	0x00cf93000000ffff	/* 0x10 data, 4 GiB */
	.quad	0x00af9b000000ffff	/* 0x18 64-bit code */
tramp_gdt_end:
tramp_gdt_desc:
	.word	tramp_gdt_end - tramp_gdt - 1
	.long	T(tramp_gdt)

	/* struct ap_tramp_params (mp.c), filled in the copy by smp_init() */
	.balign 8
ap_tramp_params:
	.quad	0, 0, 0, 0, 0		/* cr0, cr3, cr4, efer, entry */
ap_tramp_end:

	.text
	.globl ap_entry64
ap_entry64:
	/*
	 * index = 1 + smp_next_index++, atomically: APs arrive together.
	 * Then its stack, before the first push.
	 */
	mov	$1, %eax
	lock xadd %eax, smp_next_index
	inc	%eax
	cmp	$SMP_MAX_CPUS, %eax
	jae	4f			/* more APs than stacks: park it */
	mov	%eax, %edi
	imul	$AP_STACK_SIZE, %eax, %eax
	lea	ap_stacks + AP_STACK_SIZE(%rax), %rsp

	/* The BSP's GDT (start64.S: 0x08 code, 0x10 data) and IDT. */
	lgdt	smp_gdtr
	pushq	$0x08
	pushq	$3f
	lretq
3:	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	lidt	smp_idtr
	call	ap_main
4:	cli
	hlt
	jmp	4b

	.section .note.GNU-stack, "", @progbits
