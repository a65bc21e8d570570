#pragma once

/*
 * utest: the user-space half of Loupe's self tests (run by init under
 * `selftest`, or by hand with `run utest`). Each check lives in the
 * utest_*.c file of its subject; utest.c lists them in order.
 */
#include "check.h"

/* main()'s envp, for walking to the auxiliary vector behind it. */
extern char **utest_envp;

/* utest_env.c: what the kernel hands a new program, and what it keeps. */
void check_argv_envp(void);
void check_auxv(void);
void check_tls(void);
void check_fpsimd(void);
void check_ids(void);
void check_uname(void);
void check_getrandom(void);
void check_write(void);
/* `utest argv-child ...`: the child side of check_argv_envp. */
int utest_argv_child(int argc, char *argv[], char *envp[]);

/* utest_mem.c: the address space and time. */
void check_brk(void);
void check_mmap(void);
void check_mmap_faults(void);
void check_malloc(void);
void check_nanosleep(void);
void check_clock(void);

/* utest_efault.c: bad arguments get errors. */
void check_efault(void);
void check_enosys(void);

/* utest_tasks.c: children, their faults and their ends. */
void check_child_faults(void);
void check_exit_status(void);
void check_kill(void);
void check_spawn_errors(void);
void check_wait_errors(void);
void check_tasks_call(void);
void check_priority(void);
