#pragma once

#include "arch/aarch64/trap_frame.h"

/* Install the vector table on this CPU (VBAR_EL1). */
void trap_init_cpu(void);

/* Print the crash report for an exception nobody handles, then stop as
 * panic_action says. */
__attribute__((noreturn)) void trap_report_fatal(struct trap_frame *f, unsigned slot);

/* Entry points called from vectors.S with the saved frame and the vector
 * slot number (0-15). */
void trap_el1_sync(struct trap_frame *f, unsigned slot);
void trap_el0_sync(struct trap_frame *f, unsigned slot);
void trap_irq(struct trap_frame *f, unsigned slot);
void trap_unexpected(struct trap_frame *f, unsigned slot);
void trap_stack_overflow(struct trap_frame *f);
/* Print x0-x30 and sp of f, two registers a line, for crash reports. */
void trap_print_registers(const struct trap_frame *f);
