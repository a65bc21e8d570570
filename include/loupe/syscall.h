#pragma once

/*
 * Loupe's system-call ABI, shared by the kernel and user programs.
 *
 * A program calls the kernel with `svc #0`: the call number in x8, up to six
 * arguments in x0-x5, the result in x0. A negative result in [-4095, -1] is
 * an error, -errno, with Linux's errno values. Numbers below 0x400 are the
 * Linux AArch64 system calls (asm-generic/unistd.h), so musl works unchanged;
 * Loupe's own calls start at 0x400. docs/syscalls.md lists every call.
 */
#include <stdint.h>

/* Linux AArch64 numbers Loupe implements. */
#define LINUX_SYS_read 63
#define LINUX_SYS_write 64
#define LINUX_SYS_writev 66
#define LINUX_SYS_exit 93
#define LINUX_SYS_exit_group 94
#define LINUX_SYS_set_tid_address 96
#define LINUX_SYS_nanosleep 101
#define LINUX_SYS_clock_gettime 113
#define LINUX_SYS_sched_yield 124
#define LINUX_SYS_uname 160
#define LINUX_SYS_getpid 172
#define LINUX_SYS_getppid 173
#define LINUX_SYS_gettid 178
#define LINUX_SYS_brk 214
#define LINUX_SYS_munmap 215
#define LINUX_SYS_mmap 222
#define LINUX_SYS_getrandom 278

/* Loupe's native calls. */
#define LOUPE_SYS_BASE 0x400
/* spawn(name, argv, envp): create a task from program `name` in the initrd,
 * as a child of the caller, not yet running. Returns its task id. */
#define LOUPE_SYS_spawn (LOUPE_SYS_BASE + 0)
/* start(tid): make a created child runnable. */
#define LOUPE_SYS_start (LOUPE_SYS_BASE + 1)
/* kill(tid): end a child; its status says it was killed (SIGKILL). */
#define LOUPE_SYS_kill (LOUPE_SYS_BASE + 2)
/* wait(tid or -1, int *status): wait for a child to end and reap it;
 * returns its id. *status uses Linux's wait-status encoding. */
#define LOUPE_SYS_wait (LOUPE_SYS_BASE + 3)
/* tasks(struct loupe_task_info *buf, max): a snapshot of all tasks;
 * returns how many were written. */
#define LOUPE_SYS_tasks (LOUPE_SYS_BASE + 4)
/* poweroff(status): switch the machine off; QEMU exits with status. */
#define LOUPE_SYS_poweroff (LOUPE_SYS_BASE + 5)
/* frames_free(): free physical frames now, for leak tests. */
#define LOUPE_SYS_frames_free (LOUPE_SYS_BASE + 6)
/* trace_mark(kind, label): a marker in the kernel's trace, on the calling
 * task's track: kind 0 begins a slice, 1 ends it, 2 is an instant; the
 * label is cut to 15 characters. */
#define LOUPE_SYS_trace_mark (LOUPE_SYS_BASE + 7)
/* trace_control(command): "on [cats]", "off", "clear", "status"; the
 * status line goes to the console. */
#define LOUPE_SYS_trace_control (LOUPE_SYS_BASE + 8)
/* set_priority(tid or 0 for the caller, priority): a child's or one's own
 * scheduling priority, LOUPE_PRIO_MIN..LOUPE_PRIO_MAX. */
#define LOUPE_SYS_set_priority (LOUPE_SYS_BASE + 9)
/* set_affinity(tid or 0 for the caller, mask): the CPUs a child or the
 * caller may run on, bit n for CPU n; CPUs not online are ignored. */
#define LOUPE_SYS_set_affinity (LOUPE_SYS_BASE + 10)
#define LOUPE_SYS_LAST LOUPE_SYS_set_affinity

#define LOUPE_MARK_BEGIN 0
#define LOUPE_MARK_END 1
#define LOUPE_MARK_INSTANT 2

enum loupe_task_state {
	LOUPE_TASK_CREATED = 0, /* spawned, not started */
	LOUPE_TASK_READY = 1,	/* waiting for a CPU */
	LOUPE_TASK_RUNNING = 2,
	LOUPE_TASK_SLEEPING = 3, /* nanosleep: until a deadline */
	LOUPE_TASK_BLOCKED = 4,	 /* waiting for an event: see wait_reason */
	LOUPE_TASK_ZOMBIE = 5,	 /* ended, not yet reaped by its parent */
};

#define LOUPE_NAME_MAX 32

struct loupe_task_info {
	int32_t tid;
	int32_t parent; /* 0 for tasks without a parent */
	uint32_t state; /* enum loupe_task_state */
	int32_t priority;
	int32_t cpu; /* CPU it runs or last ran on, -1 if never */
	int32_t exit_status;
	char name[LOUPE_NAME_MAX];
	char wait_reason[LOUPE_NAME_MAX]; /* what a blocked task waits for */
};

/* Idle tasks (one per CPU) have ids from here; user tasks count from 1. */
#define LOUPE_IDLE_TID_BASE 32768

/* Task priorities: higher runs first; equal priorities take turns. */
#define LOUPE_PRIO_MIN 0
#define LOUPE_PRIO_DEFAULT 8
#define LOUPE_PRIO_MAX 15

/* Affinity masks: bit n allows CPU n; a new task inherits its parent's. */
#define LOUPE_CPUS_ALL 0xffffffffu
