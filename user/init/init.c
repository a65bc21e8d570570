/*
 * init: the first user task. The kernel starts it from bin/init in the
 * initrd with argv = { "init", the kernel command-line words... }.
 *
 *   selftest     run the user test programs, report, power off with 0 only
 *                if all passed (the kernel's own self tests ran before)
 *   crash=user   run a program that faults, to show that only it dies,
 *                then carry on with the command loop
 *   workload=P   run program P, then power off (make trace uses it)
 *
 * Otherwise it runs the command loop (shell.c) on the console.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc.h"
#include "loupe.h"
#include "loupe/ipc.h"
#include "shell.h"

/* Init's own slots besides the boot ones (LOUPE_INIT_SLOT_*). */
#define SLOT_CONSOLE_TASK 10
#define SLOT_CONSOLE_EP 11

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

/* Stage 3 has no IPC (CONFIG_IPC comes with stage 4): its calls answer
 * -ENOSYS there, with one warning line, and ipctest is not run. */
static int kernel_has_ipc(void)
{
	return loupe_syscall(LOUPE_SYS_cap_query, 0, 0, 0) != -ENOSYS;
}

static int test_applies(const char *name)
{
	static int has_ipc = -1;

	if (strcmp(name, "ipctest") != 0)
		return 1;
	if (has_ipc < 0)
		has_ipc = kernel_has_ipc();
	return has_ipc;
}

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
		int ok;

		if (!test_applies(user_tests[i][0]))
			continue;
		ok = user_test_passes(user_tests[i]);

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

/* workload=NAME: run program NAME (make trace's demo), then power off with
 * its verdict. */
static void run_workload(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "workload=", 9) != 0)
			continue;
		char *child[] = { argv[i] + 9, NULL };
		int status = shell_run_program(child);
		int ok = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;

		printf("init: workload %s %s\n", child[0], ok ? "done" : "FAILED");
		loupe_poweroff(ok ? 0 : 1);
	}
}

/*
 * Start the console server and hand it exactly what it needs: the UART0
 * registers and interrupt (not the GIC or any other device), and the
 * receive side of a new endpoint, which it owns (control right): if the
 * server dies, the endpoint dies with it and its clients fall back to the
 * kernel console instead of waiting for ever. Init keeps only the send
 * side, as its standard I/O; every task it starts inherits that. Without
 * IPC (stage 3) or without the boot capabilities, the kernel console
 * stays.
 */
static void start_console_server(void)
{
	static char *const argv[] = { "console", NULL };
	int tid;

	if (!kernel_has_ipc() || cap_query(LOUPE_INIT_SLOT_UART_MMIO) < 0)
		return;
	tid = loupe_spawn("console", argv, NULL);
	if (tid < 0)
		return;
	if (task_cap(tid, SLOT_CONSOLE_TASK) < 0 || endpoint_create(SLOT_CONSOLE_EP) < 0 ||
	    cap_give(SLOT_CONSOLE_TASK, LOUPE_INIT_SLOT_UART_MMIO, 1,
		     LOUPE_RIGHT_MAP_R | LOUPE_RIGHT_MAP_W) < 0 ||
	    cap_give(SLOT_CONSOLE_TASK, LOUPE_INIT_SLOT_UART_IRQ, 2, LOUPE_RIGHT_RECV) < 0 ||
	    cap_give(SLOT_CONSOLE_TASK, SLOT_CONSOLE_EP, 3, LOUPE_RIGHT_RECV | LOUPE_RIGHT_CONTROL) < 0 ||
	    cap_copy(SLOT_CONSOLE_EP, LOUPE_SLOT_STDIO, LOUPE_RIGHT_SEND, 0) < 0 ||
	    cap_delete(SLOT_CONSOLE_EP) < 0) {
		printf("init: cannot set up the console server; keeping the kernel console\n");
		loupe_kill(tid);
		loupe_wait(tid, NULL);
		cap_delete(LOUPE_SLOT_STDIO);
		return;
	}
	loupe_start(tid);
}

int main(int argc, char *argv[])
{
	/* Line by line, so our lines interleave cleanly with the kernel's and
	 * our children's on the shared console. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	start_console_server();
	printf("Loupe init (task %d): user space is running.\n", getpid());

	if (has_word(argc, argv, "selftest"))
		run_user_tests();
	run_workload(argc, argv);
	if (has_word(argc, argv, "crash=user"))
		crash_user_demo();
	printf("Type 'help' for commands.\n");
	shell_run();
}
