#include "core/smp.h"

#include "arch/arch.h"
#include "arch/aarch64/pmu.h"
#include "arch/aarch64/psci.h"
#include "arch/aarch64/trap.h"
#include "core/irq.h"
#include "core/percpu.h"
#include "core/power.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/timer.h"
#include "core/watchdog.h"
#include "debug/gdbstub.h"
#include "drivers/gicv2.h"
#include "mm/kimage.h"
#include "platform/platform.h"

extern char secondary_entry[];

/* Set once the GIC works, so a crash before that does not send IPIs. */
static bool ipis_ready;
/* CPUs that acknowledged IPI_STOP; shared. */
static unsigned cpus_stopped;

static void ipi_handler(unsigned irq, void *arg)
{
	(void)arg;
	this_cpu()->ipis++;
	if (irq == IPI_RESCHED)
		this_cpu()->need_resched = true;
	if (irq == IPI_STOP) {
		__atomic_store_n(&this_cpu()->online, false, __ATOMIC_RELEASE);
		__atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_ACQ_REL);
		halt_forever();
	}
	if (irq == IPI_DEBUG)
		gdbstub_ipi(this_cpu()->irq_frame);
}

void smp_send_ipi(unsigned cpu, enum ipi_kind kind)
{
	if (ipis_ready && cpu < MAX_CPUS)
		gic_send_sgi(kind, gic_cpu_target(cpu));
}

/* Wait up to `ms` milliseconds for *flag to become nonzero. */
static bool wait_for(const unsigned *flag, unsigned expect, uint64_t ms)
{
	uint64_t deadline = arch_counter() + arch_counter_freq() / 1000 * ms;

	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) < expect) {
		if (arch_counter() > deadline)
			return false;
		arch_cpu_relax();
	}
	return true;
}

void smp_stop_other_cpus(void)
{
	unsigned me = arch_cpu_index(), asked = 0;

	if (!ipis_ready)
		return;
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (i != me && __atomic_load_n(&percpu[i].online, __ATOMIC_ACQUIRE)) {
			smp_send_ipi(i, IPI_STOP);
			asked++;
		}
	}
	/* A CPU spinning with interrupts masked cannot take the IPI: report
	 * it rather than wait forever. */
	if (asked && !wait_for(&cpus_stopped, asked, 100))
		printk(LOG_EMERG, "smp: %u of %u other CPUs did not stop (interrupts masked?)",
		       asked - __atomic_load_n(&cpus_stopped, __ATOMIC_ACQUIRE), asked);
}

static void ipi_enable_this_cpu(void)
{
	irq_enable_on_this_cpu(IPI_PING);
	irq_enable_on_this_cpu(IPI_STOP);
	irq_enable_on_this_cpu(IPI_RESCHED);
	irq_enable_on_this_cpu(IPI_DEBUG);
}

void smp_secondary_main(unsigned cpu)
{
	percpu_init_this_cpu(cpu);
	trap_init_cpu();
	gic_init_cpu();
	ipi_enable_this_cpu();
	timer_start_this_cpu();
	if (CONFIG_TASKS) {
		sched_init_cpu();
		pmu_init_cpu();
	}
	__atomic_store_n(&percpu[cpu].online, true, __ATOMIC_RELEASE);
	if (CONFIG_TASKS)
		sched_idle_loop();
	arch_irq_enable();
	for (;;) {
		watchdog_touch();
		arch_wait_for_interrupt();
	}
}

void smp_boot_secondaries(void)
{
	uint64_t entry = kimage_to_phys(secondary_entry);

	irq_register(IPI_PING, ipi_handler, NULL, "ipi-ping");
	irq_register(IPI_STOP, ipi_handler, NULL, "ipi-stop");
	irq_register(IPI_RESCHED, ipi_handler, NULL, "ipi-resched");
	irq_register(IPI_DEBUG, ipi_handler, NULL, "ipi-debug");
	ipi_enable_this_cpu();
	ipis_ready = true;
	if (!CONFIG_SMP)
		return;
	for (unsigned i = 1; i < platform.ncpus; i++) {
		int err;

		err = psci_cpu_on(platform.cpu_mpidr[i], entry, i);
		if (err != PSCI_SUCCESS) {
			pr_err("smp: PSCI CPU_ON for CPU %u (mpidr 0x%llx) failed: %d", i,
			       (unsigned long long)platform.cpu_mpidr[i], err);
			continue;
		}
		if (!wait_for((const unsigned *)&percpu[i].online, 1, 1000))
			pr_err("smp: CPU %u did not come online within 1 s", i);
	}
	pr_info("smp: %u of %u CPUs online", cpus_online(), platform.ncpus);
}
