/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * start16.S - start-up of a real-mode test guest.
 *
 * vmctl --mode real loads us at 0x10000 and starts us at CS:IP =
 * 0x1000:0000 with every other segment register 0.  The C code is built
 * with gcc -m16 (".code16gcc": 32-bit operations with prefixes, 16-bit
 * addressing limits) and linked at offset 0, so DS, ES and SS must equal
 * CS; the whole guest, stack included, lives in that one 64 KiB segment.
 * The upper half of ESP must be zero because gcc addresses locals
 * through %esp.
 */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%esp, %esp
	mov	$stack_top, %sp

	mov	$__bss_start, %di
	mov	$__bss_end, %cx
	sub	%di, %cx
	xor	%al, %al
	rep stosb

	calll	main
	pushl	%eax
	calll	exit
1:	cli
	hlt
	jmp	1b

	.bss
	.balign 16
	.skip	8192
stack_top:

	.section .note.GNU-stack, "", @progbits
