/*
 * The last events of a CPU's ring, printed at the end of a crash report:
 * what the CPU was doing just before it failed, readable without any tool.
 */
#include "arch/arch.h"
#include "arch/aarch64/memory_map.h"
#include "core/printk.h"
#include "lib/format.h"
#include "trace/trace.h"
#include "trace/trace_priv.h"

#define TRACE_NAME_ROW(name, id, cat, args) [id] = #name,
static const char *const event_names[] = { TRACE_EVENTS(TRACE_NAME_ROW) };

/* Times on the log's clock (boot_time_ns), so the events line up with the
 * log lines printed around them; the raw counter starts earlier, when the
 * machine was reset. A record from before the log's time 0 shows as 0. */
static void print_record(const struct trace_record *r, uint64_t freq, uint64_t base)
{
	uint64_t ts = r->ts > base ? r->ts - base : 0;
	uint64_t us = ts / freq * 1000000 + ts % freq * 1000000 / freq;
	const char *name = r->id < sizeof(event_names) / sizeof(event_names[0]) && event_names[r->id]
				   ? event_names[r->id] : "?";

	if (r->id >= TRACE_EV_MARK_BEGIN && r->id <= TRACE_EV_MARK_INSTANT) {
		char label[TRACE_MARK_LEN + 1];

		__builtin_memcpy(label, &r->a0, TRACE_MARK_LEN);
		label[TRACE_MARK_LEN] = '\0';
		printk(LOG_EMERG, "  %6llu.%06llu tid %u %s \"%s\"", (unsigned long long)(us / 1000000),
		       (unsigned long long)(us % 1000000), r->tid, name, label);
		return;
	}
	printk(LOG_EMERG, "  %6llu.%06llu tid %u %s %u %u 0x%llx", (unsigned long long)(us / 1000000),
	       (unsigned long long)(us % 1000000), r->tid, name, r->a0, r->a1,
	       (unsigned long long)r->a2);
}

void trace_print_recent(unsigned cpu, unsigned count)
{
	const struct trace_ring *ring;
	uint64_t head, from, freq = arch_counter_freq();

	if (!CONFIG_TRACE || cpu >= MAX_CPUS || !freq)
		return;
	ring = &trace_rings[cpu];
	head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	from = head > count ? head - count : 0;
	if (from < ring->first)
		from = ring->first;
	if (head - from > (uint64_t)ring->mask + 1)
		from = head - ring->mask - 1;
	printk(LOG_EMERG, "Last trace events on CPU %u (%llu shown, time in s since boot):", cpu,
	       (unsigned long long)(head - from));
	for (uint64_t n = from; n < head; n++)
		print_record(&ring->slots[n & ring->mask], freq, log_time_base());
}
