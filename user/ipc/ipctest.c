/*
 * ipctest: the IPC and capability checks of issue 6, run by init's self
 * test. The same program plays every role: without arguments it is the
 * driver, which spawns copies of itself ("ipctest ROLE ...") and hands
 * them capabilities before starting them.
 *
 * Prints "ipctest: NAME ok|FAILED" per check and ends with
 * "ipctest: N passed, M failed"; the exit status is M.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "ipc.h"
#include "loupe.h"
#include "loupe/console.h"

#define LABEL_QUIT 99
#define NEVER LOUPE_TIMEOUT_NEVER

static int failures, passes;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			printf("ipctest:   %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__);                              \
			printf("\n");                                     \
			return -1;                                        \
		}                                                         \
	} while (0)

static void report(const char *name, int result)
{
	printf("ipctest: %-24s %s\n", name, result == 0 ? "ok" : "FAILED");
	if (result == 0)
		passes++;
	else
		failures++;
}

static void sleep_ms(long ms)
{
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&d, NULL);
}

/* A capability the driver hands a child before it starts. */
struct grant {
	int src, dst;
	uint32_t rights;
};

/* Spawn "ipctest ROLE [arg]" with capabilities; returns its id or -errno. */
static int spawn_role(const char *role, const char *arg, const struct grant *g, int ng)
{
	char *argv[] = { "ipctest", (char *)role, (char *)arg, NULL };
	int tid = loupe_spawn("ipctest", argv, NULL), err = 0;

	if (tid < 0)
		return tid;
	if (task_cap(tid, 63) == 0) {
		for (int i = 0; i < ng && !err; i++)
			err = cap_give(63, g[i].src, g[i].dst, g[i].rights);
		cap_delete(63);
	}
	if (err || loupe_start(tid) < 0) {
		loupe_kill(tid);
		loupe_wait(tid, &err);
		return -1;
	}
	return tid;
}

static long set_affinity(int tid, uint32_t mask)
{
	return loupe_syscall(LOUPE_SYS_set_affinity, tid, mask, 0);
}

