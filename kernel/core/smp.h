#pragma once

/*
 * Multiprocessor control. CPU 0 boots; the others are started by
 * smp_boot_secondaries() through PSCI and then idle in WFI.
 */
enum ipi_kind {
	IPI_PING = 0, /* no action: used by self tests to check delivery */
	IPI_STOP = 1, /* park this CPU for good (crash, power off) */
	IPI_RESCHED = 2, /* a task became ready: run the scheduler */
	IPI_DEBUG = 3, /* all-stop: park until the GDB stub resumes this CPU */
};

void smp_boot_secondaries(void);
void smp_send_ipi(unsigned cpu, enum ipi_kind kind);
/* Ask every other online CPU to stop; wait a bounded time for them. */
void smp_stop_other_cpus(void);
/* C entry of a secondary CPU, from boot.S. */
void smp_secondary_main(unsigned cpu);
