/*
 * Standard input and output through the console server. A task holding an
 * endpoint in LOUPE_SLOT_STDIO has its Linux read/write on fds 0-2 turned
 * into console-protocol calls (include/loupe/console.h), made by the
 * kernel on the task's behalf, so unmodified musl programs talk to the
 * server without knowing it. The call blocks, can be killed and is traced
 * exactly like one the program made itself.
 */
#include "ipc/stdio.h"

#include "core/task.h"
#include "ipc/ipc.h"
#include "ipc/ipc_priv.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "loupe/console.h"
#include "trace/trace.h"

bool stdio_forwarded(void)
{
	/* Read without the lock: only this task changes its own table once
	 * it runs. */
	const struct kobject *obj = current_task()->caps[LOUPE_SLOT_STDIO].obj;

	return CONFIG_IPC && obj && obj->type == LOUPE_OBJ_ENDPOINT;
}

/* One call; the reply is left in the task's ipc_msg. */
static int console_call(struct ipc_msg *m)
{
	const struct kobject *obj = current_task()->caps[LOUPE_SLOT_STDIO].obj;
	uint32_t ep = obj ? obj->id : 0;
	int err;

	m->trace_id = ipc_new_trace_id();
	TRACE_POINT(IPC, IPC_CALL, ep, m->trace_id, 0);
	err = ipc_call(LOUPE_SLOT_STDIO, m, LOUPE_TIMEOUT_NEVER);
	TRACE_POINT(IPC, IPC_CALL_DONE, ep, m->trace_id, (uint64_t)(int64_t)err);
	return err;
}

long stdio_write(const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct ipc_msg m = { .tag = LOUPE_CONSOLE_WRITE };
		size_t n = len - done < LOUPE_CONSOLE_CHUNK ? len - done : LOUPE_CONSOLE_CHUNK;
		long got;
		int err;

		m.w[0] = n;
		memcpy(&m.w[1], buf + done, n);
		err = console_call(&m);
		got = err ? err : (long)current_task()->ipc_msg.w[0];
		if (got <= 0 || (size_t)got > n)
			return done ? (long)done : (got < 0 ? got : -EIO);
		done += (size_t)got;
	}
	return (long)done;
}

long stdio_read(char *buf, size_t len)
{
	struct ipc_msg m = { .tag = LOUPE_CONSOLE_READ };
	const struct ipc_msg *r = &current_task()->ipc_msg;
	long got;
	int err;

	m.w[0] = len < LOUPE_CONSOLE_CHUNK ? len : LOUPE_CONSOLE_CHUNK;
	err = console_call(&m);
	if (err)
		return err;
	got = (long)r->w[0];
	if (got < 0 || (size_t)got > m.w[0])
		return got < 0 ? got : -EIO; /* the server broke the protocol */
	memcpy(buf, &r->w[1], (size_t)got);
	return got;
}
