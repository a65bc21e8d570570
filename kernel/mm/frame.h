#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/spinlock.h"
#include "mm/layout.h"

/*
 * Physical frame allocator: hands out 4 KiB frames of RAM.
 *
 * Each region of RAM given to frame_add_region() keeps its own bitmap, one
 * bit per frame (1 = in use), stored in the first frames of the region
 * itself. Those bookkeeping frames are marked in use, so they are never
 * handed out. Everything here is a physical address: the same state is used
 * before and after the MMU is switched on, and every access to a bitmap goes
 * through phys_to_virt().
 *
 * Lock order: the heap calls in here with its own lock held, so nothing in
 * this file may call back into the heap.
 */

#define FRAME_MAX_REGIONS 8

struct frame_region {
	paddr_t start;        /* first frame, page aligned (holds the bitmap) */
	paddr_t end;          /* one past the last frame, page aligned */
	size_t nframes;       /* (end - start) / PAGE_SIZE */
	size_t bitmap_frames; /* frames at `start` that hold the bitmap */
	size_t free;          /* frames whose bit is clear */
	size_t hint;          /* bit index where the next single-frame search starts */
};

/*
 * The allocator's whole state. It is one named global so a debugger can
 * read it without running code:
 *   (gdb) print frame_allocator
 *   (gdb) print frame_allocator.regions[0]
 *   (gdb) x/8gx frame_allocator.regions[0].start     (the bitmap, MMU off)
 */
struct frame_allocator {
	struct spinlock lock; /* guards every field below */
	unsigned nregions;
	size_t total_frames; /* all frames of all regions, bitmap included */
	size_t free_frames;  /* sum of regions[i].free */
	struct frame_region regions[FRAME_MAX_REGIONS];
};

extern struct frame_allocator frame_allocator;

/*
 * Give the RAM [start, end) to the allocator; start is rounded up and end
 * down to a page. The bitmap (1/32768 of the range) is written into the
 * first frames at once, so nothing still needed may live there: on QEMU
 * virt only QEMU's spent boot stub does; the kernel is 2 MiB in and the DTB
 * and initrd further up. Returns -EINVAL for an empty range, a range too small to
 * hold its own bitmap plus one frame, or one that overlaps a region already
 * added, and -ENOSPC when FRAME_MAX_REGIONS regions are already in use.
 */
int frame_add_region(paddr_t start, paddr_t end);

/*
 * Mark [start, end) in use (kernel image, DTB, initrd). The range is widened
 * to whole pages and clipped to the regions; parts outside every region are
 * ignored. Reserving a frame twice is harmless. -EINVAL if end < start.
 * Reserved frames count as allocated: once a reserved range is no longer
 * needed (an initrd after unpacking), frame_free_contig() hands it over.
 */
int frame_reserve(paddr_t start, paddr_t end);

/* One frame, contents undefined. 0 or -ENOMEM; *out is set only on success. */
int frame_alloc(paddr_t *out);

/* One frame filled with zeroes. */
int frame_alloc_zeroed(paddr_t *out);

/*
 * `count` physically contiguous frames whose first address is a multiple
 * of align_frames * PAGE_SIZE. align_frames must be a power of two (1 means
 * no constraint). -EINVAL for bad arguments, -ENOMEM if no such run exists.
 */
int frame_alloc_contig(size_t count, size_t align_frames, paddr_t *out);

/*
 * Give frames back. Freeing a frame that is not allocated (double free) or
 * not managed here is a bug in the caller: these panic rather than let the
 * same frame be handed out twice.
 */
void frame_free(paddr_t pa);
void frame_free_contig(paddr_t pa, size_t count);

size_t frame_free_count(void);
size_t frame_total_count(void);

/*
 * Region `idx` for the monitor's `info` command: its bounds (bitmap frames
 * included) and how many of its frames are free. Any output pointer may be
 * NULL. -EINVAL if there is no region `idx`.
 */
int frame_region_info(unsigned idx, paddr_t *start, paddr_t *end, size_t *free);

/*
 * Walk the runs of in-use frames of region `region` in address order, for
 * the crash dumper: start with *cursor = 0; each call stores the next run
 * in [*start, *end) and returns 0, or -ENOENT after the last one. Takes no
 * lock: it is for a stopped machine.
 */
int frame_used_run(unsigned region, size_t *cursor, paddr_t *start, paddr_t *end);