/* Wait for a child; 0 if it exited with status 0. */
static int wait_ok(int tid)
{
	int status;

	if (loupe_wait(tid, &status) != tid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* ---- roles ---------------------------------------------------------------- */

/* Answer every call on slot 0 with w0+1, the sender's badge and a running
 * count per badge, until a LABEL_QUIT message. */
static int role_echo(void)
{
	uint64_t count[16] = { 0 };
	struct ipc_msg m;
	int err = ipc_recv(0, &m, NEVER);

	while (err == 0) {
		uint64_t b = m.badge & 15;
		int quit = LOUPE_TAG_LABEL(m.tag) == LABEL_QUIT;

		m.w[3] = ++count[b];
		m.w[2] = m.badge;
		m.w[0] += 1;
		m.tag = 0;
		if (quit)
			return ipc_reply(&m);
		err = ipc_reply_recv(0, &m, NEVER);
	}
	return err;
}

/* Receive one message; reply with the type|rights of a capability that came
 * with it, or -1. */
static int role_grantcheck(void)
{
	struct ipc_msg m;

	if (ipc_recv(0, &m, NEVER))
		return 1;
	m.w[0] = m.tag & LOUPE_TAG_CAP ? (uint64_t)cap_query(LOUPE_TAG_CAP_SLOT(m.tag)) : (uint64_t)-1;
	m.tag = 0;
	return ipc_reply(&m) ? 1 : 0;
}

/* Call on slot 0 and expect the endpoint to be destroyed under us. */
static int role_caller_expect_epipe(void)
{
	struct ipc_msg m = { .tag = 1 };
	int err = ipc_call(0, &m, NEVER);

	return err == -EPIPE ? 0 : 1;
}

/* Hold slot 0 (with control) and never answer. */
static int role_owner(void)
{
	for (;;)
		sleep_ms(1000);
	return 0;
}

/* Take one call on slot 0 and never answer it. */
static int role_holder(void)
{
	struct ipc_msg m;

	if (ipc_recv(0, &m, NEVER))
		return 1;
	for (;;)
		sleep_ms(1000);
	return 0;
}

/* Take one call, answer it 200 ms later: the caller is gone by then, so
 * the reply must find nobody (-EINVAL) and harm nothing. */
static int role_late_replier(void)
{
	struct ipc_msg m;

	if (ipc_recv(0, &m, NEVER))
		return 1;
	sleep_ms(200);
	m = (struct ipc_msg){ .tag = 1 };
	return ipc_reply(&m) == -EINVAL ? 0 : 1;
}

/* Take one call, wait for the notification in slot 1, then answer with
 * reply_recv (the caller may have been killed meanwhile) and wait for the
 * quit message. */
static int role_kill_replier(void)
{
	struct ipc_msg m;
	uint64_t bits;

	if (ipc_recv(0, &m, NEVER))
		return 1;
	if (notify_wait(1, &bits))
		return 2;
	m = (struct ipc_msg){ .tag = 1 };
	if (ipc_reply_recv(0, &m, NEVER) || LOUPE_TAG_LABEL(m.tag) != LABEL_QUIT)
		return 3;
	m.tag = 0;
	return ipc_reply(&m) ? 4 : 0;
}

/* Signal bit `arg` on notification slot 0, many times. */
static int role_signaler(const char *arg)
{
	int bit = atoi(arg);

	for (int i = 0; i < 200; i++) {
		if (notify_signal(0, 1ull << bit))
			return 1;
		if (i % 50 == 0)
			sleep_ms(1);
	}
	return 0;
}

/* Make `arg` calls with sequence numbers on slot 0; check every reply. */
static int role_pinger(const char *arg)
{
	long n = atol(arg);

	for (long i = 0; i < n; i++) {
		struct ipc_msg m = { .tag = 7, .w = { (uint64_t)i, (uint64_t)i * 3, 0, 0 } };

		if (ipc_call(0, &m, NEVER) || m.w[0] != (uint64_t)i + 1 || m.w[1] != (uint64_t)i * 3 ||
		    m.w[3] != (uint64_t)i + 1)
			return 1; /* lost, duplicated or corrupted */
	}
	return 0;
}

/* Call slot 0 until the notification in slot 1 has a bit or `arg` calls
 * are made; exit 0 if stopped by the notification, 1 if it never came. */
static int role_looper(const char *arg)
{
	long limit = atol(arg);
	uint64_t bits = 0;

	for (long i = 0; i < limit; i++) {
		struct ipc_msg m = { .w = { (uint64_t)i } };

		if (ipc_call(0, &m, NEVER) || m.w[0] != (uint64_t)i + 1)
			return 2;
		if (i % 256 == 0 && notify_poll(1, &bits) == 0 && bits)
			return 0;
	}
	return 1;
}

/* Plain computation, no system calls: it runs only when scheduled. */
static int role_spinner(const char *arg)
{
	volatile unsigned long x = 0;

	for (long i = atol(arg); i > 0; i--)
		x += (unsigned long)i;
	return 0;
}

/* Map the frame in slot 0 read-only and check the pattern the driver wrote;
 * with arg "write", then write through that mapping (which must kill us). */
static int role_frameread(const char *arg)
{
	long va = frame_map(0, LOUPE_SELF, 0, LOUPE_PROT_READ);
	volatile uint32_t *p = (volatile uint32_t *)va;

	if (loupe_is_error(va))
		return 2;
	for (int i = 0; i < 1024; i++)
		if (p[i] != 0x10000u + (uint32_t)i)
			return 3;
	if (!strcmp(arg, "write"))
		p[0] = 1; /* SIGSEGV: the mapping is read-only */
	return 0;
}

/* Map the frame in slot 0 writable and leave a mark for the driver. */
static int role_framewrite(void)
{
	long va = frame_map(0, LOUPE_SELF, 0, LOUPE_PROT_READ | LOUPE_PROT_WRITE);

	if (loupe_is_error(va))
		return 2;
	((volatile uint32_t *)va)[1023] = 0xfeedu;
	return 0;
}

/* The driver mapped a frame at PREMAP_VA before starting us. */
#define PREMAP_VA 0x10000000ul
static int role_premapped(void)
{
	return *(volatile uint32_t *)PREMAP_VA == 0xabcdu ? 0 : 1;
}

/* Serve calls on slot 0: answer the first only after the second, through a
 * saved reply; save the third's reply and delete it unused. */
static int role_deferred(void)
{
	struct ipc_msg m, first;

	if (ipc_recv(0, &first, NEVER) || reply_save(5))
		return 1;
	if (ipc_recv(0, &m, NEVER))
		return 2;
	m.tag = 0;
	if (ipc_reply(&m))
		return 3;
	first.tag = 0;
	if (reply_send(5, &first) || cap_query(5) != -EBADF)
		return 4; /* a reply capability answers once */
	if (ipc_recv(0, &m, NEVER) || reply_save(6) || cap_delete(6))
		return 5;
	return 0;
}

/* Call slot 0 with w0 = arg and expect it back; for "lost", expect -EPIPE
 * (the server deletes our saved reply). */
static int role_deferred_client(const char *arg)
{
	struct ipc_msg m = { .tag = 1, .w = { (uint64_t)atol(arg) } };
	uint64_t want = m.w[0];
	int err = ipc_call(0, &m, NEVER);

	if (!strcmp(arg, "lost"))
		return err == -EPIPE ? 0 : 1;
	return err == 0 && m.w[0] == want ? 0 : 1;
}

/* ---- the checks ------------------------------------------------------------ */

static int test_order_and_integrity(void)
{
	struct grant g = { 0, 0, LOUPE_RIGHT_RECV };
	int server;

	CHECK(endpoint_create(0) == 0, "endpoint_create");
	CHECK(cap_copy(0, 1, LOUPE_RIGHT_SEND, 5) == 0, "badged send copy");
	server = spawn_role("echo", NULL, &g, 1);
	CHECK(server > 0, "spawn echo: %d", server);
	for (uint64_t i = 0; i < 2000; i++) {
		struct ipc_msg m = { .tag = 3, .w = { i, ~i, 0, 0 } };

		CHECK(ipc_call(1, &m, NEVER) == 0, "call %lu", (unsigned long)i);
		CHECK(m.w[0] == i + 1 && m.w[1] == ~i, "payload of call %lu", (unsigned long)i);
		CHECK(m.w[2] == 5, "badge seen by server: %lu", (unsigned long)m.w[2]);
		CHECK(m.w[3] == i + 1, "order: server counted %lu at call %lu",
		      (unsigned long)m.w[3], (unsigned long)i);
	}
	struct ipc_msg quit = { .tag = LABEL_QUIT };
	CHECK(ipc_call(1, &quit, NEVER) == 0, "quit");
	CHECK(wait_ok(server) == 0, "server exit");
	cap_delete(1);
	cap_delete(0);
	return 0;
}

static int test_many_clients_fair(void)
{
	struct grant srv = { 0, 0, LOUPE_RIGHT_RECV };
	int server, clients[4];

	CHECK(endpoint_create(0) == 0, "endpoint_create");
	server = spawn_role("echo", NULL, &srv, 1);
	CHECK(server > 0, "spawn server");
	for (int i = 0; i < 4; i++) {
		/* Each client gets its own badge, so the server tells them apart
		 * and counts each one's calls separately. */
		struct grant cl = { 1, 0, LOUPE_RIGHT_SEND };

		CHECK(cap_copy(0, 1, LOUPE_RIGHT_SEND, (uint64_t)i + 1) == 0, "mint badge");
		clients[i] = spawn_role("pinger", "300", &cl, 1);
		cap_delete(1);
		CHECK(clients[i] > 0, "spawn client %d", i);
	}
	for (int i = 0; i < 4; i++)
		CHECK(wait_ok(clients[i]) == 0, "client %d saw a lost or wrong reply", i);
	struct ipc_msg quit = { .tag = LABEL_QUIT };
	CHECK(ipc_call(0, &quit, NEVER) == 0, "quit");
	CHECK(wait_ok(server) == 0, "server exit");
	cap_delete(0);
	return 0;
}

static int test_rights_send_recv(void)
{
	struct ipc_msg m = { 0 };

	CHECK(endpoint_create(0) == 0, "endpoint_create");
	CHECK(cap_copy(0, 1, LOUPE_RIGHT_RECV, 0) == 0, "recv-only copy");
	CHECK(cap_copy(0, 2, LOUPE_RIGHT_SEND, 0) == 0, "send-only copy");
	CHECK(ipc_call(1, &m, LOUPE_TIMEOUT_POLL) == -EPERM, "call without send right");
	CHECK(ipc_recv(2, &m, LOUPE_TIMEOUT_POLL) == -EPERM, "recv without recv right");
	/* Rights only shrink: copying a send-only capability with all rights
	 * asked for still gives send only. */
	CHECK(cap_copy(2, 3, LOUPE_RIGHTS_ALL, 0) == 0, "copy of copy");
	CHECK(cap_query(3) == (LOUPE_OBJ_ENDPOINT | LOUPE_RIGHT_SEND << 8), "rights grew: %lx",
	      cap_query(3));
	CHECK(cap_copy(2, 4, LOUPE_RIGHT_SEND, 9) == 0, "badge an unbadged copy");
	CHECK(cap_copy(4, 5, LOUPE_RIGHT_SEND, 10) == -EPERM, "re-badging must fail");
	CHECK(cap_copy(7, 8, LOUPE_RIGHTS_ALL, 0) == -EBADF, "copy from an empty slot");
	CHECK(cap_copy(0, 1, LOUPE_RIGHTS_ALL, 0) == -EBUSY, "copy onto a taken slot");
	CHECK(cap_copy(0, 64, LOUPE_RIGHTS_ALL, 0) == -EINVAL, "slot out of range");
	CHECK(ipc_call(0, &m, LOUPE_TIMEOUT_POLL) == -ETIMEDOUT, "poll call with nobody receiving");
	for (int s = 0; s <= 4; s++)
		cap_delete(s);
	return 0;
}

static int test_rights_grant(void)
{
	struct grant g = { 0, 0, LOUPE_RIGHT_RECV };
	struct ipc_msg m;
	int server;

	CHECK(endpoint_create(0) == 0, "endpoint_create");
	CHECK(notification_create(2) == 0, "an object to pass");
	CHECK(cap_copy(0, 1, LOUPE_RIGHT_SEND, 0) == 0, "send without grant");
	server = spawn_role("grantcheck", NULL, &g, 1);
	CHECK(server > 0, "spawn");
	m = (struct ipc_msg){ .tag = LOUPE_TAG(1, 1, 2) };
	CHECK(ipc_call(1, &m, NEVER) == -EPERM, "passing a capability without grant");
	m = (struct ipc_msg){ .tag = LOUPE_TAG(1, 1, 2) };
	CHECK(ipc_call(0, &m, NEVER) == 0, "call with grant");
	CHECK(m.w[0] == (uint64_t)(LOUPE_OBJ_NOTIFICATION | LOUPE_RIGHTS_ALL << 8),
	      "server got type|rights %lx", (unsigned long)m.w[0]);
	CHECK(wait_ok(server) == 0, "server exit");
	cap_delete(0);
	cap_delete(1);
	cap_delete(2);
	return 0;
}

static int test_rights_control(void)
{
	char *argv[] = { "ipctest", "owner", NULL };
	int tid = loupe_spawn("ipctest", argv, NULL), status;

	CHECK(tid > 0, "spawn");
	CHECK(task_cap(tid, 0) == 0, "task capability");
	CHECK(cap_copy(0, 1, LOUPE_RIGHT_SEND, 0) == 0, "task capability without control");
	CHECK(endpoint_create(2) == 0, "endpoint");
	CHECK(cap_give(1, 2, 0, LOUPE_RIGHTS_ALL) == -EPERM, "give without control");
	CHECK(cap_give(0, 2, 0, LOUPE_RIGHTS_ALL) == 0, "give with control");
	CHECK(task_cap(12345, 3) == -ESRCH, "task capability for a stranger");
	loupe_kill(tid);
	loupe_wait(tid, &status);
	for (int s = 0; s <= 2; s++)
		cap_delete(s);
	return 0;
}

static int test_notification_bits(void)
{
	int tids[8];
	uint64_t seen = 0, bits;

	CHECK(notification_create(0) == 0, "notification");
	CHECK(notify_poll(0, &bits) == 0 && bits == 0, "empty poll");
	for (int i = 0; i < 8; i++) {
		struct grant g = { 0, 0, LOUPE_RIGHT_SEND };
		char arg[4];

		snprintf(arg, sizeof(arg), "%d", i);
		tids[i] = spawn_role("signaler", arg, &g, 1);
		CHECK(tids[i] > 0, "spawn signaler %d", i);
	}
	while (seen != 0xff) {
		CHECK(notify_wait(0, &bits) == 0, "wait");
		CHECK((bits & ~0xffull) == 0, "stray bits %lx", (unsigned long)bits);
		seen |= bits;
	}
	for (int i = 0; i < 8; i++)
		CHECK(wait_ok(tids[i]) == 0, "signaler %d", i);
	CHECK(cap_copy(0, 1, LOUPE_RIGHT_RECV, 0) == 0, "recv-only copy");
	CHECK(notify_signal(1, 1) == -EPERM, "signal without send right");
	cap_delete(1);
	cap_delete(0);
	return 0;
}

static int test_server_killed(void)
{
	struct grant owner_g = { 0, 0, LOUPE_RIGHTS_ALL };
	struct grant caller_g = { 1, 0, LOUPE_RIGHT_SEND };
	int owner, callers[3], status;

	CHECK(endpoint_create(0) == 0, "endpoint");
	owner = spawn_role("owner", NULL, &owner_g, 1);
	CHECK(owner > 0, "spawn owner");
	/* Keep only a send right: the owner's is now the last with control. */
	CHECK(cap_copy(0, 1, LOUPE_RIGHT_SEND, 0) == 0 && cap_delete(0) == 0, "drop control");
	for (int i = 0; i < 3; i++) {
		callers[i] = spawn_role("caller", NULL, &caller_g, 1);
		CHECK(callers[i] > 0, "spawn caller %d", i);
	}
	sleep_ms(100); /* the callers block: the owner never receives */
	CHECK(loupe_kill(owner) == 0 && loupe_wait(owner, &status) == owner, "kill the server");
	for (int i = 0; i < 3; i++)
		CHECK(wait_ok(callers[i]) == 0, "caller %d did not get -EPIPE", i);
	cap_delete(1);
	return 0;
}

/* Either side dies after the server took the call, before the reply. */
static int test_killed_mid_call(void)
{
	struct grant srv = { 0, 0, LOUPE_RIGHT_RECV }, cl = { 0, 0, LOUPE_RIGHT_SEND };
	int server, caller, status;

	CHECK(endpoint_create(0) == 0, "endpoint");
	server = spawn_role("holder", NULL, &srv, 1);
	caller = spawn_role("caller", NULL, &cl, 1);
	CHECK(server > 0 && caller > 0, "spawn");
	sleep_ms(50); /* the server has the call and sits on it */
	CHECK(loupe_kill(server) == 0 && loupe_wait(server, &status) == server, "kill the server");
	CHECK(wait_ok(caller) == 0, "the caller waiting for a reply did not get -EPIPE");

	server = spawn_role("latereply", NULL, &srv, 1);
	caller = spawn_role("caller", NULL, &cl, 1);
	CHECK(server > 0 && caller > 0, "spawn");
	sleep_ms(50);
	CHECK(loupe_kill(caller) == 0 && loupe_wait(caller, &status) == caller, "kill the caller");
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "caller status %x", status);
	CHECK(wait_ok(server) == 0, "the reply to a dead caller did not fail cleanly");
	cap_delete(0);
	return 0;
}

/*
 * A caller killed while its server holds the call is READY (it must run
 * to die) but still the server's reply_to. A server of higher priority
 * that answers before the caller ran must not hand the CPU to it: the
 * caller sits on the run queue, and a handoff would run it while queued.
 * One CPU, so the order is exact: kill, then the server wakes first.
 */
static int test_reply_to_killed(void)
{
	struct grant srv[2] = { { 0, 0, LOUPE_RIGHT_RECV }, { 1, 1, LOUPE_RIGHT_RECV } },
		     cl = { 0, 0, LOUPE_RIGHT_SEND };
	struct ipc_msg quit = { .tag = LABEL_QUIT };
	int server, caller, status;

	CHECK(set_affinity(0, 1u << 0) == 0, "pin to CPU 0");
	CHECK(endpoint_create(0) == 0 && notification_create(1) == 0, "create");
	server = spawn_role("killreply", NULL, srv, 2);
	CHECK(server > 0, "spawn server");
	CHECK(loupe_syscall(LOUPE_SYS_set_priority, server, LOUPE_PRIO_DEFAULT + 1, 0) == 0,
	      "raise the server");
	caller = spawn_role("pinger", "1", &cl, 1);
	CHECK(caller > 0, "spawn caller");
	sleep_ms(50); /* the server holds the call and waits for the signal */
	CHECK(loupe_kill(caller) == 0, "kill the caller");
	CHECK(notify_signal(1, 1) == 0, "wake the server: it answers at once");
	CHECK(loupe_wait(caller, &status) == caller, "reap the caller");
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "caller status %x", status);
	CHECK(ipc_call(0, &quit, NEVER) == 0 && wait_ok(server) == 0, "server after the answer");
	cap_delete(0);
	cap_delete(1);
	CHECK(set_affinity(0, LOUPE_CPUS_ALL) == 0, "unpin");
	return 0;
}

