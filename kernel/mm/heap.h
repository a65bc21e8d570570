#pragma once

#include <stddef.h>

#include "core/spinlock.h"
#include "mm/layout.h"

/*
 * Kernel heap: kmalloc/kfree for objects of any size, built on the frame
 * allocator.
 *
 * Small objects (up to HEAP_MAX_SMALL bytes) come from slabs: one frame
 * holding a header and equal-sized slots of one size class. Larger objects
 * get a run of contiguous frames of their own, with a 16-byte header in
 * front. Every result is HEAP_ALIGN-aligned. See docs/memory-allocators.md.
 *
 * Frames go back to the frame allocator as soon as they are wholly free,
 * except that each size class keeps at most one empty slab as a spare, so
 * an alloc/free pair at a slab boundary does not take and return a frame
 * each time. So after everything is freed the heap still holds at most
 * HEAP_NCLASSES frames; heap_trim() returns those too, and the heap does
 * that on its own before reporting exhaustion.
 */

#define HEAP_ALIGN 16
#define HEAP_NCLASSES 15
#define HEAP_MAX_SMALL 2016

struct heap_stats {
	size_t bytes_in_use; /* handed out, rounded up to the slot or page run */
	size_t bytes_free;   /* free slots in slabs the heap holds */
	size_t frames_held;  /* frames taken from the frame allocator */
	size_t allocs;       /* successful kmalloc-family calls */
	size_t frees;        /* kfree calls with a non-NULL pointer */
};

/*
 * The heap's whole state, named for debuggers:
 *   (gdb) print kernel_heap.stats
 *   (gdb) print/x kernel_heap.partial
 * Lists link slabs by PHYSICAL address (0 ends a list; frame 0, if RAM
 * starts there, holds the frame bitmap and is never a slab), so they stay
 * valid when the MMU is switched on.
 */
struct heap {
	struct spinlock lock;                /* guards every field below */
	paddr_t partial[HEAP_NCLASSES]; /* slabs with free and used slots */
	paddr_t spare[HEAP_NCLASSES];   /* one wholly free slab per class, or 0 */
	struct heap_stats stats;
};

extern struct heap kernel_heap;

/* NULL when memory is exhausted; kmalloc(0) returns a distinct object. */
void *kmalloc(size_t size);
/* kmalloc, then zero the `size` bytes. */
void *kzalloc(size_t size);
/* Zeroed array of n elements; NULL if n * size overflows. */
void *kcalloc(size_t n, size_t size);
/*
 * Free what kmalloc returned; NULL is ignored. A pointer the heap did not
 * hand out, or one already freed, panics when it can be told cheaply.
 */
void kfree(void *p);

void heap_get_stats(struct heap_stats *st);
/* Return the spare empty slabs to the frame allocator. */
void heap_trim(void);
