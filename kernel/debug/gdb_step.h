#pragma once

#include <stdbool.h>

struct gdb_cpu;
struct trap_frame;

/*
 * Single step (ARM ARM D2.12, "Software Step exceptions"): with
 * MDSCR_EL1.SS set, an eret with SPSR.SS set runs one instruction and then
 * takes a Software Step exception.
 *
 * A timer interrupt pending at the eret would be taken before that
 * instruction, and the stop would land in the interrupt handler. So the
 * stepped context runs with IRQs masked (SPSR.I), and the original I bit
 * is put back after the step -- unless the instruction itself changed the
 * mask (eret, or an msr to DAIF at EL0, which traps), whose result is kept.
 */
void gdb_step_arm(struct gdb_cpu *c);
void gdb_step_disarm(struct gdb_cpu *c);

/*
 * A kernel instruction that writes PSTATE.DAIF (msr daifset/daifclr/daif)
 * is not run but carried out here, on the stopped frame: run, it can set
 * PSTATE.D -- arch_irq_restore() of flags saved before the debugger
 * cleared D does -- and a Software Step exception masked by D never comes,
 * so the step would never end while every other CPU stays parked for it.
 * Returns whether f's next instruction was one (f->pc is then past it).
 */
bool gdb_step_emulate(struct trap_frame *f);
