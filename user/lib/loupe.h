#pragma once

/*
 * Loupe's native system calls for user programs (numbers and structures in
 * include/loupe/syscall.h, semantics in docs/syscalls.md).
 *
 * Error convention: every wrapper returns what the kernel put in x0. A value
 * in [-4095, -1] is -errno (-EFAULT, -ENOENT, ...); errno is NOT set. That
 * differs from musl's wrappers on purpose: these calls are Loupe's own, and
 * test programs want to see the kernel's answer unchanged.
 */
#include <loupe/syscall.h>
#include <stddef.h>

/*
 * One `svc #0` with the call number in x8 and six arguments in x0-x5; the
 * kernel's result comes back in x0. "memory": the kernel may read or write
 * any buffer the arguments point to. Used directly by tests that must hand
 * the kernel arguments the C library would refuse or crash on.
 */
static inline long loupe_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	register long x2 __asm__("x2") = a2;
	register long x3 __asm__("x3") = a3;
	register long x4 __asm__("x4") = a4;
	register long x5 __asm__("x5") = a5;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

#define loupe_syscall(nr, a0, a1, a2) loupe_syscall6((nr), (long)(a0), (long)(a1), (long)(a2), 0, 0, 0)

/* True for a result that is an error (-4095..-1), as in Linux. */
static inline int loupe_is_error(long ret)
{
	return ret < 0 && ret >= -4095;
}

/* Create a child task from bin/NAME in the initrd, not yet running.
 * argv and envp are NULL-terminated; argv[0] is conventionally `name`.
 * Returns the child's task id. */
int loupe_spawn(const char *name, char *const argv[], char *const envp[]);

/* Make a spawned child runnable. */
int loupe_start(int tid);

/* End a child; its status becomes "killed by SIGKILL". */
int loupe_kill(int tid);

/* Wait until child `tid` (or any child, for -1) ends, reap it and store its
 * Linux-encoded wait status (see <sys/wait.h>) in *status. Returns its id. */
int loupe_wait(int tid, int *status);

/* Copy a snapshot of at most `max` tasks into buf; returns how many. */
int loupe_tasks(struct loupe_task_info *buf, size_t max);

/* Switch the machine off; QEMU exits with `status`. Returns only on error. */
int loupe_poweroff(int status);

/* Free physical frames right now. */
long loupe_frames_free(void);

/* A marker in the kernel's trace on this task's track: kind is
 * LOUPE_MARK_BEGIN, _END or _INSTANT; the label is cut to 15 characters. */
int loupe_trace_mark(int kind, const char *label);

/* Control the tracer: "on [cats]", "off", "clear" or "status" (the status
 * line goes to the console). */
int loupe_trace_control(const char *command);

/* spawn + start + wait: run a program to its end. Returns the child's id
 * with its wait status in *status, or -errno if it could not be started
 * (the half-created child is then killed and reaped). */
int loupe_run(const char *name, char *const argv[], char *const envp[], int *status);

/* A short human-readable name for a task state ("ready", "zombie", ...). */
const char *loupe_task_state_name(unsigned state);

/* The name of signal `sig` ("SIGSEGV"), or "signal" if unknown. */
const char *loupe_signal_name(int sig);
