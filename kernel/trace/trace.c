/* The per-CPU rings and the slow half of every tracepoint. */
#include "trace/trace.h"

#include "arch/arch.h"
#include "mm/frame.h"
#include "core/task.h"
#include "platform/platform.h"
#include "trace/trace_priv.h"

_Static_assert(sizeof(struct trace_record) == TRACE_RECORD_SIZE, "TRACE_RECORD_SIZE");
_Static_assert((TRACE_RING_RECORDS & (TRACE_RING_RECORDS - 1)) == 0,
	       "TRACE_RING_RECORDS must be a power of two");

uint32_t trace_enabled = CONFIG_TRACE ? TRACE_CAT_ALL : 0;

/*
 * The rings and their slots, static so a debugger (and the gdb/ scripts)
 * finds them by name: CPU n's ring is trace_rings[n], its records
 * trace_slots[n]. A stage without CONFIG_TRACE keeps one tiny ring.
 */
#define TRACE_NCPUS (CONFIG_TRACE ? MAX_CPUS : 1)
#define TRACE_NSLOTS (CONFIG_TRACE ? TRACE_RING_RECORDS : 1)

struct trace_record trace_slots[TRACE_NCPUS][TRACE_NSLOTS] __aligned(64);

#define RING_INIT(n)                                                                  \
	{                                                                             \
		.limit = UINT64_MAX, .mask = TRACE_NSLOTS - 1, .mode = TRACE_MODE_OVERWRITE, \
		.slots = trace_slots[(n) % TRACE_NCPUS],                              \
	}
_Static_assert(MAX_CPUS == 8, "RING_INIT below lists MAX_CPUS rings");
struct trace_ring trace_rings[MAX_CPUS] = {
	RING_INIT(0), RING_INIT(1), RING_INIT(2), RING_INIT(3),
	RING_INIT(4), RING_INIT(5), RING_INIT(6), RING_INIT(7),
};

void trace_init_cpu(struct percpu *cpu)
{
	cpu->trace_ring = &trace_rings[CONFIG_TRACE ? cpu->index : 0];
	trace_set_current(cpu, TRACE_TID_CPU_BASE + cpu->index);
}

/* Only CPU 0 runs before its struct percpu is set up, with interrupts
 * masked: it writes ring 0 as the CPU's own thread. */
void trace_emit_early(unsigned id, uint32_t a0, uint32_t a1, uint64_t a2)
{
	static struct percpu early = { .index = 0, .trace_ring = &trace_rings[0],
				       .trace_who = (uint64_t)TRACE_TID_CPU_BASE << 32 };

	trace_write_irqs_off(&early, id, a0, a1, a2);
}

void trace_emit_str(unsigned id, const char *s)
{
	union trace_mark_payload p = { .text = { 0 } };

	for (unsigned i = 0; i < TRACE_MARK_LEN && s && s[i]; i++)
		p.text[i] = s[i];
	trace_emit(id, p.a0, p.a1, p.a2);
}

/*
 * Counters are sampled, not traced at every change: mm/ has no tracepoint,
 * so CPU 0 reads the free-frame count on its timer tick and records it when
 * it moved. The run-queue length comes with the scheduler.
 */
/* Written by CPU 0's tick and by the export (a race costs one duplicate). */
static uint64_t last_free_frames = UINT64_MAX;

void trace_sample_counters(bool force)
{
	uint64_t free_frames;

	if (!CONFIG_ALLOC)
		return;
	free_frames = frame_free_count();
	if (force || free_frames != last_free_frames) {
		last_free_frames = free_frames;
		trace_counter(TRACE_COUNTER_FREE_FRAMES, free_frames);
	}
}

void trace_irq_exit_slow(unsigned irq)
{
	uint32_t on = READ_ONCE(trace_enabled);

	if (on & TRACE_CAT_IRQ)
		trace_emit(TRACE_EV_IRQ_EXIT, irq, 0, 0);
	if ((on & TRACE_CAT_COUNTER) && irq == platform.timer_irq && arch_cpu_index() == 0)
		trace_sample_counters(false);
}
