#include "arch/aarch64/backtrace.h"

#include "arch/aarch64/memory_map.h"
#include "core/printk.h"
#include "core/symbols.h"

extern char boot_stacks[];

bool kernel_stack_contains(uint64_t addr, size_t len)
{
	uint64_t lo = (uint64_t)boot_stacks;
	uint64_t hi = lo + (uint64_t)MAX_CPUS * STACK_SLOT_SIZE;

	return addr >= lo && addr <= hi && len <= hi - addr;
}

size_t backtrace_collect(uint64_t fp, uint64_t *pcs, size_t max)
{
	size_t n = 0;

	while (n < max && fp && (fp & 0xf) == 0 && kernel_stack_contains(fp, 16)) {
		const uint64_t *record = (const uint64_t *)fp;
		uint64_t next = record[0], lr = record[1];

		if (!lr)
			break;
		pcs[n++] = lr;
		/* The stack grows down, so callers' records are higher up. A
		 * record that does not move up is corrupt: stop, don't loop. */
		if (next <= fp)
			break;
		fp = next;
	}
	return n;
}

static void print_frame(unsigned idx, uint64_t pc)
{
	char sym[128];

	symbol_format(pc, sym, sizeof(sym));
	printk(LOG_EMERG, "  #%-2u 0x%016llx %s", idx, (unsigned long long)pc, sym);
}

void backtrace_print(uint64_t fp, uint64_t pc)
{
	uint64_t pcs[BACKTRACE_MAX_DEPTH];
	size_t n = backtrace_collect(fp, pcs, BACKTRACE_MAX_DEPTH);
	unsigned idx = 0;

	printk(LOG_EMERG, "Backtrace:");
	if (pc)
		print_frame(idx++, pc);
	for (size_t i = 0; i < n; i++) {
		/* A return address points after the call; the frame that made
		 * the call is the one we skip if it is the faulting pc itself,
		 * which an exception's frame record repeats. */
		if (i == 0 && pc && pcs[0] == pc)
			continue;
		print_frame(idx++, pcs[i]);
	}
	if (idx == 0)
		printk(LOG_EMERG, "  (no frames)");
}
