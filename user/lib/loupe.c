/*
 * Thin wrappers for Loupe's native calls: one svc each, the kernel's result
 * returned as it is (see loupe.h for the error convention).
 */
#include "loupe.h"

#include <signal.h>

int loupe_spawn(const char *name, char *const argv[], char *const envp[])
{
	return (int)loupe_syscall(LOUPE_SYS_spawn, name, argv, envp);
}

int loupe_start(int tid)
{
	return (int)loupe_syscall(LOUPE_SYS_start, tid, 0, 0);
}

int loupe_kill(int tid)
{
	return (int)loupe_syscall(LOUPE_SYS_kill, tid, 0, 0);
}

int loupe_wait(int tid, int *status)
{
	return (int)loupe_syscall(LOUPE_SYS_wait, tid, status, 0);
}

int loupe_tasks(struct loupe_task_info *buf, size_t max)
{
	return (int)loupe_syscall(LOUPE_SYS_tasks, buf, max, 0);
}

int loupe_poweroff(int status)
{
	return (int)loupe_syscall(LOUPE_SYS_poweroff, status, 0, 0);
}

long loupe_frames_free(void)
{
	return loupe_syscall(LOUPE_SYS_frames_free, 0, 0, 0);
}

int loupe_run(const char *name, char *const argv[], char *const envp[], int *status)
{
	int tid = loupe_spawn(name, argv, envp);
	int err;

	if (tid < 0)
		return tid;
	err = loupe_start(tid);
	if (err < 0) {
		/* Do not leave a created child behind. */
		loupe_kill(tid);
		loupe_wait(tid, status);
		return err;
	}
	return loupe_wait(tid, status);
}

const char *loupe_task_state_name(unsigned state)
{
	static const char *const names[] = {
		[LOUPE_TASK_CREATED] = "created",   [LOUPE_TASK_READY] = "ready",
		[LOUPE_TASK_RUNNING] = "running",   [LOUPE_TASK_SLEEPING] = "sleeping",
		[LOUPE_TASK_BLOCKED] = "blocked",   [LOUPE_TASK_ZOMBIE] = "zombie",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "?";
}

const char *loupe_signal_name(int sig)
{
	switch (sig) {
	case SIGILL:
		return "SIGILL";
	case SIGTRAP:
		return "SIGTRAP";
	case SIGABRT:
		return "SIGABRT";
	case SIGBUS:
		return "SIGBUS";
	case SIGFPE:
		return "SIGFPE";
	case SIGKILL:
		return "SIGKILL";
	case SIGSEGV:
		return "SIGSEGV";
	default:
		return "signal";
	}
}

int loupe_trace_mark(int kind, const char *label)
{
	return (int)loupe_syscall(LOUPE_SYS_trace_mark, kind, label, 0);
}

int loupe_trace_control(const char *command)
{
	return (int)loupe_syscall(LOUPE_SYS_trace_control, command, 0, 0);
}
