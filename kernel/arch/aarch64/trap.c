#include "arch/aarch64/trap.h"

#include "arch/arch.h"
#include "arch/aarch64/backtrace.h"
#include "arch/aarch64/esr.h"
#include "arch/aarch64/extable.h"
#include "arch/aarch64/fpsimd.h"
#include "core/irq.h"
#include "core/panic.h"
#include "core/percpu.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/symbols.h"
#include "core/user_trap.h"
#include "debug/gdbstub.h"
#include "lib/compiler.h"
#include "lib/format.h"

extern char exception_vectors[];

void trap_init_cpu(void)
{
	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(exception_vectors) : "memory");
}

static const char *const slot_origin[4] = {
	"EL1 using SP_EL0", "EL1", "EL0 (AArch64)", "EL0 (AArch32)",
};
static const char *const slot_kind[4] = { "synchronous", "IRQ", "FIQ", "SError" };

void trap_print_registers(const struct trap_frame *f)
{
	for (int i = 0; i < 30; i += 2)
		printk(LOG_EMERG, "  x%-2d 0x%016llx  x%-2d 0x%016llx", i,
		       (unsigned long long)f->x[i], i + 1, (unsigned long long)f->x[i + 1]);
	printk(LOG_EMERG, "  x30 0x%016llx  sp  0x%016llx", (unsigned long long)f->x[30],
	       (unsigned long long)f->sp);
}

static void print_pstate(uint64_t spsr)
{
	static const char *const modes[16] = {
		[0x0] = "EL0t", [0x4] = "EL1t", [0x5] = "EL1h", [0x8] = "EL2t", [0x9] = "EL2h",
	};
	const char *mode = modes[spsr & 0xf] ? modes[spsr & 0xf] : "?";

	printk(LOG_EMERG, "  SPSR 0x%08llx (%s, flags %c%c%c%c, masked %s%s%s%s)",
	       (unsigned long long)spsr, mode, (spsr >> 31) & 1 ? 'N' : '-',
	       (spsr >> 30) & 1 ? 'Z' : '-', (spsr >> 29) & 1 ? 'C' : '-',
	       (spsr >> 28) & 1 ? 'V' : '-', (spsr >> 9) & 1 ? "D" : "",
	       (spsr >> 8) & 1 ? "A" : "", (spsr >> 7) & 1 ? "I" : "",
	       (spsr >> 6) & 1 ? "F" : "");
}

void trap_report_fatal(struct trap_frame *f, unsigned slot)
{
	char what[160], sym[128];

	if (slot % 4 == 0)
		esr_describe(f->esr, what, sizeof(what));
	else
		snformat(what, sizeof(what), "%s interrupt", slot_kind[slot % 4]);
	crash_enter(what, f);
	printk(LOG_EMERG, "*** Unexpected exception on CPU %u: %s from %s", arch_cpu_index(),
	       slot_kind[slot % 4], slot_origin[slot / 4]);
	printk(LOG_EMERG, "  %s", what);
	crash_print_context();
	symbol_format(f->pc, sym, sizeof(sym));
	printk(LOG_EMERG, "  ESR  0x%08llx  FAR 0x%016llx", (unsigned long long)f->esr,
	       (unsigned long long)f->far);
	printk(LOG_EMERG, "  ELR  0x%016llx %s", (unsigned long long)f->pc, sym);
	print_pstate(f->pstate);
	trap_print_registers(f);
	backtrace_print(f->x[29], f->pc);
	crash_finish();
}

/*
 * vectors.S comes here on this CPU's emergency stack when an exception at
 * EL1 found the stack pointer in a guard page. f->sp is where the stack
 * pointer was; the backtrace walks the overflowing stack itself.
 */
void trap_stack_overflow(struct trap_frame *f)
{
	uint64_t sp = f->sp, stack_top = ALIGN_DOWN(sp, STACK_SLOT_SIZE) + STACK_SLOT_SIZE;
	char sym[128];

	crash_enter("kernel stack overflow", f);
	printk(LOG_EMERG, "*** Kernel stack overflow on CPU %u", arch_cpu_index());
	crash_print_context();
	printk(LOG_EMERG, "  sp 0x%016llx ran into the guard page below the stack 0x%016llx-0x%016llx",
	       (unsigned long long)sp, (unsigned long long)(stack_top - KSTACK_SIZE),
	       (unsigned long long)stack_top);
	symbol_format(f->pc, sym, sizeof(sym));
	printk(LOG_EMERG, "  ELR  0x%016llx %s", (unsigned long long)f->pc, sym);
	printk(LOG_EMERG, "  ESR  0x%08llx  FAR 0x%016llx", (unsigned long long)f->esr,
	       (unsigned long long)f->far);
	trap_print_registers(f);
	backtrace_print(f->x[29], f->pc);
	crash_finish();
}

void trap_el1_sync(struct trap_frame *f, unsigned slot)
{
	if (esr_is_abort(f->esr) && (user_fault_from_kernel(f) || extable_fixup(f)))
		return;
	/* Breakpoints, watchpoints, steps: the GDB stub's (it declines a
	 * BRK it did not plant, which is then a crash). */
	if (CONFIG_GDBSTUB && gdbstub_is_debug_exception(f->esr) && gdbstub_debug_exception(f))
		return;
	trap_report_fatal(f, slot);
}

void trap_el0_sync(struct trap_frame *f, unsigned slot)
{
	/* System calls first: they are most of what comes from EL0. */
	if (CONFIG_TASKS && esr_class(f->esr) == EC_SVC64) {
		user_svc(f);
		return;
	}
	if (CONFIG_TASKS && esr_class(f->esr) == EC_FP_ACCESS) {
		fpsimd_trap();
		return;
	}
	if (CONFIG_GDBSTUB && gdbstub_is_debug_exception(f->esr) && gdbstub_debug_exception(f))
		return;
	if (!CONFIG_TASKS)
		trap_report_fatal(f, slot); /* no user tasks in this stage */
	user_trap_sync(f);
}

void trap_irq(struct trap_frame *f, unsigned slot)
{
	struct percpu *cpu = this_cpu();
	struct trap_frame *outer = cpu->irq_frame;

	(void)slot;
	/* Remember what the interrupt interrupted: the debugger stub and the
	 * hang detector show this CPU's registers and backtrace from it. */
	cpu->irq_frame = f;
	irq_handle();
	cpu->irq_frame = outer;
	/* Preempt only user code and idle loops: kernel code is never
	 * preempted, which keeps its locking simple (docs/scheduler.md). */
	if (CONFIG_TASKS && cpu->current) {
		if (slot >= 8)
			sched_return_to_user();
		else if (cpu->current->is_idle && cpu->need_resched)
			schedule();
	}
}

void trap_unexpected(struct trap_frame *f, unsigned slot)
{
	trap_report_fatal(f, slot);
}
