#pragma once

#include <stdbool.h>

#include "arch/aarch64/trap_frame.h"

/*
 * Exceptions from user space: system calls, page faults a region allows
 * (mapped on demand), and faults that end the program with a one-screen
 * report. The kernel and every other task go on.
 */
void user_trap_sync(struct trap_frame *f);
/* A system call (svc from EL0), entered with interrupts masked. */
void user_svc(struct trap_frame *f);
/* The end of a system call that found a kill or a preemption due: honour
 * it (interrupts on for that), then mask interrupts again for the return.
 * For the IPC fast path, which returns without user_svc. */
void syscall_exit_work(void);

/* A kernel access to a user address faulted (in copy_from_user and
 * friends): map the page if the task's regions allow it. */
bool user_fault_from_kernel(struct trap_frame *f);
