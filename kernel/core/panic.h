#pragma once

#include <stdbool.h>

#include "lib/compiler.h"

struct trap_frame;

/*
 * What happens when the kernel fails. panic() is for broken invariants
 * found by the kernel itself; unexpected exceptions (arch/aarch64/trap.c)
 * produce the same kind of report through crash_enter/crash_finish.
 */
__noreturn void panic(const char *fmt, ...) __printf_like(1, 2);

/* QEMU's exit status after a crash with panic=poweroff. */
#define PANIC_EXIT_STATUS 3

enum panic_action {
	PANIC_HALT,	/* stop and say how to attach a debugger (default) */
	PANIC_POWEROFF, /* power off with PANIC_EXIT_STATUS (cmdline panic=poweroff) */
};
extern enum panic_action panic_action;

/* Nonzero once the kernel has failed; a debugger reads it to tell a crashed
 * system from a running one. */
extern volatile int kernel_failed;
/* The panic message or exception summary, for debuggers and core files. */
extern char panic_message[256];

/*
 * Start a crash report on this CPU: record frame (NULL: capture the
 * caller's registers), mask interrupts, stop the other CPUs,
 * make printk lock-free. A second crash on a CPU that is already reporting
 * prints a one-line note and halts, so a fault inside the report cannot
 * loop. A crash on another CPU while one is being reported just halts.
 */
void crash_enter(const char *summary, struct trap_frame *frame);

/* The registers of the crashing CPU: the exception's trap frame, or for
 * panic() a frame captured at the call. Crash dumps and the GDB stub use
 * it; NULL until a crash. */
extern struct trap_frame *crash_frame;
/* Print "task NAME (id N) on CPU n" for the report being written. */
void crash_print_context(void);
/* End a crash report: power off or halt, as panic_action says. */
__noreturn void crash_finish(void);
