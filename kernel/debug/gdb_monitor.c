/*
 * qRcmd: GDB's `monitor CMD` runs CMD here. Output goes back as 'O'
 * packets, which GDB prints as they come; the command ends with "OK".
 */
#include "arch/aarch64/trap_frame.h"
#include "core/power.h"
#include "core/printk.h"
#include "core/symbols.h"
#include "debug/gdb_commands.h"
#include "debug/gdb_hex.h"
#include "debug/gdb_packet.h"
#include "debug/gdb_threads.h"
#include "trace/trace.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

#define CMD_MAX 128

void gdb_console_output(const char *s, size_t len)
{
	static char pkt[GDB_PACKET_MAX];

	while (len) {
		size_t n = len < (sizeof(pkt) - 1) / 2 ? len : (sizeof(pkt) - 1) / 2;

		pkt[0] = 'O';
		gdb_bytes_to_hex(pkt + 1, s, n);
		gdb_packet_send(pkt, 1 + 2 * n);
		s += n;
		len -= n;
	}
}

static void out(const char *fmt, ...) __printf_like(1, 2);
static void out(const char *fmt, ...)
{
	char line[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnformat(line, sizeof(line), fmt, ap);
	va_end(ap);
	gdb_console_output(line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void cmd_ps(void)
{
	struct gdb_thread t;
	char sym[64];

	out("  TID  CPU  NAME          PC                                   STATE\n");
	for (unsigned long id = gdb_threads_next(0); id; id = gdb_threads_next(id)) {
		if (!gdb_thread_get(id, &t))
			continue;
		if (t.frame)
			symbol_format(t.frame->pc, sym, sizeof(sym));
		else
			strlcpy(sym, "-", sizeof(sym));
		out("  %3lx  %3d  %-12s  %-35s  %s\n", id, t.cpu, t.name, sym, t.state);
	}
}

static void dmesg_line(int level, const char *line, size_t len, void *arg)
{
	char buf[256];

	(void)level;
	(void)arg;
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	memcpy(buf, line, len);
	buf[len] = '\n';
	gdb_console_output(buf, len + 1);
}

static void trace_line(const char *line)
{
	out("%s\n", line);
}

static const struct {
	const char *name, *help;
} commands[] = {
	{ "help", "this list" },
	{ "ps", "threads (one per CPU until tasks exist), where they are, their state" },
	{ "dmesg", "the kernel log" },
	{ "reboot", "reset the machine (GDB loses the connection's state)" },
	{ "trace", "trace on [CATS] | off | clear | status | mode overwrite|stop" },
};

static void cmd_help(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(commands); i++)
		out("  monitor %-8s %s\n", commands[i].name, commands[i].help);
}

enum gdb_action gdb_cmd_monitor(const char *a, size_t n, struct gdb_reply *r)
{
	char cmd[CMD_MAX];

	if (n % 2 || n / 2 >= sizeof(cmd) || !gdb_hex_to_bytes(cmd, a, n / 2)) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	cmd[n / 2] = '\0';
	if (strcmp(cmd, "help") == 0 || cmd[0] == '\0') {
		cmd_help();
	} else if (strcmp(cmd, "ps") == 0) {
		cmd_ps();
	} else if (strcmp(cmd, "dmesg") == 0) {
		log_for_each_line(dmesg_line, NULL);
	} else if (strncmp(cmd, "trace", 5) == 0 && (cmd[5] == ' ' || cmd[5] == '\0')) {
		if (!CONFIG_TRACE)
			out("the tracer is not in this stage\n");
		else if (trace_control(cmd[5] ? cmd + 6 : "status", trace_line) < 0)
			out("bad trace command '%s'; try 'monitor help'\n", cmd);
	} else if (strcmp(cmd, "reboot") == 0) {
		gdb_packet_send_str("OK");
		power_reset();
	} else {
		out("unknown monitor command '%s'; try 'monitor help'\n", cmd);
	}
	gdb_reply_str(r, "OK");
	return GDB_REPLY;
}
