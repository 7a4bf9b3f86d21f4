// SPDX-License-Identifier: GPL-2.0-only
/*
 * printf.c - printf-lite: %d %i %u %x %X %p %s %c %%, with the flags '-'
 * and '0', a field width, and the length modifiers h, l, ll, z.
 *
 * 64-bit numbers are divided with a shift-and-subtract loop instead of
 * '/', so that the 32-bit and 16-bit builds need no libgcc (__udivdi3).
 */
#include "libtest.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* n / base, remainder in *rem; base <= 16. */
static u64 divmod(u64 n, unsigned int base, unsigned int *rem)
{
	u64 q = 0;
	u32 r = 0;
	int i;

	for (i = 63; i >= 0; i--) {
		r = (r << 1) | (u32)((n >> i) & 1);
		if (r >= base) {
			r -= base;
			q |= (u64)1 << i;
		}
	}
	*rem = r;
	return q;
}

static void put_num(struct out *o, u64 n, unsigned int base, bool upper,
		    bool neg, int width, bool zero, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int len = 0, pad;
	unsigned int rem;

	do {
		n = divmod(n, base, &rem);
		tmp[len++] = digits[rem];
	} while (n);
	pad = width - len - (neg ? 1 : 0);
	if (!left && !zero)
		for (; pad > 0; pad--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	if (!left && zero)
		for (; pad > 0; pad--)
			put(o, '0');
	while (len)
		put(o, tmp[--len]);
	for (; left && pad > 0; pad--)
		put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool zero = false, left = false, upper = false;
		int width = 0, lng = 0;
		unsigned int base = 10;
		u64 u;
		s64 s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = sizeof(size_t) == 8 ? 2 : 0;
			else if (*fmt != 'h')
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			if (lng >= 2)
				s = va_arg(ap, long long);
			else if (lng == 1)
				s = va_arg(ap, long);
			else
				s = va_arg(ap, int);
			u = s < 0 ? -(u64)s : (u64)s;
			put_num(&o, u, 10, false, s < 0, width, zero, left);
			break;
		case 'X':
			upper = true;
			/* fall through */
		case 'x':
			base = 16;
			/* fall through */
		case 'u':
			if (lng >= 2)
				u = va_arg(ap, unsigned long long);
			else if (lng == 1)
				u = va_arg(ap, unsigned long);
			else
				u = va_arg(ap, unsigned int);
			put_num(&o, u, base, upper, false, width, zero, left);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			u = (uintptr_t)va_arg(ap, void *);
			put_num(&o, u, 16, false, false, width, zero, left);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			int pad;

			if (!str)
				str = "(null)";
			pad = width - (int)strlen(str);
			for (; !left && pad > 0; pad--)
				put(&o, ' ');
			while (*str)
				put(&o, *str++);
			for (; left && pad > 0; pad--)
				put(&o, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

bool console_smp;

int printf(const char *fmt, ...)
{
	static volatile int lock;
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/*
	 * With several CPUs printing, one printf at a time, so that lines
	 * do not mix (a spinlock: there is nothing else).  Off until
	 * smp_init(), so that a single-CPU test's interrupt handler may
	 * print while main() was printing.
	 */
	if (console_smp)
		while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
			asm volatile("pause");
	puts(buf);
	if (console_smp)
		__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
	return n;
}