static int test_endpoint_deleted(void)
{
	struct grant g = { 0, 0, LOUPE_RIGHT_SEND };
	int callers[3];

	CHECK(endpoint_create(0) == 0, "endpoint");
	for (int i = 0; i < 3; i++) {
		callers[i] = spawn_role("caller", NULL, &g, 1);
		CHECK(callers[i] > 0, "spawn caller %d", i);
	}
	sleep_ms(100); /* let them block in call: nobody ever receives */
	CHECK(cap_delete(0) == 0, "delete the only control capability");
	for (int i = 0; i < 3; i++)
		CHECK(wait_ok(callers[i]) == 0, "caller %d did not get -EPIPE", i);
	return 0;
}

/* Map rights: one check per right, then the same through another task. */
static int test_rights_map(void)
{
	CHECK(frame_create(0, 1) == 0, "frame_create");
	CHECK(cap_copy(0, 1, LOUPE_RIGHT_MAP_R, 0) == 0, "read-only copy");
	CHECK(cap_copy(0, 2, LOUPE_RIGHT_MAP_W, 0) == 0, "write-only copy");
	CHECK(cap_copy(0, 3, LOUPE_RIGHT_MAP_R | LOUPE_RIGHT_MAP_W, 0) == 0, "r/w copy");
	CHECK(frame_map(1, LOUPE_SELF, 0, LOUPE_PROT_READ | LOUPE_PROT_WRITE) == -EPERM,
	      "write mapping without the write right");
	CHECK(frame_map(2, LOUPE_SELF, 0, LOUPE_PROT_READ) == -EPERM,
	      "read mapping without the read right");
	CHECK(frame_map(3, LOUPE_SELF, 0, LOUPE_PROT_READ | LOUPE_PROT_EXEC) == -EPERM,
	      "exec mapping without the exec right");
	CHECK(frame_map(0, LOUPE_SELF, 0, LOUPE_PROT_WRITE) == -EINVAL, "write-only protection");
	CHECK(frame_map(0, LOUPE_SELF, 0x1234, LOUPE_PROT_READ) == -EINVAL, "unaligned address");
	CHECK(frame_map(0, LOUPE_SELF, 0, 8) == -EINVAL, "unknown protection bit");
	CHECK(frame_map(7, LOUPE_SELF, 0, LOUPE_PROT_READ) == -EBADF, "empty slot");
	CHECK(endpoint_create(4) == 0 && frame_map(4, LOUPE_SELF, 0, LOUPE_PROT_READ) == -EINVAL,
	      "an endpoint is not memory");
	CHECK(frame_create(5, 0) == -EINVAL && frame_create(5, LOUPE_FRAME_MAX_PAGES + 1) == -EINVAL,
	      "frame sizes");
	CHECK(frame_info(0) == 4096, "frame_info %ld", frame_info(0));
	for (int s = 0; s <= 4; s++)
		cap_delete(s);
	return 0;
}

