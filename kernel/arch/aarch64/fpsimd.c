#include "arch/aarch64/fpsimd.h"

#include "arch/arch.h"

struct fpsimd_cpu fpsimd_cpus[MAX_CPUS];

void fpsimd_init_cpu(void)
{
	struct fpsimd_cpu *c = &fpsimd_cpus[arch_cpu_index()];

	c->regs_of = NULL;
	fpsimd_set_el0_access(c, false);
}

static void load_current(struct fpsimd_cpu *c)
{
	struct task *t = current_task();

	if (c->regs_of != t || c->gen != t->fp.gen)
		fpsimd_restore(&t->fp);
	c->regs_of = t;
	c->gen = t->fp.gen;
	t->fp.keep = FPSIMD_KEEP_SWITCHES;
	fpsimd_set_el0_access(c, true);
}

void fpsimd_trap(void)
{
	load_current(&fpsimd_cpus[arch_cpu_index()]);
}

void fpsimd_claim_for_current(void)
{
	struct fpsimd_cpu *c = &fpsimd_cpus[arch_cpu_index()];
	struct task *t = current_task();

	if (t && t->vm) {
		if (!c->el0_on)
			load_current(c);
	} else {
		/* A kernel task runs: what the debugger writes must not reach
		 * the task whose state the registers still hold. */
		c->regs_of = NULL;
	}
}
