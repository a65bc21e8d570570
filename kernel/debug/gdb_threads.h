#pragma once

#include <stdbool.h>
#include <stddef.h>

struct trap_frame;
struct gdb_fpsimd;
struct gdb_cpu;

/*
 * What GDB calls threads comes from pluggable "thread sources". Each source
 * owns a range of thread ids and describes its threads on demand; the stub
 * asks the sources in registration order.
 *
 * Today there is one source, gdb_cpu_threads.c: every CPU is a thread (ids
 * 1..MAX_CPUS), showing what that CPU was running when it stopped. When
 * tasks arrive, a task source (kernel and user tasks, ids from
 * GDB_TASK_THREAD_BASE) registers itself: a task that is running on a CPU
 * shows that CPU's stopped frame, a task that is switched out shows the
 * registers its context switch saved, and the CPU source keeps only the
 * CPUs that run no task.
 */
#define GDB_TASK_THREAD_BASE 0x100

struct gdb_thread {
	unsigned long id;
	int cpu;		  /* CPU it is on, -1 if none */
	struct trap_frame *frame; /* its registers; NULL if unknown */
	struct gdb_fpsimd *fp;	  /* FP/SIMD registers; NULL if unknown */
	const struct gdb_cpu *sys; /* sampled EL1 system registers; NULL if none */
	char name[32];		  /* for `info threads` */
	char state[64];		  /* what it is doing, in words */
};

struct gdb_thread_source {
	const char *name;
	/* The smallest thread id greater than `after`, or 0 if none. */
	unsigned long (*next)(unsigned long after);
	/* Describe thread id; false if the source has no such thread. */
	bool (*get)(unsigned long id, struct gdb_thread *t);
	/* The thread a stopped CPU was running, or 0 if not this source's. */
	unsigned long (*on_cpu)(unsigned cpu);
};

void gdb_threads_register(const struct gdb_thread_source *src);

/* Iterate over all threads: start with after = 0. */
unsigned long gdb_threads_next(unsigned long after);
bool gdb_thread_get(unsigned long id, struct gdb_thread *t);
unsigned long gdb_thread_on_cpu(unsigned cpu);

/* The <threads> document of qXfer:threads:read. Returns its length (it may
 * be cut at size - 1 on a machine with very many threads). */
size_t gdb_threads_xml(char *buf, size_t size);

/* The task behind a task thread id, or NULL (gdb_task_threads.c). */
struct task;
struct task *gdb_thread_task(unsigned long id);

/* Provided by gdb_cpu_threads.c and gdb_task_threads.c. */
extern const struct gdb_thread_source gdb_cpu_thread_source;
extern const struct gdb_thread_source gdb_task_thread_source;
