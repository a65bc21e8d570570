/*
 * stress: 16 workers (stressworker) yield and sleep for a fixed number of
 * rounds on every CPU at once. Every worker must end with status 0, and
 * after they are reaped the free-frame count must be what it was before
 * they were spawned: tasks, address spaces and kernel stacks leak nothing.
 * (frames_free() has the kernel heap give back its empty slabs first, so
 * heap pages kept for reuse do not count as a leak.)
 */
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "loupe.h"

#define WORKERS 16
#define ROUNDS 30
#define MAX_CPUS 8
#define TASKS_MAX 64

static int worker_failures;
static long frames_before, frames_after;

/* Watch our children until they have all ended: which CPUs they ran on. */
static void watch_until_done(int *cpu_seen)
{
	static struct loupe_task_info t[TASKS_MAX];
	const struct timespec poll = { 0, 2 * 1000 * 1000 };
	int ended;

	do {
		int n = loupe_tasks(t, TASKS_MAX);

		ended = 0;
		for (int i = 0; i < n; i++) {
			if (t[i].parent != getpid())
				continue;
			ended += t[i].state == LOUPE_TASK_ZOMBIE;
			if (t[i].cpu >= 0 && t[i].cpu < MAX_CPUS)
				cpu_seen[t[i].cpu] = 1;
		}
		nanosleep(&poll, NULL);
	} while (ended < WORKERS);
}

/* Spawn, start and reap WORKERS workers; returns how many failed. */
static int run_workers(int *cpu_seen)
{
	int failed = 0, started = 0;

	for (int i = 0; i < WORKERS; i++) {
		char index[12], rounds[12];
		char *argv[] = { "stressworker", index, rounds, NULL };
		int tid;

		snprintf(index, sizeof(index), "%d", i);
		snprintf(rounds, sizeof(rounds), "%d", ROUNDS);
		tid = loupe_spawn("stressworker", argv, NULL);
		if (tid < 0 || loupe_start(tid) < 0) {
			printf("stress: cannot start worker %d: %d\n", i, tid);
			failed++;
			continue;
		}
		started++;
	}
	if (started == WORKERS)
		watch_until_done(cpu_seen);
	for (int i = 0; i < started; i++) {
		int status = 0, tid = loupe_wait(-1, &status);

		if (tid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			printf("stress: worker task %d ended with wait status %#x\n", tid, status);
			failed++;
		}
	}
	return failed;
}

static void check_workers(void)
{
	int cpu_seen[MAX_CPUS] = { 0 };

	frames_before = loupe_frames_free();
	worker_failures = run_workers(cpu_seen);
	frames_after = loupe_frames_free();

	printf("stress: %d workers x %d rounds; workers ran on CPUs", WORKERS, ROUNDS);
	for (int c = 0; c < MAX_CPUS; c++)
		if (cpu_seen[c])
			printf(" %d", c);
	printf("\nstress: free frames before %ld, after %ld\n", frames_before, frames_after);
	CHECK_EQ(worker_failures, 0);
}

static void check_no_frame_leak(void)
{
	CHECK(frames_before > 0);
	CHECK_EQ(frames_after, frames_before);
}

static const struct check checks[] = {
	{ "workers", check_workers },
	{ "no_frame_leak", check_no_frame_leak },
};

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return check_run_all("stress", checks, sizeof(checks) / sizeof(checks[0])) ? 1 : 0;
}
