#include "core/monitor.h"

#include "core/console.h"
#include "core/printk.h"
#include "lib/string.h"

extern const struct monitor_cmd __monitor_cmds_start[], __monitor_cmds_end[];

#define LINE_MAX 128
#define ARGS_MAX 8

/* Split line in place at spaces; returns argc. */
static int split_args(char *line, char **argv)
{
	int argc = 0;

	while (*line && argc < ARGS_MAX) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (!*line)
			break;
		argv[argc++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
	return argc;
}

void monitor_execute(char *line)
{
	char *argv[ARGS_MAX];
	int argc = split_args(line, argv);

	if (argc == 0)
		return;
	for (const struct monitor_cmd *c = __monitor_cmds_start; c < __monitor_cmds_end; c++) {
		if (strcmp(c->name, argv[0]) == 0) {
			c->fn(argc, argv);
			return;
		}
	}
	kprintf("unknown command '%s'; type 'help' for the list\n", argv[0]);
}

/* Read a line with echo; backspace/DEL erase, Ctrl-U clears the line. */
static void read_line(char *buf, size_t size)
{
	size_t len = 0;

	for (;;) {
		int c = console_getc();

		if (c == '\r' || c == '\n') {
			kprintf("\n");
			break;
		}
		if (c == 0x7f || c == '\b') {
			if (len) {
				len--;
				kprintf("\b \b");
			}
		} else if (c == 0x15) {
			while (len) {
				len--;
				kprintf("\b \b");
			}
		} else if (c >= ' ' && c < 0x7f && len + 1 < size) {
			buf[len++] = (char)c;
			kprintf("%c", c);
		}
	}
	buf[len] = '\0';
}

void monitor_run(void)
{
	char line[LINE_MAX];

	kprintf("Loupe kernel monitor. Type 'help' for commands.\n");
	for (;;) {
		kprintf("loupe> ");
		read_line(line, sizeof(line));
		monitor_execute(line);
	}
}

MONITOR_CMD(help, "list commands")
{
	(void)argc;
	(void)argv;
	for (const struct monitor_cmd *c = __monitor_cmds_start; c < __monitor_cmds_end; c++)
		kprintf("  %-10s %s\n", c->name, c->help);
}
