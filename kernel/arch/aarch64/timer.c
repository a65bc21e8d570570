#include "core/timer.h"

#include <stddef.h>

#include "arch/arch.h"
#include "core/console.h"
#include "core/irq.h"
#include "core/panic.h"
#include "core/percpu.h"
#include "core/sched.h"
#include "core/watchdog.h"

/* CNTV_CTL_EL0: ENABLE (bit 0); IMASK (bit 1) left clear so it interrupts. */
#define CNTV_CTL_ENABLE 1ul

static unsigned timer_irq;
/* CNTFRQ_EL0, kept in memory so a debugger or a core file can turn counter
 * values (such as trace timestamps) into time without the register. */
uint64_t timer_counter_hz;
static uint64_t ticks_per_period; /* counter ticks between interrupts */

static void timer_arm_next(void)
{
	uint64_t cval;

	/* Advance the compare value from the previous deadline, not from
	 * "now", so the tick rate does not drift with handler latency. */
	__asm__ volatile("mrs %0, cntv_cval_el0" : "=r"(cval));
	cval += ticks_per_period;
	if ((int64_t)(cval - arch_counter()) < 0) /* missed some: skip ahead */
		cval = arch_counter() + ticks_per_period;
	__asm__ volatile("msr cntv_cval_el0, %0\n\tisb" ::"r"(cval));
}

static void timer_tick(unsigned irq, void *arg)
{
	(void)irq;
	(void)arg;
	this_cpu()->ticks++;
	timer_arm_next();
	watchdog_tick(this_cpu()->irq_frame);
	if (CONFIG_IPC && this_cpu()->index == 0)
		console_tick();
	if (CONFIG_TASKS)
		sched_tick();
}

#define CNTKCTL_EL0VCTEN (1ul << 1)

void timer_start_this_cpu(void)
{
	uint64_t first = arch_counter() + ticks_per_period;

	/* CNTKCTL_EL1.EL0VCTEN: user space may read CNTVCT_EL0 (and
	 * CNTFRQ_EL0) itself, as on Linux; ipcbench times cross-CPU round
	 * trips with it (docs/bench.md). */
	__asm__ volatile("msr cntkctl_el1, %2\n\t"
			 "msr cntv_cval_el0, %0\n\t"
			 "msr cntv_ctl_el0, %1\n\t"
			 "isb" ::"r"(first),
			 "r"(CNTV_CTL_ENABLE), "r"(CNTKCTL_EL0VCTEN));
	irq_enable_on_this_cpu(timer_irq);
}

void timer_init(unsigned irq)
{
	uint64_t freq = arch_counter_freq();

	if (!freq)
		panic("timer: CNTFRQ_EL0 is 0; firmware did not set the counter frequency");
	timer_irq = irq;
	timer_counter_hz = freq;
	ticks_per_period = freq / TIMER_HZ;
	if (irq_register(irq, timer_tick, NULL, "timer") < 0)
		panic("timer: interrupt %u already taken", irq);
	timer_start_this_cpu();
}

uint64_t timer_now_ns(void)
{
	uint64_t t = arch_counter(), f = arch_counter_freq();

	return t / f * 1000000000ull + t % f * 1000000000ull / f;
}
