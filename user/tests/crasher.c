/*
 * crasher MODE [ARG]: a program that ends badly on purpose, so tests and
 * `crash=user` can watch the kernel kill it alone. Each fault sits in a
 * function of its own, which the kernel's report should name.
 *
 *   null           read address 0                            SIGSEGV
 *   undef          execute an undefined instruction           SIGILL
 *   stack-align    load through a misaligned stack pointer   SIGBUS
 *   pc-align       jump to an address that is not 4-aligned  SIGBUS
 *   write-text     write to its own program text             SIGSEGV
 *   exec-data      jump into its (non-executable) data       SIGSEGV
 *   kernel-read    read a kernel address                     SIGSEGV
 *   after-munmap   touch memory it has unmapped              SIGSEGV
 *   mmap-readonly  write to a PROT_READ mapping              SIGSEGV
 *   stack-overflow recurse until the stack runs out          SIGSEGV
 *   exit N         exit with status N (no fault)
 *   sleep          sleep until killed
 *   spin           loop without system calls until killed
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

/* noipa (no inlining, cloning or merging) and volatile: each crash keeps
 * its own frame and name, and really happens. */
#define CRASH_FN static __attribute__((noipa)) void

CRASH_FN crash_null_read(void)
{
	volatile int *p = NULL;

	(void)*p;
}

CRASH_FN crash_undefined(void)
{
	/* udf #0 is permanently undefined in A64. */
	__asm__ volatile("udf #0");
}

/*
 * With SCTLR_EL1.SA0 set (the kernel's job), any load or store using SP as
 * the base while SP is not 16-byte aligned is an SP alignment fault. QEMU
 * does not model that check, so the load here is an exclusive one, which
 * must be naturally aligned on every implementation: hardware reports an
 * SP alignment fault, QEMU an alignment Data Abort; SIGBUS either way.
 */
CRASH_FN crash_stack_align(void)
{
	__asm__ volatile("mov x9, sp\n\t"
			 "sub x9, x9, #20\n\t"
			 "mov sp, x9\n\t"
			 "ldaxr x10, [sp]\n\t"
			 "add sp, sp, #20\n\t" ::
				 : "x9", "x10", "memory");
}

/* A branch target with the low bits set: a PC alignment fault. */
CRASH_FN crash_pc_align(void)
{
	void (*fn)(void) = (void (*)(void))((uintptr_t)crash_pc_align + 2);

	fn();
}

CRASH_FN crash_write_text(void)
{
	volatile unsigned char *text = (unsigned char *)(uintptr_t)crash_write_text;

	*text = 0;
}

CRASH_FN crash_exec_data(void)
{
	/* `ret` encoded; data pages must never be executable. */
	static uint32_t code[] = { 0xd65f03c0 };
	void (*fn)(void) = (void (*)(void))(uintptr_t)code;

	fn();
}

CRASH_FN crash_kernel_read(void)
{
	volatile uint64_t *kernel = (uint64_t *)0xffff000040000000ul;

	(void)*kernel;
}

CRASH_FN crash_after_munmap(void)
{
	volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);

	if (p == MAP_FAILED)
		exit(100);
	p[0] = 1;
	munmap((void *)p, 4096);
	p[0] = 2;
}

CRASH_FN crash_mmap_readonly(void)
{
	volatile char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		exit(100);
	(void)p[0];
	p[0] = 1;
}

static volatile int recursion_limit = 1 << 30; /* volatile: hide the end */

static __attribute__((noipa)) int crash_recurse(int depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	if (depth >= recursion_limit)
		return frame[0];
	return crash_recurse(depth + 1) + frame[0];
}

CRASH_FN crash_stack_overflow(void)
{
	crash_recurse(0);
}

CRASH_FN sleep_forever(void)
{
	const struct timespec second = { 1, 0 };

	for (;;)
		nanosleep(&second, NULL);
}

CRASH_FN spin_forever(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}

static const struct {
	const char *mode;
	void (*fn)(void);
} modes[] = {
	{ "null", crash_null_read },
	{ "undef", crash_undefined },
	{ "stack-align", crash_stack_align },
	{ "pc-align", crash_pc_align },
	{ "write-text", crash_write_text },
	{ "exec-data", crash_exec_data },
	{ "kernel-read", crash_kernel_read },
	{ "after-munmap", crash_after_munmap },
	{ "mmap-readonly", crash_mmap_readonly },
	{ "stack-overflow", crash_stack_overflow },
	{ "sleep", sleep_forever },
	{ "spin", spin_forever },
};

int main(int argc, char *argv[])
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	for (unsigned i = 0; argc == 2 && i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(argv[1], modes[i].mode) == 0) {
			modes[i].fn();
			/* Still alive: the kernel let the bad access through. */
			printf("crasher: %s did not fault\n", argv[1]);
			return 99;
		}
	}
	printf("usage: crasher MODE; modes: exit N");
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		printf(" %s", modes[i].mode);
	printf("\n");
	return 2;
}
