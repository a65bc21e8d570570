/*
 * Host unit tests for the physical frame allocator (kernel/mm/frame.c).
 *
 * A 16 MiB host buffer, aligned to 2 MiB, plays the part of RAM at physical
 * address 0x40000000: mm_linear_offset is set so that phys_to_virt() of
 * that range lands in the buffer. panic() is provided here and longjmps
 * back into the test that expected it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "lib/errno.h"
#include "mm/frame.h"

#define RAM_PA 0x40000000ul
#define RAM_SIZE (16ul << 20)
#define RAM_FRAMES (RAM_SIZE / PAGE_SIZE)
#define MiB (1ul << 20)

uintptr_t mm_linear_offset;

static unsigned char *ram;

/* ---- panic() for the code under test ---- */

static jmp_buf panic_jmp;
static bool panic_expected;
static char panic_msg[256];

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	if (!panic_expected) {
		fprintf(stderr, "unexpected panic: %s\n", panic_msg);
		abort();
	}
	panic_expected = false;
	longjmp(panic_jmp, 1);
}

/* Run stmt, which must panic with a message containing `needle`. */
#define assert_panics(stmt, needle)                                          \
	do {                                                                 \
		panic_expected = true;                                       \
		if (setjmp(panic_jmp) == 0) {                                \
			stmt;                                                \
			fail_msg("no panic from: %s", #stmt);                \
		}                                                            \
		assert_non_null(strstr(panic_msg, needle));                  \
		assert_false(spin_is_locked(&frame_allocator.lock));         \
		assert_true(host_irqs_enabled);                              \
	} while (0)

/* ---- fixtures ---- */

static paddr_t pa(size_t frame)
{
	return RAM_PA + frame * PAGE_SIZE;
}

static void reset_allocator(void)
{
	memset(&frame_allocator, 0, sizeof(frame_allocator));
	spin_init(&frame_allocator.lock, "frame_allocator");
}

static int group_setup(void **state)
{
	(void)state;
	ram = aligned_alloc(2 * MiB, RAM_SIZE);
	if (!ram)
		return -1;
	mm_linear_offset = (uintptr_t)ram - RAM_PA;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

/* Every test starts with no regions and RAM full of junk. */
static int test_setup(void **state)
{
	(void)state;
	mm_linear_offset = (uintptr_t)ram - RAM_PA;
	memset(ram, 0xa5, RAM_SIZE);
	reset_allocator();
	return 0;
}

/* Free every frame in frames[0..n) and check the count comes back. */
static void free_all(paddr_t *frames, size_t n, size_t expect_free)
{
	for (size_t i = 0; i < n; i++)
		frame_free(frames[i]);
	assert_int_equal(frame_free_count(), expect_free);
}

/* ---- tests ---- */

static void test_add_region_accounting(void **state)
{
	paddr_t start, end;
	size_t free;

	(void)state;
	assert_int_equal(frame_add_region(RAM_PA, RAM_PA + RAM_SIZE), 0);
	assert_int_equal(frame_total_count(), RAM_FRAMES);
	/* 4096 frames need 4096 bits: one bitmap frame. */
	assert_int_equal(frame_free_count(), RAM_FRAMES - 1);
	assert_int_equal(frame_region_info(0, &start, &end, &free), 0);
	assert_int_equal(start, RAM_PA);
	assert_int_equal(end, RAM_PA + RAM_SIZE);
	assert_int_equal(free, RAM_FRAMES - 1);
	assert_int_equal(frame_region_info(1, &start, NULL, NULL), -EINVAL);
	assert_int_equal(frame_region_info(0, NULL, NULL, NULL), 0);
	assert_true(host_irqs_enabled);
}

static void test_add_region_rounds_inward(void **state)
{
	paddr_t start, end;

	(void)state;
	assert_int_equal(frame_add_region(RAM_PA + 100, RAM_PA + MiB + 5000), 0);
	assert_int_equal(frame_region_info(0, &start, &end, NULL), 0);
	assert_int_equal(start, RAM_PA + PAGE_SIZE);
	assert_int_equal(end, RAM_PA + MiB + PAGE_SIZE);
	assert_int_equal(frame_total_count(), 256);
}

static void test_add_region_errors(void **state)
{
	(void)state;
	assert_int_equal(frame_add_region(RAM_PA, RAM_PA), -EINVAL);
	assert_int_equal(frame_add_region(RAM_PA + MiB, RAM_PA), -EINVAL);
	assert_int_equal(frame_add_region(RAM_PA + 100, RAM_PA + 200), -EINVAL);
	/* One frame would hold only its own bitmap. */
	assert_int_equal(frame_add_region(RAM_PA, RAM_PA + PAGE_SIZE), -EINVAL);
	assert_int_equal(frame_add_region(UINT64_MAX - 10, UINT64_MAX), -EINVAL);
	assert_int_equal(frame_total_count(), 0);

	assert_int_equal(frame_add_region(RAM_PA + MiB, RAM_PA + 2 * MiB), 0);
	assert_int_equal(frame_add_region(RAM_PA, RAM_PA + MiB + PAGE_SIZE), -EINVAL);
	assert_int_equal(frame_add_region(RAM_PA + 2 * MiB - PAGE_SIZE, RAM_PA + 3 * MiB),
			 -EINVAL);
	assert_int_equal(frame_add_region(RAM_PA + MiB, RAM_PA + 2 * MiB), -EINVAL);
	assert_int_equal(frame_total_count(), 256);
}

static void test_region_limit(void **state)
{
	(void)state;
	for (size_t i = 0; i < FRAME_MAX_REGIONS; i++)
		assert_int_equal(frame_add_region(pa(4 * i), pa(4 * i + 2)), 0);
	assert_int_equal(frame_add_region(pa(100), pa(110)), -ENOSPC);
	assert_int_equal(frame_total_count(), 2 * FRAME_MAX_REGIONS);
	assert_int_equal(frame_free_count(), FRAME_MAX_REGIONS);
}

/*
 * Allocate everything: each frame must be new, page aligned, inside RAM and
 * outside the bitmap and the reserved ranges. Each frame is filled with its
 * own number, so two frames sharing memory, or a frame on top of the
 * bitmap, shows up when the contents are checked or the frames are freed.
 */
static void test_alloc_until_enomem(void **state)
{
	static paddr_t frames[RAM_FRAMES];
	static bool seen[RAM_FRAMES];
	size_t n = 0, start_free;
	paddr_t p, untouched = 0x1234;

	(void)state;
	memset(seen, 0, sizeof(seen));
	assert_int_equal(frame_add_region(RAM_PA, RAM_PA + RAM_SIZE), 0);
	assert_int_equal(frame_reserve(RAM_PA + MiB + 100, RAM_PA + 2 * MiB), 0);
	assert_int_equal(frame_reserve(RAM_PA + 8 * MiB, RAM_PA + 8 * MiB + 1), 0);
	start_free = frame_free_count();
	assert_int_equal(start_free, RAM_FRAMES - 1 - 256 - 1);

	while (frame_alloc(&p) == 0) {
		size_t f = (p - RAM_PA) / PAGE_SIZE;

		assert_true(p >= RAM_PA && p < RAM_PA + RAM_SIZE);
		assert_int_equal(p % PAGE_SIZE, 0);
		assert_false(seen[f]);
		assert_true(f != 0);
		assert_false(p >= RAM_PA + MiB && p < RAM_PA + 2 * MiB);
		assert_true(p != RAM_PA + 8 * MiB);
		seen[f] = true;
		memset(phys_to_virt(p), (int)(f & 0xff), PAGE_SIZE);
		frames[n++] = p;
	}
	assert_int_equal(n, start_free);
	assert_int_equal(frame_free_count(), 0);

	/* Exhausted: every entry point says so and leaves *out alone. */
	assert_int_equal(frame_alloc(&untouched), -ENOMEM);
	assert_int_equal(frame_alloc_zeroed(&untouched), -ENOMEM);
	assert_int_equal(frame_alloc_contig(1, 1, &untouched), -ENOMEM);
	assert_int_equal(untouched, 0x1234);

	for (size_t i = 0; i < n; i++) {
		unsigned char *v = phys_to_virt(frames[i]);
		unsigned char want = (unsigned char)((frames[i] - RAM_PA) / PAGE_SIZE);

		assert_int_equal(v[0], want);
		assert_int_equal(v[PAGE_SIZE - 1], want);
	}
	free_all(frames, n, start_free);
	assert_int_equal(frame_alloc(&p), 0);
	frame_free(p);
	assert_true(host_irqs_enabled);
}

static void test_alloc_zeroed(void **state)
{
	paddr_t p;
	unsigned char *v;

	(void)state;
	assert_int_equal(frame_add_region(RAM_PA, RAM_PA + MiB), 0);
	assert_int_equal(frame_alloc_zeroed(&p), 0);
	v = phys_to_virt(p);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(v[i], 0);
	frame_free(p);
}

static void test_contig_alignment(void **state)
{
	static const size_t aligns[] = { 1, 2, 4, 8, 16, 64 };
	static const size_t counts[] = { 1, 3, 8, 17 };
	static bool seen[RAM_FRAMES];
	size_t start_free;

	(void)state;
	memset(seen, 0, sizeof(seen));
	assert_int_equal(frame_add_region(RAM_PA, RAM_PA + RAM_SIZE), 0);
	start_free = frame_free_count();
	for (size_t a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++) {
		for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
			paddr_t p;
			size_t f;

			assert_int_equal(frame_alloc_contig(counts[c], aligns[a], &p), 0);
			assert_int_equal(p % (aligns[a] * PAGE_SIZE), 0);
			assert_true(p > RAM_PA && p + counts[c] * PAGE_SIZE <= RAM_PA + RAM_SIZE);
			f = (p - RAM_PA) / PAGE_SIZE;
			for (size_t i = f; i < f + counts[c]; i++) {
				assert_false(seen[i]);
				seen[i] = true;
			}
		}
	}
	for (size_t f = 0; f < RAM_FRAMES; f++)
		if (seen[f])
			frame_free(pa(f));
	assert_int_equal(frame_free_count(), start_free);
}

/* A region that starts just past a 2 MiB boundary must skip to the next one. */
static void test_contig_skips_to_alignment(void **state)
{
	paddr_t p, q, single;

	(void)state;
	assert_int_equal(frame_add_region(pa(3), RAM_PA + RAM_SIZE), 0);
	assert_int_equal(frame_alloc_contig(512, 512, &p), 0);
	assert_int_equal(p, RAM_PA + 2 * MiB);

	/* A used frame in the middle of a candidate run forces the next run. */
	assert_int_equal(frame_reserve(RAM_PA + 4 * MiB + 5 * PAGE_SIZE,
				       RAM_PA + 4 * MiB + 6 * PAGE_SIZE), 0);
	assert_int_equal(frame_alloc_contig(16, 16, &q), 0);
	assert_int_equal(q, pa(16));
	frame_free_contig(q, 16);
	assert_int_equal(frame_alloc_contig(512, 512, &q), 0);
	assert_int_equal(q, RAM_PA + 6 * MiB);

	assert_int_equal(frame_alloc(&single), 0);
	assert_int_equal(single, pa(4)); /* first frame after the bitmap */
	frame_free(single);
	frame_free_contig(p, 512);
	frame_free_contig(q, 512);
}

static void test_contig_errors(void **state)
{
	size_t start_free;
	paddr_t p = 0x1234;

	(void)state;
	assert_int_equal(frame_add_region(RAM_PA, RAM_PA + MiB), 0);
	start_free = frame_free_count();
	assert_int_equal(frame_alloc_contig(0, 1, &p), -EINVAL);
	assert_int_equal(frame_alloc_contig(1, 0, &p), -EINVAL);
	assert_int_equal(frame_alloc_contig(1, 3, &p), -EINVAL);
	assert_int_equal(frame_alloc_contig(256, 1, &p), -ENOMEM); /* bitmap takes one */
	assert_int_equal(frame_alloc_contig(SIZE_MAX, 1, &p), -ENOMEM);
	assert_int_equal(frame_alloc_contig(1, 1ul << 40, &p), -ENOMEM);
	assert_int_equal(frame_alloc_contig(1, 1ul << 63, &p), -ENOMEM);
	assert_int_equal(p, 0x1234);
	assert_int_equal(frame_free_count(), start_free);

	assert_int_equal(frame_alloc_contig(255, 1, &p), 0);
	assert_int_equal(p, pa(1));
	assert_int_equal(frame_free_count(), 0);
	frame_free_contig(p, 255);
	assert_int_equal(frame_free_count(), start_free);
}

static void test_reserve_clipping(void **state)
{
	size_t free0;
	paddr_t p;

	(void)state;
	/* Region: frames 256..511 of RAM; frame 256 holds its bitmap. */
	assert_int_equal(frame_add_region(RAM_PA + MiB, RAM_PA + 2 * MiB), 0);
	free0 = frame_free_count();
	assert_int_equal(free0, 255);

	/* Starts below the region; the partial last page counts whole. */
	assert_int_equal(frame_reserve(RAM_PA, RAM_PA + MiB + 2 * PAGE_SIZE + 1), 0);
	assert_int_equal(frame_free_count(), free0 - 2);
	/* Ends above the region; starts mid-page. */
	assert_int_equal(frame_reserve(RAM_PA + 2 * MiB - PAGE_SIZE - 1, RAM_PA + 3 * MiB), 0);
	assert_int_equal(frame_free_count(), free0 - 4);
	/* Wholly outside, twice over, empty, backwards. */
	assert_int_equal(frame_reserve(RAM_PA + 4 * MiB, RAM_PA + 5 * MiB), 0);
	assert_int_equal(frame_reserve(RAM_PA, RAM_PA + MiB + 2 * PAGE_SIZE), 0);
	assert_int_equal(frame_reserve(RAM_PA + MiB + 8 * PAGE_SIZE, RAM_PA + MiB + 8 * PAGE_SIZE), 0);
	assert_int_equal(frame_reserve(RAM_PA + MiB, RAM_PA), -EINVAL);
	assert_int_equal(frame_free_count(), free0 - 4);

	while (frame_alloc(&p) == 0) {
		assert_true(p >= RAM_PA + MiB + 3 * PAGE_SIZE);
		assert_true(p < RAM_PA + 2 * MiB - 2 * PAGE_SIZE);
	}
	/* A reserved range can be handed over later, e.g. an unpacked initrd. */
	frame_free_contig(RAM_PA + MiB + PAGE_SIZE, 2);
	assert_int_equal(frame_alloc(&p), 0);
	assert_int_equal(p, RAM_PA + MiB + PAGE_SIZE);
}

static void test_free_bugs_panic(void **state)
{
	paddr_t p, run;
	size_t free_before;

	(void)state;
	assert_int_equal(frame_add_region(RAM_PA, RAM_PA + MiB), 0);
	assert_int_equal(frame_alloc(&p), 0);
	frame_free(p);
	free_before = frame_free_count();

	assert_panics(frame_free(p), "double free");
	assert_panics(frame_free(RAM_PA + 4 * MiB), "not managed");
	assert_panics(frame_free(RAM_PA - PAGE_SIZE), "not managed");
	assert_panics(frame_free(p + 8), "not page aligned");
	assert_panics(frame_free(RAM_PA), "bitmap");
	assert_panics(frame_free_contig(p, 0), "zero frames");
	assert_int_equal(frame_free_count(), free_before);

	/* A run of which only a part is allocated: nothing may be freed. */
	assert_int_equal(frame_alloc_contig(4, 1, &run), 0);
	assert_panics(frame_free_contig(run, 5), "not allocated");
	assert_panics(frame_free_contig(run, 1000), "past the end");
	assert_int_equal(frame_free_count(), free_before - 4);
	frame_free_contig(run, 4);
	assert_int_equal(frame_free_count(), free_before);
}

static void test_multiple_regions(void **state)
{
	static const struct {
		paddr_t start, end;
	} regions[] = {
		{ RAM_PA, RAM_PA + 2 * MiB },
		{ RAM_PA + 10 * MiB, RAM_PA + 16 * MiB },
		{ RAM_PA + 4 * MiB, RAM_PA + 6 * MiB },
	};
	static paddr_t frames[RAM_FRAMES];
	size_t n = 0, per_region[4] = { 0 }, start_free; /* [3]: in no region */
	paddr_t p;

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(frame_add_region(regions[i].start, regions[i].end), 0);
	assert_int_equal(frame_total_count(), 512 + 1536 + 512);
	start_free = frame_free_count();
	assert_int_equal(start_free, 512 + 1536 + 512 - 3);

	/* A run cannot span the hole between two regions. */
	assert_int_equal(frame_alloc_contig(1536, 1, &p), -ENOMEM);
	assert_int_equal(frame_alloc_contig(1535, 1, &p), 0);
	assert_int_equal(p, regions[1].start + PAGE_SIZE);
	frame_free_contig(p, 1535);

	while (frame_alloc(&p) == 0) {
		unsigned i;

		for (i = 0; i < 3; i++)
			if (p > regions[i].start && p < regions[i].end)
				break;
		per_region[i]++;
		frames[n++] = p;
	}
	assert_int_equal(per_region[0], 511);
	assert_int_equal(per_region[1], 1535);
	assert_int_equal(per_region[2], 511);
	assert_int_equal(per_region[3], 0);
	for (unsigned i = 0; i < 3; i++) {
		size_t free;

		assert_int_equal(frame_region_info(i, NULL, NULL, &free), 0);
		assert_int_equal(free, 0);
	}
	free_all(frames, n, start_free);
	assert_panics(frame_free(RAM_PA + 8 * MiB), "not managed");
}

/* A region big enough that its bitmap needs several frames. */
static void test_multi_frame_bitmap(void **state)
{
	const size_t size = 160 * MiB; /* 40960 frames: two bitmap frames */
	void *big = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t n = 0;
	paddr_t p, last = 0;

	(void)state;
	assert_true(big != MAP_FAILED);
	mm_linear_offset = (uintptr_t)big - RAM_PA;
	assert_int_equal(frame_add_region(RAM_PA, RAM_PA + size), 0);
	assert_int_equal(frame_free_count(), size / PAGE_SIZE - 2);
	/* A fresh region hands frames out in address order. */
	while (frame_alloc(&p) == 0) {
		assert_true(p > last && p >= RAM_PA + 2 * PAGE_SIZE);
		last = p;
		n++;
	}
	assert_int_equal(n, size / PAGE_SIZE - 2);
	assert_int_equal(last, RAM_PA + size - PAGE_SIZE);
	assert_panics(frame_free(RAM_PA + PAGE_SIZE), "bitmap");
	frame_free(RAM_PA + 40000 * PAGE_SIZE);
	assert_int_equal(frame_alloc(&p), 0);
	assert_int_equal(p, RAM_PA + 40000 * PAGE_SIZE);
	munmap(big, size);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add_region_accounting, test_setup),
		cmocka_unit_test_setup(test_add_region_rounds_inward, test_setup),
		cmocka_unit_test_setup(test_add_region_errors, test_setup),
		cmocka_unit_test_setup(test_region_limit, test_setup),
		cmocka_unit_test_setup(test_alloc_until_enomem, test_setup),
		cmocka_unit_test_setup(test_alloc_zeroed, test_setup),
		cmocka_unit_test_setup(test_contig_alignment, test_setup),
		cmocka_unit_test_setup(test_contig_skips_to_alignment, test_setup),
		cmocka_unit_test_setup(test_contig_errors, test_setup),
		cmocka_unit_test_setup(test_reserve_clipping, test_setup),
		cmocka_unit_test_setup(test_free_bugs_panic, test_setup),
		cmocka_unit_test_setup(test_multiple_regions, test_setup),
		cmocka_unit_test_setup(test_multi_frame_bitmap, test_setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
