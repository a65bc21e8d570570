#include "debug/gdb_step.h"

#include "arch/aarch64/debug_regs.h"
#include "arch/aarch64/extable.h"
#include "arch/aarch64/trap_frame.h"
#include "debug/gdb_allstop.h"

/* Instructions that write PSTATE.I themselves (ARM ARM C6.2). */
static bool insn_sets_irq_mask(uint32_t insn)
{
	return (insn & 0xfffff0df) == 0xd50340df || /* msr daifset/daifclr, #imm */
	       (insn & 0xffffffe0) == 0xd51b4220 || /* msr daif, xN */
	       insn == 0xd69f03e0;		    /* eret */
}

void gdb_step_arm(struct gdb_cpu *c)
{
	struct trap_frame *f = c->frame;

	if (safe_copy(&c->step_insn, (const void *)f->pc, 4) < 0)
		c->step_insn = 0;
	c->step_irq_was_masked = f->pstate & PSTATE_I;
	f->pstate |= PSTATE_SS | PSTATE_I;
	debug_regs_set_step(true);
}

void gdb_step_disarm(struct gdb_cpu *c)
{
	struct trap_frame *f = c->frame;

	debug_regs_set_step(false);
	c->stepping = false;
	f->pstate &= ~PSTATE_SS;
	if (insn_sets_irq_mask(c->step_insn))
		return;
	if (c->step_irq_was_masked)
		f->pstate |= PSTATE_I;
	else
		f->pstate &= ~PSTATE_I;
}