static int test_shared_memory(void)
{
	long before, va, after;
	struct grant ro = { 0, 0, LOUPE_RIGHT_MAP_R }, rw = { 0, 0, LOUPE_RIGHT_MAP_R | LOUPE_RIGHT_MAP_W };
	volatile uint32_t *p;
	int tid, status;

	/* Once, so the page tables the mapping needs exist before we count
	 * free frames: they stay with the address space. */
	CHECK(frame_create(0, 1) == 0, "frame_create");
	va = frame_map(0, LOUPE_SELF, 0, LOUPE_PROT_READ);
	CHECK(!loupe_is_error(va) && frame_unmap(LOUPE_SELF, (uint64_t)va) == 0, "warm-up map");
	cap_delete(0);
	before = loupe_frames_free();
	CHECK(frame_create(0, 1) == 0, "frame_create");
	va = frame_map(0, LOUPE_SELF, 0, LOUPE_PROT_READ | LOUPE_PROT_WRITE);
	CHECK(!loupe_is_error(va), "map: %ld", va);
	p = (volatile uint32_t *)va;
	for (int i = 0; i < 1024; i++)
		p[i] = 0x10000u + (uint32_t)i;
	/* A reader sees what we wrote. */
	tid = spawn_role("frameread", NULL, &ro, 1);
	CHECK(tid > 0 && wait_ok(tid) == 0, "reader did not see our data");
	/* A writer's store shows up here. */
	tid = spawn_role("framewrite", NULL, &rw, 1);
	CHECK(tid > 0 && wait_ok(tid) == 0, "writer failed");
	CHECK(p[1023] == 0xfeedu, "writer's store not visible: %x", p[1023]);
	p[1023] = 0x10000u + 1023;
	/* Writing through a read-only mapping kills the writer, only it. */
	tid = spawn_role("frameread", "write", &ro, 1);
	CHECK(tid > 0 && loupe_wait(tid, &status) == tid, "spawn ro writer");
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "ro writer status %x", status);
	CHECK(p[0] == 0x10000u, "the read-only write landed");
	CHECK(frame_unmap(LOUPE_SELF, (uint64_t)va) == 0, "unmap");
	CHECK(frame_unmap(LOUPE_SELF, (uint64_t)va) == -EINVAL, "second unmap");
	CHECK(cap_delete(0) == 0, "delete");
	after = loupe_frames_free();
	CHECK(before == after, "frames leaked: %ld", before - after);
	return 0;
}

