// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * machine.c - a machine: N vCPUs of one VM, each a thread in its own run
 * loop (vmm_vcpu_run_loop), all sharing one bus.  The first vCPU that
 * must stop (exit port, triple fault, error, a stop request) stops the
 * others, and its reason becomes the machine's.
 *
 * Stopping a vCPU thread: vmm_vcpu_request_stop() sets the vCPU's stop
 * flag and immediate_exit, then a signal (VMM_MACHINE_KICK_SIGNAL, whose
 * handler does nothing) makes a VMM_RUN in progress return -EINTR, be
 * it running guest code or sleeping in the kernel (HLT, WAIT_SIPI).
 * The vCPU threads block every other signal, so SIGINT and friends go
 * to the thread that called vmm_machine_run(), the caller's handlers
 * run there, and they may call vmm_machine_request_stop().
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "libvmm.h"
#include "vmm-int.h"

struct vmm_machine_cpu {
	struct vmm_machine *m;
	struct vmm_vcpu *vcpu;
	unsigned int index;
	int host_cpu;			/* -1: no affinity */
	pthread_t thread;
	bool started;
	struct vmm_exit_status st;	/* how its run loop ended */
};

struct vmm_machine {
	struct vmm_vm *vm;
	struct vmm_bus *bus;
	unsigned int nr;
	struct vmm_machine_cpu *cpu;

	pthread_mutex_t lock;		/* first, st, first_index */
	bool first;			/* a vCPU stopped the machine */
	unsigned int first_index;
	struct vmm_exit_status st;

	sem_t done;			/* posted by each vCPU thread at its end */
	/* Threads exist and are not joined yet: kicks are allowed. */
	volatile sig_atomic_t running;
};

static void kick_handler(int signo)
{
	/* Nothing: the signal exists to interrupt VMM_RUN. */
	(void)signo;
}

int vmm_machine_create(struct vmm_vm *vm, struct vmm_bus *bus,
		       unsigned int nr_vcpus, struct vmm_machine **out)
{
	struct vmm_machine *m;
	unsigned int i;
	int ret;

	*out = NULL;
	if (!nr_vcpus || nr_vcpus > VMM_MACHINE_MAX_VCPUS)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->cpu = calloc(nr_vcpus, sizeof(*m->cpu));
	if (!m->cpu) {
		ret = -ENOMEM;
		goto free_m;
	}
	m->vm = vm;
	m->bus = bus;
	ret = -pthread_mutex_init(&m->lock, NULL);
	if (ret)
		goto free_cpu;
	if (sem_init(&m->done, 0, 0)) {
		ret = -errno;
		goto destroy_lock;
	}
	for (i = 0; i < nr_vcpus; i++) {
		m->cpu[i].m = m;
		m->cpu[i].index = i;
		m->cpu[i].host_cpu = -1;
		ret = vmm_vcpu_create(vm, i, &m->cpu[i].vcpu);
		if (ret)
			goto destroy_vcpus;
		m->nr++;
	}
	*out = m;
	return 0;

destroy_vcpus:
	while (i--)
		vmm_vcpu_destroy(m->cpu[i].vcpu);
	sem_destroy(&m->done);
destroy_lock:
	pthread_mutex_destroy(&m->lock);
free_cpu:
	free(m->cpu);
free_m:
	free(m);
	return ret;
}

void vmm_machine_destroy(struct vmm_machine *m)
{
	unsigned int i;

	if (!m)
		return;
	for (i = 0; i < m->nr; i++)
		vmm_vcpu_destroy(m->cpu[i].vcpu);
	sem_destroy(&m->done);
	pthread_mutex_destroy(&m->lock);
	free(m->cpu);
	free(m);
}

unsigned int vmm_machine_nr_vcpus(const struct vmm_machine *m)
{
	return m->nr;
}

struct vmm_vcpu *vmm_machine_vcpu(const struct vmm_machine *m,
				  unsigned int i)
{
	return i < m->nr ? m->cpu[i].vcpu : NULL;
}

int vmm_machine_set_affinity(struct vmm_machine *m, unsigned int i,
			     int host_cpu)
{
	if (i >= m->nr || host_cpu < -1 || host_cpu >= CPU_SETSIZE)
		return -EINVAL;
	m->cpu[i].host_cpu = host_cpu;
	return 0;
}

