/* kernel/lib/cmdline.c: splitting "key key=value" command lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/cmdline.h"

/* Checks that w is key (and value, or no value when value is NULL). */
static void assert_word(const struct cmdline_word *w, const char *key, const char *value)
{
	assert_int_equal(w->key_len, strlen(key));
	assert_memory_equal(w->key, key, w->key_len);
	if (value == NULL) {
		assert_null(w->value);
		assert_int_equal(w->value_len, 0);
	} else {
		assert_non_null(w->value);
		assert_int_equal(w->value_len, strlen(value));
		assert_memory_equal(w->value, value, w->value_len);
	}
}

static void test_words_and_values(void **state)
{
	const char *line = "console=ttyAMA0 quiet loglevel=7";
	const char *cursor = line;
	struct cmdline_word w;

	(void)state;
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "console", "ttyAMA0");
	assert_ptr_equal(w.key, line);
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "quiet", NULL);
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "loglevel", "7");
	assert_false(cmdline_next(&cursor, &w));
	/* At the end it stays at the end. */
	assert_false(cmdline_next(&cursor, &w));
}

static void test_empty_and_blank(void **state)
{
	const char *cursor;
	struct cmdline_word w;

	(void)state;
	cursor = "";
	assert_false(cmdline_next(&cursor, &w));
	cursor = "  \t \n ";
	assert_false(cmdline_next(&cursor, &w));
	cursor = NULL;
	assert_false(cmdline_next(&cursor, &w));
}

static void test_spacing_and_edge_forms(void **state)
{
	const char *cursor = "  a=1\t\tb==2   c=  =d e= ";
	struct cmdline_word w;

	(void)state;
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "a", "1");
	/* Only the first '=' splits; the value keeps the rest. */
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "b", "=2");
	/* "c=" has an empty value, which is not the same as no value. */
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "c", "");
	/* "=d" has an empty key. */
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "", "d");
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "e", "");
	assert_false(cmdline_next(&cursor, &w));
}

static void test_quoted_values(void **state)
{
	const char *cursor = "msg=\"hello world\" x=\"\" y=\"unterminated rest";
	struct cmdline_word w;

	(void)state;
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "msg", "hello world");
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "x", "");
	/* A missing closing quote takes the rest of the line. */
	assert_true(cmdline_next(&cursor, &w));
	assert_word(&w, "y", "unterminated rest");
	assert_false(cmdline_next(&cursor, &w));
}

static void test_input_is_not_modified(void **state)
{
	char line[] = "root=/dev/vda rw init=/sbin/init";
	char copy[sizeof(line)];
	const char *cursor = line;
	struct cmdline_word w;
	int n = 0;

	(void)state;
	memcpy(copy, line, sizeof(line));
	while (cmdline_next(&cursor, &w))
		n++;
	assert_int_equal(n, 3);
	assert_memory_equal(line, copy, sizeof(line));
}

static void test_word_is(void **state)
{
	const char *cursor = "loglevel=3 log";
	struct cmdline_word w;

	(void)state;
	assert_true(cmdline_next(&cursor, &w));
	assert_true(cmdline_word_is(&w, "loglevel"));
	/* Prefixes and extensions of the key do not match. */
	assert_false(cmdline_word_is(&w, "log"));
	assert_false(cmdline_word_is(&w, "loglevels"));
	assert_false(cmdline_word_is(&w, "loglevel=3"));
	assert_true(cmdline_next(&cursor, &w));
	assert_true(cmdline_word_is(&w, "log"));
	assert_false(cmdline_word_is(&w, "loglevel"));
}

static void test_find_takes_last(void **state)
{
	struct cmdline_word w;

	(void)state;
	assert_true(cmdline_find("a=1 b a=2", "a", &w));
	assert_word(&w, "a", "2");
	assert_true(cmdline_find("a=1 b a=2", "b", &w));
	assert_word(&w, "b", NULL);
	assert_false(cmdline_find("a=1 b a=2", "c", &w));
	assert_false(cmdline_find("", "a", &w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_and_values),
		cmocka_unit_test(test_empty_and_blank),
		cmocka_unit_test(test_spacing_and_edge_forms),
		cmocka_unit_test(test_quoted_values),
		cmocka_unit_test(test_input_is_not_modified),
		cmocka_unit_test(test_word_is),
		cmocka_unit_test(test_find_takes_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
