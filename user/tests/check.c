#include "check.h"

#include <stdarg.h>
#include <stdio.h>

#include "loupe.h"

/* Failures in the check now running; reset before each. */
static unsigned current_failures;

void check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	current_failures++;
	printf("    %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int check_run_all(const char *prog, const struct check *checks, size_t n)
{
	unsigned passed = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		current_failures = 0;
		checks[i].fn();
		if (current_failures)
			failed++;
		else
			passed++;
		printf("%s: %-24s %s\n", prog, checks[i].name, current_failures ? "FAILED" : "ok");
	}
	printf("%s: %u passed, %u failed\n", prog, passed, failed);
	fflush(stdout);
	return (int)failed;
}

int check_run_child(char *const argv[], char *const envp[])
{
	int status = 0;
	int tid;

	/* Whatever the child prints must come after what we printed. */
	fflush(stdout);
	tid = loupe_run(argv[0], argv, envp, &status);
	return tid < 0 ? tid : status;
}
