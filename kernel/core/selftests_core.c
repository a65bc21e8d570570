/* Self tests of the always-present base and of interrupts and SMP. */
#include "arch/arch.h"
#include "core/percpu.h"
#include "core/selftest.h"
#include "core/smp.h"
#include "core/symbols.h"
#include "core/timer.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/kimage.h"
#include "platform/platform.h"

void kmain(paddr_t dtb_pa, paddr_t load_pa, unsigned entry_el);

SELFTEST(10, format, true)
{
	char buf[64];

	snformat(buf, sizeof(buf), "%d|%5u|%-4x|%08llx|%s", -42, 7u, 0xabu,
		 0x1234abcdull, "ok");
	ST_ASSERT(strcmp(buf, "-42|    7|ab  |1234abcd|ok") == 0, "got '%s'", buf);
	ST_ASSERT(snformat(buf, 4, "%s", "truncated") == 9, "return value is the full length");
	ST_ASSERT(strcmp(buf, "tru") == 0, "got '%s'", buf);
	return 0;
}

SELFTEST(11, symbols, true)
{
	const char *name;
	uint64_t off, size, addr;

	ST_ASSERT(symbol_count() > 100, "only %zu symbols embedded", symbol_count());
	ST_ASSERT(symbol_lookup((uint64_t)kmain + 8, &name, &off, &size) == 0, "kmain+8 unknown");
	ST_ASSERT(strcmp(name, "kmain") == 0 && off == 8, "kmain+8 is %s+%llu", name,
		  (unsigned long long)off);
	ST_ASSERT(size > 8, "kmain has size %llu", (unsigned long long)size);
	ST_ASSERT(symbol_address("kmain", &addr) == 0 && addr == (uint64_t)kmain,
		  "name lookup of kmain");
	ST_ASSERT(symbol_address("no_such_symbol_here", &addr) < 0, "bogus name found");
	return 0;
}

SELFTEST(12, devicetree, true)
{
	bool kernel_in_ram = false;

	ST_ASSERT(platform.console_uart.present && platform.console_uart.size >= 0x1000,
		  "no console UART");
	ST_ASSERT(platform.ncpus >= 1 && platform.ncpus <= MAX_CPUS, "%u CPUs", platform.ncpus);
	for (unsigned i = 0; i < platform.nmem; i++)
		kernel_in_ram |= kimage_phys_base >= platform.mem[i].base &&
				 kimage_phys_base < platform.mem[i].base + platform.mem[i].size;
	ST_ASSERT(kernel_in_ram, "kernel at 0x%llx is outside every /memory region",
		  (unsigned long long)kimage_phys_base);
	return 0;
}

/* Wait until this CPU has taken `n` more ticks; returns the counter ticks
 * that took, or 0 after a generous timeout. */
static uint64_t time_ticks(unsigned n)
{
	volatile uint64_t *ticks = &this_cpu()->ticks;
	uint64_t start_ticks = *ticks, t0, limit = arch_counter_freq() * 2;

	while (*ticks == start_ticks)
		arch_wait_for_interrupt();
	t0 = arch_counter();
	start_ticks = *ticks;
	while (*ticks < start_ticks + n) {
		if (arch_counter() - t0 > limit)
			return 0;
		arch_wait_for_interrupt();
	}
	return arch_counter() - t0;
}

SELFTEST(50, timer_rate, CONFIG_TRAPS)
{
	uint64_t period = arch_counter_freq() / TIMER_HZ;
	uint64_t took = time_ticks(10);

	ST_ASSERT(took != 0, "10 ticks did not arrive within 2 s");
	/* Ten ticks span ten periods; allow for interrupt latency under
	 * emulation, but not for a wrong rate (such as 2x or 0.5x). */
	ST_ASSERT(took > period * 9 && took < period * 13, "10 ticks took %llu counts, expected ~%llu",
		  (unsigned long long)took, (unsigned long long)(period * 10));
	return 0;
}

static bool wait_counter_above(volatile uint64_t *v, uint64_t old, uint64_t ms)
{
	uint64_t deadline = arch_counter() + arch_counter_freq() / 1000 * ms;

	while (*v <= old) {
		if (arch_counter() > deadline)
			return false;
		arch_cpu_relax();
	}
	return true;
}

SELFTEST(51, irq_every_cpu, CONFIG_TRAPS)
{
	for (unsigned i = 0; i < platform.ncpus; i++) {
		uint64_t ipis = percpu[i].ipis, ticks = percpu[i].ticks;

		if (!percpu[i].online)
			continue;
		smp_send_ipi(i, IPI_PING);
		ST_ASSERT(wait_counter_above(&percpu[i].ipis, ipis, 500),
			  "CPU %u did not take the IPI", i);
		ST_ASSERT(wait_counter_above(&percpu[i].ticks, ticks, 500),
			  "CPU %u takes no timer interrupts", i);
	}
	return 0;
}

SELFTEST(52, smp_all_online, CONFIG_SMP)
{
	ST_ASSERT(cpus_online() == platform.ncpus, "%u of %u CPUs online", cpus_online(),
		  platform.ncpus);
	return 0;
}
