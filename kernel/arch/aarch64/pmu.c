#include "arch/aarch64/pmu.h"

#define PMUSERENR_EN (1ul << 0) /* EL0 may access the PMU registers */
#define PMUSERENR_ER (1ul << 3) /* EL0 may read the event counters */

bool pmu_counts_instructions(void)
{
	uint64_t ceid;

	__asm__ volatile("mrs %0, pmceid0_el0" : "=r"(ceid));
	return ceid & (1ul << PMU_INST_RETIRED);
}

void pmu_init_cpu(void)
{
	/* PMEVTYPER0 with the P and U filter bits clear: count at EL1 and EL0.
	 * PMCR.E starts the PMU; isb: the counter runs from the next
	 * instruction on. */
	__asm__ volatile("msr pmevtyper0_el0, %0\n\t"
			 "msr pmcntenset_el0, %1\n\t"
			 "msr pmcr_el0, %2\n\t"
			 "msr pmuserenr_el0, %3\n\t"
			 "isb" ::"r"((uint64_t)PMU_INST_RETIRED),
			 "r"(1ul), "r"(1ul), "r"(PMUSERENR_EN | PMUSERENR_ER));
}