/* Mapping into another task needs control over it. */
static int test_map_into_task(void)
{
	char *argv[] = { "ipctest", "premapped", NULL };
	int tid = loupe_spawn("ipctest", argv, NULL);
	long va;

	CHECK(tid > 0, "spawn");
	CHECK(frame_create(0, 1) == 0 && task_cap(tid, 1) == 0, "frame and task capability");
	CHECK(cap_copy(1, 2, LOUPE_RIGHTS_ALL & ~LOUPE_RIGHT_CONTROL, 0) == 0, "copy without control");
	CHECK(frame_map(0, 2, PREMAP_VA, LOUPE_PROT_READ) == -EPERM, "mapped without control");
	va = frame_map(0, 1, PREMAP_VA, LOUPE_PROT_READ);
	CHECK(va == (long)PREMAP_VA, "map into child: %ld", va);
	CHECK(frame_map(0, 1, PREMAP_VA, LOUPE_PROT_READ) == -EEXIST, "mapped twice at one address");
	/* The child sees our later writes: the memory is shared, not copied. */
	va = frame_map(0, LOUPE_SELF, 0, LOUPE_PROT_READ | LOUPE_PROT_WRITE);
	CHECK(!loupe_is_error(va), "map here");
	*(volatile uint32_t *)va = 0xabcdu;
	CHECK(loupe_start(tid) == 0 && wait_ok(tid) == 0, "child did not see the frame");
	CHECK(frame_map(0, 1, 0, LOUPE_PROT_READ) == -EPIPE, "mapped into a dead task");
	frame_unmap(LOUPE_SELF, (uint64_t)va);
	for (int s = 0; s <= 2; s++)
		cap_delete(s);
	return 0;
}

