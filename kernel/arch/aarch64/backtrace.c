#include "arch/aarch64/backtrace.h"

#include "arch/aarch64/memory_map.h"
#include "core/percpu.h"
#include "core/printk.h"
#include "core/symbols.h"
#include "mm/kstack.h"

extern char boot_stacks[];

static bool in_stack_array(const char *base, uint64_t addr, size_t len)
{
	uint64_t lo = (uint64_t)base;
	uint64_t hi = lo + (uint64_t)MAX_CPUS * STACK_SLOT_SIZE;

	/* Only the upper half of each slot is stack; the rest is guard. */
	if (addr < lo || addr >= hi || len > hi - addr)
		return false;
	return ((addr - lo) % STACK_SLOT_SIZE) >= GUARD_SIZE &&
	       (addr - lo) / STACK_SLOT_SIZE == (addr + len - 1 - lo) / STACK_SLOT_SIZE;
}

bool kernel_stack_contains(uint64_t addr, size_t len)
{
	return in_stack_array(boot_stacks, addr, len) ||
	       in_stack_array((const char *)emergency_stacks, addr, len) ||
	       (CONFIG_TASKS && kstack_contains(addr, len));
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

/*
 * Deep recursion (a stack overflow) repeats one frame hundreds of times;
 * a run of identical frames is printed once with its count, so the frames
 * that started the recursion still fit on the screen.
 */
void backtrace_print(uint64_t fp, uint64_t pc)
{
	static uint64_t pcs[BACKTRACE_WALK_MAX]; /* only the crashing CPU prints */
	size_t n = backtrace_collect(fp, pcs, BACKTRACE_WALK_MAX);
	unsigned idx = 0, printed = 0;

	printk(LOG_EMERG, "Backtrace:");
	if (pc)
		print_frame(idx++, pc);
	for (size_t i = 0; i < n && printed < BACKTRACE_MAX_DEPTH; i++) {
		size_t run = 1;

		while (i + run < n && pcs[i + run] == pcs[i])
			run++;
		print_frame(idx, pcs[i]);
		printed++;
		if (run > 2) {
			printk(LOG_EMERG, "      ... the same frame %zu more times", run - 1);
			idx += run;
			i += run - 1;
		} else {
			idx++;
		}
	}
	if (n == BACKTRACE_WALK_MAX || printed == BACKTRACE_MAX_DEPTH)
		printk(LOG_EMERG, "      ... (backtrace truncated)");
	if (idx == 0)
		printk(LOG_EMERG, "  (no frames)");
}
