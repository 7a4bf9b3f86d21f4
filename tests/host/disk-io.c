// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test driver for the disk host tests (tests/host/disk-*.sh), built by
 * those scripts against lib/libvmm.a:
 *
 *   disk-io disk VERB ...             vmctl disk, without the rest of vmctl
 *   disk-io random IMG MODEL SEED N   N random writes, write-zeroes, discards
 *                                     and flushes on IMG, mirrored on the raw
 *                                     file MODEL
 *   disk-io dump IMG OUT              the guest view of IMG into raw OUT
 *   disk-io crash-writer IMG LOG SEED write and flush until killed, logging
 *                                     each intent and each completed flush
 *   disk-io crash-verify IMG LOG      every block holds a state the log
 *                                     allows (acknowledged by flush, or later)
 *   disk-io threads IMG N             N threads writing, then verify
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/disk.h"

int cmd_disk(int argc, char **argv);

#define BLK	4096u

static void die_disk(int ret, const char *what)
{
	errx(1, "%s: %s (%s)", what, vmm_disk_strerror(), strerror(-ret));
}

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill(void *buf, size_t len, uint64_t seed)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;

	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t v = xs(&s);

		memcpy((char *)buf + i, &v, 8);
	}
}

static int do_random(char **argv)
{
	struct vmm_disk *d;
	uint64_t s = strtoull(argv[2], NULL, 0) | 1, size;
	long n = atol(argv[3]);
	char *buf = malloc(4 << 20);
	int mfd, ret;

	ret = vmm_disk_open(&d, argv[0], VMM_DISK_FMT_AUTO, VMM_DISK_RDWR);
	if (ret)
		die_disk(ret, argv[0]);
	mfd = open(argv[1], O_RDWR);
	if (mfd < 0)
		err(1, "%s", argv[1]);
	size = vmm_disk_size(d);
	for (long i = 0; i < n; i++) {
		uint64_t r = xs(&s) % 100, off, len;

		/* Mostly small writes, some large, some aligned to 64 KiB. */
		len = (r < 60 ? 1 + xs(&s) % 16 : 1 + xs(&s) % 2048) * 512;
		off = (xs(&s) % (size / 512)) * 512;
		if (r >= 85) {
			off &= ~65535ull;
			len = (1 + xs(&s) % 8) * 65536;
		}
		if (off + len > size)
			len = size - off;
		if (!len)
			continue;
		if (r < 80) {
			fill(buf, len, xs(&s));
			ret = vmm_disk_write(d, buf, len, off);
			if (!ret && pwrite(mfd, buf, len, off) != (ssize_t)len)
				err(1, "model");
		} else {
			/* write-zeroes anywhere; discard only of whole
			 * clusters (of up to 2 MiB), where every format
			 * then reads zero */
			if (r < 90) {
				ret = vmm_disk_write_zeroes(d, off, len);
			} else {
				off &= ~((2ull << 20) - 1);
				len = (2ull << 20) * (1 + xs(&s) % 2);
				if (off + len > size)
					len = size - off;
				ret = vmm_disk_discard(d, off, len);
			}
			memset(buf, 0, len);
			if (!ret && pwrite(mfd, buf, len, off) != (ssize_t)len)
				err(1, "model");
		}
		if (ret)
			die_disk(ret, "random op");
		if (xs(&s) % 50 == 0 && (ret = vmm_disk_flush(d)))
			die_disk(ret, "flush");
	}
	ret = vmm_disk_close(d);
	if (ret)
		die_disk(ret, "close");
	free(buf);
	return 0;
}

static int do_dump(char **argv)
{
	struct vmm_disk *d;
	char *buf = malloc(1 << 20);
	uint64_t size;
	int fd, ret;

	ret = vmm_disk_open(&d, argv[0], VMM_DISK_FMT_AUTO, 0);
	if (ret)
		die_disk(ret, argv[0]);
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		err(1, "%s", argv[1]);
	size = vmm_disk_size(d);
	for (uint64_t off = 0; off < size; off += 1 << 20) {
		size_t n = size - off < (1 << 20) ? size - off : (1 << 20);

		ret = vmm_disk_read(d, buf, n, off);
		if (ret)
			die_disk(ret, "read");
		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			err(1, "%s", argv[1]);
	}
	close(fd);
	vmm_disk_close(d);
	free(buf);
	return 0;
}

/* Crash test.  A block holds "VMMB", its number, a generation and bytes
 * derived from both; a discarded block reads zero. */
