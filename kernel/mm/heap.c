/*
 * Kernel heap: size-class slabs for small objects, page runs for large
 * ones. See heap.h for the interface and docs/memory-allocators.md for the
 * design. All bookkeeping holds physical addresses; pointers are made with
 * phys_to_virt() at the moment of each access.
 *
 * Lock order: kernel_heap.lock, then frame_allocator.lock.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/panic.h"
#include "lib/compiler.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap.h"

/* First word of every heap page, so kfree can tell what a page is. */
#define SLAB_MAGIC 0x534c4142u  /* "SLAB" */
#define LARGE_MAGIC 0x4c415247u /* "LARG" */
#define DEAD_MAGIC 0x44454144u  /* "DEAD": written just before a page goes back */

/* Header at the start of a slab page; slots follow it. */
struct heap_slab {
	uint32_t magic;
	uint16_t class_idx;
	uint16_t nfree;
	paddr_t next;     /* neighbours on kernel_heap.partial[class_idx] */
	paddr_t prev;
	uint64_t used[4]; /* bit i set: slot i handed out (or past the last slot) */
	uint64_t pad;     /* rounds the header to 64 bytes, a multiple of HEAP_ALIGN */
};

/* Header at the start of a large allocation's page run. */
struct heap_large {
	uint32_t magic;
	uint32_t pad;
	uint64_t frames;
};

#define SLAB_PAYLOAD (PAGE_SIZE - sizeof(struct heap_slab))

_Static_assert(sizeof(struct heap_slab) == 64, "slots must start 16-byte aligned");
_Static_assert(sizeof(struct heap_large) == HEAP_ALIGN, "large objects must be 16-byte aligned");
_Static_assert(SLAB_PAYLOAD / HEAP_ALIGN <= 4 * 64, "slab bitmap too small for 16-byte slots");

/*
 * Slot sizes, all multiples of 16. Most divide the 4032-byte payload of a
 * slab exactly (4032 = 63 * 64), so little of a page is lost at its end;
 * above 32 bytes neighbouring classes are at most 1.5x apart, bounding
 * the space lost inside a slot.
 */
static const uint16_t heap_class_size[HEAP_NCLASSES] = {
	16, 32, 48, 64, 96, 128, 192, 256, 336, 448, 576, 672, 1008, 1344, 2016,
};

_Static_assert(HEAP_MAX_SMALL == 2016, "HEAP_MAX_SMALL must be the largest class");

struct heap kernel_heap = {
	.lock = SPINLOCK_INIT("kernel_heap"),
};

static struct heap_slab *slab_at(paddr_t pa)
{
	return phys_to_virt(pa);
}

static unsigned size_to_class(size_t size)
{
	unsigned c = 0;

	while (heap_class_size[c] < size)
		c++;
	return c;
}

static size_t class_slots(unsigned c)
{
	return SLAB_PAYLOAD / heap_class_size[c];
}

/* ---- frames and slabs ---- */

static void heap_put_frames(paddr_t pa, size_t count)
{
	/* Mark it dead first: a later kfree into this page is then recognised. */
	*(uint32_t *)phys_to_virt(pa) = DEAD_MAGIC;
	frame_free_contig(pa, count);
}

static void partial_push(unsigned c, paddr_t pa)
{
	struct heap_slab *s = slab_at(pa);
	paddr_t head = kernel_heap.partial[c];

	s->prev = 0;
	s->next = head;
	if (head)
		slab_at(head)->prev = pa;
	kernel_heap.partial[c] = pa;
}

static void partial_remove(unsigned c, paddr_t pa)
{
	struct heap_slab *s = slab_at(pa);

	if (s->prev)
		slab_at(s->prev)->next = s->next;
	else
		kernel_heap.partial[c] = s->next;
	if (s->next)
		slab_at(s->next)->prev = s->prev;
}

static void slab_destroy(paddr_t pa)
{
	unsigned c = slab_at(pa)->class_idx;

	kernel_heap.stats.frames_held--;
	kernel_heap.stats.bytes_free -= class_slots(c) * heap_class_size[c];
	heap_put_frames(pa, 1);
}

