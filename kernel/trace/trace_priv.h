#pragma once

/* Shared by the files of kernel/trace/ only. */
#include <stdbool.h>
#include <stdint.h>

#include "core/spinlock.h"
#include "trace/trace_ring.h"

/* Slots per CPU ring at most; tracebuf=N picks a smaller power of two. */
#define TRACE_RING_RECORDS 16384

extern struct trace_ring trace_rings[];
extern struct trace_record trace_slots[][CONFIG_TRACE ? TRACE_RING_RECORDS : 1];

/* A marker string seen as the record's three payload fields. */
union trace_mark_payload {
	char text[TRACE_MARK_LEN];
	struct {
		uint32_t a0, a1;
		uint64_t a2;
	};
};

/* Serialises changes of the mask, mode and capacity, and clears. */
extern struct spinlock trace_control_lock;
/* Where the export goes (tracefile=PATH), or NULL. */
extern const char *trace_file;

/* Record the counters now; with force, even if they did not change. */
void trace_sample_counters(bool force);

/* Name table, for the export. */
extern struct trace_name trace_names[];
extern uint32_t trace_names_used, trace_names_lost;
