/*
 * kernel/lib/string.c against the C standard's semantics. The functions are
 * built as lp_memcpy, lp_strlen, ... (see test_string.deps.mk): every call
 * below that looks like the C library's goes to the kernel's code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/string.h"

/* Sizes and offsets that cover the byte loop, the word loop and their seams. */
#define AREA 96

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

/* memcpy at every alignment of source and destination and every length up to 40. */
static void test_memcpy_all_alignments(void **state)
{
	unsigned char src[AREA], dst[AREA], expect[AREA];

	(void)state;
	fill_pattern(src, AREA, 1);
	for (size_t so = 0; so < 16; so++)
		for (size_t doff = 0; doff < 16; doff++)
			for (size_t n = 0; n <= 40; n++) {
				fill_pattern(dst, AREA, 99);
				fill_pattern(expect, AREA, 99);
				for (size_t i = 0; i < n; i++)
					expect[doff + i] = src[so + i];
				assert_ptr_equal(memcpy(dst + doff, src + so, n), dst + doff);
				for (size_t i = 0; i < AREA; i++)
					assert_int_equal(dst[i], expect[i]);
			}
}

/* memmove between overlapping ranges, both directions, checked against a copy through a temporary. */
static void test_memmove_overlap(void **state)
{
	unsigned char buf[AREA], expect[AREA], tmp[AREA];

	(void)state;
	for (size_t from = 0; from < 24; from++)
		for (size_t to = 0; to < 24; to++)
			for (size_t n = 0; n <= 40; n++) {
				fill_pattern(buf, AREA, 3);
				fill_pattern(expect, AREA, 3);
				for (size_t i = 0; i < n; i++)
					tmp[i] = expect[from + i];
				for (size_t i = 0; i < n; i++)
					expect[to + i] = tmp[i];
				assert_ptr_equal(memmove(buf + to, buf + from, n), buf + to);
				for (size_t i = 0; i < AREA; i++)
					assert_int_equal(buf[i], expect[i]);
			}
}

static void test_memset(void **state)
{
	unsigned char buf[AREA];

	(void)state;
	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n <= 40; n++) {
			fill_pattern(buf, AREA, 5);
			/* Only the low byte of c is stored. */
			assert_ptr_equal(memset(buf + off, 0x1a5, n), buf + off);
			for (size_t i = 0; i < AREA; i++) {
				bool inside = i >= off && i < off + n;
				unsigned char before = (unsigned char)(5 + i * 7);

				assert_int_equal(buf[i], inside ? 0xa5 : before);
			}
		}
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_memcmp(void **state)
{
	(void)state;
	assert_int_equal(memcmp("abc", "abd", 0), 0);
	assert_int_equal(memcmp("abc", "abc", 3), 0);
	assert_int_equal(sign(memcmp("abc", "abd", 3)), -1);
	assert_int_equal(sign(memcmp("abd", "abc", 3)), 1);
	/* Bytes compare as unsigned char: 0x80 is greater than 0x7f. */
	assert_int_equal(sign(memcmp("\x80", "\x7f", 1)), 1);
	/* The difference after n bytes is ignored. */
	assert_int_equal(memcmp("abX", "abY", 2), 0);
}

static void test_strlen_strnlen(void **state)
{
	(void)state;
	assert_int_equal(strlen(""), 0);
	assert_int_equal(strlen("loupe"), 5);
	assert_int_equal(strnlen("loupe", 3), 3);
	assert_int_equal(strnlen("loupe", 5), 5);
	assert_int_equal(strnlen("loupe", 100), 5);
	assert_int_equal(strnlen("", 0), 0);
	/* strnlen must not read past max: these 4 bytes have no NUL. */
	char unterminated[4] = { 'a', 'b', 'c', 'd' };
	assert_int_equal(strnlen(unterminated, sizeof(unterminated)), 4);
}

static void test_strcmp_strncmp(void **state)
{
	(void)state;
	assert_int_equal(strcmp("", ""), 0);
	assert_int_equal(strcmp("abc", "abc"), 0);
	assert_int_equal(sign(strcmp("abc", "abd")), -1);
	assert_int_equal(sign(strcmp("abc", "ab")), 1);
	assert_int_equal(sign(strcmp("ab", "abc")), -1);
	assert_int_equal(sign(strcmp("\xe9", "e")), 1);
	assert_int_equal(strncmp("abcX", "abcY", 3), 0);
	assert_int_equal(sign(strncmp("abcX", "abcY", 4)), -1);
	assert_int_equal(strncmp("abc", "abd", 0), 0);
	/* Comparison stops at the NUL even when n is larger. */
	assert_int_equal(strncmp("ab\0x", "ab\0y", 4), 0);
	assert_int_equal(sign(strncmp("ab", "abc", 5)), -1);
}

static void test_strchr(void **state)
{
	const char *s = "uart@9000000";

	(void)state;
	assert_ptr_equal(strchr(s, '@'), s + 4);
	assert_ptr_equal(strchr(s, 'u'), s);
	assert_ptr_equal(strchr(s, '0'), s + 6);
	assert_null(strchr(s, 'z'));
	/* The terminator is part of the string. */
	assert_ptr_equal(strchr(s, '\0'), s + 12);
	/* c is converted to char: 0x140 finds '@' (0x40). */
	assert_ptr_equal(strchr(s, 0x140), s + 4);
}

static void test_strlcpy(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", sizeof(buf)), 3);
	assert_string_equal(buf, "abc");

	/* Truncation: returns strlen(src), keeps size - 1 bytes and a NUL. */
	assert_int_equal(strlcpy(buf, "0123456789", sizeof(buf)), 10);
	assert_string_equal(buf, "0123456");

	assert_int_equal(strlcpy(buf, "1234567", sizeof(buf)), 7);
	assert_string_equal(buf, "1234567");

	/* Size 1 stores just the NUL; size 0 writes nothing at all. */
	assert_int_equal(strlcpy(buf, "abc", 1), 3);
	assert_int_equal(buf[0], '\0');
	buf[0] = 'Q';
	assert_int_equal(strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'Q');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_all_alignments),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_strlen_strnlen),
		cmocka_unit_test(test_strcmp_strncmp),
		cmocka_unit_test(test_strchr),
		cmocka_unit_test(test_strlcpy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
