/*
 * Host unit tests for the kernel heap (kernel/mm/heap.c) on top of the
 * real frame allocator.
 *
 * As in test_frame.c, a 16 MiB host buffer aligned to 2 MiB is RAM at
 * physical 0x40000000, and panic() longjmps back into the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/frame.h"
#include "mm/heap.h"

#define RAM_PA 0x40000000ul
#define RAM_SIZE (16ul << 20)
#define MiB (1ul << 20)

uintptr_t mm_linear_offset;

static unsigned char *ram;
static size_t start_free; /* frame_free_count() before the heap ran */

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
		assert_false(spin_is_locked(&kernel_heap.lock));             \
		assert_true(host_irqs_enabled);                              \
	} while (0)

/* ---- fixtures ---- */

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

/* Fresh frame allocator over all of RAM (less a "kernel image"), empty heap. */
static int test_setup(void **state)
{
	(void)state;
	memset(ram, 0xa5, RAM_SIZE);
	memset(&frame_allocator, 0, sizeof(frame_allocator));
	spin_init(&frame_allocator.lock, "frame_allocator");
	memset(&kernel_heap, 0, sizeof(kernel_heap));
	spin_init(&kernel_heap.lock, "kernel_heap");
	if (frame_add_region(RAM_PA, RAM_PA + RAM_SIZE) ||
	    frame_reserve(RAM_PA + MiB, RAM_PA + 2 * MiB))
		return -1;
	start_free = frame_free_count();
	return 0;
}

static bool in_ram(const void *p, size_t size)
{
	const unsigned char *c = p;

	return c >= ram && c + size <= ram + RAM_SIZE;
}

/*
 * Once everything is freed the heap may keep one spare slab per class
 * (the documented bound); heap_trim() gives those back too.
 */
static void assert_heap_empty(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	assert_int_equal(st.bytes_in_use, 0);
	assert_true(st.frames_held <= HEAP_NCLASSES);
	assert_int_equal(frame_free_count(), start_free - st.frames_held);
	heap_trim();
	heap_get_stats(&st);
	assert_int_equal(st.frames_held, 0);
	assert_int_equal(st.bytes_free, 0);
	assert_int_equal(st.allocs, st.frees);
	assert_int_equal(frame_free_count(), start_free);
	assert_true(host_irqs_enabled);
}

/* xorshift64: a seeded generator, so a failing sequence can be replayed. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned char pattern(size_t id, size_t i)
{
	return (unsigned char)(id * 131 + i * 7 + 1);
}

static void fill(unsigned char *p, size_t size, size_t id)
{
	for (size_t i = 0; i < size; i++)
		p[i] = pattern(id, i);
}

static void check(const unsigned char *p, size_t size, size_t id)
{
	for (size_t i = 0; i < size; i++)
		if (p[i] != pattern(id, i))
			fail_msg("object %zu byte %zu overwritten", id, i);
}

/* ---- tests ---- */

static void test_sizes_and_alignment(void **state)
{
	static void *objs[1000];
	size_t n = 0;

	(void)state;
	for (size_t size = 0; size <= 9000; size += size < 2100 ? 3 : 97) {
		unsigned char *p = kmalloc(size);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % HEAP_ALIGN, 0);
		assert_true(in_ram(p, size));
		memset(p, 0x5a, size);
		assert_true(n < 1000);
		objs[n++] = p;
	}
	for (size_t i = 0; i < n; i++)
		kfree(objs[i]);
	assert_heap_empty();
}

/*
 * Fill several slabs of every size: a small object never crosses into the
 * next page, and the patterns show that no two objects share bytes.
 */
static void test_every_size_fills_slabs(void **state)
{
	enum { MAX = 3 * 4032 / 16 + 1 };
	static unsigned char *objs[MAX];

	(void)state;
	for (size_t size = 16; size <= HEAP_MAX_SMALL; size += 16) {
		size_t n = 3 * (4032 / size) + 1;

		for (size_t i = 0; i < n; i++) {
			objs[i] = kmalloc(size);
			assert_non_null(objs[i]);
			assert_true(((uintptr_t)objs[i] & 4095) + size <= 4096);
			fill(objs[i], size, i);
		}
		for (size_t i = 0; i < n; i++) {
			check(objs[i], size, i);
			kfree(objs[i]);
		}
	}
	assert_heap_empty();
}