/* Give every spare empty slab back; returns how many there were. */
static size_t release_spares(void)
{
	size_t released = 0;

	for (unsigned c = 0; c < HEAP_NCLASSES; c++) {
		if (!kernel_heap.spare[c])
			continue;
		slab_destroy(kernel_heap.spare[c]);
		kernel_heap.spare[c] = 0;
		released++;
	}
	return released;
}

/*
 * `count` contiguous frames for the heap, or 0 (frame 0 is never handed
 * out: it would hold a frame bitmap). When the frame allocator is out, give
 * back the spare slabs and try once more, so spares never cause an ENOMEM.
 */
static paddr_t heap_get_frames(size_t count)
{
	paddr_t pa;

	if (frame_alloc_contig(count, 1, &pa) == 0)
		return pa;
	if (release_spares() == 0)
		return 0;
	return frame_alloc_contig(count, 1, &pa) == 0 ? pa : 0;
}

static paddr_t slab_create(unsigned c)
{
	paddr_t pa = heap_get_frames(1);
	size_t slots = class_slots(c);
	struct heap_slab *s;

	if (!pa)
		return 0;
	s = slab_at(pa);
	memset(s, 0, sizeof(*s));
	s->magic = SLAB_MAGIC;
	s->class_idx = (uint16_t)c;
	s->nfree = (uint16_t)slots;
	/* Bits past the last slot count as used, so a search never finds them. */
	for (size_t i = slots; i < 4 * 64; i++)
		s->used[i / 64] |= 1ull << (i % 64);
	kernel_heap.stats.frames_held++;
	kernel_heap.stats.bytes_free += slots * heap_class_size[c];
	return pa;
}

/* A slab of class c with a free slot, made the head of its partial list. */
static paddr_t slab_with_room(unsigned c)
{
	paddr_t pa = kernel_heap.partial[c];

	if (pa)
		return pa;
	pa = kernel_heap.spare[c];
	kernel_heap.spare[c] = 0;
	if (!pa)
		pa = slab_create(c);
	if (pa)
		partial_push(c, pa);
	return pa;
}

static size_t slab_take_slot(struct heap_slab *s)
{
	unsigned w = 0;
	size_t bit;

	/* nfree > 0, so some word has a clear bit. */
	while (s->used[w] == ~0ull)
		w++;
	bit = (size_t)__builtin_ctzll(~s->used[w]);
	s->used[w] |= 1ull << bit;
	s->nfree--;
	return w * 64 + bit;
}

static paddr_t small_alloc(size_t size)
{
	unsigned c = size_to_class(size);
	paddr_t pa = slab_with_room(c);
	struct heap_slab *s;
	size_t slot;

	if (!pa)
		return 0;
	s = slab_at(pa);
	slot = slab_take_slot(s);
	if (s->nfree == 0)
		partial_remove(c, pa); /* full slabs sit on no list */
	kernel_heap.stats.bytes_in_use += heap_class_size[c];
	kernel_heap.stats.bytes_free -= heap_class_size[c];
	return pa + sizeof(*s) + slot * heap_class_size[c];
}

/* Put the slab back where it belongs after one of its slots was freed. */
static void slab_after_free(paddr_t pa, struct heap_slab *s)
{
	unsigned c = s->class_idx;

	if (s->nfree == 1)
		partial_push(c, pa); /* it was full */
	if (s->nfree < class_slots(c))
		return;
	partial_remove(c, pa);
	if (!kernel_heap.spare[c])
		kernel_heap.spare[c] = pa;
	else
		slab_destroy(pa);
}

