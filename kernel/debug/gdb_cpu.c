#include "debug/gdb_cpu.h"

#include "arch/aarch64/debug_regs.h"
#include "arch/aarch64/fpsimd.h"
#include "arch/aarch64/trap_frame.h"
#include "debug/gdb_allstop.h"
#include "debug/gdb_fpsimd.h"
#include "debug/gdb_hwbreak.h"
#include "debug/gdb_step.h"

#define READ_SYSREG(name)                                                             \
	({                                                                             \
		uint64_t v_;                                                           \
		__asm__ volatile("mrs %0, " #name : "=r"(v_));                         \
		v_;                                                                    \
	})

void gdb_cpu_arrive(unsigned cpu, struct trap_frame *f)
{
	struct gdb_cpu *c = &gdb_cpus[cpu];

	/* Debug exceptions off while in the stub, even when entered from a
	 * context that had them on (panic() from thread code). */
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	c->frame = f;
	/* The registers GDB sees and changes must be the current task's,
	 * which lazy switching may not have loaded yet. */
	if (CONFIG_TASKS)
		fpsimd_claim_for_current();
	gdb_fpsimd_save(&c->fp);
	c->vbar = READ_SYSREG(vbar_el1);
	c->ttbr0 = READ_SYSREG(ttbr0_el1);
	c->ttbr1 = READ_SYSREG(ttbr1_el1);
	c->tcr = READ_SYSREG(tcr_el1);
	c->sctlr = READ_SYSREG(sctlr_el1);
	c->mdscr = READ_SYSREG(mdscr_el1);
	if (c->stepping)
		gdb_step_disarm(c);
}

void gdb_cpu_depart(unsigned cpu)
{
	struct gdb_cpu *c = &gdb_cpus[cpu];
	struct trap_frame *f = c->frame;

	gdb_fpsimd_load(&c->fp);
	if (!c->debug_regs_ready) {
		debug_regs_init_cpu();
		c->debug_regs_ready = true;
	}
	gdb_hw_load_this_cpu();
	/* Breakpoints, watchpoints and steps need PSTATE.D clear where they
	 * should fire: the context we return to runs with debug unmasked. */
	f->pstate &= ~PSTATE_D;
	if (c->stepping)
		gdb_step_arm(c);
	c->frame = NULL;
	__atomic_store_n(&c->state, GDB_CPU_RUNNING, __ATOMIC_RELEASE);
}
