/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * startmb.S - start-up of the multiboot test guest (vmctl run --kernel).
 *
 * The multiboot header (Multiboot 0.6.96, 3.1) comes first in .text, so
 * it lies in the file's first 8 KiB.  The loader enters with EAX = the
 * boot magic, EBX = the boot information, CR0.PE set and paging off; the
 * GDTR and ESP are undefined (3.2), so we load our own GDT and stack.
 * The BSS is left as the loader gave it: the test checks it is zero.
 */
#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00000003	/* page-aligned modules, memory info */

	.code32
	.section .text.start, "ax"
	.balign 4
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.globl _start
_start:
	cli
	cld
	mov	%eax, mb_magic
	mov	%ebx, mb_info
	mov	$stack_top, %esp

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

	/* In .data, not .bss: written before anything could zero the BSS. */
	.data
	.balign 4
	.globl mb_magic, mb_info
mb_magic:
	.long	0
mb_info:
	.long	0

	.bss
	.balign 16
	.skip	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