static const char *small_free(paddr_t slab_pa, paddr_t pa)
{
	struct heap_slab *s = slab_at(slab_pa);
	size_t size, offset, slot;

	if (s->class_idx >= HEAP_NCLASSES)
		return "slab header is corrupt";
	size = heap_class_size[s->class_idx];
	/* Below the first slot, the subtraction wraps and fails the test too. */
	offset = pa - slab_pa - sizeof(*s);
	if (offset % size || offset / size >= class_slots(s->class_idx))
		return "pointer is not the start of a heap object";
	slot = offset / size;
	if (!(s->used[slot / 64] & (1ull << (slot % 64))))
		return "object is already free (double free?)";

	s->used[slot / 64] &= ~(1ull << (slot % 64));
	s->nfree++;
	kernel_heap.stats.bytes_in_use -= size;
	kernel_heap.stats.bytes_free += size;
	slab_after_free(slab_pa, s);
	return NULL;
}

/* ---- large objects ---- */

static paddr_t large_alloc(size_t size)
{
	size_t frames;
	paddr_t pa;
	struct heap_large *h;

	if (size > SIZE_MAX - PAGE_SIZE - sizeof(*h))
		return 0;
	frames = (size + sizeof(*h) + PAGE_SIZE - 1) / PAGE_SIZE;
	pa = heap_get_frames(frames);
	if (!pa)
		return 0;
	h = phys_to_virt(pa);
	h->magic = LARGE_MAGIC;
	h->pad = 0;
	h->frames = frames;
	kernel_heap.stats.frames_held += frames;
	kernel_heap.stats.bytes_in_use += frames * PAGE_SIZE - sizeof(*h);
	return pa + sizeof(*h);
}

static const char *large_free(paddr_t run_pa, paddr_t pa)
{
	struct heap_large *h = phys_to_virt(run_pa);
	size_t frames = h->frames;

	if (pa != run_pa + sizeof(*h))
		return "pointer is not the start of a heap object";
	kernel_heap.stats.frames_held -= frames;
	kernel_heap.stats.bytes_in_use -= frames * PAGE_SIZE - sizeof(*h);
	heap_put_frames(run_pa, frames);
	return NULL;
}

/* ---- public interface ---- */

void *kmalloc(size_t size)
{
	unsigned long flags;
	paddr_t pa;

	if (size == 0)
		size = 1; /* a distinct, freeable object, as malloc(0) may give */
	flags = spin_lock_irqsave(&kernel_heap.lock);
	pa = size <= HEAP_MAX_SMALL ? small_alloc(size) : large_alloc(size);
	if (pa)
		kernel_heap.stats.allocs++;
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return pa ? phys_to_virt(pa) : NULL;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	return kzalloc(total);
}

/*
 * Why freeing pa would be a bug, or NULL after freeing it. The first word
 * of pa's page says what the page is: a slab, the head of a large run, a
 * page the heap already gave back, or something the heap never owned.
 */
static const char *heap_free_locked(paddr_t pa)
{
	paddr_t page = ALIGN_DOWN(pa, PAGE_SIZE);
	uint32_t magic;

	if (!IS_ALIGNED(pa, HEAP_ALIGN))
		return "pointer is not 16-byte aligned, so not from kmalloc";
	magic = *(const uint32_t *)phys_to_virt(page);
	if (magic == SLAB_MAGIC)
		return small_free(page, pa);
	if (magic == LARGE_MAGIC)
		return large_free(page, pa);
	if (magic == DEAD_MAGIC)
		return "page was already given back (double free?)";
	return "pointer was not handed out by kmalloc";
}

void kfree(void *p)
{
	unsigned long flags;
	const char *bug;

	if (!p)
		return;
	flags = spin_lock_irqsave(&kernel_heap.lock);
	bug = heap_free_locked(virt_to_phys(p));
	if (!bug)
		kernel_heap.stats.frees++;
	/* Unlock first so the panic path can still inspect the heap. */
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	if (bug)
		panic("kfree: %s (%p)", bug, p);
}

void heap_get_stats(struct heap_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&kernel_heap.lock);

	*st = kernel_heap.stats;
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

void heap_trim(void)
{
	unsigned long flags = spin_lock_irqsave(&kernel_heap.lock);

	release_spares();
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}
