/*
 * Bad arguments get errors, never a crash: every pointer-taking call is
 * tried with every kind of bad pointer and must answer -EFAULT, and unknown
 * call numbers must answer -ENOSYS. Raw svc throughout: musl's wrappers
 * would touch the pointers themselves first.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "loupe.h"
#include "utest.h"

#define PAGE 4096ul

struct bad_ptr {
	const char *what;
	uintptr_t addr;
	int for_writes_only; /* memory the program may read but not write */
	int straddles;	     /* valid for its first 2 bytes only */
};

enum { N_BAD = 10 };
static struct bad_ptr bad[N_BAD];
static const char read_only[64] = "read-only data";

#define STRADDLE_VALID 2

/* A mapped page followed by an unmapped one: a buffer at the end of the
 * first runs into the second. Its bytes are 'a' so strings never end
 * (refilled before each call: a call that works in part writes there). */
static unsigned char *straddle_page;

static int make_bad_pointers(void)
{
	unsigned char *m = (void *)loupe_syscall6(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE,
						  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int n = 0;

	if (loupe_is_error((long)m) || loupe_syscall(SYS_munmap, m + PAGE, PAGE, 0) != 0)
		return -1;
	straddle_page = m;
	bad[n++] = (struct bad_ptr){ "NULL", 0, 0, 0 };
	bad[n++] = (struct bad_ptr){ "0x10", 0x10, 0, 0 };
	bad[n++] = (struct bad_ptr){ "unmapped page", (uintptr_t)m + PAGE, 0, 0 };
	bad[n++] = (struct bad_ptr){ "straddling into unmapped", (uintptr_t)m + PAGE - STRADDLE_VALID, 0, 1 };
	bad[n++] = (struct bad_ptr){ "kernel linear map", 0xffff000040000000ul, 0, 0 };
	bad[n++] = (struct bad_ptr){ "kernel image", 0xffffffff80000000ul, 0, 0 };
	bad[n++] = (struct bad_ptr){ "non-canonical", 0x0001000000000000ul, 0, 0 };
	/* 47-bit user space: this 16-byte buffer crosses USER_TOP. */
	bad[n++] = (struct bad_ptr){ "USER_TOP - 8", 0x00007ffffffffff8ul, 0, 0 };
	bad[n++] = (struct bad_ptr){ "read-only data", (uintptr_t)read_only, 1, 0 };
	bad[n++] = (struct bad_ptr){ "program text", (uintptr_t)make_bad_pointers, 1, 0 };
	return 0;
}

static char *const good_argv[] = { "crasher", "exit", "0", NULL };

static long call_write(uintptr_t p)
{
	return loupe_syscall(SYS_write, 1, p, 16);
}

static long call_writev_iov(uintptr_t p)
{
	return loupe_syscall(SYS_writev, 1, p, 1);
}

static long call_writev_base(uintptr_t p)
{
	struct iovec iov = { (void *)p, 16 };

	return loupe_syscall(SYS_writev, 1, &iov, 1);
}

static long call_read(uintptr_t p)
{
	return loupe_syscall(SYS_read, 0, p, 16);
}

static long call_nanosleep(uintptr_t p)
{
	return loupe_syscall(SYS_nanosleep, p, 0, 0);
}

static long call_clock_gettime(uintptr_t p)
{
	return loupe_syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p, 0);
}

static long call_uname(uintptr_t p)
{
	return loupe_syscall(SYS_uname, p, 0, 0);
}

static long call_getrandom(uintptr_t p)
{
	return loupe_syscall(SYS_getrandom, p, 16, 0);
}

static long call_tasks(uintptr_t p)
{
	return loupe_syscall(LOUPE_SYS_tasks, p, 4, 0);
}

static long call_spawn_name(uintptr_t p)
{
	return loupe_syscall(LOUPE_SYS_spawn, p, good_argv, 0);
}

static long call_spawn_argv(uintptr_t p)
{
	return loupe_syscall(LOUPE_SYS_spawn, "crasher", p, 0);
}

static long call_spawn_argv_string(uintptr_t p)
{
	char *argv[] = { "crasher", (char *)p, NULL };

	return loupe_syscall(LOUPE_SYS_spawn, "crasher", argv, 0);
}

static long call_spawn_envp(uintptr_t p)
{
	return loupe_syscall(LOUPE_SYS_spawn, "crasher", good_argv, p);
}