static int test_deferred_reply(void)
{
	struct grant srv = { 0, 0, LOUPE_RIGHT_RECV }, cl = { 0, 0, LOUPE_RIGHT_SEND };
	int server, a, b, c;

	CHECK(endpoint_create(0) == 0, "endpoint");
	server = spawn_role("deferred", NULL, &srv, 1);
	a = spawn_role("dclient", "1", &cl, 1);
	CHECK(server > 0 && a > 0, "spawn");
	sleep_ms(50); /* a's call is the first the server takes */
	b = spawn_role("dclient", "2", &cl, 1);
	CHECK(b > 0 && wait_ok(b) == 0, "second caller");
	CHECK(wait_ok(a) == 0, "first caller, answered through the saved reply");
	c = spawn_role("dclient", "lost", &cl, 1);
	CHECK(c > 0, "spawn");
	/* The server ends after c's call; if it failed earlier, deleting the
	 * endpoint still frees c (with the -EPIPE it expects). */
	CHECK(wait_ok(server) == 0, "server");
	cap_delete(0);
	CHECK(wait_ok(c) == 0, "a deleted reply capability must fail its caller");
	CHECK(reply_save(5) == -EINVAL, "reply_save with no caller");
	return 0;
}

/* A notification bound to a receiver arrives through ipc_recv. */
static int test_bound_notification(void)
{
	struct ipc_msg m;

	CHECK(endpoint_create(0) == 0 && notification_create(1) == 0, "objects");
	CHECK(notify_bind(1) == 0, "bind");
	CHECK(notification_create(2) == 0 && notify_bind(2) == -EBUSY, "one binding per task");
	CHECK(ipc_recv(0, &m, LOUPE_TIMEOUT_POLL) == -ETIMEDOUT, "nothing pending");
	CHECK(notify_signal(1, 0x28) == 0, "signal");
	CHECK(ipc_recv(0, &m, LOUPE_TIMEOUT_POLL) == 0, "recv");
	CHECK(LOUPE_TAG_LABEL(m.tag) == LOUPE_LABEL_NOTIFY && m.w[0] == 0x28 && m.badge == 0,
	      "label %lx bits %lx", (unsigned long)m.tag, (unsigned long)m.w[0]);
	CHECK(notify_bind(LOUPE_SELF) == 0 && notify_signal(1, 1) == 0, "unbind");
	CHECK(ipc_recv(0, &m, LOUPE_TIMEOUT_POLL) == -ETIMEDOUT, "unbound: no message");
	for (int s = 0; s <= 2; s++)
		cap_delete(s);
	return 0;
}

/* The console server answers malformed requests with an error and keeps
 * serving (docs/ipc-protocols.md). */
