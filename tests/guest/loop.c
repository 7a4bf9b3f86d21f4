// SPDX-License-Identifier: GPL-2.0-only
/*
 * loop.c - a guest that never exits to the VMM: no I/O, no HLT, nothing
 * intercepted.  The lab stops vmctl with SIGINT after a few seconds and
 * expects exit status 130, promptly: the host's timer interrupt must get
 * the vCPU out of the guest and the module must notice the signal.
 */
#include "libtest.h"

int main(void)
{
	volatile unsigned long n = 0;

	printf("loop: spinning until stopped\n");
	for (;;)
		n++;
	return 1;
}
