#pragma once

/*
 * The kernel command line (the "bootargs" string in /chosen): words
 * separated by spaces, each `key` or `key=value`. A value may be put in
 * double quotes to hold spaces (`msg="hello world"`); the quotes are not part
 * of it. Words point into the command line, which is never modified or
 * copied, so nothing here needs memory.
 *
 *	const char *cursor = bootargs;
 *	struct cmdline_word w;
 *
 *	while (cmdline_next(&cursor, &w))
 *		if (cmdline_word_is(&w, "loglevel")) ...
 */
#include <stdbool.h>
#include <stddef.h>

struct cmdline_word {
	const char *key;
	size_t key_len;
	const char *value;	/* NULL for a bare `key`; "" (value_len 0) for `key=` */
	size_t value_len;
};

/* Reads the word at *cursor into *w and moves *cursor past it; false at the end. */
bool cmdline_next(const char **cursor, struct cmdline_word *w);

/* Whether w's key is exactly key. */
bool cmdline_word_is(const struct cmdline_word *w, const char *key);

/* The last word whose key is key (later words override earlier ones, as on Linux). */
bool cmdline_find(const char *cmdline, const char *key, struct cmdline_word *w);
