/*
 * utest: checks what musl programs rely on and what the kernel promises
 * about bad arguments and faulting children (docs/syscalls.md). Prints one
 * line per check and exits with 0 only if every check passed.
 *
 *   utest                 run every check
 *   utest argv-child ...  (internal) the child of the argv/envp check
 */
#include "utest.h"

#include <stdio.h>
#include <string.h>

char **utest_envp;

static const struct check checks[] = {
	{ "argv_envp", check_argv_envp },
	{ "auxv", check_auxv },
	{ "tls", check_tls },
	{ "fpsimd", check_fpsimd },
	{ "ids", check_ids },
	{ "uname", check_uname },
	{ "getrandom", check_getrandom },
	{ "write", check_write },
	{ "brk", check_brk },
	{ "mmap", check_mmap },
	{ "mmap_faults", check_mmap_faults },
	{ "malloc", check_malloc },
	{ "nanosleep", check_nanosleep },
	{ "clock", check_clock },
	{ "efault", check_efault },
	{ "enosys", check_enosys },
	{ "child_faults", check_child_faults },
	{ "exit_status", check_exit_status },
	{ "kill", check_kill },
	{ "spawn_errors", check_spawn_errors },
	{ "wait_errors", check_wait_errors },
	{ "tasks_call", check_tasks_call },
	{ "priority", check_priority },
};

int main(int argc, char *argv[], char *envp[])
{
	/* Line by line: our output interleaves with the children's. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	utest_envp = envp;
	if (argc > 1 && strcmp(argv[1], "argv-child") == 0)
		return utest_argv_child(argc, argv, envp);
	return check_run_all("utest", checks, sizeof(checks) / sizeof(checks[0])) ? 1 : 0;
}