static void test_kmalloc_zero_and_null(void **state)
{
	void *a = kmalloc(0), *b = kmalloc(0);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	kfree(a);
	kfree(b);
	kfree(NULL);
	assert_heap_empty();
}

/*
 * Random interleaved kmalloc/kfree, every object filled with a pattern of
 * its own and checked before it is freed: two objects sharing bytes, or
 * heap metadata inside an object, breaks a pattern.
 */
static void random_run(uint64_t seed)
{
	enum { SLOTS = 400, STEPS = 20000 };
	static unsigned char *obj[SLOTS];
	static size_t size[SLOTS], id[SLOTS];
	size_t next_id = 1, live = 0;
	struct heap_stats st;

	rng_state = seed;
	memset(obj, 0, sizeof(obj));
	for (size_t step = 0; step < STEPS; step++) {
		size_t s = rng() % SLOTS;
		uint64_t r = rng();

		if (obj[s]) {
			check(obj[s], size[s], id[s]);
			kfree(obj[s]);
			obj[s] = NULL;
			live--;
			continue;
		}
		/* Mostly small objects, some near the class limit, a few large. */
		if (r % 100 < 80)
			size[s] = r / 100 % 300;
		else if (r % 100 < 95)
			size[s] = r / 100 % (HEAP_MAX_SMALL + 200);
		else
			size[s] = r / 100 % 20000;
		obj[s] = kmalloc(size[s]);
		assert_non_null(obj[s]);
		assert_int_equal((uintptr_t)obj[s] % HEAP_ALIGN, 0);
		assert_true(in_ram(obj[s], size[s]));
		id[s] = next_id++;
		fill(obj[s], size[s], id[s]);
		live++;
	}
	heap_get_stats(&st);
	assert_int_equal(st.allocs - st.frees, live);
	assert_int_equal(frame_free_count(), start_free - st.frames_held);
	for (size_t s = 0; s < SLOTS; s++) {
		if (!obj[s])
			continue;
		check(obj[s], size[s], id[s]);
		kfree(obj[s]);
	}
	assert_heap_empty();
}

static void test_random_sequences(void **state)
{
	(void)state;
	random_run(0x1234567887654321ull);
	random_run(42);
	random_run(0xdeadbeefcafef00dull);
}

static void test_kzalloc_zeroes(void **state)
{
	static const size_t sizes[] = { 1, 100, 2016, 5000, 3 * 4096 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = kmalloc(sizes[i]);

		/* Dirty the memory so the next object of this size reuses junk. */
		memset(p, 0xff, sizes[i]);
		kfree(p);
		p = kzalloc(sizes[i]);
		assert_non_null(p);
		for (size_t j = 0; j < sizes[i]; j++)
			assert_int_equal(p[j], 0);
		kfree(p);
	}
	assert_heap_empty();
}

static void test_kcalloc(void **state)
{
	struct heap_stats before, after;
	uint32_t *a;

	(void)state;
	heap_get_stats(&before);
	assert_null(kcalloc(SIZE_MAX / 2, 4));
	assert_null(kcalloc(SIZE_MAX, SIZE_MAX));
	assert_null(kcalloc((SIZE_MAX >> 4) + 1, 16));
	heap_get_stats(&after);
	assert_int_equal(after.allocs, before.allocs);
	assert_int_equal(after.frames_held, before.frames_held);

	a = kcalloc(1000, sizeof(*a));
	assert_non_null(a);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(a[i], 0);
	kfree(a);
	assert_heap_empty();
}

/* A large object takes its own run of frames and returns it at once. */
static void test_large_frames_returned(void **state)
{
	size_t before = frame_free_count();
	void *p = kmalloc(3 * 4096);
	struct heap_stats st;

	(void)state;
	assert_non_null(p);
	/* 12 KiB plus the 16-byte header needs four frames. */
	assert_int_equal(frame_free_count(), before - 4);
	heap_get_stats(&st);
	assert_int_equal(st.frames_held, 4);
	assert_int_equal(st.bytes_in_use, 4 * 4096 - 16);
	kfree(p);
	assert_int_equal(frame_free_count(), before);
}

