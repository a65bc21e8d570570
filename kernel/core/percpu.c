#include "core/percpu.h"

struct percpu percpu[MAX_CPUS];
unsigned ncpus_present = 1;

unsigned cpus_online(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_CPUS; i++)
		n += __atomic_load_n(&percpu[i].online, __ATOMIC_ACQUIRE);
	return n;
}
