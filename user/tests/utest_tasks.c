/*
 * Children: a faulting child dies alone with the right signal in its wait
 * status; exit codes, kill and the native calls' errors; the tasks snapshot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loupe.h"
#include "utest.h"

#define SIGILL_ 4
#define SIGBUS_ 7
#define SIGKILL_ 9
#define SIGSEGV_ 11

static void expect_signal(int status, int sig, const char *what, int line)
{
	if (status < 0 || !WIFSIGNALED(status) || WTERMSIG(status) != sig)
		check_fail(__FILE__, line, "%s: wait status %#x, want killed by signal %d", what,
			   status, sig);
}

void check_child_faults(void)
{
	static const struct {
		const char *mode;
		int sig;
	} faults[] = {
		{ "null", SIGSEGV_ },	     { "undef", SIGILL_ },
		{ "stack-align", SIGBUS_},  { "pc-align", SIGBUS_ },
		{ "write-text", SIGSEGV_ },
		{ "exec-data", SIGSEGV_ },   { "kernel-read", SIGSEGV_ },
		{ "stack-overflow", SIGSEGV_ },
	};
	volatile int canary = 0x600dcafe;
	pid_t me = getpid();

	for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		char *argv[] = { "crasher", (char *)faults[i].mode, NULL };

		expect_signal(check_run_child(argv, NULL), faults[i].sig, faults[i].mode, __LINE__);
	}
	/* And we, the parent, are untouched. */
	CHECK_EQ(canary, 0x600dcafe);
	CHECK_EQ(getpid(), me);
}

void check_exit_status(void)
{
	static const int codes[] = { 0, 1, 42, 255, 256 };

	for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		char code[12];
		char *argv[] = { "crasher", "exit", code, NULL };
		int status;

		snprintf(code, sizeof(code), "%d", codes[i]);
		status = check_run_child(argv, NULL);
		CHECK(status >= 0 && WIFEXITED(status));
		/* Only the low 8 bits of an exit code survive, as in Linux. */
		CHECK_EQ(WEXITSTATUS(status), codes[i] & 0xff);
	}
}

/* Spawn crasher MODE; start it unless it should stay created. */
static int spawn_crasher(const char *mode, int start)
{
	char *argv[] = { "crasher", (char *)mode, NULL };
	int tid = loupe_spawn("crasher", argv, NULL);

	if (tid > 0 && start && loupe_start(tid) < 0)
		return -1;
	return tid;
}

void check_kill(void)
{
	static const struct {
		const char *mode;
		int start;
	} victims[] = { { "sleep", 0 }, { "sleep", 1 }, { "spin", 1 } };
	const struct timespec settle = { 0, 20 * 1000 * 1000 };

	for (unsigned i = 0; i < sizeof(victims) / sizeof(victims[0]); i++) {
		int tid = spawn_crasher(victims[i].mode, victims[i].start);
		int status = -1;

		CHECK(tid > 0);
		if (tid <= 0)
			continue;
		nanosleep(&settle, NULL); /* let it run, sleep or spin */
		CHECK_EQ(loupe_kill(tid), 0);
		CHECK_EQ(loupe_wait(tid, &status), tid);
		expect_signal(status, SIGKILL_, victims[i].mode, __LINE__);
	}
	/* Only a parent may kill. */
	CHECK(loupe_kill(getppid()) < 0);
	CHECK(loupe_kill(999999) < 0);
}

void check_spawn_errors(void)
{
	char long_name[200];
	char *argv[] = { "x", NULL, NULL };
	char *huge;
	long tid;

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CHECK_EQ(loupe_spawn("no-such-program", argv, NULL), -ENOENT);
	CHECK_EQ(loupe_spawn("notelf", argv, NULL), -ENOEXEC);
	CHECK(loupe_spawn("", argv, NULL) < 0);
	CHECK(loupe_spawn("../bin/init", argv, NULL) < 0);
	CHECK(loupe_spawn(long_name, argv, NULL) < 0);
	/* Arguments must fit the new stack: a 1 MiB argument does not. */
	huge = malloc(1 << 20);
	if (huge) {
		memset(huge, 'h', (1 << 20) - 1);
		huge[(1 << 20) - 1] = '\0';
		argv[1] = huge;
		tid = loupe_spawn("crasher", argv, NULL);
		CHECK(tid < 0);
		if (tid > 0) {
			int status;

			loupe_kill(tid);
			loupe_wait(tid, &status);
		}
		free(huge);
	}
}

