#include "lib/cmdline.h"
#include "lib/string.h"

/* Tabs and newlines separate words too: a bootloader may wrap a long line. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Moves past a value starting at s; a quoted one runs to its closing quote (or the end). */
static const char *scan_value(const char *s, struct cmdline_word *w)
{
	if (*s == '"') {
		w->value = ++s;
		while (*s != '\0' && *s != '"')
			s++;
		w->value_len = (size_t)(s - w->value);
		return *s == '"' ? s + 1 : s;
	}
	w->value = s;
	while (*s != '\0' && !is_space(*s))
		s++;
	w->value_len = (size_t)(s - w->value);
	return s;
}

bool cmdline_next(const char **cursor, struct cmdline_word *w)
{
	const char *s = *cursor;

	if (s == NULL)
		return false;
	while (is_space(*s))
		s++;
	if (*s == '\0') {
		*cursor = s;
		return false;
	}
	w->key = s;
	while (*s != '\0' && *s != '=' && !is_space(*s))
		s++;
	w->key_len = (size_t)(s - w->key);
	w->value = NULL;
	w->value_len = 0;
	if (*s == '=')
		s = scan_value(s + 1, w);
	*cursor = s;
	return true;
}

bool cmdline_word_is(const struct cmdline_word *w, const char *key)
{
	return strlen(key) == w->key_len && memcmp(w->key, key, w->key_len) == 0;
}

bool cmdline_find(const char *cmdline, const char *key, struct cmdline_word *w)
{
	struct cmdline_word word;
	bool found = false;

	while (cmdline_next(&cmdline, &word)) {
		if (cmdline_word_is(&word, key)) {
			*w = word;
			found = true;
		}
	}
	return found;
}
