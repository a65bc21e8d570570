/*
 * Physical frame allocator: one bitmap per RAM region, kept inside the
 * region. See frame.h for the interface and docs/memory-allocators.md for
 * the design.
 */
#include <stdbool.h>

#include "core/panic.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"

#define BITS_PER_WORD 64
#define BITS_PER_FRAME (PAGE_SIZE * 8)

struct frame_allocator frame_allocator = {
	.lock = SPINLOCK_INIT("frame_allocator"),
};

/* ---- bitmap helpers: bit i set means frame i of the region is in use ---- */

static uint64_t *region_bitmap(const struct frame_region *r)
{
	return phys_to_virt(r->start);
}

/*
 * Index of the first bit in [from, to) that equals `set`, or `to` if none.
 * Whole words are tested at once, so long runs of used frames are skipped
 * 64 at a time.
 */
static size_t bitmap_find(const uint64_t *bm, size_t from, size_t to, bool set)
{
	while (from < to) {
		size_t word_base = ALIGN_DOWN(from, BITS_PER_WORD);
		uint64_t w = bm[from / BITS_PER_WORD];

		if (!set)
			w = ~w;
		w &= ~0ull << (from % BITS_PER_WORD); /* drop bits below from */
		if (w) {
			size_t i = word_base + (size_t)__builtin_ctzll(w);

			return i < to ? i : to;
		}
		from = word_base + BITS_PER_WORD;
	}
	return to;
}

/* Set or clear bits [from, to); returns how many bits actually changed. */
static size_t bitmap_assign(uint64_t *bm, size_t from, size_t to, bool set)
{
	size_t changed = 0;

	for (size_t i = from; i < to; i++) {
		uint64_t bit = 1ull << (i % BITS_PER_WORD);
		uint64_t *w = &bm[i / BITS_PER_WORD];

		if (!!(*w & bit) == set)
			continue;
		*w ^= bit;
		changed++;
	}
	return changed;
}

/* ---- regions ---- */

static struct frame_region *region_of(paddr_t pa)
{
	for (unsigned i = 0; i < frame_allocator.nregions; i++) {
		struct frame_region *r = &frame_allocator.regions[i];

		if (pa >= r->start && pa < r->end)
			return r;
	}
	return NULL;
}

static paddr_t region_frame_addr(const struct frame_region *r, size_t idx)
{
	return r->start + ((paddr_t)idx << PAGE_SHIFT);
}

/* Mark frames [idx, idx + count) used, keeping both free counters right. */
static void region_take(struct frame_region *r, size_t idx, size_t count)
{
	size_t n = bitmap_assign(region_bitmap(r), idx, idx + count, true);

	r->free -= n;
	frame_allocator.free_frames -= n;
}

static void region_release(struct frame_region *r, size_t idx, size_t count)
{
	size_t n = bitmap_assign(region_bitmap(r), idx, idx + count, false);

	r->free += n;
	frame_allocator.free_frames += n;
}

static bool region_overlaps(paddr_t start, paddr_t end)
{
	for (unsigned i = 0; i < frame_allocator.nregions; i++) {
		const struct frame_region *r = &frame_allocator.regions[i];

		if (start < r->end && r->start < end)
			return true;
	}
	return false;
}

/*
 * Build the bitmap at the start of the new region. Its own frames, and the
 * padding bits past the last frame in the last word, are set so that no
 * search can ever return them.
 */
static void region_init(struct frame_region *r, paddr_t start, size_t nframes,
			size_t bitmap_frames)
{
	size_t words = ALIGN_UP(nframes, BITS_PER_WORD) / BITS_PER_WORD;
	uint64_t *bm;

	r->start = start;
	r->end = start + ((paddr_t)nframes << PAGE_SHIFT);
	r->nframes = nframes;
	r->bitmap_frames = bitmap_frames;
	r->free = nframes - bitmap_frames;
	r->hint = bitmap_frames;

	bm = region_bitmap(r);
	memset(bm, 0, words * sizeof(*bm));
	bitmap_assign(bm, 0, bitmap_frames, true);
	bitmap_assign(bm, nframes, words * BITS_PER_WORD, true);
}