static long call_spawn_envp_string(uintptr_t p)
{
	char *envp[] = { "A=1", (char *)p, NULL };

	return loupe_syscall(LOUPE_SYS_spawn, "crasher", good_argv, envp);
}

/* wait with a bad status pointer must fail without reaping the child:
 * the second, good wait still finds it. */
static long call_wait_status(uintptr_t p)
{
	int tid = loupe_spawn("crasher", good_argv, NULL), status;
	long ret;

	if (tid < 0 || loupe_start(tid) < 0)
		return -1000;
	ret = loupe_syscall(LOUPE_SYS_wait, tid, p, 0);
	if (loupe_wait(tid, &status) != tid)
		return -1001;
	return ret;
}

struct pointer_call {
	const char *name;
	long (*fn)(uintptr_t p);
	int writes;	 /* the kernel writes through the pointer */
	int partial_ok;	 /* may do part of the work, as Linux does */
	int no_straddle; /* a valid first byte would make it block */
	int null_ok;	 /* NULL means "none" (empty array, no status) */
};

static const struct pointer_call calls[] = {
	{ "write", call_write, 0, 1, 0, 0 },
	{ "writev(iov)", call_writev_iov, 0, 0, 0, 0 },
	{ "writev(iov_base)", call_writev_base, 0, 1, 0, 0 },
	{ "read", call_read, 1, 0, 1, 0 },
	{ "nanosleep", call_nanosleep, 0, 0, 0, 0 },
	{ "clock_gettime", call_clock_gettime, 1, 0, 0, 0 },
	{ "uname", call_uname, 1, 0, 0, 0 },
	{ "getrandom", call_getrandom, 1, 1, 0, 0 },
	{ "tasks", call_tasks, 1, 0, 0, 0 },
	{ "spawn(name)", call_spawn_name, 0, 0, 0, 0 },
	/* As for Linux's execve, a NULL argv or envp is an empty one. */
	{ "spawn(argv)", call_spawn_argv, 0, 0, 0, 1 },
	{ "spawn(argv[1])", call_spawn_argv_string, 0, 0, 0, 1 },
	{ "spawn(envp)", call_spawn_envp, 0, 0, 0, 1 },
	{ "spawn(envp[1])", call_spawn_envp_string, 0, 0, 0, 1 },
	/* A NULL status pointer means "do not store it". */
	{ "wait(status)", call_wait_status, 1, 0, 0, 1 },
};

/* A spawn that wrongly succeeded leaves a child: end it. */
static void reap_stray_child(const struct pointer_call *c, long ret)
{
	int status;

	if (strncmp(c->name, "spawn", 5) == 0 && ret > 0) {
		loupe_kill((int)ret);
		loupe_wait((int)ret, &status);
	}
}

void check_efault(void)
{
	if (make_bad_pointers() < 0) {
		check_fail(__FILE__, __LINE__, "cannot set up the unmapped page");
		return;
	}
	fflush(stdout);
	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const struct pointer_call *c = &calls[i];

		for (int j = 0; j < N_BAD; j++) {
			int straddle = bad[j].straddles;
			long ret;

			if ((bad[j].for_writes_only && !c->writes) || (straddle && c->no_straddle) ||
			    (bad[j].addr == 0 && c->null_ok))
				continue;
			memset(straddle_page, 'a', PAGE);
			ret = c->fn(bad[j].addr);
			reap_stray_child(c, ret);
			/* Partial work, as Linux does it, stops at the bad page. */
			if (ret == -EFAULT || (straddle && c->partial_ok && ret == STRADDLE_VALID))
				continue;
			check_fail(__FILE__, __LINE__, "%s with %s pointer %#lx: got %ld, want -EFAULT",
				   c->name, bad[j].what, (unsigned long)bad[j].addr, ret);
		}
	}
}

void check_enosys(void)
{
	static const long numbers[] = { 0x3ff, 9999, LOUPE_SYS_LAST + 1, 0x7fffffff, -1, -4096 };

	for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		long ret = loupe_syscall6(numbers[i], 1, 2, 3, 4, 5, 6);

		if (ret != -ENOSYS)
			check_fail(__FILE__, __LINE__, "call number %#lx: got %ld, want -ENOSYS",
				   (unsigned long)numbers[i], ret);
	}
}
