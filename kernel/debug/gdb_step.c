#include "debug/gdb_step.h"

#include "arch/aarch64/debug_regs.h"
#include "arch/aarch64/extable.h"
#include "arch/aarch64/trap_frame.h"
#include "debug/gdb_allstop.h"

#define PSTATE_DAIF_SHIFT 6
#define PSTATE_DAIF (0xful << PSTATE_DAIF_SHIFT)
#define PSTATE_EL_MASK (3ul << 2) /* M[3:2]: the exception level; 0 is EL0 */

/* MSR DAIFSet/DAIFClr, #imm4 (imm4 in CRm, bits 11:8), MSR DAIF, Xt, and
 * ERET (ARM ARM C6.2). */
#define INSN_MSR_DAIFSET(insn) (((insn) & 0xfffff0ffu) == 0xd50340dfu)
#define INSN_MSR_DAIFCLR(insn) (((insn) & 0xfffff0ffu) == 0xd50340ffu)
#define INSN_MSR_DAIF(insn) (((insn) & 0xffffffe0u) == 0xd51b4220u)
#define INSN_ERET 0xd69f03e0u

/* Instructions that write PSTATE.I themselves. */
static bool insn_sets_irq_mask(uint32_t insn)
{
	return INSN_MSR_DAIFSET(insn) || INSN_MSR_DAIFCLR(insn) || INSN_MSR_DAIF(insn) ||
	       insn == INSN_ERET;
}

bool gdb_step_emulate(struct trap_frame *f)
{
	uint32_t insn;
	uint64_t imm, rt;

	/* At EL0 these trap (SCTLR_EL1.UMA is 0): that must really happen. */
	if (!(f->pstate & PSTATE_EL_MASK) || safe_copy(&insn, (const void *)f->pc, 4) < 0)
		return false;
	imm = (uint64_t)((insn >> 8) & 0xf) << PSTATE_DAIF_SHIFT;
	if (INSN_MSR_DAIFSET(insn)) {
		f->pstate |= imm;
	} else if (INSN_MSR_DAIFCLR(insn)) {
		f->pstate &= ~imm;
	} else if (INSN_MSR_DAIF(insn)) {
		rt = insn & 0x1f;
		f->pstate = (f->pstate & ~PSTATE_DAIF) | ((rt == 31 ? 0 : f->x[rt]) & PSTATE_DAIF);
	} else {
		return false;
	}
	f->pc += 4;
	return true;
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
