#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * The PMU's event counter 0 as an instruction counter (event 0x08,
 * INST_RETIRED), counting at EL1 and EL0. Under QEMU with -icount it is
 * exact and repeatable, which is how Loupe measures cost (docs/bench.md).
 */
#define PMU_INST_RETIRED 0x08

/* Whether this CPU's PMU implements the instructions-retired event. */
bool pmu_counts_instructions(void);
/* Start counter 0 on this CPU and let EL0 read it (PMUSERENR_EL0.EN/ER),
 * so user benchmarks such as ipcbench can use `mrs pmevcntr0_el0`. */
void pmu_init_cpu(void);

static inline uint64_t pmu_read(void)
{
	uint64_t v;

	/* isb: count everything before the read, nothing after it. */
	__asm__ volatile("isb\n\tmrs %0, pmevcntr0_el0" : "=r"(v)::"memory");
	return v;
}