int frame_add_region(paddr_t start, paddr_t end)
{
	paddr_t first = ALIGN_UP(start, PAGE_SIZE);
	paddr_t last = ALIGN_DOWN(end, PAGE_SIZE);
	size_t nframes, bitmap_frames;
	unsigned long flags;
	int err = 0;

	/* first < start: rounding up wrapped past the top of the address space */
	if (end <= start || first < start || last <= first)
		return -EINVAL;
	nframes = (last - first) >> PAGE_SHIFT;
	bitmap_frames = (nframes + BITS_PER_FRAME - 1) / BITS_PER_FRAME;
	if (nframes <= bitmap_frames)
		return -EINVAL;

	flags = spin_lock_irqsave(&frame_allocator.lock);
	if (frame_allocator.nregions == FRAME_MAX_REGIONS) {
		err = -ENOSPC;
	} else if (region_overlaps(first, last)) {
		err = -EINVAL;
	} else {
		struct frame_region *r = &frame_allocator.regions[frame_allocator.nregions];

		region_init(r, first, nframes, bitmap_frames);
		frame_allocator.total_frames += nframes;
		frame_allocator.free_frames += r->free;
		frame_allocator.nregions++;
	}
	spin_unlock_irqrestore(&frame_allocator.lock, flags);
	return err;
}

int frame_reserve(paddr_t start, paddr_t end)
{
	unsigned long flags;

	if (end < start)
		return -EINVAL;

	flags = spin_lock_irqsave(&frame_allocator.lock);
	for (unsigned i = 0; i < frame_allocator.nregions; i++) {
		struct frame_region *r = &frame_allocator.regions[i];
		paddr_t lo = start > r->start ? start : r->start;
		paddr_t hi = end < r->end ? end : r->end;
		size_t first, last;

		if (lo >= hi)
			continue;
		/* A frame that is even partly covered is reserved whole. */
		first = (lo - r->start) >> PAGE_SHIFT;
		last = ALIGN_UP(hi - r->start, PAGE_SIZE) >> PAGE_SHIFT;
		region_take(r, first, last - first);
	}
	spin_unlock_irqrestore(&frame_allocator.lock, flags);
	return 0;
}

/* ---- allocation ---- */

/*
 * First free frame at or after the region's hint, wrapping around once.
 * The hint makes a run of single allocations linear overall instead of
 * rescanning the used prefix of the bitmap every time.
 */
static size_t region_find_one(const struct frame_region *r)
{
	const uint64_t *bm = region_bitmap(r);
	size_t i = bitmap_find(bm, r->hint, r->nframes, false);

	if (i < r->nframes)
		return i;
	i = bitmap_find(bm, 0, r->hint, false);
	return i < r->hint ? i : r->nframes;
}

int frame_alloc(paddr_t *out)
{
	unsigned long flags = spin_lock_irqsave(&frame_allocator.lock);
	int err = -ENOMEM;

	for (unsigned i = 0; i < frame_allocator.nregions; i++) {
		struct frame_region *r = &frame_allocator.regions[i];
		size_t idx;

		if (r->free == 0)
			continue;
		idx = region_find_one(r);
		if (idx >= r->nframes)
			continue;
		region_take(r, idx, 1);
		r->hint = idx + 1;
		*out = region_frame_addr(r, idx);
		err = 0;
		break;
	}
	spin_unlock_irqrestore(&frame_allocator.lock, flags);
	return err;
}

int frame_alloc_zeroed(paddr_t *out)
{
	paddr_t pa;
	int err = frame_alloc(&pa);

	if (err)
		return err;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	*out = pa;
	return 0;
}

/*
 * First run of `count` free frames in `r` whose first frame number is a
 * multiple of `align`; r->nframes if there is none. Frame numbers, not
 * region indexes, are aligned, so the physical address is aligned too.
 */
static size_t region_find_run(const struct frame_region *r, size_t count, size_t align)
{
	const uint64_t *bm = region_bitmap(r);
	size_t base = r->start >> PAGE_SHIFT;
	size_t i = 0;

	for (;;) {
		size_t used;

		i = bitmap_find(bm, i, r->nframes, false);
		/* With a huge align this wraps to a huge i, which fails below. */
		i = ALIGN_UP(base + i, align) - base;
		if (i >= r->nframes || count > r->nframes - i)
			return r->nframes;
		used = bitmap_find(bm, i, i + count, true);
		if (used == i + count)
			return i;
		i = used + 1;
	}
}

