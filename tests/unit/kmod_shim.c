// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmod_shim.c - compiles the kernel-independent parts of vmm.ko for the
 * unit tests.  The Makefile links every non-test_*.c file in tests/unit
 * into every test program, so a test that does not use these functions
 * just carries them along; a new kernel-independent kmod/ file is added
 * here with one more #include.
 */
#include "../../kmod/x86_decode.c"
#include "../../kmod/gwalk.c"