void check_wait_errors(void)
{
	int status, tid, a, b, seen_a = 0, seen_b = 0;

	CHECK_EQ(loupe_wait(-1, &status), -ECHILD);
	CHECK_EQ(loupe_wait(getppid(), &status), -ECHILD);
	CHECK_EQ(loupe_wait(999999, &status), -ECHILD);
	CHECK(loupe_start(getppid()) < 0);
	CHECK(loupe_start(999999) < 0);

	/* Starting twice is an error; the child runs once. */
	tid = spawn_crasher("sleep", 1);
	CHECK(tid > 0 && loupe_start(tid) < 0);
	loupe_kill(tid);
	CHECK_EQ(loupe_wait(tid, &status), tid);

	/* wait(-1) reaps any child, each exactly once. */
	a = spawn_crasher("null", 1);
	b = spawn_crasher("undef", 1);
	for (int i = 0; i < 2; i++) {
		int got = loupe_wait(-1, &status);

		seen_a += got == a;
		seen_b += got == b;
	}
	CHECK(seen_a == 1 && seen_b == 1);
	CHECK_EQ(loupe_wait(-1, &status), -ECHILD);
}

static const struct loupe_task_info *find_task(const struct loupe_task_info *t, int n, int tid)
{
	for (int i = 0; i < n; i++)
		if (t[i].tid == tid)
			return &t[i];
	return NULL;
}

void check_tasks_call(void)
{
	static struct loupe_task_info t[64];
	const struct loupe_task_info *self, *init, *child;
	int tid = spawn_crasher("sleep", 0), n, status;

	n = loupe_tasks(t, 64);
	CHECK(n >= 3);
	self = find_task(t, n, getpid());
	init = find_task(t, n, getppid());
	child = find_task(t, n, tid);
	CHECK(self && init && child);
	if (self && init && child) {
		CHECK(strcmp(self->name, "utest") == 0);
		CHECK_EQ(self->state, LOUPE_TASK_RUNNING);
		CHECK_EQ(self->parent, getppid());
		CHECK(self->cpu >= 0);
		CHECK(self->priority >= LOUPE_PRIO_MIN && self->priority <= LOUPE_PRIO_MAX);
		/* init (or whoever ran us) waits for us. */
		CHECK_EQ(init->state, LOUPE_TASK_BLOCKED);
		CHECK(init->wait_reason[0] != '\0');
		CHECK(strcmp(child->name, "crasher") == 0);
		CHECK_EQ(child->state, LOUPE_TASK_CREATED);
		CHECK_EQ(child->parent, getpid());
		CHECK_EQ(child->cpu, -1);
	}
	CHECK_EQ(loupe_tasks(t, 1), 1);
	n = loupe_tasks(t, 0); /* nothing to write: 0, or -EINVAL for a useless call */
	CHECK(n == 0 || n == -EINVAL);
	loupe_kill(tid);
	CHECK_EQ(loupe_wait(tid, &status), tid);
}

/* Number of CPUs: one idle task each. */
static int cpu_count(void)
{
	struct loupe_task_info info[64];
	int n = loupe_tasks(info, 64), cpus = 0;

	for (int i = 0; i < n; i++)
		cpus += info[i].tid >= LOUPE_IDLE_TID_BASE;
	return cpus;
}

static int task_state(int tid)
{
	struct loupe_task_info info[64];
	int n = loupe_tasks(info, 64);
	const struct loupe_task_info *t = find_task(info, n, tid);

	return t ? (int)t->state : -1;
}

/*
 * Strict priorities: with every CPU busy with a priority-12 spinner, a
 * priority-2 child never runs; once the spinners are gone it does. This
 * task runs at the top priority so it still gets to look.
 */
void check_priority(void)
{
	const struct timespec settle = { 0, 200 * 1000 * 1000 };
	char *low_argv[] = { "crasher", "exit", "3", NULL };
	int spinners[8], nspin = cpu_count(), low, status = -1;

	CHECK(nspin >= 1 && nspin <= 8);
	CHECK_EQ(loupe_syscall(LOUPE_SYS_set_priority, 0, LOUPE_PRIO_MAX, 0), 0);
	CHECK_EQ(loupe_syscall(LOUPE_SYS_set_priority, 0, LOUPE_PRIO_MAX + 1, 0), -EINVAL);
	CHECK_EQ(loupe_syscall(LOUPE_SYS_set_priority, 999999, 1, 0), -ESRCH);
	for (int i = 0; i < nspin; i++) {
		spinners[i] = spawn_crasher("spin", 0);
		CHECK(spinners[i] > 0);
		CHECK_EQ(loupe_syscall(LOUPE_SYS_set_priority, spinners[i], 12, 0), 0);
		CHECK_EQ(loupe_start(spinners[i]), 0);
	}
	low = loupe_spawn("crasher", low_argv, NULL);
	CHECK(low > 0);
	CHECK_EQ(loupe_syscall(LOUPE_SYS_set_priority, low, 2, 0), 0);
	CHECK_EQ(loupe_start(low), 0);
	nanosleep(&settle, NULL);
	CHECK_EQ(task_state(low), LOUPE_TASK_READY); /* starved, as it should be */
	for (int i = 0; i < nspin; i++) {
		CHECK_EQ(loupe_kill(spinners[i]), 0);
		CHECK_EQ(loupe_wait(spinners[i], &status), spinners[i]);
	}
	CHECK_EQ(loupe_wait(low, &status), low);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	loupe_syscall(LOUPE_SYS_set_priority, 0, LOUPE_PRIO_DEFAULT, 0);
}