static void crash_block(void *buf, uint32_t b, uint32_t gen)
{
	fill(buf, BLK, ((uint64_t)b << 32) | gen);
	memcpy(buf, "VMMB", 4);
	memcpy((char *)buf + 4, &b, 4);
	memcpy((char *)buf + 8, &gen, 4);
}

static void logf_(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void logf_(int fd, const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (write(fd, line, n) != n)
		err(1, "log");
}

static int do_crash_writer(char **argv)
{
	uint64_t s = strtoull(argv[2], NULL, 0) | 1;
	struct vmm_disk *d;
	uint32_t nblk, *gen;
	char *buf = malloc(16 * BLK);
	int lfd, ret;
	FILE *f;

	ret = vmm_disk_open(&d, argv[0], VMM_DISK_FMT_AUTO, VMM_DISK_RDWR);
	if (ret)
		die_disk(ret, argv[0]);
	nblk = vmm_disk_size(d) / BLK;
	gen = calloc(nblk, sizeof(*gen));
	/* Continue the generations of earlier (killed) rounds. */
	f = fopen(argv[1], "r");
	if (f) {
		char line[128];
		unsigned int b, g;

		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%*c %u %u", &b, &g) == 2 && b < nblk &&
			    g > gen[b])
				gen[b] = g;
		fclose(f);
	}
	lfd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (lfd < 0)
		err(1, "%s", argv[1]);
	logf_(lfd, "R\n");
	for (;;) {
		uint32_t r = xs(&s) % 100, b = xs(&s) % nblk, n = 1;

		if (r < 75) {
			n = 1 + xs(&s) % 16;
			if (b + n > nblk)
				n = nblk - b;
			for (uint32_t i = 0; i < n; i++) {
				gen[b + i]++;
				logf_(lfd, "w %u %u\n", b + i, gen[b + i]);
				crash_block(buf + i * BLK, b + i, gen[b + i]);
			}
			ret = vmm_disk_write(d, buf, n * BLK, (uint64_t)b * BLK);
		} else if (r < 90) {
			/* Whole 64 KiB clusters: discard frees them. */
			b &= ~15u;
			n = 16;
			if (b + n > nblk)
				continue;
			for (uint32_t i = 0; i < n; i++) {
				gen[b + i]++;
				logf_(lfd, "z %u %u\n", b + i, gen[b + i]);
			}
			ret = r < 82 ? vmm_disk_discard(d, (uint64_t)b * BLK,
							n * BLK)
				     : vmm_disk_write_zeroes(d, (uint64_t)b * BLK,
							     n * BLK);
		} else {
			ret = vmm_disk_flush(d);
			if (!ret)
				logf_(lfd, "F\n");
		}
		if (ret)
			die_disk(ret, "crash writer");
	}
}

/* Possible states of a block: generation numbers (0: never written);
 * bit 31 set for "reads zero". */
struct bstate {
	uint32_t *set;
	int n, cap;
	uint32_t *pend;
	int np, capp;
};

static void push(uint32_t **v, int *n, int *cap, uint32_t x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*v = realloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = x;
}

static int do_crash_verify(char **argv)
{
	struct vmm_disk *d;
	uint32_t nblk;
	struct bstate *st;
	char line[128], *buf = malloc(BLK), *want = malloc(BLK);
	int *touched, ntouched = 0, bad = 0, ret;
	FILE *f;

	ret = vmm_disk_open(&d, argv[0], VMM_DISK_FMT_AUTO, 0);
	if (ret)
		die_disk(ret, argv[0]);
	nblk = vmm_disk_size(d) / BLK;
	st = calloc(nblk, sizeof(*st));
	touched = calloc(nblk, sizeof(*touched));
	for (uint32_t b = 0; b < nblk; b++)
		push(&st[b].set, &st[b].n, &st[b].cap, 0x80000000u);
	f = fopen(argv[1], "r");
	if (!f)
		err(1, "%s", argv[1]);
	/* Intents since the last flush are pending: a flush makes the last
	 * one the only possible state; a kill (R) makes them all possible. */
	while (fgets(line, sizeof(line), f)) {
		unsigned int b, g;
		char k;

		if (!strchr(line, '\n'))
			break;		/* torn last line */
		if (line[0] == 'F' || line[0] == 'R') {
			for (int i = 0; i < ntouched; i++) {
				struct bstate *s = &st[touched[i]];

				if (line[0] == 'F') {
					s->set[0] = s->pend[s->np - 1];
					s->n = 1;
				} else {
					for (int j = 0; j < s->np; j++)
						push(&s->set, &s->n, &s->cap,
						     s->pend[j]);
				}
				s->np = 0;
			}
			ntouched = 0;
			continue;
		}
		if (sscanf(line, "%c %u %u", &k, &b, &g) != 3 || b >= nblk)
			errx(1, "bad log line: %s", line);
		if (!st[b].np)
			touched[ntouched++] = b;
		push(&st[b].pend, &st[b].np, &st[b].capp,
		     k == 'z' ? (g | 0x80000000u) : g);
	}
	fclose(f);
	for (uint32_t b = 0; b < nblk; b++) {
		struct bstate *s = &st[b];
		bool ok = false, zero;
		uint32_t g;

		ret = vmm_disk_read(d, buf, BLK, (uint64_t)b * BLK);
		if (ret)
			die_disk(ret, "read");
		zero = buf[0] == 0 && !memcmp(buf, buf + 1, BLK - 1);
		for (int j = 0; !ok && j < s->n + s->np; j++) {
			g = j < s->n ? s->set[j] : s->pend[j - s->n];
			if (g & 0x80000000u) {
				ok = zero;
				continue;
			}
			crash_block(want, b, g);
			ok = !memcmp(buf, want, BLK);
		}
		if (!ok && bad++ < 10) {
			memcpy(&g, buf + 8, 4);
			fprintf(stderr, "block %u: unexpected content (%s, "
				"generation %u); %d acknowledged state(s), "
				"first %#x\n", b, zero ? "zero" : "data", g,
				s->n, s->set[0]);
		}
	}
	vmm_disk_close(d);
	if (bad)
		errx(1, "%d blocks lost acknowledged writes", bad);
	return 0;
}

