#include "trace/trace_ring.h"

void trace_ring_init(struct trace_ring *r, struct trace_record *slots, uint32_t capacity)
{
	r->head = 0;
	r->refused = 0;
	r->first = 0;
	r->refused_base = 0;
	r->mask = capacity - 1;
	r->slots = slots;
	trace_ring_set_mode(r, TRACE_MODE_OVERWRITE);
}

void trace_ring_set_mode(struct trace_ring *r, uint32_t mode)
{
	r->mode = mode;
	WRITE_ONCE(r->limit, mode == TRACE_MODE_STOP ? r->first + trace_ring_capacity(r)
						      : UINT64_MAX);
}

/*
 * Clearing from another CPU must not write head (the owner's alone), so it
 * moves `first` up to head instead. Racing with the owner, it may keep the
 * one record being written at that instant, which is harmless.
 */
void trace_ring_clear(struct trace_ring *r)
{
	r->first = trace_ring_head(r);
	r->refused_base = READ_ONCE(r->refused);
	trace_ring_set_mode(r, r->mode);
}

uint64_t trace_ring_valid_from(const struct trace_ring *r, uint64_t h1, uint64_t h2)
{
	uint64_t cap = trace_ring_capacity(r), from = r->first;

	if (h1 > cap && h1 - cap > from)
		from = h1 - cap;
	if (h2 + 1 > cap && h2 + 1 - cap > from)
		from = h2 + 1 - cap;
	return from < h1 ? from : h1;
}

uint64_t trace_ring_dropped(const struct trace_ring *r, uint64_t h)
{
	uint64_t kept = h > r->first ? h - r->first : 0, cap = trace_ring_capacity(r);
	uint64_t overwritten = kept > cap ? kept - cap : 0;

	return overwritten + (READ_ONCE(r->refused) - r->refused_base);
}
