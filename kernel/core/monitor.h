#pragma once

#include "lib/compiler.h"

/*
 * The kernel monitor: a small command loop on the console for stages
 * without user space. Commands register with MONITOR_CMD and are listed by
 * `help` in name order.
 */
struct monitor_cmd {
	const char *name;
	const char *help;
	void (*fn)(int argc, char **argv);
};

#define MONITOR_CMD(name_, help_)                                                         \
	static void monitor_cmd_##name_(int argc, char **argv);                           \
	static const struct monitor_cmd monitor_desc_##name_                              \
		__section(".monitor_cmds." #name_) __attribute__((used)) = {              \
			#name_, help_, monitor_cmd_##name_                                \
		};                                                                        \
	static void monitor_cmd_##name_(int argc, char **argv)

__noreturn void monitor_run(void);
/* Run one command line (also used by tests of the parser). */
void monitor_execute(char *line);
