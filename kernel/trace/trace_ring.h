#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "trace/trace_format.h"

/*
 * A single-writer ring of trace records. Exactly one CPU writes a ring (its
 * own, with interrupts masked, so nothing on that CPU can interleave), and
 * any CPU or a debugger may read it. No lock and no atomic read-modify-
 * write: the writer fills a slot, then publishes it by storing head + 1
 * with release ordering (`stlr`); a reader loads head with acquire ordering
 * (`ldar`) and may then read every slot below it. A reader racing with the
 * writer re-reads head afterwards and discards the slots the writer may
 * have been overwriting meanwhile (trace_ring_valid_from).
 *
 * Record number n lives in slots[n & mask]. In overwrite mode (the flight
 * recorder) record n replaces record n - capacity; in stop mode the writer
 * refuses every record from number `limit` on and counts it.
 */
struct trace_ring {
	/* Written only by the owning CPU. */
	uint64_t head;	  /* records ever written: the next record's number */
	uint64_t refused; /* records refused because the ring was full (stop mode) */
	/* Written by trace_ring_clear and trace_ring_set_mode (under the
	 * control lock), read by the writer. */
	uint64_t limit;	       /* first record number the writer refuses */
	uint64_t first;	       /* oldest record number that counts */
	uint64_t refused_base; /* `refused` when the ring was last cleared */
	uint32_t mask;	       /* capacity - 1; capacity is a power of two */
	uint32_t mode;	       /* TRACE_MODE_* */
	struct trace_record *slots;
} __aligned(64); /* a cache line each: CPUs never write each other's line */

void trace_ring_init(struct trace_ring *r, struct trace_record *slots, uint32_t capacity);
void trace_ring_set_mode(struct trace_ring *r, uint32_t mode);
/* Forget the records written so far (from any CPU; see trace_ring.c). */
void trace_ring_clear(struct trace_ring *r);

/* The slot for the next record, or NULL (counted) if stop mode refuses it.
 * Owning CPU only, interrupts masked; trace_ring_commit publishes it. */
static inline struct trace_record *trace_ring_reserve(struct trace_ring *r)
{
	uint64_t n = r->head;

	if (unlikely(n >= READ_ONCE(r->limit))) {
		r->refused++;
		return NULL;
	}
	return &r->slots[n & r->mask];
}

static inline void trace_ring_commit(struct trace_ring *r)
{
	/* Release: the slot's stores become visible before the new head. */
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
}

static inline uint64_t trace_ring_head(const struct trace_ring *r)
{
	return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
}

static inline uint32_t trace_ring_capacity(const struct trace_ring *r)
{
	return r->mask + 1;
}

/*
 * The oldest record number a reader may trust, given head before (h1) and
 * after (h2) it read the slots: the writer may have been writing record h2
 * into the slot of record h2 - capacity during the read.
 */
uint64_t trace_ring_valid_from(const struct trace_ring *r, uint64_t h1, uint64_t h2);
/* Records lost since the last clear, overwritten or refused, as of head h. */
uint64_t trace_ring_dropped(const struct trace_ring *r, uint64_t h);