int frame_alloc_contig(size_t count, size_t align_frames, paddr_t *out)
{
	unsigned long flags;
	int err = -ENOMEM;

	if (count == 0 || align_frames == 0 || (align_frames & (align_frames - 1)))
		return -EINVAL;

	flags = spin_lock_irqsave(&frame_allocator.lock);
	for (unsigned i = 0; i < frame_allocator.nregions; i++) {
		struct frame_region *r = &frame_allocator.regions[i];
		size_t idx;

		if (r->free < count)
			continue;
		idx = region_find_run(r, count, align_frames);
		if (idx == r->nframes)
			continue;
		region_take(r, idx, count);
		*out = region_frame_addr(r, idx);
		err = 0;
		break;
	}
	spin_unlock_irqrestore(&frame_allocator.lock, flags);
	return err;
}

/* ---- freeing ---- */

/*
 * Why freeing [pa, pa + count frames) would be a bug, or NULL if it is a
 * valid free; on success *rp and *idxp locate the frames.
 */
static const char *frame_check_free(paddr_t pa, size_t count, struct frame_region **rp,
				    size_t *idxp)
{
	struct frame_region *r;
	size_t idx;

	if (count == 0)
		return "zero frames";
	if (!IS_ALIGNED(pa, PAGE_SIZE))
		return "address is not page aligned";
	r = region_of(pa);
	if (!r)
		return "address is not managed by the frame allocator";
	idx = (pa - r->start) >> PAGE_SHIFT;
	if (count > r->nframes - idx)
		return "range runs past the end of its region";
	if (idx < r->bitmap_frames)
		return "frame holds the allocator's own bitmap";
	if (bitmap_find(region_bitmap(r), idx, idx + count, false) != idx + count)
		return "frame is not allocated (double free?)";
	*rp = r;
	*idxp = idx;
	return NULL;
}

void frame_free_contig(paddr_t pa, size_t count)
{
	unsigned long flags = spin_lock_irqsave(&frame_allocator.lock);
	struct frame_region *r;
	size_t idx;
	const char *bug = frame_check_free(pa, count, &r, &idx);

	/* Check every frame before touching any: no half-done free. */
	if (!bug)
		region_release(r, idx, count);
	/* Unlock before panicking so the panic path can still read the state. */
	spin_unlock_irqrestore(&frame_allocator.lock, flags);
	if (bug)
		panic("frame_free: %s (pa %#lx, %lu frames)", bug, (unsigned long)pa,
		      (unsigned long)count);
}

void frame_free(paddr_t pa)
{
	frame_free_contig(pa, 1);
}

/* ---- statistics ---- */

/* A single aligned word read needs no lock; the value may be stale at once anyway. */
size_t frame_free_count(void)
{
	return READ_ONCE(frame_allocator.free_frames);
}

size_t frame_total_count(void)
{
	return READ_ONCE(frame_allocator.total_frames);
}

int frame_region_info(unsigned idx, paddr_t *start, paddr_t *end, size_t *free)
{
	unsigned long flags = spin_lock_irqsave(&frame_allocator.lock);
	struct frame_region r = { 0 };
	int err = -EINVAL;

	/* Copy under the lock so the three values belong to one moment. */
	if (idx < frame_allocator.nregions) {
		r = frame_allocator.regions[idx];
		err = 0;
	}
	spin_unlock_irqrestore(&frame_allocator.lock, flags);
	if (err)
		return err;
	if (start)
		*start = r.start;
	if (end)
		*end = r.end;
	if (free)
		*free = r.free;
	return 0;
}

int frame_used_run(unsigned region, size_t *cursor, paddr_t *start, paddr_t *end)
{
	const struct frame_region *r;
	size_t first, last;

	if (region >= frame_allocator.nregions)
		return -EINVAL;
	r = &frame_allocator.regions[region];
	first = bitmap_find(region_bitmap(r), *cursor, r->nframes, true);
	if (first == r->nframes)
		return -ENOENT;
	last = bitmap_find(region_bitmap(r), first, r->nframes, false);
	*start = region_frame_addr(r, first);
	*end = region_frame_addr(r, last);
	*cursor = last;
	return 0;
}
