/*
 * ipcdemo: the workload `make trace` records. A client calls a server over
 * an endpoint while a CPU-bound task competes for the CPUs, so the trace
 * shows IPC arrows between client and server, scheduling on both CPUs, and
 * the markers each side puts around its work. Every fifth request the
 * server touches a fresh page (a page fault apiece), and the spinner
 * reports its progress through a notification the driver waits on.
 *
 *   ipcdemo            the driver: starts the three tasks, waits for them
 *   ipcdemo server     answers "add one" requests on slot 0
 *   ipcdemo client N   makes N requests on slot 0, pausing in between
 *   ipcdemo spin MS    burns the CPU for MS milliseconds, signalling the
 *                      notification in slot 0 after each third of it
 *   ipcdemo hold       holds an endpoint (and a badged copy of it) and a
 *                      notification with bits pending, and waits on the
 *                      endpoint for ever: something for lp-caps and lp-ipc
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "ipc.h"
#include "loupe.h"

#define LABEL_ADD 1
#define LABEL_QUIT 2
#define SCRATCH_PAGES 8
#define FAULT_EVERY 5
#define PAGE 4096
#define SPIN_STEPS 3
#define SPIN_DONE ((1u << SPIN_STEPS) - 1)

static int server(void)
{
	struct ipc_msg m;
	/* Anonymous memory is mapped page by page at first touch, as a big
	 * malloc() block would be: every FAULT_EVERY-th request takes a fault. */
	char *scratch = mmap(NULL, SCRATCH_PAGES * PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int err = scratch == MAP_FAILED ? 1 : ipc_recv(0, &m, LOUPE_TIMEOUT_NEVER);

	for (unsigned n = 0; err == 0; n++) {
		int quit = LOUPE_TAG_LABEL(m.tag) == LABEL_QUIT;

		loupe_trace_mark(LOUPE_MARK_BEGIN, "handle request");
		if (n % FAULT_EVERY == 0 && n / FAULT_EVERY < SCRATCH_PAGES)
			scratch[n / FAULT_EVERY * PAGE] = (char)m.w[0];
		m.w[0] += 1;
		m.tag = 0;
		loupe_trace_mark(LOUPE_MARK_END, "handle request");
		if (quit)
			return ipc_reply(&m) ? 1 : 0;
		err = ipc_reply_recv(0, &m, LOUPE_TIMEOUT_NEVER);
	}
	return 1;
}

static int client(long n)
{
	struct timespec pause = { 0, 2000000 };

	for (long i = 0; i < n; i++) {
		struct ipc_msg m = { .tag = LABEL_ADD, .w = { (uint64_t)i } };

		loupe_trace_mark(LOUPE_MARK_BEGIN, "request");
		if (ipc_call(0, &m, LOUPE_TIMEOUT_NEVER) || m.w[0] != (uint64_t)i + 1)
			return 1;
		loupe_trace_mark(LOUPE_MARK_END, "request");
		nanosleep(&pause, NULL);
	}
	struct ipc_msg quit = { .tag = LABEL_QUIT };
	return ipc_call(0, &quit, LOUPE_TIMEOUT_NEVER) ? 1 : 0;
}

static long ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static int spin(long ms)
{
	struct timespec start;
	volatile unsigned long work = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int step = 1; step <= SPIN_STEPS; step++) {
		while (ms_since(&start) < ms * step / SPIN_STEPS)
			for (int i = 0; i < 500000; i++)
				work += i;
		if (notify_signal(0, 1u << (step - 1)))
			return 1;
	}
	return 0;
}

/* Start "ipcdemo ROLE ARG" with our slot `src` in its slot 0 (rights given). */
static int start_role(char *role, char *arg, int src, uint32_t rights)
{
	char *argv[] = { "ipcdemo", role, arg, NULL };
	int tid = loupe_spawn("ipcdemo", argv, NULL);

	if (tid < 0 || task_cap(tid, 63) || cap_give(63, src, 0, rights) || cap_delete(63) ||
	    loupe_start(tid))
		return -1;
	return tid;
}

/* Take the spinner's progress bits as they come, until all are in. */
static int wait_for_spinner(void)
{
	uint64_t seen = 0, bits;

	while (seen != SPIN_DONE) {
		if (notify_wait(1, &bits))
			return 1;
		seen |= bits;
		loupe_trace_mark(LOUPE_MARK_INSTANT, "spin progress");
	}
	return 0;
}

int main(int argc, char **argv)
{
	int tids[3], failed = 0;

	if (argc > 1 && !strcmp(argv[1], "server"))
		return server();
	if (argc > 2 && !strcmp(argv[1], "client"))
		return client(atol(argv[2]));
	if (argc > 2 && !strcmp(argv[1], "spin"))
		return spin(atol(argv[2]));
	if (argc > 1 && !strcmp(argv[1], "hold")) {
		struct ipc_msg m;

		if (endpoint_create(0) || notification_create(1) ||
		    cap_copy(0, 2, LOUPE_RIGHT_SEND, 7) || notify_signal(1, 0x5))
			return 1;
		return ipc_recv(0, &m, LOUPE_TIMEOUT_NEVER) ? 1 : 0;
	}

	/* Named, the trace shows "ipc_call demo" instead of a bare id. */
	if (endpoint_create(0) || obj_name(0, "demo") || notification_create(1) ||
	    obj_name(1, "spin-progress"))
		return 1;
	tids[0] = start_role("server", "-", 0, LOUPE_RIGHT_RECV);
	tids[1] = start_role("spin", "300", 1, LOUPE_RIGHT_SEND);
	tids[2] = start_role("client", "40", 0, LOUPE_RIGHT_SEND);
	if (tids[1] < 0 || wait_for_spinner())
		failed++;
	for (int i = 0; i < 3; i++) {
		int status;

		if (tids[i] < 0 || loupe_wait(tids[i], &status) != tids[i] || status != 0)
			failed++;
	}
	printf("ipcdemo: client, server and spinner %s\n", failed ? "FAILED" : "done");
	/* How full the rings got: one status line on the console. */
	loupe_trace_control("status");
	return failed;
}