/* Stop every vCPU but skip (pass m->nr to stop all). */
static void stop_all(struct vmm_machine *m, unsigned int skip)
{
	unsigned int i;

	/*
	 * Flag first, signal second: a thread between its check of the
	 * flag and VMM_RUN is caught by immediate_exit, one inside
	 * VMM_RUN by the signal.  pthread_kill is async-signal-safe and
	 * valid until the thread is joined, which running guards.
	 */
	for (i = 0; i < m->nr; i++) {
		if (i == skip)
			continue;
		vmm_vcpu_request_stop(m->cpu[i].vcpu);
		if (m->running && m->cpu[i].started)
			pthread_kill(m->cpu[i].thread, VMM_MACHINE_KICK_SIGNAL);
	}
}

void vmm_machine_request_stop(struct vmm_machine *m)
{
	stop_all(m, m->nr);
}

static void *vcpu_thread(void *arg)
{
	struct vmm_machine_cpu *c = arg;
	struct vmm_machine *m = c->m;
	sigset_t kick;
	char name[16];

	snprintf(name, sizeof(name), "vcpu/%u", c->index);
	pthread_setname_np(pthread_self(), name);
	/* Everything else stays blocked, as vmm_machine_run() created us. */
	sigemptyset(&kick);
	sigaddset(&kick, VMM_MACHINE_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);

	vmm_vcpu_run_loop(c->vcpu, m->bus, &c->st);

	pthread_mutex_lock(&m->lock);
	/*
	 * The first to get here with a reason of its own stops the rest.
	 * A vCPU stopped by a sibling or by vmm_machine_request_stop()
	 * returns VMM_STOP_STOPPED; when the whole machine was asked to
	 * stop, that is the machine's reason too.
	 */
	if (!m->first) {
		m->first = true;
		m->first_index = c->index;
		m->st = c->st;
		stop_all(m, c->index);
	}
	pthread_mutex_unlock(&m->lock);
	sem_post(&m->done);
	return NULL;
}

/* Start vCPU i's thread; the caller has every signal blocked. */
static int start_cpu(struct vmm_machine *m, unsigned int i)
{
	struct vmm_machine_cpu *c = &m->cpu[i];
	pthread_attr_t attr;
	int ret;

	ret = pthread_attr_init(&attr);
	if (ret)
		return -ret;
	if (c->host_cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(c->host_cpu, &set);
		ret = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	/* A CPU that is not online (or not ours) fails here: EINVAL. */
	if (!ret)
		ret = pthread_create(&c->thread, &attr, vcpu_thread, c);
	pthread_attr_destroy(&attr);
	if (ret)
		return -ret;
	c->started = true;
	return 0;
}

int vmm_machine_run(struct vmm_machine *m, struct vmm_exit_status *st,
		    unsigned int *index)
{
	struct sigaction sa, old_sa;
	sigset_t all, old;
	unsigned int i, nr_started = 0;
	int ret = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;	/* no SA_RESTART: VMM_RUN -EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(VMM_MACHINE_KICK_SIGNAL, &sa, &old_sa))
		return -errno;

	/* The threads inherit a mask with everything blocked (see top). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	m->first = false;
	m->running = 1;
	for (i = 0; i < m->nr; i++) {
		ret = start_cpu(m, i);
		if (ret) {
			vmm_machine_request_stop(m);
			break;
		}
		nr_started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	/*
	 * Wait for every thread, with the caller's signals deliverable
	 * here: its handlers may call vmm_machine_request_stop().
	 */
	for (i = 0; i < nr_started; i++)
		while (sem_wait(&m->done) && errno == EINTR)
			;
	m->running = 0;
	for (i = 0; i < m->nr; i++) {
		if (m->cpu[i].started)
			pthread_join(m->cpu[i].thread, NULL);
		m->cpu[i].started = false;
	}
	sigaction(VMM_MACHINE_KICK_SIGNAL, &old_sa, NULL);
	if (ret)
		return ret;
	*st = m->st;
	if (index)
		*index = m->first_index;
	return 0;
}
