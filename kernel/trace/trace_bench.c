/*
 * `tracebench`: the cost of a tracepoint in guest instructions, read from
 * the PMU's instructions-retired counter (event 0x08). QEMU counts it only
 * under -icount (docs/bench.md has the command line); elsewhere the
 * numbers are meaningless and the command says so.
 */
#include "arch/arch.h"
#include "core/monitor.h"
#include "core/printk.h"
#include "arch/aarch64/pmu.h"
#include "trace/trace.h"
#include "trace/trace_priv.h"

#define BENCH_BATCH 64	 /* tracepoints between two counter reads */
#define BENCH_SAMPLES 101 /* batches; the median and minimum are reported */

enum bench_kind { BENCH_EMPTY, BENCH_TRACEPOINT };

/* One batch; the empty kind measures the loop and the counter reads. */
static uint64_t batch(enum bench_kind kind)
{
	uint64_t t0 = pmu_read();

	for (unsigned i = 0; i < BENCH_BATCH; i++) {
		if (kind == BENCH_TRACEPOINT)
			trace_irq_enter(i);
		__asm__ volatile("" ::: "memory");
	}
	return pmu_read() - t0;
}

static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Median and minimum of BENCH_SAMPLES batches, after a warm-up batch. */
static void measure(enum bench_kind kind, uint64_t *median, uint64_t *min)
{
	static uint64_t samples[BENCH_SAMPLES];

	batch(kind);
	for (unsigned i = 0; i < BENCH_SAMPLES; i++)
		samples[i] = batch(kind);
	sort(samples, BENCH_SAMPLES);
	*median = samples[BENCH_SAMPLES / 2];
	*min = samples[0];
}

static void report(const char *what, enum bench_kind kind, uint64_t base_med, uint64_t base_min)
{
	uint64_t med, min;

	measure(kind, &med, &min);
	/* Hundredths of an instruction per tracepoint, loop cost removed. */
	med = (med - base_med) * 100 / BENCH_BATCH;
	min = (min - base_min) * 100 / BENCH_BATCH;
	kprintf("tracebench: %-28s median %llu.%02llu  min %llu.%02llu instructions\n", what,
		(unsigned long long)(med / 100), (unsigned long long)(med % 100),
		(unsigned long long)(min / 100), (unsigned long long)(min % 100));
}

static void discard(const char *line)
{
	(void)line;
}

MONITOR_CMD(tracebench, "instructions per tracepoint (run QEMU with -icount)")
{
	uint32_t saved = READ_ONCE(trace_enabled);
	unsigned long flags;
	uint64_t base_med, base_min;

	(void)argc;
	(void)argv;
	if (!CONFIG_TRACE) {
		kprintf("tracebench: the tracer is not part of this stage\n");
		return;
	}
	if (!pmu_counts_instructions())
		kprintf("tracebench: this CPU's PMU does not count instructions "
			"(QEMU needs -icount); numbers below are not instructions\n");
	pmu_init_cpu();
	flags = arch_irq_save(); /* no timer tick inside a batch */
	measure(BENCH_EMPTY, &base_med, &base_min);
	kprintf("tracebench: loop and counter reads: %llu instructions per %u iterations\n",
		(unsigned long long)base_med, BENCH_BATCH);
	WRITE_ONCE(trace_enabled, TRACE_CAT_ALL);
	report("recorded event (irq_enter)", BENCH_TRACEPOINT, base_med, base_min);
	WRITE_ONCE(trace_enabled, TRACE_CAT_ALL & ~TRACE_CAT_IRQ);
	report("disabled tracepoint", BENCH_TRACEPOINT, base_med, base_min);
	WRITE_ONCE(trace_enabled, saved);
	arch_irq_restore(flags);
	trace_control("clear", discard); /* drop the benchmark's records */
}
