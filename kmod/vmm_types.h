/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmm_types.h - fixed-width types for the kernel-independent parts of
 * vmm.ko (instruction decoding, guest page walks, CPUID policy), so that
 * tests/unit can compile the very same .c files in userspace.
 */
#ifndef VMM_TYPES_H
#define VMM_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
#endif

#endif /* VMM_TYPES_H */
