/* The monitor's `trace` command: the console face of trace_control(). */
#include "core/monitor.h"
#include "core/printk.h"
#include "lib/string.h"
#include "trace/trace.h"

static void print_line(const char *line)
{
	kprintf("%s\n", line);
}

MONITOR_CMD(trace, "trace on [CATS]|off|clear|status|mode overwrite|stop")
{
	char args[96];
	size_t used = 0;

	/* trace_control takes one string, as the GDB stub will pass it. */
	args[0] = '\0';
	for (int i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (used + n + 2 > sizeof(args))
			break;
		if (used)
			args[used++] = ' ';
		memcpy(args + used, argv[i], n + 1);
		used += n;
	}
	trace_control(args, print_line);
}
