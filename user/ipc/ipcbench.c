/*
 * ipcbench: what an IPC round trip costs, in instructions and in time.
 *
 * Under QEMU with -icount shift=0,sleep=off every guest instruction takes
 * exactly one nanosecond of guest time, and the PMU's instruction counter
 * (which the kernel opens to user space) is exact and repeatable. Each
 * sample times BATCH round trips with both clocks:
 *
 *   instructions  this CPU's PMU counter (INST_RETIRED, EL0 and EL1)
 *   ns            CNTVCT_EL0, guest time: with several CPUs QEMU runs them
 *                 one after the other, so it counts the instructions of
 *                 every CPU in the round trip (and time no CPU spent
 *                 executing, which there is none of in a round trip)
 *
 * With one CPU the two agree. The cost of reading the counters around an
 * empty batch is measured the same way and subtracted. After a warm-up,
 * SAMPLES samples give a median and a minimum, as sel4bench reports them.
 *
 * With one CPU both tasks of a pair share it. With two or more, the
 * driver pins itself and its partners to CPU 0 for the "same CPU" runs,
 * then moves the partners to CPU 1 (set_affinity) for the "cross CPU"
 * runs, where each message wakes the other CPU with an IPI.
 *
 *   ipcbench           the driver: prints "ipcbench: ..." lines
 *   ipcbench echo      the call/reply server on slot 0
 *   ipcbench pong      the notification partner on slots 0 and 1
 *   ipcbench profile call|call-fp|notify
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

struct stamp {
	uint64_t insns, ticks;
};

static inline struct stamp now(void)
{
	struct stamp s;

	__asm__ volatile("isb\n\tmrs %0, pmevcntr0_el0\n\tmrs %1, cntvct_el0"
			 : "=r"(s.insns), "=r"(s.ticks)::"memory");
	return s;
}

static uint64_t counter_hz(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
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

/* Built without FP/SIMD registers: GCC would otherwise load the message's
 * initial value through q0/q1, and the kernel would then save this task's
 * FP/SIMD state at every switch (one_call_fp measures that case). */
__attribute__((target("general-regs-only"))) static void one_call(void)
{
	struct ipc_msg m = { .tag = 1, .w = { 1, 2, 3, 4 } };

	ipc_call(2, &m, LOUPE_TIMEOUT_NEVER);
}

/* The same as GCC compiles it by default: the message's initial value
 * comes through q0/q1, as structure copies often do, so this client uses
 * FP/SIMD between calls and its registers are saved once per round trip
 * (docs/scheduler.md, "FP/SIMD registers"). */
static void one_call_fp(void)
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

struct result {
	double insns_median, insns_min, ns_median, ns_min;
};

/* Median and minimum per operation over SAMPLES batches, both clocks. */
static struct result sample(void (*op)(void), int warmup)
{
	static uint64_t insns[SAMPLES], ticks[SAMPLES];
	double ns_per_tick = 1e9 / (double)counter_hz();
	struct result r;

	for (int i = 0; i < warmup; i++)
		op();
	for (int s = 0; s < SAMPLES; s++) {
		struct stamp t0 = now(), t1;

		for (int i = 0; i < BATCH; i++)
			op();
		t1 = now();
		insns[s] = t1.insns - t0.insns;
		ticks[s] = t1.ticks - t0.ticks;
	}
	qsort(insns, SAMPLES, sizeof(insns[0]), compare);
	qsort(ticks, SAMPLES, sizeof(ticks[0]), compare);
	r.insns_median = insns[SAMPLES / 2] / (double)BATCH;
	r.insns_min = insns[0] / (double)BATCH;
	r.ns_median = ticks[SAMPLES / 2] * ns_per_tick / BATCH;
	r.ns_min = ticks[0] * ns_per_tick / BATCH;
	return r;
}

static struct result overhead;

static void measure(const char *what, void (*op)(void))
{
	struct result r = sample(op, WARMUP);

	printf("ipcbench: %-36s median %8.1f  min %8.1f instructions;"
	       "  median %8.1f  min %8.1f ns\n", what,
	       r.insns_median - overhead.insns_median, r.insns_min - overhead.insns_median,
	       r.ns_median - overhead.ns_median, r.ns_min - overhead.ns_median);
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

static long set_affinity(int tid, uint32_t mask)
{
	return loupe_syscall(LOUPE_SYS_set_affinity, tid, mask, 0);
}

/* CPUs in the machine: one idle task each. */
static int count_cpus(void)
{
	static struct loupe_task_info info[64];
	int n = loupe_tasks(info, 64), cpus = 0;

	for (int i = 0; i < n; i++)
		cpus += info[i].tid >= LOUPE_IDLE_TID_BASE;
	return cpus;
}

int main(int argc, char **argv)
{
	int cpus, echo_tid, pong_tid;

	if (argc > 1 && !strcmp(argv[1], "echo"))
		return echo();
	if (argc > 1 && !strcmp(argv[1], "pong"))
		return pong();

	/* Everything on CPU 0 first; children inherit it. */
	cpus = count_cpus();
	if (cpus > 1 && set_affinity(0, 1u << 0))
		return 1;
	/* slot 2: endpoint to echo; 3 -> pong's 0 (we signal), 4 <- pong's 1 */
	if (endpoint_create(2) || notification_create(3) || notification_create(4))
		return 1;
	echo_tid = start("echo", 0, 2, LOUPE_RIGHT_RECV, 0, -1, 0);
	pong_tid = start("pong", 0, 3, LOUPE_RIGHT_RECV, 1, 4, LOUPE_RIGHT_SEND);
	if (echo_tid < 0 || pong_tid < 0)
		return 1;

	/* scripts/ipcprofile.py: loop for ever while QEMU logs every
	 * instruction executed. */
	if (argc > 2 && !strcmp(argv[1], "profile")) {
		void (*op)(void) = !strcmp(argv[2], "notify") ? one_notify :
				   !strcmp(argv[2], "call-fp") ? one_call_fp : one_call;

		printf("ipcbench: profiling %s\n", argv[2]);
		for (;;)
			op();
	}

	/* The cost of the counter reads and the loop around an empty batch. */
	overhead = sample(nothing, 0);
	printf("ipcbench: %d CPU%s; counter and loop overhead %.2f instructions, %.2f ns "
	       "per iteration\n", cpus, cpus > 1 ? "s" : "", overhead.insns_median,
	       overhead.ns_median);
	measure("call+reply round trip, same CPU", one_call);
	measure("call+reply, FP/SIMD client, same CPU", one_call_fp);
	measure("notification round trip, same CPU", one_notify);
	if (cpus > 1) {
		if (set_affinity(echo_tid, 1u << 1) || set_affinity(pong_tid, 1u << 1))
			return 1;
		measure("call+reply round trip, cross CPU", one_call);
		measure("notification round trip, cross CPU", one_notify);
	}
	return 0;
}
