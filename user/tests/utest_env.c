/*
 * What the kernel hands a new program (argv, envp, the auxiliary vector,
 * TLS set up by musl from it) and what it must keep for it across system
 * calls and task switches (FP/SIMD registers, TPIDR_EL0).
 */
#include <elf.h>
#include <sched.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loupe.h"
#include "regcheck.h"
#include "utest.h"

/* The argv/envp check's child gets exactly these, then checks them. */
#define LONG_ARG_LEN 1000
static char long_arg[LONG_ARG_LEN + 1];
static char *const child_envp[] = { "LOUPE_A=1", "LOUPE_B=two words", "EMPTY=", NULL };

static void make_long_arg(void)
{
	for (int i = 0; i < LONG_ARG_LEN; i++)
		long_arg[i] = 'a' + i % 26;
}

void check_argv_envp(void)
{
	char ppid[16];
	char *argv[] = { "utest", "argv-child", ppid, "x", "two words", "", long_arg, NULL };

	make_long_arg();
	snprintf(ppid, sizeof(ppid), "%d", getpid());
	int status = check_run_child(argv, child_envp);

	CHECK(status >= 0 && WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

/* The child: every string arrived intact, in order, NULL-terminated. */
int utest_argv_child(int argc, char *argv[], char *envp[])
{
	int bad = 0, n = 0;

	make_long_arg();
	bad |= argc != 7 || argv[argc] != NULL;
	bad |= argc == 7 && (strcmp(argv[0], "utest") || strcmp(argv[3], "x") ||
			     strcmp(argv[4], "two words") || strcmp(argv[5], "") ||
			     strcmp(argv[6], long_arg) || atoi(argv[2]) != getppid());
	for (; envp[n]; n++)
		bad |= n > 2 || strcmp(envp[n], child_envp[n]);
	bad |= n != 3;
	bad |= !getenv("LOUPE_B") || strcmp(getenv("LOUPE_B"), "two words");
	if (bad)
		printf("    argv-child: argc %d, %d environment strings, parent %d\n", argc, n,
		       getppid());
	return bad;
}

/* The linker's name for the loaded ELF header (the first PT_LOAD holds it),
 * and musl's entry point. */
extern const Elf64_Ehdr __ehdr_start;
extern char _start[];

/* The auxiliary vector sits right after envp's terminating NULL. */
static const Elf64_auxv_t *auxv_start(void)
{
	char **p = utest_envp;

	while (*p)
		p++;
	return (const Elf64_auxv_t *)(p + 1);
}

/* The value of `type` in the vector itself: 1 and *value, or 0 if absent. */
static int auxv_find(unsigned long type, unsigned long *value)
{
	int n = 0;

	for (const Elf64_auxv_t *a = auxv_start(); a->a_type != AT_NULL && n < 64; a++, n++) {
		if (a->a_type == type) {
			*value = a->a_un.a_val;
			return 1;
		}
	}
	return 0;
}

void check_auxv(void)
{
	static const unsigned long ids[] = { AT_UID, AT_EUID, AT_GID, AT_EGID };
	unsigned long v = 0;
	const unsigned char *random;
	int nonzero = 0;

	CHECK(auxv_find(AT_PAGESZ, &v) && v == 4096);
	CHECK(auxv_find(AT_PHDR, &v) &&
	      v == (unsigned long)&__ehdr_start + __ehdr_start.e_phoff);
	CHECK(auxv_find(AT_PHNUM, &v) && v == __ehdr_start.e_phnum);
	CHECK(auxv_find(AT_ENTRY, &v) && v == (unsigned long)_start);
	CHECK_EQ(getauxval(AT_ENTRY), __ehdr_start.e_entry);
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		v = 1;
		CHECK(auxv_find(ids[i], &v));
		CHECK_EQ(v, 0);
	}
	CHECK(auxv_find(AT_RANDOM, &v) && v != 0);
	random = (const unsigned char *)getauxval(AT_RANDOM);
	for (int i = 0; random && i < 16; i++)
		nonzero |= random[i];
	CHECK(nonzero);
}

static __thread int tls_value = 0x1234abcd; /* .tdata: an initial value */
static __thread char tls_zero[64];	   /* .tbss: must start zeroed */

static uintptr_t thread_pointer(void)
{
	uintptr_t tp;

	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(tp));
	return tp;
}

void check_tls(void)
{
	uintptr_t tp = thread_pointer();
	int zero = 1;

	CHECK(tp != 0);
	CHECK_EQ(tls_value, 0x1234abcd);
	for (int i = 0; i < 64; i++)
		zero &= tls_zero[i] == 0;
	CHECK(zero);
	/* AArch64 TLS variant 1: the block starts just above the pointer. */
	CHECK((uintptr_t)&tls_value - tp < 4096);
	tls_value = 42;
	tls_zero[7] = 7;
	/* The kernel must keep TPIDR_EL0 across switches and CPUs. */
	for (int i = 0; i < 200; i++)
		sched_yield();
	CHECK_EQ(thread_pointer(), tp);
	CHECK_EQ(tls_value, 42);
	CHECK_EQ(tls_zero[7], 7);
}

void check_fpsimd(void)
{
	const struct timespec ms = { 0, 1000 * 1000 };

	for (int i = 0; i < 50; i++) {
		long ret;

		CHECK_EQ(regcheck_syscall(i * 7919, SYS_sched_yield, 0, 0, &ret), 0);
		CHECK_EQ(regcheck_syscall(i * 104729, SYS_nanosleep, (long)&ms, 0, &ret), 0);
		CHECK_EQ(ret, 0);
	}
}

void check_ids(void)
{
	pid_t pid = getpid();

	CHECK(pid > 0);
	CHECK_EQ(syscall(SYS_gettid), pid);
	CHECK(getppid() > 0 && getppid() != pid);
	/* set_tid_address returns the caller's thread id. */
	CHECK_EQ(syscall(SYS_set_tid_address, NULL), pid);
}

void check_uname(void)
{
	struct utsname u;

	CHECK_EQ(uname(&u), 0);
	CHECK(u.sysname[0] != '\0');
	CHECK(strcmp(u.machine, "aarch64") == 0);
}

void check_getrandom(void)
{
	unsigned char a[64], b[64];
	int nonzero = 0;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK_EQ(loupe_syscall(SYS_getrandom, a, sizeof(a), 0), sizeof(a));
	CHECK_EQ(loupe_syscall(SYS_getrandom, b, sizeof(b), 0), sizeof(b));
	for (unsigned i = 0; i < sizeof(a); i++)
		nonzero |= a[i];
	CHECK(nonzero);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
}

void check_write(void)
{
	static const char part1[] = "utest: (writev: ", part2[] = "three parts", part3[] = ")\n";
	struct iovec iov[] = {
		{ (void *)part1, sizeof(part1) - 1 },
		{ (void *)part2, sizeof(part2) - 1 },
		{ (void *)part3, sizeof(part3) - 1 },
	};

	fflush(stdout);
	CHECK_EQ(loupe_syscall(SYS_write, 1, "", 0), 0);
	CHECK_EQ(loupe_syscall(SYS_writev, 1, iov, 3),
		 sizeof(part1) + sizeof(part2) + sizeof(part3) - 3);
	CHECK_EQ(loupe_syscall(SYS_write, 2, "utest: (write to stderr)\n", 25), 25);
	CHECK_EQ(loupe_syscall(SYS_write, 57, "x", 1), -EBADF);
	CHECK_EQ(loupe_syscall(SYS_writev, 1, iov, 100000), -EINVAL);
}
