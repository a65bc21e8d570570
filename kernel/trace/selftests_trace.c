/* Self tests of the trace rings and of the category switch. */
#include "arch/arch.h"
#include "core/selftest.h"
#include "lib/string.h"
#include "trace/trace.h"
#include "trace/trace_priv.h"

#define TEST_CAPACITY 8

static struct trace_record test_slots[TEST_CAPACITY];
static struct trace_ring test_ring;

static void write_numbered(struct trace_ring *r, unsigned from, unsigned n)
{
	for (unsigned i = from; i < from + n; i++) {
		struct trace_record *rec = trace_ring_reserve(r);

		if (rec) {
			rec->id = TRACE_EV_MARK_INSTANT;
			rec->a0 = i;
			trace_ring_commit(r);
		}
	}
}

SELFTEST(55, trace_ring_wrap, CONFIG_TRACE)
{
	struct trace_ring *r = &test_ring;
	uint64_t from;

	trace_mark_begin("test ring wrap");
	trace_ring_init(r, test_slots, TEST_CAPACITY);
	write_numbered(r, 0, 20);
	ST_ASSERT(trace_ring_head(r) == 20, "head %llu after 20 records",
		  (unsigned long long)trace_ring_head(r));
	ST_ASSERT(trace_ring_dropped(r, 20) == 12, "%llu dropped, expected 12",
		  (unsigned long long)trace_ring_dropped(r, 20));
	/* Without a concurrent writer the newest capacity - 1 are certain. */
	from = trace_ring_valid_from(r, 20, 20);
	ST_ASSERT(from == 13, "valid from %llu, expected 13", (unsigned long long)from);
	for (uint64_t n = 12; n < 20; n++)
		ST_ASSERT(r->slots[n & r->mask].a0 == n, "slot of record %llu holds %u",
			  (unsigned long long)n, r->slots[n & r->mask].a0);
	/* A writer that moved on by 3 during a read invalidates 3 more. */
	ST_ASSERT(trace_ring_valid_from(r, 20, 23) == 16, "racing reader bound");
	trace_mark_end("test ring wrap");
	return 0;
}

SELFTEST(56, trace_ring_stop_mode, CONFIG_TRACE)
{
	struct trace_ring *r = &test_ring;

	trace_mark_begin("test stop mode");
	trace_ring_init(r, test_slots, TEST_CAPACITY);
	trace_ring_set_mode(r, TRACE_MODE_STOP);
	write_numbered(r, 0, 20);
	ST_ASSERT(trace_ring_head(r) == TEST_CAPACITY, "stop mode wrote %llu records",
		  (unsigned long long)trace_ring_head(r));
	ST_ASSERT(trace_ring_dropped(r, TEST_CAPACITY) == 12, "%llu dropped, expected 12",
		  (unsigned long long)trace_ring_dropped(r, TEST_CAPACITY));
	for (unsigned n = 0; n < TEST_CAPACITY; n++)
		ST_ASSERT(r->slots[n].a0 == n, "record %u overwritten in stop mode", n);
	trace_ring_clear(r);
	write_numbered(r, 100, 3);
	ST_ASSERT(trace_ring_head(r) == TEST_CAPACITY + 3, "nothing written after clear");
	ST_ASSERT(trace_ring_dropped(r, trace_ring_head(r)) == 0, "clear kept the drop count");
	ST_ASSERT(trace_ring_valid_from(r, trace_ring_head(r), trace_ring_head(r)) ==
			  TEST_CAPACITY,
		  "records from before the clear still count");
	trace_mark_end("test stop mode");
	return 0;
}

/* With interrupts masked nothing else writes this CPU's ring meanwhile. */
SELFTEST(57, trace_category_off, CONFIG_TRACE)
{
	struct trace_ring *r = &trace_rings[arch_cpu_index()];
	uint32_t saved = READ_ONCE(trace_enabled);
	unsigned long flags = arch_irq_save();
	union trace_mark_payload p;
	struct trace_record *rec;
	uint64_t head = trace_ring_head(r);
	int err = -1;

	WRITE_ONCE(trace_enabled, TRACE_CAT_ALL & ~TRACE_CAT_MARK);
	trace_mark_instant("must not appear");
	if (trace_ring_head(r) != head)
		goto out;
	WRITE_ONCE(trace_enabled, TRACE_CAT_MARK);
	trace_mark_instant("category test");
	if (trace_ring_head(r) != head + 1)
		goto out;
	rec = &r->slots[head & r->mask];
	p.a0 = rec->a0;
	p.a1 = rec->a1;
	p.a2 = rec->a2;
	if (rec->id == TRACE_EV_MARK_INSTANT && rec->cpu == arch_cpu_index() && rec->ts &&
	    rec->tid == TRACE_TID_CPU_BASE + arch_cpu_index() &&
	    memcmp(p.text, "category test\0\0", TRACE_MARK_LEN) == 0)
		err = 0;
out:
	WRITE_ONCE(trace_enabled, saved);
	arch_irq_restore(flags);
	ST_ASSERT(err == 0, "a disabled category recorded, or an enabled one did not");
	return 0;
}
