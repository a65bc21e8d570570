#pragma once

/*
 * init's command loop on the console: a line editor over read(0) and the
 * commands help, ps, run and poweroff. It replaces the kernel monitor once
 * user space runs, until the console server and a real shell take over.
 */
#define SHELL_PROMPT "init> "

/* Read and run commands forever. */
__attribute__((noreturn)) void shell_run(void);

/* Run one command line (modified in place); used by shell_run and by
 * init's boot-time actions. */
void shell_execute(char *line);

/* Run program `name` in the foreground and print how it ended. Returns its
 * wait status, or -errno if it could not be started. */
int shell_run_program(char *argv[]);
