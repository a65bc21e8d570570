#pragma once

struct gdb_cpu;

/*
 * Single step (ARM ARM D2.12, "Software Step exceptions"): with
 * MDSCR_EL1.SS set, an eret with SPSR.SS set runs one instruction and then
 * takes a Software Step exception.
 *
 * A timer interrupt pending at the eret would be taken before that
 * instruction, and the stop would land in the interrupt handler. So the
 * stepped context runs with IRQs masked (SPSR.I), and the original I bit
 * is put back after the step -- unless the instruction itself changed the
 * mask (msr daifset/daifclr/daif, eret), whose result is kept.
 */
void gdb_step_arm(struct gdb_cpu *c);
void gdb_step_disarm(struct gdb_cpu *c);