struct thr {
	struct vmm_disk *d;
	int id, n;
};

static void *thr_fn(void *p)
{
	struct thr *t = p;
	char buf[BLK * 4];
	uint64_t s = t->id + 1;

	/* Thread i owns the 4-block groups with index % n == i. */
	for (int i = 0; i < 2000; i++) {
		uint64_t grp = (xs(&s) % 1024) * t->n + t->id;

		fill(buf, sizeof(buf), grp);
		if (vmm_disk_write(t->d, buf, sizeof(buf), grp * sizeof(buf)))
			return (void *)1;
		if (i % 500 == 0 && vmm_disk_flush(t->d))
			return (void *)1;
	}
	return NULL;
}

static int do_threads(char **argv)
{
	int n = atoi(argv[1]), ret, bad = 0;
	struct thr t[16];
	pthread_t tid[16];
	struct vmm_disk *d;
	char buf[BLK * 4], want[BLK * 4];

	if (n < 1 || n > 16)
		errx(1, "1 to 16 threads");
	ret = vmm_disk_open(&d, argv[0], VMM_DISK_FMT_AUTO, VMM_DISK_RDWR);
	if (ret)
		die_disk(ret, argv[0]);
	if (vmm_disk_size(d) < 1024ull * n * sizeof(buf))
		errx(1, "image too small");
	for (int i = 0; i < n; i++) {
		t[i] = (struct thr){ d, i, n };
		pthread_create(&tid[i], NULL, thr_fn, &t[i]);
	}
	for (int i = 0; i < n; i++) {
		void *r;

		pthread_join(tid[i], &r);
		if (r)
			errx(1, "thread %d: %s", i, vmm_disk_strerror());
	}
	for (uint64_t grp = 0; grp < 1024ull * n; grp++) {
		ret = vmm_disk_read(d, buf, sizeof(buf), grp * sizeof(buf));
		if (ret)
			die_disk(ret, "read");
		fill(want, sizeof(want), grp);
		/* A group no thread picked stays zero. */
		if (memcmp(buf, want, sizeof(buf)) &&
		    !(buf[0] == 0 && !memcmp(buf, buf + 1, sizeof(buf) - 1)))
			bad++;
	}
	ret = vmm_disk_close(d);
	if (ret)
		die_disk(ret, "close");
	if (bad)
		errx(1, "%d groups hold wrong data", bad);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int nargs;
		int (*fn)(char **argv);
	} cmds[] = {
		{ "random", 4, do_random },
		{ "dump", 2, do_dump },
		{ "crash-writer", 3, do_crash_writer },
		{ "crash-verify", 2, do_crash_verify },
		{ "threads", 2, do_threads },
	};

	if (argc >= 2 && !strcmp(argv[1], "disk"))
		return cmd_disk(argc - 1, argv + 1);
	for (size_t i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name) && argc - 2 == cmds[i].nargs)
			return cmds[i].fn(argv + 2);
	fprintf(stderr, "usage: disk-io disk|random|dump|crash-writer|"
		"crash-verify|threads ARGS (see the source)\n");
	return 1;
}
