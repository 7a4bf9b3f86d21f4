/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmctl.h - the verbs of vmctl, one file each (cmd_<verb>.c), and the
 * help printer of the command table in main.c.
 *
 * A verb gets argv[0] = its own name, the rest as typed, and returns the
 * process exit status.  It may also end the process with err()/errx().
 */
#ifndef VMCTL_H
#define VMCTL_H

#include <stdio.h>

int cmd_disk(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);

/* The usage and help text of one verb, from the command table. */
void vmctl_help(FILE *f, const char *verb);

#endif /* VMCTL_H */
