#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * The AArch64 self-hosted debug registers (ARM ARM D2, "AArch64
 * self-hosted debug"): hardware breakpoints (DBGBVR/DBGBCR), watchpoints
 * (DBGWVR/DBGWCR), software step (MDSCR_EL1.SS) and the OS lock. Each CPU
 * has its own set, so the GDB stub programs every CPU it stops.
 *
 * Debug exceptions taken to EL1 from EL1 need MDSCR_EL1.KDE = 1 and
 * PSTATE.D = 0; exception entry sets D, so code running inside an exception
 * handler cannot be hardware-breakpointed, watched or stepped unless its
 * saved PSTATE (SPSR) clears D again.
 */
#define MDSCR_SS (1u << 0)   /* software step enabled */
#define MDSCR_KDE (1u << 13) /* debug exceptions at the EL they target (EL1) */
#define MDSCR_MDE (1u << 15) /* breakpoint and watchpoint exceptions enabled */

#define PSTATE_SS (1ul << 21) /* SPSR.SS: step the instruction eret returns to */
#define PSTATE_D (1ul << 9)
#define PSTATE_I (1ul << 7)

#define DEBUG_REGS_MAX 16 /* the architecture's limit on either kind */

enum watch_kind {
	WATCH_READ = 1,	 /* DBGWCR.LSC encodings */
	WATCH_WRITE = 2,
	WATCH_ACCESS = 3,
};

/* Unlock the OS lock and enable debug exceptions (KDE, MDE) on this CPU,
 * with every breakpoint and watchpoint disabled. */
void debug_regs_init_cpu(void);

/* How many breakpoint / watchpoint register pairs ID_AA64DFR0_EL1 reports. */
unsigned debug_regs_num_breakpoints(void);
unsigned debug_regs_num_watchpoints(void);

/* Program breakpoint n on this CPU for the instruction at addr (EL1 and
 * EL0), or disable it. */
void debug_regs_set_breakpoint(unsigned n, uint64_t addr, bool enable);

/*
 * Watchpoint encoding: a watched range is either up to 8 bytes inside one
 * aligned doubleword (byte-select mask) or a naturally aligned power of two
 * of 8 bytes or more (address mask). Fills value/control registers, or
 * returns -EINVAL for a range neither form can express.
 */
int debug_regs_encode_watch(uint64_t addr, uint64_t len, enum watch_kind kind,
			    uint64_t *wvr, uint64_t *wcr);
/* Program watchpoint n on this CPU from an encoding (wcr 0: disabled). */
void debug_regs_set_watchpoint(unsigned n, uint64_t wvr, uint64_t wcr);

/* MDSCR_EL1.SS on this CPU; the stepped context also needs SPSR.SS. */
void debug_regs_set_step(bool on);
uint64_t debug_regs_mdscr(void);
