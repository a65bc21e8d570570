#include "debug/gdb_session.h"

#include "debug/gdb_allstop.h"
#include "debug/gdb_commands.h"
#include "debug/gdb_packet.h"
#include "lib/format.h"

struct gdb_session gdb_session;

/* Packets in and out; only the owner uses them. */
static char packet[GDB_PACKET_MAX + 1];
static char reply_buf[GDB_PACKET_MAX];

/* Tell a waiting GDB why we stopped (and which CPUs would not). */
static void report_stop(void)
{
	char line[96];
	int n;

	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (!gdb_cpus[i].did_not_stop)
			continue;
		n = snformat(line, sizeof(line),
			     "warning: CPU %u did not stop (interrupts masked?); it keeps running\n",
			     i);
		gdb_console_output(line, (size_t)n);
	}
	gdb_packet_send(reply_buf, gdb_stop_reply(reply_buf, sizeof(reply_buf)));
	gdb_session.waiting = false;
}

/* After D or k. Returns true if the kernel should run on. */
static bool detach(void)
{
	gdb_session.detach_pending = false;
	gdb_forget_debugger();
	return !gdb_session.post_mortem;
}

int gdb_session_run(void)
{
	struct gdb_reply r = { .buf = reply_buf, .size = sizeof(reply_buf) };

	gdb_session.g_thread = gdb_session.c_thread = 0;
	if (gdb_session.waiting)
		report_stop();
	for (;;) {
		int len = gdb_packet_recv(packet, sizeof(packet));
		enum gdb_action act;

		if (len == GDB_RX_OVERSIZED) {
			gdb_reply_error(&r, -1);
			gdb_packet_send(r.buf, r.len);
			continue;
		}
		act = gdb_dispatch(packet, (size_t)len, &r);
		if (act == GDB_REPLY)
			gdb_packet_send(r.buf, r.len);
		if (gdb_session.noack_pending) {
			gdb_session.noack_pending = false;
			gdb_packet_set_noack(true);
		}
		if (gdb_session.detach_pending && detach())
			return -1;
		if (act == GDB_RESUME) {
			gdb_session.waiting = true;
			return gdb_session.resume_step_cpu;
		}
		if (gdb_session.waiting) /* a resume after a crash */
			report_stop();
	}
}