static int test_console_protocol(void)
{
	struct ipc_msg m = { .tag = LOUPE_CONSOLE_WRITE, .w = { 0 } };

	CHECK(ipc_call(LOUPE_SLOT_STDIO, &m, NEVER) == 0 && (long)m.w[0] == -EINVAL,
	      "empty write: %ld", (long)m.w[0]);
	m = (struct ipc_msg){ .tag = LOUPE_CONSOLE_WRITE, .w = { LOUPE_CONSOLE_CHUNK + 1 } };
	CHECK(ipc_call(LOUPE_SLOT_STDIO, &m, NEVER) == 0 && (long)m.w[0] == -EINVAL,
	      "oversized write: %ld", (long)m.w[0]);
	m = (struct ipc_msg){ .tag = LOUPE_CONSOLE_READ, .w = { 0 } };
	CHECK(ipc_call(LOUPE_SLOT_STDIO, &m, NEVER) == 0 && (long)m.w[0] == -EINVAL,
	      "empty read: %ld", (long)m.w[0]);
	m = (struct ipc_msg){ .tag = 77 };
	CHECK(ipc_call(LOUPE_SLOT_STDIO, &m, NEVER) == 0 && (long)m.w[0] == -ENOSYS,
	      "unknown label: %ld", (long)m.w[0]);
	m = (struct ipc_msg){ .tag = LOUPE_CONSOLE_WRITE, .w = { 21 } };
	memcpy(&m.w[1], "ipctest: (raw write)\n", 21);
	CHECK(ipc_call(LOUPE_SLOT_STDIO, &m, NEVER) == 0 && m.w[0] == 21, "write: %ld",
	      (long)m.w[0]);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The three timeouts: never (the other checks), poll, and a duration,
 * which must not end early and must leave nothing queued behind. */
static int test_timeouts(void)
{
	const uint64_t wait = 20 * 1000 * 1000; /* 20 ms */
	struct grant g = { 0, 0, LOUPE_RIGHT_RECV };
	struct ipc_msg m = { .tag = 1 };
	uint64_t t0;
	int server;

	CHECK(endpoint_create(0) == 0, "endpoint_create");
	CHECK(ipc_call(0, &m, LOUPE_TIMEOUT_POLL) == -ETIMEDOUT, "poll call, nobody receiving");
	CHECK(ipc_recv(0, &m, LOUPE_TIMEOUT_POLL) == -ETIMEDOUT, "poll recv, nobody calling");
	t0 = now_ns();
	CHECK(ipc_recv(0, &m, wait) == -ETIMEDOUT, "timed recv, nobody calling");
	CHECK(now_ns() - t0 >= wait, "timed recv ended after %lu ns", (unsigned long)(now_ns() - t0));
	t0 = now_ns();
	CHECK(ipc_call(0, &m, wait) == -ETIMEDOUT, "timed call, nobody receiving");
	CHECK(now_ns() - t0 >= wait, "timed call ended after %lu ns", (unsigned long)(now_ns() - t0));
	/* The caller that gave up is no longer queued on the endpoint. */
	CHECK(ipc_recv(0, &m, LOUPE_TIMEOUT_POLL) == -ETIMEDOUT, "a timed-out caller stayed queued");
	/* A partner that answers in time: the duration is only a limit. */
	server = spawn_role("echo", NULL, &g, 1);
	CHECK(server > 0, "spawn echo");
	m = (struct ipc_msg){ .tag = 1, .w = { 41 } };
	CHECK(ipc_call(0, &m, 5000ull * 1000 * 1000) == 0 && m.w[0] == 42, "timed call answered");
	m = (struct ipc_msg){ .tag = LABEL_QUIT };
	CHECK(ipc_call(0, &m, NEVER) == 0 && wait_ok(server) == 0, "quit");
	cap_delete(0);
	return 0;
}

/* obj_name: the owner names its objects; every bad argument is an error
 * code, and a failed call changes nothing. */
static int test_object_names(void)
{
	CHECK(endpoint_create(0) == 0 && notification_create(1) == 0, "create");
	CHECK(cap_copy(0, 2, LOUPE_RIGHT_SEND | LOUPE_RIGHT_RECV, 0) == 0, "copy without control");
	CHECK(obj_name(0, "ipctest-ep") == 0, "name an endpoint");
	CHECK(obj_name(1, "ipctest-ntfn") == 0, "name a notification");
	CHECK(obj_name(0, "renamed") == 0, "rename");
	CHECK(obj_name(2, "thief") == -EPERM, "named without the control right");
	CHECK(obj_name(0, "") == -EINVAL, "empty name");
	CHECK(obj_name(0, "sixteen-chars-xx") == -EINVAL, "name longer than 15");
	CHECK(obj_name(0, "two words") == -EINVAL, "space in a name");
	CHECK(obj_name(0, "tab\tname") == -EINVAL, "control character in a name");
	CHECK(obj_name(0, (const char *)8) == -EFAULT, "unmapped name");
	CHECK(obj_name(9, "nobody") == -EBADF, "empty slot");
	CHECK(obj_name(LOUPE_CAP_SLOTS, "nowhere") == -EINVAL, "slot out of range");
	for (int s = 0; s <= 2; s++)
		cap_delete(s);
	return 0;
}

/*
 * A client and a server that call each other without pause share one time
 * slice, as one thread of control: a task of the same priority on their
 * CPU still gets its turn. Everything runs on CPU 0 (children inherit the
 * driver's affinity). Were each handoff to start a fresh slice, the pair
 * would never be preempted: the driver could not even start the spinner
 * until the looper gave up, and the looper would end first.
 */
static int test_slice_shared(void)
{
	struct grant srv = { 0, 0, LOUPE_RIGHT_RECV }, cl[2] = { { 0, 0, LOUPE_RIGHT_SEND },
								  { 1, 1, LOUPE_RIGHT_RECV } };
	struct ipc_msg quit = { .tag = LABEL_QUIT };
	int server, looper, spinner, status, first;

	CHECK(set_affinity(0, 1u << 0) == 0, "pin to CPU 0");
	CHECK(endpoint_create(0) == 0 && notification_create(1) == 0, "create");
	server = spawn_role("echo", NULL, &srv, 1);
	looper = spawn_role("looper", "1000000", cl, 2);
	CHECK(server > 0 && looper > 0, "spawn the pair");
	sleep_ms(20); /* the pair runs; this sleep ends only if we get the CPU */
	spinner = spawn_role("spinner", "2000000", NULL, 0);
	CHECK(spinner > 0, "spawn spinner");
	first = loupe_wait(-1, &status);
	CHECK(notify_signal(1, 1) == 0, "stop the looper");
	CHECK(first == spinner, "the pair kept the CPU: task %d ended before the spinner (%d)", first,
	      spinner);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "spinner status %x", status);
	CHECK(wait_ok(looper) == 0, "looper was not stopped by the notification");
	CHECK(ipc_call(0, &quit, NEVER) == 0 && wait_ok(server) == 0, "quit");
	cap_delete(0);
	cap_delete(1);
	CHECK(set_affinity(0, LOUPE_CPUS_ALL) == 0, "unpin");
	return 0;
}

