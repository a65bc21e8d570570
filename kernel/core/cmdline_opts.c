#include "core/cmdline_opts.h"

#include "arch/aarch64/coredump.h"
#include "core/panic.h"
#include "core/power.h"
#include "core/printk.h"
#include "lib/cmdline.h"
#include "lib/compiler.h"
#include "lib/string.h"
#include "trace/trace.h"

struct boot_options boot_options;

/* Copies of word values, since the parsed words point into the DT blob
 * and are not NUL-terminated. */
static char crash_kind[32];
static char coredump_file[128];

static bool value_is(const struct cmdline_word *w, const char *s)
{
	return w->value && w->value_len == strlen(s) && memcmp(w->value, s, w->value_len) == 0;
}

static bool parse_small_int(const struct cmdline_word *w, int lo, int hi, int *out)
{
	int v = 0;

	if (!w->value || w->value_len == 0 || w->value_len > 3)
		return false;
	for (size_t i = 0; i < w->value_len; i++) {
		if (w->value[i] < '0' || w->value[i] > '9')
			return false;
		v = v * 10 + (w->value[i] - '0');
	}
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static void warn_word(const struct cmdline_word *w, const char *why)
{
	size_t len = w->key_len + (w->value ? w->value_len + 1 : 0);

	pr_warn("cmdline: %s word '%.*s' ignored", why, (int)len, w->key);
}

static bool apply_word(const struct cmdline_word *w)
{
	int level;

	if (cmdline_word_is(w, "selftest") && !w->value) {
		boot_options.selftest = true;
	} else if (cmdline_word_is(w, "panic")) {
		if (value_is(w, "poweroff"))
			panic_action = PANIC_POWEROFF;
		else if (value_is(w, "halt"))
			panic_action = PANIC_HALT;
		else
			return false;
	} else if (cmdline_word_is(w, "loglevel")) {
		if (!parse_small_int(w, 0, 7, &level))
			return false;
		console_loglevel = level;
	} else if (cmdline_word_is(w, "gdbwait") && !w->value) {
		boot_options.gdb_wait = true;
	} else if (cmdline_word_is(w, "quiet") && !w->value) {
		console_loglevel = LOG_WARN;
	} else if (cmdline_word_is(w, "nosemihosting") && !w->value) {
		semihosting_enabled = false;
	} else if (cmdline_word_is(w, "coredump")) {
		if (!w->value || w->value_len == 0 || w->value_len >= sizeof(coredump_file))
			return false;
		memcpy(coredump_file, w->value, w->value_len);
		coredump_file[w->value_len] = '\0';
		coredump_path = coredump_file;
	} else if (cmdline_word_is(w, "trace")) {
		return trace_cmdline_categories(w->value, w->value_len);
	} else if (cmdline_word_is(w, "tracefile")) {
		return trace_cmdline_file(w->value, w->value_len);
	} else if (cmdline_word_is(w, "tracebuf")) {
		return trace_cmdline_buffer(w->value, w->value_len);
	} else if (cmdline_word_is(w, "workload")) {
		/* For init (user/init/init.c), which gets every word too. */
		if (!w->value || w->value_len == 0)
			return false;
	} else if (cmdline_word_is(w, "crashat")) {
		if (!value_is(w, "console"))
			return false;
		boot_options.crash_at_console = true;
	} else if (cmdline_word_is(w, "crash")) {
		if (!w->value || w->value_len == 0 || w->value_len >= sizeof(crash_kind))
			return false;
		memcpy(crash_kind, w->value, w->value_len);
		crash_kind[w->value_len] = '\0';
		boot_options.crash = crash_kind;
	} else {
		warn_word(w, "unknown");
		return true;
	}
	return true;
}

void cmdline_apply(const char *cmdline)
{
	const char *cursor = cmdline;
	struct cmdline_word w;

	pr_info("Command line: %s", cmdline);
	while (cmdline_next(&cursor, &w)) {
		if (!apply_word(&w))
			warn_word(&w, "malformed");
	}
}
