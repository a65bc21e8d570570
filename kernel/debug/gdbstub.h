#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/esr.h"

struct trap_frame;

/*
 * The in-kernel GDB stub (docs/gdb.md): the GDB remote serial protocol on
 * UART1. These are its entry points from the rest of the kernel; all of
 * them do nothing unless CONFIG_GDBSTUB is set and gdbstub_init found a
 * UART1.
 */

/* Set up UART1 and start listening (kmain, after interrupts and SMP). */
void gdbstub_init(void);
bool gdbstub_ready(void);

/* Stop right here and wait for GDB (cmdline `gdbwait`, used by make debug). */
void gdbstub_wait_for_gdb(void);

/* Whether ESR_EL1 describes a debug exception: BRK, hardware breakpoint,
 * watchpoint or software step (inline: trap.c asks on every exception). */
static inline bool gdbstub_is_debug_exception(uint64_t esr)
{
	switch (esr_class(esr)) {
	case EC_BRK64:
	case EC_BREAKPT_CURRENT:
	case EC_BREAKPT_LOWER:
	case EC_SSTEP_CURRENT:
	case EC_SSTEP_LOWER:
	case EC_WATCHPT_CURRENT:
	case EC_WATCHPT_LOWER:
		return true;
	default:
		return false;
	}
}

/* A debug exception from trap.c. Returns false if it is not the stub's
 * (a BRK it did not plant), so the caller reports it as a crash. */
bool gdbstub_debug_exception(struct trap_frame *f);

/* IPI_DEBUG from smp.c: park this CPU while the debugger has the system
 * stopped. f is the frame the IPI interrupted. */
void gdbstub_ipi(struct trap_frame *f);

/* Whether the debugger holds CPUs stopped, parked with interrupts masked,
 * while others may run (a single step, a CPU that did not stop): the
 * watchdog must not take their missing ticks for a hang. */
bool gdbstub_holds_cpus(void);

/* From crash_finish(): let GDB inspect the crashed kernel. Does not
 * return once GDB could attach. */
void gdbstub_enter_crash(struct trap_frame *f);
