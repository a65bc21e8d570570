#include "debug/gdb_regs.h"

#include "arch/aarch64/trap_frame.h"
#include "debug/gdb_allstop.h"
#include "debug/gdb_fpsimd.h"
#include "debug/gdb_threads.h"
#include "lib/errno.h"
#include "lib/string.h"

/* CPSR bits a debugger may change: the condition flags N, Z, C, V. The
 * mode and the masks stay as the exception saved them. */
#define CPSR_WRITABLE 0xf0000000u
#define SPSR_MODE_MASK 0xfu /* M[3:0]: 0 is EL0t */

unsigned gdb_reg_size(unsigned regno)
{
	if (regno <= GDB_REG_PC)
		return 8;
	if (regno == GDB_REG_CPSR || regno == GDB_REG_FPSR || regno == GDB_REG_FPCR)
		return 4;
	if (regno >= GDB_REG_V0 && regno < GDB_REG_V0 + 32)
		return 16;
	if (regno >= GDB_REG_SYS0 && regno < GDB_NUM_REGS)
		return 8;
	return 0;
}

/* The system registers, in GDB_REG_SYS0 order: the first four describe the
 * exception the CPU stopped with, the rest were sampled then. */
static uint64_t sys_reg(const struct gdb_thread *t, unsigned i)
{
	const struct gdb_cpu *c = t->sys;

	switch (i) {
	case 0: return t->frame->esr;
	case 1: return t->frame->far;
	case 2: return t->frame->pc;
	case 3: return t->frame->pstate;
	case 4: return c->vbar;
	case 5: return c->ttbr0;
	case 6: return c->ttbr1;
	case 7: return c->tcr;
	case 8: return c->sctlr;
	default: return c->mdscr;
	}
}

bool gdb_reg_read(const struct gdb_thread *t, unsigned regno, uint8_t *out)
{
	uint64_t v;
	uint32_t w;

	if (regno >= GDB_REG_V0 && regno < GDB_REG_SYS0) {
		if (!t->fp)
			return false;
		if (regno < GDB_REG_FPSR)
			memcpy(out, t->fp->v[regno - GDB_REG_V0], 16);
		w = regno == GDB_REG_FPSR ? t->fp->fpsr : t->fp->fpcr;
		if (regno >= GDB_REG_FPSR)
			memcpy(out, &w, 4);
		return true;
	}
	if (!t->frame || (regno >= GDB_REG_SYS0 && !t->sys))
		return false;
	if (regno < GDB_REG_SP)
		v = t->frame->x[regno];
	else if (regno == GDB_REG_SP)
		v = t->frame->sp;
	else if (regno == GDB_REG_PC)
		v = t->frame->pc;
	else if (regno == GDB_REG_CPSR)
		v = (uint32_t)t->frame->pstate;
	else
		v = sys_reg(t, regno - GDB_REG_SYS0);
	memcpy(out, &v, gdb_reg_size(regno)); /* little-endian: low bytes first */
	return true;
}

int gdb_reg_write(const struct gdb_thread *t, unsigned regno, const uint8_t *in)
{
	uint64_t v = 0;

	if (regno >= GDB_REG_V0 && regno < GDB_REG_SYS0) {
		if (!t->fp)
			return -EINVAL;
		if (regno < GDB_REG_FPSR)
			memcpy(t->fp->v[regno - GDB_REG_V0], in, 16);
		else if (regno == GDB_REG_FPSR)
			memcpy(&t->fp->fpsr, in, 4);
		else
			memcpy(&t->fp->fpcr, in, 4);
		return 0;
	}
	if (!t->frame || regno >= GDB_REG_SYS0 || !gdb_reg_size(regno))
		return -EINVAL;
	memcpy(&v, in, gdb_reg_size(regno));
	if (regno < GDB_REG_SP) {
		t->frame->x[regno] = v;
	} else if (regno == GDB_REG_PC) {
		t->frame->pc = v;
	} else if (regno == GDB_REG_CPSR) {
		t->frame->pstate = (t->frame->pstate & ~(uint64_t)CPSR_WRITABLE) |
				   (v & CPSR_WRITABLE);
	} else if ((t->frame->pstate & SPSR_MODE_MASK) == 0) {
		/* SP: the exception return restores it only for EL0 (sp_el0);
		 * a kernel thread's sp is where its frame sits. */
		t->frame->sp = v;
	} else if (v != t->frame->sp) {
		return -EINVAL;
	}
	return 0;
}