/* A slab stays while it has objects and becomes the class's one spare after. */
static void test_slab_spare_policy(void **state)
{
	enum { N = 4032 / 48 * 3 }; /* three slabs of 48-byte objects */
	static void *objs[N];
	struct heap_stats st;

	(void)state;
	for (size_t i = 0; i < N; i++)
		assert_non_null(objs[i] = kmalloc(40));
	heap_get_stats(&st);
	assert_int_equal(st.frames_held, 3);
	assert_int_equal(st.bytes_in_use, N * 48);
	assert_int_equal(st.bytes_free, 0);
	for (size_t i = 0; i < N; i++)
		kfree(objs[i]);
	heap_get_stats(&st);
	assert_int_equal(st.frames_held, 1);
	assert_int_equal(st.bytes_free, 4032);
	assert_int_equal(frame_free_count(), start_free - 1);
	assert_heap_empty();
}

/*
 * Fill memory until kmalloc fails; failures must change nothing, and after
 * some frees allocation works again, using the spare slab it frees up.
 */
static void test_exhaustion_recovers(void **state)
{
	enum { MAX = RAM_SIZE / 1008 + 1 };
	static void *objs[MAX];
	struct heap_stats full, st;
	size_t n = 0;
	void *p;

	(void)state;
	while ((p = kmalloc(1000)) != NULL) {
		assert_true(n < MAX);
		objs[n++] = p;
	}
	assert_int_equal(n, start_free * 4); /* four 1008-byte slots per slab */
	assert_int_equal(frame_free_count(), 0);
	heap_get_stats(&full);
	assert_null(kmalloc(16));
	assert_null(kmalloc(5000));
	assert_null(kmalloc(SIZE_MAX));
	assert_null(kmalloc(SIZE_MAX - 4096));
	assert_null(kzalloc(32 * MiB));
	heap_get_stats(&st);
	assert_memory_equal(&st, &full, sizeof(st));

	/* Empty one slab: it becomes the 1008-byte class's spare... */
	for (size_t i = 0; i < 4; i++)
		kfree(objs[n - 1 - i]);
	n -= 4;
	assert_int_equal(frame_free_count(), 0);
	/* ...which the 16-byte class gets when the frame allocator is out. */
	p = kmalloc(16);
	assert_non_null(p);
	assert_true(in_ram(p, 16));
	kfree(p);

	for (size_t i = 0; i < n; i++)
		kfree(objs[i]);
	assert_heap_empty();
	p = kmalloc(8 * MiB);
	assert_non_null(p);
	kfree(p);
	assert_heap_empty();
}

static void test_bad_kfree_panics(void **state)
{
	unsigned char *small = kmalloc(64), *large = kmalloc(10000);
	unsigned char *other = kmalloc(32);
	struct heap_stats before, after;
	paddr_t foreign;

	(void)state;
	assert_int_equal(frame_alloc_zeroed(&foreign), 0);
	heap_get_stats(&before);

	assert_panics(kfree(small + 8), "not 16-byte aligned");
	assert_panics(kfree(small + 16), "not the start");
	assert_panics(kfree(small + 64), "double free"); /* a slot never handed out */
	assert_panics(kfree(large + 16), "not the start");
	assert_panics(kfree(large + 4096), "not handed out");
	assert_panics(kfree((char *)phys_to_virt(foreign) + 64), "not handed out");
	heap_get_stats(&after);
	assert_memory_equal(&after, &before, sizeof(after));

	kfree(small);
	assert_panics(kfree(small), "double free");
	kfree(large);
	assert_panics(kfree(large), "double free");

	/* The heap still works after all that. */
	small = kmalloc(64);
	assert_non_null(small);
	kfree(small);
	kfree(other);
	frame_free(foreign);
	assert_heap_empty();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sizes_and_alignment, test_setup),
		cmocka_unit_test_setup(test_every_size_fills_slabs, test_setup),
		cmocka_unit_test_setup(test_kmalloc_zero_and_null, test_setup),
		cmocka_unit_test_setup(test_random_sequences, test_setup),
		cmocka_unit_test_setup(test_kzalloc_zeroes, test_setup),
		cmocka_unit_test_setup(test_kcalloc, test_setup),
		cmocka_unit_test_setup(test_large_frames_returned, test_setup),
		cmocka_unit_test_setup(test_slab_spare_policy, test_setup),
		cmocka_unit_test_setup(test_exhaustion_recovers, test_setup),
		cmocka_unit_test_setup(test_bad_kfree_panics, test_setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
