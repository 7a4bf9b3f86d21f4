/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libtest.h - the little library every test guest links with: types,
 * port and MMIO accessors, the serial console, printf-lite, report() and
 * exit().  In the spirit of kvm-unit-tests' lib/libcflat.h.
 *
 * The same sources build for 64-bit long mode, 32-bit protected mode and
 * 16-bit real mode (gcc -m16, i.e. .code16gcc); nothing here may assume
 * the pointer width.
 */
#ifndef GUEST_LIBTEST_H
#define GUEST_LIBTEST_H

#include <stdarg.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;
typedef __SIZE_TYPE__ size_t;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define barrier() asm volatile("" ::: "memory")
#define __noreturn __attribute__((noreturn))
#define __aligned(x) __attribute__((aligned(x)))
#define __printf(a, b) __attribute__((format(printf, a, b)))

/* Ports the test guests rely on (the vmctl contract, Documentation/testing.md). */
#define SERIAL_PORT	0x3f8	/* 16550 COM1 */
#define EXIT_PORT	0xf4	/* write v: vmctl exits with (v << 1) | 1 */
#define TESTDEV_SCRATCH	0xe0	/* --testdev: 4-byte scratch register */
#define TESTDEV_FIFO	0xe4	/* --testdev: 4096-byte FIFO, 0xff when empty */
#define TESTDEV_MMIO	0xfe000000UL	/* --testdev: 4 KiB scratch page */

/* ---- port I/O ---- */
static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { asm volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u16 inw(u16 port) { u16 v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 inl(u16 port) { u32 v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* ---- CPU ---- */
struct cpuid { u32 a, b, c, d; };

static inline struct cpuid cpuid_count(u32 leaf, u32 sub)
{
	struct cpuid r;

	asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
		     : "0"(leaf), "2"(sub));
	return r;
}

static inline struct cpuid cpuid(u32 leaf) { return cpuid_count(leaf, 0); }

static inline unsigned long read_cr0(void)
{
	unsigned long v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_cr4(void)
{
	unsigned long v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline u16 read_cs(void)
{
	u16 v;

	asm volatile("mov %%cs, %0" : "=rm"(v));
	return v;
}

#define X86_CR0_PE	(1UL << 0)
#define X86_CR0_PG	(1UL << 31)
#define X86_CR4_PAE	(1UL << 5)

static inline void cli(void) { asm volatile("cli" ::: "memory"); }
static inline void sti(void) { asm volatile("sti" ::: "memory"); }

/* ---- string.c ---- */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* ---- serial.c ---- */
void serial_putc(char c);
void puts(const char *s);	/* no newline added */

/* ---- printf.c ---- */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int printf(const char *fmt, ...) __printf(1, 2);
/* Set by smp_init(): printf() then takes a lock (one CPU at a time). */
extern bool console_smp;

/* ---- report.c ---- */
/* Print "PASS: what" or "FAIL: what"; count it.  Returns cond. */
bool report(bool cond, const char *fmt, ...) __printf(2, 3);
/* Print "SKIP: what" (not counted as a test). */
void report_skip(const char *fmt, ...) __printf(1, 2);
/* Print "SUMMARY: N tests, M failures"; return 0 if M == 0, else 1. */
int report_summary(void);
/* Write code to the exit port; never returns (halts if vmctl did not stop). */
void exit(int code) __noreturn;

/* Every test defines main(); the start-up code calls exit(main()). */
int main(void);

#endif /* GUEST_LIBTEST_H */
