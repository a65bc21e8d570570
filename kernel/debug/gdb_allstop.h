#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/memory_map.h"
#include "debug/gdb_fpsimd.h"

struct trap_frame;

/*
 * All-stop on SMP. The CPU that traps into the stub first becomes the
 * owner: it stops every other online CPU with IPI_DEBUG, talks to GDB, and
 * decides which CPUs run again. The others park in their IPI handler until
 * released. A CPU that does not take the IPI in time (interrupts masked) is
 * reported and left running; it parks whenever it takes the IPI.
 *
 * Single steps release only the stepping CPU; the others stay parked, so
 * GDB sees the rest of the machine unchanged between steps (Linux kgdb does
 * the same). A continue releases every CPU.
 */
enum gdb_cpu_state {
	GDB_CPU_RUNNING = 0,
	GDB_CPU_OWNER,	     /* stopped, and talking to GDB */
	GDB_CPU_PARKED,	     /* stopped by IPI or by a second trap */
	GDB_CPU_CRASHED,     /* stopped for good by a crash */
};

/* What the stub keeps about each CPU while it is stopped. Written by that
 * CPU as it stops, read and edited by the owner, read back by that CPU as
 * it resumes; the resume generation's release/acquire orders the two. */
struct gdb_cpu {
	enum gdb_cpu_state state;
	struct trap_frame *frame; /* its registers where it stopped */
	struct gdb_fpsimd fp;
	/* EL1 system registers sampled as it stopped (ESR, FAR, ELR and SPSR
	 * come from the frame: their values at the exception). */
	uint64_t vbar, ttbr0, ttbr1, tcr, sctlr, mdscr;
	bool did_not_stop;   /* shared: missed the last stop request */
	/* Single step in progress: see gdb_step.c. */
	bool stepping;
	bool step_irq_was_masked;
	uint32_t step_insn;
	bool debug_regs_ready; /* OS lock cleared, KDE/MDE set */
};

extern struct gdb_cpu gdb_cpus[MAX_CPUS];

/* True while the system is stopped (or being stopped) for GDB. */
bool gdb_allstop_active(void);

/* The owner's identity: -1 while the system runs. */
int gdb_allstop_owner(void);

/*
 * The trapping CPU: record its state and try to become the owner, stopping
 * the others. Returns true as owner; false if another CPU already owns the
 * stub, in which case this CPU has been parked and released again, and
 * simply returns to re-execute (a breakpoint still there traps again).
 */
bool gdb_allstop_enter(struct trap_frame *f);
/* A crashed CPU: never resumes; waits for the owner, then owns for good. */
void gdb_allstop_enter_crashed(struct trap_frame *f);

/* IPI_DEBUG on this CPU, with the frame the IPI interrupted. */
void gdb_allstop_ipi(struct trap_frame *f);

/* The owner resumes: every stopped CPU if step_cpu < 0, else only that
 * one. The owner returns from this when it may run itself; otherwise it
 * parks until a later resume includes it. */
void gdb_allstop_resume(int step_cpu);
