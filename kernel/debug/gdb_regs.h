#pragma once

#include <stdbool.h>
#include <stdint.h>

struct gdb_thread;

/*
 * GDB's register numbers, fixed by the target description (gdb_target_xml.c
 * declares them in this order): the core feature, the FP/SIMD feature, then
 * Loupe's EL1 system registers.
 */
enum {
	GDB_REG_X0 = 0,
	GDB_REG_SP = 31,
	GDB_REG_PC = 32,
	GDB_REG_CPSR = 33,
	GDB_REG_V0 = 34,
	GDB_REG_FPSR = 66,
	GDB_REG_FPCR = 67,
	GDB_REG_SYS0 = 68, /* esr_el1, far_el1, elr_el1, spsr_el1, vbar_el1, ttbr0_el1,
			    * ttbr1_el1, tcr_el1, sctlr_el1, mdscr_el1 */
	GDB_NUM_REGS = 78,
};

#define GDB_REG_MAX_BYTES 16

/* Size in bytes of register regno, 0 if there is none. */
unsigned gdb_reg_size(unsigned regno);
/* Its value in target byte order; false if this thread's value is unknown
 * (GDB shows it as <unavailable>). */
bool gdb_reg_read(const struct gdb_thread *t, unsigned regno, uint8_t *out);
/* Set it: 0, or -EINVAL for a read-only register or an unknown value. */
int gdb_reg_write(const struct gdb_thread *t, unsigned regno, const uint8_t *in);
