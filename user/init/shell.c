#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loupe.h"

#define LINE_MAX_LEN 256
#define ARGS_MAX 16
#define TASKS_MAX 64

extern char **environ;

struct shell_cmd {
	const char *name, *args, *help;
	void (*fn)(int argc, char *argv[]);
};

static const struct shell_cmd commands[];

static void cmd_help(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	for (const struct shell_cmd *c = commands; c->name; c++) {
		char usage[40];

		snprintf(usage, sizeof(usage), "%s %s", c->name, c->args);
		printf("  %-22s %s\n", usage, c->help);
	}
}

static void cmd_ps(int argc, char *argv[])
{
	static struct loupe_task_info tasks[TASKS_MAX];
	int n = loupe_tasks(tasks, TASKS_MAX);

	(void)argc;
	(void)argv;
	if (n < 0) {
		printf("ps: the tasks call failed: %s\n", strerror(-n));
		return;
	}
	printf("  TID  NAME             STATE     CPU  PRIO  PARENT  WAITS ON\n");
	for (int i = 0; i < n; i++) {
		const struct loupe_task_info *t = &tasks[i];
		char cpu[12] = "-";

		if (t->cpu >= 0)
			snprintf(cpu, sizeof(cpu), "%d", t->cpu);
		printf("%5d  %-16.*s %-9s %3s  %4d  %6d  %.*s\n", t->tid, LOUPE_NAME_MAX, t->name,
		       loupe_task_state_name(t->state), cpu, t->priority, t->parent,
		       LOUPE_NAME_MAX, t->wait_reason);
	}
}

int shell_run_program(char *argv[])
{
	int status = 0;
	int tid = loupe_run(argv[0], argv, environ, &status);

	if (tid < 0) {
		printf("run: cannot run '%s': %s\n", argv[0], strerror(-tid));
		return tid;
	}
	if (WIFSIGNALED(status))
		printf("%s (task %d) killed by signal %d (%s)\n", argv[0], tid, WTERMSIG(status),
		       loupe_signal_name(WTERMSIG(status)));
	else
		printf("%s (task %d) exited with status %d\n", argv[0], tid, WEXITSTATUS(status));
	return status;
}

static void cmd_run(int argc, char *argv[])
{
	if (argc < 2) {
		printf("usage: run NAME [ARGS...]\n");
		return;
	}
	shell_run_program(argv + 1);
}

/* Only init's own children can be killed: the console server, or a
 * program a test left running. */
static void cmd_kill(int argc, char *argv[])
{
	char *end;
	long tid = argc == 2 ? strtol(argv[1], &end, 10) : 0;
	int status, err;

	if (argc != 2 || *end || tid <= 0) {
		printf("usage: kill TID\n");
		return;
	}
	err = loupe_kill((int)tid);
	if (err < 0) {
		printf("kill: task %ld: %s\n", tid, strerror(-err));
		return;
	}
	if (loupe_wait((int)tid, &status) == tid)
		printf("task %ld ended (wait status 0x%x)\n", tid, status);
}

static void cmd_poweroff(int argc, char *argv[])
{
	int status = argc > 1 ? atoi(argv[1]) : 0;
	int err;

	printf("init: powering off (status %d)\n", status);
	fflush(stdout);
	err = loupe_poweroff(status);
	printf("poweroff: %s\n", strerror(-err));
}

/* The tracer's controls, through the native trace_control call; the
 * kernel prints the status lines. */
static void cmd_trace(int argc, char *argv[])
{
	char line[64] = "";
	size_t used = 0;
	int err;

	for (int i = 1; i < argc; i++) {
		int n = snprintf(line + used, sizeof(line) - used, "%s%s", i > 1 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(line) - used) {
			printf("trace: arguments too long\n");
			return;
		}
		used += (size_t)n;
	}
	err = loupe_trace_control(line);
	if (err < 0)
		printf("trace: %s\n", strerror(-err));
}

static const struct shell_cmd commands[] = {
	{ "help", "", "list commands", cmd_help },
	{ "ps", "", "list tasks: id, state, CPU, priority, parent", cmd_ps },
	{ "run", "NAME [ARGS...]", "run bin/NAME from the initrd and wait for it", cmd_run },
	{ "kill", "TID", "end a child of init (and collect it)", cmd_kill },
	{ "trace", "CMD", "tracer: on [CATS], off, clear or status", cmd_trace },
	{ "poweroff", "[STATUS]", "switch the machine off (QEMU exits with STATUS)", cmd_poweroff },
	{ 0 },
};

static int split_args(char *line, char *argv[])
{
	int argc = 0;

	for (char *tok = strtok(line, " \t"); tok && argc < ARGS_MAX - 1; tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

void shell_execute(char *line)
{
	char *argv[ARGS_MAX];
	int argc = split_args(line, argv);

	if (argc == 0)
		return;
	for (const struct shell_cmd *c = commands; c->name; c++) {
		if (strcmp(c->name, argv[0]) == 0) {
			c->fn(argc, argv);
			return;
		}
	}
	printf("unknown command '%s'; type 'help' for the list\n", argv[0]);
}

/*
 * The kernel's console is a terminal in canonical mode (kernel/core/tty.c):
 * it echoes, erases and hands out input a line at a time, so init only
 * collects bytes up to the newline. Returns the line's length, 0 for end of
 * file (Ctrl-D) and -1 for a line too long to keep (the rest is dropped).
 */
static long read_line(char *buf, size_t size)
{
	static const struct timespec pause = { 0, 100 * 1000 * 1000 };
	size_t len = 0;
	int too_long = 0;

	for (;;) {
		long n = read(0, buf + len, size - 1 - len);

		if (n < 0) {
			/* Not a console we can read: retry, but not in a busy loop. */
			nanosleep(&pause, NULL);
			continue;
		}
		if (n == 0)
			return too_long ? -1 : 0;
		len += n;
		if (buf[len - 1] == '\n')
			break;
		if (len + 1 == size) {
			too_long = 1;
			len = 0;
		}
	}
	buf[len - 1] = '\0';
	return too_long ? -1 : (long)len;
}

void shell_run(void)
{
	char line[LINE_MAX_LEN];

	for (;;) {
		long n;

		printf("%s", SHELL_PROMPT);
		fflush(stdout);
		n = read_line(line, sizeof(line));
		if (n == 0)
			printf("\n"); /* Ctrl-D: init has nowhere to go; a new prompt */
		else if (n < 0)
			printf("line too long (at most %zu characters)\n", sizeof(line) - 2);
		else
			shell_execute(line);
		fflush(stdout);
	}
}
