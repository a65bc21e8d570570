/*
 * The address space a program grows (brk, anonymous mmap, malloc on top of
 * both) and time (nanosleep, clock_gettime).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "loupe.h"
#include "utest.h"

#define PAGE 4096ul

static int all_bytes(const unsigned char *p, size_t n, unsigned char value)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != value)
			return 0;
	return 1;
}

/* Raw brk: musl's brk() refuses to move the break on purpose. */
static uintptr_t raw_brk(uintptr_t addr)
{
	return (uintptr_t)loupe_syscall(SYS_brk, addr, 0, 0);
}

extern char _end[]; /* end of the program's bss */

void check_brk(void)
{
	const size_t grow = 100000;
	uintptr_t start = raw_brk(0);
	unsigned char *p = (unsigned char *)start;
	size_t first_page_rest = (PAGE - start % PAGE) % PAGE;

	CHECK(start >= (uintptr_t)_end);
	CHECK_EQ(raw_brk(start + grow), start + grow);
	CHECK(all_bytes(p, grow, 0));
	memset(p, 0x5a, grow);
	CHECK(all_bytes(p, grow, 0x5a));
	/* Shrinking frees the pages: growing again must not show old data
	 * (except in the page the break started in, which stays mapped). */
	CHECK_EQ(raw_brk(start), start);
	CHECK_EQ(raw_brk(start + grow), start + grow);
	CHECK(all_bytes(p + first_page_rest, grow - first_page_rest, 0));
	/* A break the address space cannot hold leaves it where it was. */
	CHECK_EQ(raw_brk(start + (1ul << 46)), start + grow);
	CHECK_EQ(raw_brk(start), start);
}

static void *anon_map(size_t len, int prot)
{
	return (void *)loupe_syscall6(SYS_mmap, 0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

void check_mmap(void)
{
	const size_t len = 5 * PAGE;
	unsigned char *a = anon_map(len, PROT_READ | PROT_WRITE);
	unsigned char *b = anon_map(PAGE, PROT_READ | PROT_WRITE);

	CHECK(!loupe_is_error((long)a) && !loupe_is_error((long)b));
	if (loupe_is_error((long)a) || loupe_is_error((long)b))
		return;
	CHECK_EQ((uintptr_t)a % PAGE, 0);
	CHECK(b + PAGE <= a || b >= a + len);
	CHECK(all_bytes(a, len, 0));
	memset(a, 0xa5, len);
	memset(b, 0x3c, PAGE);
	CHECK(all_bytes(a, len, 0xa5));
	CHECK(all_bytes(b, PAGE, 0x3c));
	CHECK_EQ(loupe_syscall(SYS_munmap, a, len, 0), 0);
	CHECK_EQ(loupe_syscall(SYS_munmap, b, PAGE, 0), 0);
	/* Errors Linux gives too. */
	CHECK_EQ((long)anon_map(0, PROT_READ), -EINVAL);
	CHECK_EQ(loupe_syscall(SYS_munmap, (uintptr_t)a + 1, PAGE, 0), -EINVAL);
	CHECK(loupe_is_error(loupe_syscall6(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, 3, 0)));
}

/* Each of these crasher modes must die of SIGSEGV (see crasher.c). */
void check_mmap_faults(void)
{
	static const char *const modes[] = { "after-munmap", "mmap-readonly" };

	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char *argv[] = { "crasher", (char *)modes[i], NULL };
		int status = check_run_child(argv, NULL);

		if (status < 0 || !WIFSIGNALED(status) || WTERMSIG(status) != 11)
			check_fail(__FILE__, __LINE__, "crasher %s: wait status %#x, want SIGSEGV",
				   modes[i], status);
	}
}

void check_malloc(void)
{
	enum { SMALL = 200 };
	unsigned char *small[SMALL];
	unsigned char *big = malloc(1 << 20); /* musl serves this with mmap */

	CHECK(big != NULL);
	if (big) {
		memset(big, 0x11, 1 << 20);
		CHECK(all_bytes(big, 1 << 20, 0x11));
		free(big);
	}
	for (int i = 0; i < SMALL; i++) {
		small[i] = malloc(16 + i);
		CHECK(small[i] != NULL);
		if (small[i])
			memset(small[i], i, 16 + i);
	}
	for (int i = 0; i < SMALL; i++) {
		if (small[i])
			CHECK(all_bytes(small[i], 16 + i, (unsigned char)i));
		free(small[i]);
	}
}

static int64_t monotonic_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ll + t.tv_nsec;
}

void check_nanosleep(void)
{
	static const long asked_ns[] = { 1000000, 10000000, 30000000, 1200000000 };

	for (unsigned i = 0; i < sizeof(asked_ns) / sizeof(asked_ns[0]); i++) {
		struct timespec req = { asked_ns[i] / 1000000000, asked_ns[i] % 1000000000 };
		int64_t before = monotonic_ns(), slept;

		CHECK_EQ(loupe_syscall(SYS_nanosleep, &req, NULL, 0), 0);
		slept = monotonic_ns() - before;
		if (slept < asked_ns[i])
			check_fail(__FILE__, __LINE__, "asked to sleep %ld ns, slept %lld ns",
				   asked_ns[i], (long long)slept);
	}
	struct timespec zero = { 0, 0 }, bad_ns = { 0, 1000000000 }, negative = { -1, 0 };

	CHECK_EQ(loupe_syscall(SYS_nanosleep, &zero, NULL, 0), 0);
	CHECK_EQ(loupe_syscall(SYS_nanosleep, &bad_ns, NULL, 0), -EINVAL);
	CHECK_EQ(loupe_syscall(SYS_nanosleep, &negative, NULL, 0), -EINVAL);
}

void check_clock(void)
{
	struct timespec t;
	int64_t last = monotonic_ns();

	for (int i = 0; i < 1000; i++) {
		int64_t now = monotonic_ns();

		if (now < last) {
			check_fail(__FILE__, __LINE__, "CLOCK_MONOTONIC went back: %lld -> %lld",
				   (long long)last, (long long)now);
			break;
		}
		last = now;
	}
	CHECK_EQ(loupe_syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t, 0), 0);
	CHECK(t.tv_nsec >= 0 && t.tv_nsec < 1000000000);
	CHECK_EQ(loupe_syscall(SYS_clock_gettime, 1234, &t, 0), -EINVAL);
}