static int test_stress_pairs(const char *per_pair)
{
	long before = loupe_frames_free(), after;
	int servers[8], clients[8], err;

	for (int p = 0; p < 8; p++) {
		struct grant srv = { 0, 0, LOUPE_RIGHT_RECV }, cl = { 0, 0, LOUPE_RIGHT_SEND };

		CHECK(endpoint_create(0) == 0, "endpoint %d", p);
		servers[p] = spawn_role("echo", NULL, &srv, 1);
		clients[p] = spawn_role("pinger", per_pair, &cl, 1);
		CHECK(servers[p] > 0 && clients[p] > 0, "spawn pair %d", p);
		/* Keep our (controlling) capability for the pair's endpoint in
		 * slot 1+p, freeing slot 0 for the next pair. */
		err = cap_move(0, 1 + p);
		CHECK(err == 0, "move to slot %d: %d (slot holds %lx)", 1 + p, err, cap_query(1 + p));
	}
	for (int p = 0; p < 8; p++) {
		struct ipc_msg quit = { .tag = LABEL_QUIT };

		CHECK(wait_ok(clients[p]) == 0, "pair %d lost or duplicated a message", p);
		CHECK(ipc_call(1 + p, &quit, NEVER) == 0, "quit %d", p);
		CHECK(wait_ok(servers[p]) == 0, "server %d", p);
		cap_delete(1 + p);
	}
	after = loupe_frames_free();
	printf("ipctest: 8 pairs x %s calls; free frames %ld before, %ld after\n", per_pair, before,
	       after);
	CHECK(before == after, "frames leaked: %ld", before - after);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2) {
		const char *role = argv[1], *arg = argc > 2 ? argv[2] : "0";

		if (!strcmp(role, "echo"))
			return role_echo();
		if (!strcmp(role, "grantcheck"))
			return role_grantcheck();
		if (!strcmp(role, "caller"))
			return role_caller_expect_epipe();
		if (!strcmp(role, "owner"))
			return role_owner();
		if (!strcmp(role, "holder"))
			return role_holder();
		if (!strcmp(role, "latereply"))
			return role_late_replier();
		if (!strcmp(role, "killreply"))
			return role_kill_replier();
		if (!strcmp(role, "signaler"))
			return role_signaler(arg);
		if (!strcmp(role, "pinger"))
			return role_pinger(arg);
		if (!strcmp(role, "looper"))
			return role_looper(arg);
		if (!strcmp(role, "spinner"))
			return role_spinner(arg);
		if (!strcmp(role, "frameread"))
			return role_frameread(arg);
		if (!strcmp(role, "framewrite"))
			return role_framewrite();
		if (!strcmp(role, "premapped"))
			return role_premapped();
		if (!strcmp(role, "deferred"))
			return role_deferred();
		if (!strcmp(role, "dclient"))
			return role_deferred_client(arg);
		if (strcmp(role, "all") != 0) {
			printf("ipctest: unknown role %s\n", role);
			return 2;
		}
	}
	report("order_and_integrity", test_order_and_integrity());
	report("many_clients_fair", test_many_clients_fair());
	report("rights_send_recv", test_rights_send_recv());
	report("rights_grant", test_rights_grant());
	report("rights_control", test_rights_control());
	report("notification_bits", test_notification_bits());
	report("server_killed", test_server_killed());
	report("killed_mid_call", test_killed_mid_call());
	report("reply_to_killed", test_reply_to_killed());
	report("endpoint_deleted", test_endpoint_deleted());
	report("rights_map", test_rights_map());
	report("shared_memory", test_shared_memory());
	report("map_into_task", test_map_into_task());
	report("deferred_reply", test_deferred_reply());
	report("bound_notification", test_bound_notification());
	report("console_protocol", test_console_protocol());
	report("timeouts", test_timeouts());
	report("object_names", test_object_names());
	report("slice_shared", test_slice_shared());
	report("stress_pairs", test_stress_pairs(argc > 2 ? argv[2] : "100000"));
	printf("ipctest: %d passed, %d failed\n", passes, failures);
	return failures;
}
