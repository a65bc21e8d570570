/*
 * ipcdemo: the workload `make trace` records. A client calls a server over
 * an endpoint while a CPU-bound task competes for the CPUs, so the trace
 * shows IPC arrows between client and server, scheduling on both CPUs, and
 * the markers each side puts around its work.
 *
 *   ipcdemo            the driver: starts the three tasks, waits for them
 *   ipcdemo server     answers "add one" requests on slot 0
 *   ipcdemo client N   makes N requests on slot 0, pausing in between
 *   ipcdemo spin MS    burns the CPU for MS milliseconds
 *   ipcdemo hold       holds an endpoint (and a badged copy of it) and a
 *                      notification with bits pending, and waits on the
 *                      endpoint for ever: something for lp-caps and lp-ipc
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "ipc.h"
#include "loupe.h"

#define LABEL_ADD 1
#define LABEL_QUIT 2

static long mark(int kind, const char *label)
{
	return loupe_syscall(LOUPE_SYS_trace_mark, kind, label, 0);
}

static int server(void)
{
	struct ipc_msg m;
	int err = ipc_recv(0, &m, LOUPE_TIMEOUT_NEVER);

	while (err == 0) {
		int quit = LOUPE_TAG_LABEL(m.tag) == LABEL_QUIT;

		mark(LOUPE_MARK_BEGIN, "handle request");
		m.w[0] += 1;
		m.tag = 0;
		mark(LOUPE_MARK_END, "handle request");
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

		mark(LOUPE_MARK_BEGIN, "request");
		if (ipc_call(0, &m, LOUPE_TIMEOUT_NEVER) || m.w[0] != (uint64_t)i + 1)
			return 1;
		mark(LOUPE_MARK_END, "request");
		nanosleep(&pause, NULL);
	}
	struct ipc_msg quit = { .tag = LABEL_QUIT };
	return ipc_call(0, &quit, LOUPE_TIMEOUT_NEVER) ? 1 : 0;
}

static int spin(long ms)
{
	struct timespec start, now;
	volatile unsigned long work = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		for (int i = 0; i < 500000; i++)
			work += i;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
	return 0;
}

/* Start "ipcdemo ROLE ARG" with our endpoint in its slot 0 (rights given). */
static int start_role(char *role, char *arg, uint32_t rights)
{
	char *argv[] = { "ipcdemo", role, arg, NULL };
	int tid = loupe_spawn("ipcdemo", argv, NULL);

	if (tid < 0 || task_cap(tid, 63) || cap_give(63, 0, 0, rights) || cap_delete(63) ||
	    loupe_start(tid))
		return -1;
	return tid;
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

	if (endpoint_create(0))
		return 1;
	tids[0] = start_role("server", "-", LOUPE_RIGHT_RECV);
	tids[1] = start_role("spin", "300", 0);
	tids[2] = start_role("client", "40", LOUPE_RIGHT_SEND);
	for (int i = 0; i < 3; i++) {
		int status;

		if (tids[i] < 0 || loupe_wait(tids[i], &status) != tids[i] || status != 0)
			failed++;
	}
	printf("ipcdemo: client, server and spinner %s\n", failed ? "FAILED" : "done");
	return failed;
}
