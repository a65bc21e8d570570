#pragma once

/*
 * A minimal test harness for user test programs. Each check is a function;
 * CHECK* macros record a failure (with file, line and values) and carry on,
 * so one run shows every broken expectation. A check's verdict is printed
 * in the kernel self tests' form:
 *
 *   PROG: NAME                     ok
 *   PROG: NAME                     FAILED
 *   PROG: N passed, M failed
 */
#include <stddef.h>

struct check {
	const char *name;
	void (*fn)(void);
};

void check_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond))                                                         \
			check_fail(__FILE__, __LINE__, "%s", #cond);                 \
	} while (0)

/* Compare two integer values; a failure prints both. */
#define CHECK_EQ(got, want)                                                          \
	do {                                                                         \
		long long got_ = (long long)(got), want_ = (long long)(want);        \
		if (got_ != want_)                                                   \
			check_fail(__FILE__, __LINE__, "%s == %s: got %lld (%#llx), want %lld", \
				   #got, #want, got_, got_, want_);                  \
	} while (0)

/* Run every check in order, print the verdicts and the summary line;
 * returns how many failed. */
int check_run_all(const char *prog, const struct check *checks, size_t n);

/* Run bin/NAME with argv (NULL-terminated, argv[0] = NAME) and the given
 * environment to its end; its wait status, or -errno if it did not start. */
int check_run_child(char *const argv[], char *const envp[]);
