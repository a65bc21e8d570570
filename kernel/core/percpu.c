#include "core/percpu.h"

#include "trace/trace.h"

struct percpu percpu[MAX_CPUS];

/* Laid out like kernel stacks (memory_map.h): in the upper half of an
 * aligned slot, so the overflow check at exception entry accepts them. */
uint8_t emergency_stacks[MAX_CPUS][STACK_SLOT_SIZE]
	__attribute__((aligned(STACK_SLOT_SIZE)));

void percpu_init_this_cpu(unsigned index)
{
	struct percpu *cpu = &percpu[index];

	cpu->index = index;
	cpu->mpidr = arch_mpidr();
	cpu->emergency_sp = (uint64_t)&emergency_stacks[index][STACK_SLOT_SIZE];
	trace_init_cpu(cpu);
	arch_set_percpu(cpu);
}
unsigned ncpus_present = 1;

unsigned cpus_online(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_CPUS; i++)
		n += __atomic_load_n(&percpu[i].online, __ATOMIC_ACQUIRE);
	return n;
}
