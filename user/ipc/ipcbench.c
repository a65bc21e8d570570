/*
 * ipcbench: what an IPC round trip costs, in instructions.
 *
 * Under QEMU with -icount shift=0,sleep=off the PMU's instruction counter
 * (which the kernel opens to user space) is exact and repeatable. Each
 * sample times BATCH round trips between this task and a server on the
 * same CPU (run with SMP=1); the cost of reading the counter around an
 * empty batch is measured the same way and subtracted. After a warm-up,
 * SAMPLES samples give a median and a minimum, as sel4bench reports them.
 * The count includes everything the CPU executes: both tasks' user code,
 * the kernel, and any timer tick that lands in a sample (which the median
 * filters out).
 *
 *   ipcbench           the driver: prints "ipcbench: ..." lines
 *   ipcbench echo      the call/reply server on slot 0
 *   ipcbench pong      the notification partner on slots 0 and 1
 *   ipcbench profile call|notify
 *                      round trips for ever, for scripts/ipcprofile.py
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "loupe.h"

#define BATCH 100
#define SAMPLES 201
#define WARMUP 1000

static inline uint64_t instructions(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, pmevcntr0_el0" : "=r"(v)::"memory");
	return v;
}

static int compare(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int echo(void)
{
	struct ipc_msg m;

	if (ipc_recv(0, &m, LOUPE_TIMEOUT_NEVER))
		return 1;
	for (;;) {
		m.w[0]++;
		if (ipc_reply_recv(0, &m, LOUPE_TIMEOUT_NEVER))
			return 1;
	}
}

static int pong(void)
{
	uint64_t bits;

	for (;;) {
		if (notify_wait(0, &bits) || notify_signal(1, 1))
			return 1;
	}
}

static void one_call(void)
{
	struct ipc_msg m = { .tag = 1, .w = { 1, 2, 3, 4 } };

	ipc_call(2, &m, LOUPE_TIMEOUT_NEVER);
}

static void one_notify(void)
{
	uint64_t bits;

	notify_signal(3, 1);
	notify_wait(4, &bits);
}

static void nothing(void)
{
}

/* Median and minimum instructions per operation over SAMPLES batches. */
static void measure(const char *what, void (*op)(void), double overhead)
{
	static uint64_t samples[SAMPLES];

	for (int i = 0; i < WARMUP; i++)
		op();
	for (int s = 0; s < SAMPLES; s++) {
		uint64_t t0 = instructions();

		for (int i = 0; i < BATCH; i++)
			op();
		samples[s] = instructions() - t0;
	}
	qsort(samples, SAMPLES, sizeof(samples[0]), compare);
	printf("ipcbench: %-28s median %8.1f  min %8.1f instructions\n", what,
	       samples[SAMPLES / 2] / (double)BATCH - overhead,
	       samples[0] / (double)BATCH - overhead);
}

static int start(char *role, int dst0, int src0, uint32_t r0, int dst1, int src1, uint32_t r1)
{
	char *argv[] = { "ipcbench", role, NULL };
	int tid = loupe_spawn("ipcbench", argv, NULL);

	if (tid < 0 || task_cap(tid, 63) || cap_give(63, src0, dst0, r0) ||
	    (src1 >= 0 && cap_give(63, src1, dst1, r1)) || cap_delete(63) || loupe_start(tid))
		return -1;
	return tid;
}

int main(int argc, char **argv)
{
	uint64_t samples[SAMPLES];

	if (argc > 1 && !strcmp(argv[1], "echo"))
		return echo();
	if (argc > 1 && !strcmp(argv[1], "pong"))
		return pong();

	/* slot 2: endpoint to echo; 3 -> pong's 0 (we signal), 4 <- pong's 1 */
	if (endpoint_create(2) || notification_create(3) || notification_create(4))
		return 1;
	if (start("echo", 0, 2, LOUPE_RIGHT_RECV, 0, -1, 0) < 0 ||
	    start("pong", 0, 3, LOUPE_RIGHT_RECV, 1, 4, LOUPE_RIGHT_SEND) < 0)
		return 1;

	/* scripts/ipcprofile.py: loop for ever while QEMU logs every
	 * instruction executed. */
	if (argc > 2 && !strcmp(argv[1], "profile")) {
		void (*op)(void) = strcmp(argv[2], "notify") ? one_call : one_notify;

		printf("ipcbench: profiling %s\n", argv[2]);
		for (;;)
			op();
	}

	/* The cost of the counter reads and the loop around an empty batch. */
	for (int s = 0; s < SAMPLES; s++) {
		uint64_t t0 = instructions();

		for (int i = 0; i < BATCH; i++)
			nothing();
		samples[s] = instructions() - t0;
	}
	qsort(samples, SAMPLES, sizeof(samples[0]), compare);
	double overhead = samples[SAMPLES / 2] / (double)BATCH;

	printf("ipcbench: counter and loop overhead %.2f instructions per iteration\n", overhead);
	measure("call+reply round trip", one_call, overhead);
	measure("notification round trip", one_notify, overhead);
	return 0;
}
