# SPDX-License-Identifier: GPL-2.0-only
#
# Top-level build for vmm: the kernel module (through kbuild), libvmm,
# vmctl, the test guests and the test suites.  Userspace objects are
# found by wildcard, so a new .c file under lib/ or cli/ needs no edit here.

# The kernel to build against.  Default: the running kernel's build tree
# when it exists, else the newest one installed (see LAB.md: the build
# machine runs a kernel we cannot load modules into).
KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1 | \
	cut -d/ -f4; fi)
KDIR ?= /lib/modules/$(KVER)/build

PREFIX  ?= /usr/local
DESTDIR ?=

CC      ?= cc
AR      ?= ar
PKGS    := libnl-3.0 libnl-genl-3.0 libnl-route-3.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
URING_LIBS := $(shell pkg-config --libs liburing 2>/dev/null)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -fPIC -D_GNU_SOURCE \
	   -Iuapi -Ilib $(PKG_CFLAGS) -MMD -MP
LDLIBS  += $(PKG_LIBS) $(URING_LIBS) -lpthread

LIB_SRCS := $(sort $(wildcard lib/*.c lib/*/*.c))
LIB_OBJS := $(LIB_SRCS:.c=.o)
CLI_SRCS := $(sort $(wildcard cli/*.c))
CLI_OBJS := $(CLI_SRCS:.c=.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:.c=)
UNIT_HELPERS := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))

CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

.PHONY: all kmod lib cli guests unit deps check bench install uninstall \
	clean sparse lab

all: kmod lib cli

kmod:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

# Static checks of the module: W=1 warnings and sparse, both must be silent.
sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod W=1 C=2 modules

lib: lib/libvmm.a lib/libvmm.so

lib/libvmm.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

lib/libvmm.so: $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,libvmm.so.0 -o $@ $^ $(LDLIBS)

cli: cli/vmctl

cli/vmctl: $(CLI_OBJS) lib/libvmm.a
	$(CC) -o $@ $(CLI_OBJS) lib/libvmm.a $(LDLIBS)

guests:
	$(MAKE) -C tests/guest

unit: $(UNIT_BINS)

# Each tests/unit/test_*.c is one check program; the other .c files in
# tests/unit are shims shared by them (for example kernel-independent
# kmod/ code compiled for userspace).
tests/unit/test_%: tests/unit/test_%.c $(UNIT_HELPERS) lib/libvmm.a
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Ikmod -o $@ $< $(UNIT_HELPERS) \
		lib/libvmm.a $(CHECK_LIBS) $(LDLIBS)

deps:
	scripts/deps.sh

# Unit tests, host integration tests, then the AMD lab.  Ends with one
# line "N passed, N failed".
check: all guests unit
	KVER=$(KVER) tests/check.sh

lab: all guests
	KVER=$(KVER) tests/lab/run.sh amd

bench: all guests
	KVER=$(KVER) tests/bench/run.sh

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod INSTALL_MOD_DIR=extra modules_install
	install -D -m 0755 cli/vmctl $(DESTDIR)$(PREFIX)/bin/vmctl
	install -D -m 0644 lib/libvmm.a $(DESTDIR)$(PREFIX)/lib/libvmm.a
	install -D -m 0755 lib/libvmm.so $(DESTDIR)$(PREFIX)/lib/libvmm.so.0
	install -D -m 0644 uapi/vmm.h $(DESTDIR)$(PREFIX)/include/vmm/vmm.h
	install -D -m 0644 lib/libvmm.h $(DESTDIR)$(PREFIX)/include/vmm/libvmm.h
	install -D -m 0644 cli/vmctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/vmctl.8
	install -D -m 0644 cli/vmctl-disk.8 $(DESTDIR)$(PREFIX)/share/man/man8/vmctl-disk.8
	install -D -m 0644 scripts/99-vmm.rules $(DESTDIR)/etc/udev/rules.d/99-vmm.rules

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vmctl $(DESTDIR)$(PREFIX)/lib/libvmm.* \
	      $(DESTDIR)$(PREFIX)/share/man/man8/vmctl.8 \
	      $(DESTDIR)$(PREFIX)/share/man/man8/vmctl-disk.8 \
	      $(DESTDIR)/etc/udev/rules.d/99-vmm.rules
	rm -rf $(DESTDIR)$(PREFIX)/include/vmm

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	-$(MAKE) -C tests/guest clean
	rm -f lib/*.o lib/*/*.o lib/*.d lib/*/*.d lib/libvmm.a lib/libvmm.so
	rm -f cli/*.o cli/*.d cli/vmctl $(UNIT_BINS) tests/unit/*.d
	rm -rf build

%.o: %.c
	$(CC) $(CFLAGS) -c -o $@ $<

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_BINS:=.d)
