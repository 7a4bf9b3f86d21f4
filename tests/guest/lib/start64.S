/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * start64.S - start-up of a 64-bit test guest, and its exception stubs.
 *
 * vmctl starts us in long mode with its own page tables and GDT (see
 * Documentation/testing.md).  We do not rely on them beyond the first
 * instructions: we build an identity map of the first 4 GiB with 2 MiB
 * pages (AMD APM Vol. 2, 5.3; Intel SDM Vol. 3A, 4.5), load our own GDT
 * and IDT, set a stack, then call main() and exit with its result.
 * Everything is linked at the load address (0x100000), below 2 GiB, so
 * 32-bit absolute immediates reach every symbol.
 */
#define PTE_P		0x001
#define PTE_RW		0x002
#define PTE_PS		0x080		/* 2 MiB page in a PD entry */

	.code64
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	cld
	mov	$stack_top, %esp

	/* Zero .bss: page tables and stack live there. */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb

	/* PML4[0] -> PDPT; PDPT[0..3] -> PD0..PD3 */
	mov	$pdpt + (PTE_P | PTE_RW), %eax
	mov	%rax, pml4
	mov	$pd + (PTE_P | PTE_RW), %eax
	xor	%ecx, %ecx
1:	mov	%rax, pdpt(, %rcx, 8)
	add	$4096, %eax
	inc	%ecx
	cmp	$4, %ecx
	jne	1b

	/* PD entries: 2048 of them, entry i maps i * 2 MiB. */
	xor	%ecx, %ecx
	mov	$(PTE_P | PTE_RW | PTE_PS), %eax
2:	mov	%rax, pd(, %rcx, 8)
	add	$0x200000, %rax
	inc	%ecx
	cmp	$2048, %ecx
	jne	2b

	mov	$pml4, %eax
	mov	%rax, %cr3

	/* Our GDT; reload CS with a far return, then the data segments. */
	lgdt	gdt_desc
	pushq	$0x08
	pushq	$3f
	lretq
3:	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs

	call	idt_init
	call	main
	mov	%eax, %edi
	call	exit
4:	cli
	hlt
	jmp	4b

/*
 * Exception stubs, one per vector 0-31, followed in exc_stubs[] by the
 * interrupt stubs of vectors 32-255 (below).  The CPU pushes an error code
 * for some vectors only (SDM Vol. 3A, 6.13); the others push a zero so
 * that every frame has the same shape: struct ex_regs in desc64.h.
 */
.macro EXC vec
	.text
exc_\vec:
	.if (\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$\vec
	jmp	exc_common
	.section .rodata
	.quad	exc_\vec
.endm

	.section .rodata
	.balign 8
	.globl exc_stubs
exc_stubs:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	EXC \vec
	.endr

/*
 * Interrupt stubs, vectors 32-255 (external interrupts, INT n): no error
 * code, so a zero, then the vector; the same frame as the exceptions.
 */
.macro IRQ vec
	.text
irq_\vec:
	pushq	$0
	pushq	$\vec
	jmp	exc_common
	.section .rodata
	.quad	irq_\vec
.endm

	.section .rodata
	.irp vec, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111,112,113,114,115,116,117,118,119,120,121,122,123,124,125,126,127,128,129,130,131,132,133,134,135,136,137,138,139,140,141,142,143,144,145,146,147,148,149,150,151,152,153,154,155,156,157,158,159,160,161,162,163,164,165,166,167,168,169,170,171,172,173,174,175,176,177,178,179,180,181,182,183,184,185,186,187,188,189,190,191,192,193,194,195,196,197,198,199,200,201,202,203,204,205,206,207,208,209,210,211,212,213,214,215,216,217,218,219,220,221,222,223,224,225,226,227,228,229,230,231,232,233,234,235,236,237,238,239,240,241,242,243,244,245,246,247,248,249,250,251,252,253,254,255
	IRQ \vec
	.endr

	.text
exc_common:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rbx
	push	%rbp
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	/* The frame is 8 mod 16 here; the ABI wants 0 at the call. */
	mov	%rsp, %rbx
	and	$-16, %rsp
	call	exception_dispatch
	mov	%rbx, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rbp
	pop	%rbx
	pop	%rdx
	pop	%rcx
	pop	%rax
	add	$16, %rsp		/* vector and error code */
	iretq

	.section .rodata
	.balign 8
gdt:
	.quad	0			/* 0x00 null */
	.quad	0x00af9a000000ffff	/* 0x08 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* 0x10 data, 4 GiB */
	.quad	0x00cf9a000000ffff	/* 0x18 32-bit code (spare) */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.bss
	.balign 4096
pml4:	.skip	4096
pdpt:	.skip	4096
pd:	.skip	4 * 4096
	.balign 16
	.skip	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
