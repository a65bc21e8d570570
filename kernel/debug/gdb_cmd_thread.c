/* H, T, qC, qfThreadInfo, qsThreadInfo, qThreadExtraInfo. */
#include "debug/gdb_commands.h"
#include "debug/gdb_hex.h"
#include "debug/gdb_session.h"
#include "debug/gdb_threads.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

/* A thread id: hex, or "-1" (all threads), or "0" (any thread). */
static bool parse_tid(const char **a, const char *end, long *tid)
{
	uint64_t v;

	if (gdb_parse_char(a, end, '-')) {
		if (!gdb_parse_char(a, end, '1'))
			return false;
		*tid = -1;
		return true;
	}
	if (!gdb_parse_hex(a, end, &v) || v > 0x7fffffff)
		return false;
	*tid = (long)v;
	return true;
}

static bool thread_exists(long tid)
{
	struct gdb_thread t;

	return gdb_thread_get((unsigned long)tid, &t);
}

/* "Hg<tid>" selects the thread for g/G/p/P/m/M; "Hc<tid>" for c/s. */
enum gdb_action gdb_cmd_set_thread(const char *a, size_t n, struct gdb_reply *r)
{
	const char *end = a + n;
	char op = n ? a[0] : 0;
	long tid;

	a++;
	if ((op != 'g' && op != 'c') || !parse_tid(&a, end, &tid) || a != end ||
	    (tid > 0 && !thread_exists(tid))) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	/* -1 and 0 both mean "the thread that stopped" here. */
	if (op == 'g')
		gdb_session.g_thread = tid > 0 ? (unsigned long)tid : 0;
	else
		gdb_session.c_thread = tid > 0 ? (unsigned long)tid : 0;
	gdb_reply_str(r, "OK");
	return GDB_REPLY;
}

enum gdb_action gdb_cmd_thread_alive(const char *a, size_t n, struct gdb_reply *r)
{
	const char *end = a + n;
	long tid;

	if (!parse_tid(&a, end, &tid) || a != end || tid <= 0 || !thread_exists(tid))
		gdb_reply_error(r, -ENOENT);
	else
		gdb_reply_str(r, "OK");
	return GDB_REPLY;
}

enum gdb_action gdb_cmd_current_thread(const char *a, size_t n, struct gdb_reply *r)
{
	(void)a;
	(void)n;
	r->len = (size_t)snformat(r->buf, r->size, "QC%lx",
				  gdb_thread_on_cpu(gdb_session.stop.cpu));
	return GDB_REPLY;
}

/* "m1,2,3": as many ids as fit; qsThreadInfo continues; "l" ends. */
static enum gdb_action list_from(unsigned long after, struct gdb_reply *r)
{
	unsigned long id = gdb_threads_next(after);
	size_t len = 0;

	if (!id) {
		gdb_reply_str(r, "l");
		return GDB_REPLY;
	}
	r->buf[len++] = 'm';
	for (; id && len + 20 < r->size; id = gdb_threads_next(id)) {
		if (r->buf[len - 1] != 'm')
			r->buf[len++] = ',';
		len = (size_t)(gdb_u64_to_hex(r->buf + len, id) - r->buf);
		gdb_session.list_cursor = id;
	}
	r->len = len;
	return GDB_REPLY;
}

enum gdb_action gdb_cmd_thread_first(const char *a, size_t n, struct gdb_reply *r)
{
	(void)a;
	(void)n;
	return list_from(0, r);
}

enum gdb_action gdb_cmd_thread_more(const char *a, size_t n, struct gdb_reply *r)
{
	(void)a;
	(void)n;
	return list_from(gdb_session.list_cursor, r);
}

/* ",<tid>": "name: state", hex-encoded. */
enum gdb_action gdb_cmd_thread_extra(const char *a, size_t n, struct gdb_reply *r)
{
	const char *end = a + n;
	struct gdb_thread t;
	char text[128];
	long tid;
	int len;

	if (!gdb_parse_char(&a, end, ',') || !parse_tid(&a, end, &tid) || a != end ||
	    tid <= 0 || !gdb_thread_get((unsigned long)tid, &t)) {
		gdb_reply_error(r, -ENOENT);
		return GDB_REPLY;
	}
	len = snformat(text, sizeof(text), "%s: %s", t.name, t.state);
	gdb_reply_hex(r, text, len < (int)sizeof(text) ? (size_t)len : sizeof(text) - 1);
	return GDB_REPLY;
}
