/*
 * init: the first user task. The kernel starts it from bin/init in the
 * initrd with argv = { "init", the kernel command-line words... }.
 *
 *   selftest     run the user test programs, report, power off with 0 only
 *                if all passed (the kernel's own self tests ran before)
 *   crash=user   run a program that faults, to show that only it dies,
 *                then carry on with the command loop
 *
 * Otherwise it runs the command loop (shell.c) on the console.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loupe.h"
#include "shell.h"

/* The user test programs `selftest` runs, in order, with their arguments;
 * each prints its own checks and exits 0 only if all of them passed.
 * ipctest's stress runs 10,000 calls per pair here; the full 100,000 of
 * the IPC issue run in their own integration test. */
static char *const user_tests[][4] = {
	{ "utest", NULL },
	{ "stress", NULL },
	{ "ipctest", "all", "10000", NULL },
};
#define N_USER_TESTS (sizeof(user_tests) / sizeof(user_tests[0]))

static int has_word(int argc, char *argv[], const char *word)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], word) == 0)
			return 1;
	return 0;
}

/* Run one test program; its verdict is its wait status. */
static int user_test_passes(char *const argv[])
{
	int status = shell_run_program((char **)argv);

	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static __attribute__((noreturn)) void run_user_tests(void)
{
	unsigned passed = 0, failed = 0;

	for (unsigned i = 0; i < N_USER_TESTS; i++) {
		int ok = user_test_passes(user_tests[i]);

		printf("usertest: %-24s %s\n", user_tests[i][0], ok ? "ok" : "FAILED");
		if (ok)
			passed++;
		else
			failed++;
	}
	printf("usertest: %u passed, %u failed\n", passed, failed);
	fflush(stdout);
	loupe_poweroff(failed ? 1 : 0);
	printf("init: poweroff failed; running the command loop\n");
	shell_run();
}

/* crash=user: the faulting program is a child; init survives and says so. */
static void crash_user_demo(void)
{
	char *argv[] = { "crasher", "null", NULL };

	printf("init: crash=user: running 'crasher null', which reads address 0\n");
	shell_run_program(argv);
	printf("init: the fault ended only 'crasher'; init and the kernel go on\n");
}

int main(int argc, char *argv[])
{
	/* Line by line, so our lines interleave cleanly with the kernel's and
	 * our children's on the shared console. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("Loupe init (task %d): user space is running.\n", getpid());

	if (has_word(argc, argv, "selftest"))
		run_user_tests();
	if (has_word(argc, argv, "crash=user"))
		crash_user_demo();
	printf("Type 'help' for commands.\n");
	shell_run();
}
