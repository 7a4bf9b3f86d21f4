/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * start32.S - start-up of a 32-bit protected-mode test guest.
 *
 * vmctl --mode protected starts us with CR0.PE=1, paging off and flat
 * 4 GiB segments whose descriptors are only in the hidden segment state
 * (there may be no GDT in memory).  We load a GDT of our own and reload
 * every segment register from it (SDM Vol. 3A, 3.4.3), so the test also
 * proves that the VMM lets the guest replace its descriptors.
 */
	.code32
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	cld
	mov	$stack_top, %esp

	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb

	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs

	call	main
	push	%eax
	call	exit
2:	cli
	hlt
	jmp	2b

	.section .rodata
	.balign 8
gdt:
	.quad	0			/* 0x00 null */
	.quad	0x00cf9a000000ffff	/* 0x08 32-bit code, 4 GiB */
	.quad	0x00cf92000000ffff	/* 0x10 data, 4 GiB */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	.bss
	.balign 16
	.skip	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
