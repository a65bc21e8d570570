#pragma once

#include <stdbool.h>

#include "core/printk.h"
#include "lib/compiler.h"

/*
 * In-kernel self tests, run by the command-line word `selftest`. Each test
 * is a function returning 0 on success; it is placed in the .selftests
 * section by SELFTEST(order, name, enabled), and the runner walks the
 * section in `order` (then name) order. `enabled` is usually a CONFIG_*
 * flag, so a stage runs only the tests of what it has switched on.
 */
struct selftest {
	const char *name;
	int (*fn)(void);
	bool enabled;
};

#define SELFTEST(order, name, enabled_)                                                   \
	static int selftest_##name(void);                                                 \
	static const struct selftest selftest_desc_##name                                 \
		__section(".selftests." #order "." #name) __attribute__((used)) = {       \
			#name, selftest_##name, (enabled_)                                \
		};                                                                        \
	static int selftest_##name(void)

/* Fail the current test with a message naming the file and line. */
#define ST_ASSERT(cond, ...)                                                              \
	do {                                                                              \
		if (!(cond)) {                                                            \
			pr_err("selftest: %s:%d: check failed: %s", __FILE__, __LINE__,    \
			       #cond);                                                    \
			pr_err("selftest:   " __VA_ARGS__);                                \
			return -1;                                                        \
		}                                                                         \
	} while (0)

/* Run every enabled test and print "selftest: N passed, M failed". Without
 * user tasks it then powers off with exit status 0 if M is 0, else 1; with
 * them it returns, and init runs the user-space tests and powers off. */
void selftest_run_all(void);

/* Failures of the kernel's own tests, for the final exit status. */
extern unsigned selftest_kernel_failures;
