#include "core/watchdog.h"

#include "arch/arch.h"
#include "arch/aarch64/backtrace.h"
#include "arch/aarch64/trap.h"
#include "arch/aarch64/trap_frame.h"
#include "core/panic.h"
#include "core/percpu.h"
#include "core/printk.h"
#include "core/symbols.h"
#include "core/timer.h"
#include "debug/gdbstub.h"

#define WATCHDOG_TICKS ((uint64_t)WATCHDOG_SECONDS * TIMER_HZ)

/* What this CPU last saw of each other CPU's tick count, and when. */
static struct {
	uint64_t seen_ticks;
	uint64_t seen_at; /* the observer's own tick count then */
} heartbeat[MAX_CPUS][MAX_CPUS];

void watchdog_touch(void)
{
	struct percpu *cpu = this_cpu();

	cpu->progress_tick = cpu->ticks;
}

static void report_stuck_self(struct percpu *cpu, struct trap_frame *f)
{
	char sym[128];

	crash_enter("CPU stuck in the kernel", f);
	symbol_format(f->pc, sym, sizeof(sym));
	printk(LOG_EMERG, "*** CPU %u stuck: in the kernel for %llu s without scheduling or idling",
	       cpu->index, (unsigned long long)((cpu->ticks - cpu->progress_tick) / TIMER_HZ));
	crash_print_context();
	printk(LOG_EMERG, "  interrupted at 0x%016llx %s", (unsigned long long)f->pc, sym);
	trap_print_registers(f);
	backtrace_print(f->x[29], f->pc);
	crash_finish();
}

static void report_silent_cpu(unsigned observer, unsigned silent, uint64_t ticks)
{
	crash_enter("CPU stopped answering its heartbeat", NULL);
	printk(LOG_EMERG,
	       "*** CPU %u stuck: no timer tick for %d s (interrupts masked?); noticed by CPU %u",
	       silent, WATCHDOG_SECONDS, observer);
	printk(LOG_EMERG, "  its tick count stayed at %llu; its registers cannot be read without "
	       "its cooperation (GICv2 has no NMI)", (unsigned long long)ticks);
	crash_finish();
}

static void check_others(struct percpu *me)
{
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		uint64_t ticks;

		if (i == me->index || !__atomic_load_n(&percpu[i].online, __ATOMIC_ACQUIRE))
			continue;
		ticks = __atomic_load_n(&percpu[i].ticks, __ATOMIC_RELAXED);
		/* A CPU the debugger parked is not stuck; its silence counts
		 * from the resume. */
		if (ticks != heartbeat[me->index][i].seen_ticks ||
		    heartbeat[me->index][i].seen_at == 0 || gdbstub_holds_cpus()) {
			heartbeat[me->index][i].seen_ticks = ticks;
			heartbeat[me->index][i].seen_at = me->ticks;
		} else if (me->ticks - heartbeat[me->index][i].seen_at > WATCHDOG_TICKS) {
			report_silent_cpu(me->index, i, ticks);
		}
	}
}

void watchdog_tick(struct trap_frame *interrupted)
{
	struct percpu *cpu = this_cpu();

	/* Running user code is progress: the kernel is not stuck. */
	if (interrupted && (interrupted->pstate & 0xf) == 0)
		watchdog_touch();
	if (cpu->ticks - cpu->progress_tick > WATCHDOG_TICKS)
		report_stuck_self(cpu, interrupted);
	check_others(cpu);
}
