/*
 * kernel/lib/format.c: explicit expectations for what printk users rely on,
 * then a table of conversions compared with the host C library's snprintf,
 * which defines the semantics snformat promises.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/errno.h"
#include "lib/format.h"

/* snformat into a buffer and compare both the text and the returned length. */
#define EXPECT(want, ...)                                               \
	do {                                                            \
		char buf_[256];                                         \
		int ret_ = snformat(buf_, sizeof(buf_), __VA_ARGS__);   \
		assert_string_equal(buf_, want);                        \
		assert_int_equal(ret_, (int)strlen(want));              \
	} while (0)

/* snformat must agree with the C library's snprintf, text and length. */
#define SAME_AS_LIBC(...)                                               \
	do {                                                            \
		char ours_[256], libc_[256];                            \
		int r1_ = snformat(ours_, sizeof(ours_), __VA_ARGS__);  \
		int r2_ = snprintf(libc_, sizeof(libc_), __VA_ARGS__);  \
		assert_string_equal(ours_, libc_);                      \
		assert_int_equal(r1_, r2_);                             \
	} while (0)

static void test_plain_and_percent(void **state)
{
	(void)state;
	EXPECT("", "%s", "");
	EXPECT("hello, loupe", "hello, loupe");
	EXPECT("100%", "100%%");
	EXPECT("a%b", "a%%%c", 'b');
}

static void test_integers(void **state)
{
	(void)state;
	EXPECT("42 -42 42", "%d %i %u", 42, -42, 42u);
	EXPECT("-2147483648", "%d", INT32_MIN);
	EXPECT("4294967295", "%u", UINT32_MAX);
	EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT("ff FF 377", "%x %X %o", 255u, 255u, 255u);
	EXPECT("0x9000000", "%#lx", 0x9000000ul);
	EXPECT("[   42][42   ][00042][+42][ 42]", "[%5d][%-5d][%05d][%+d][% d]", 42, 42, 42, 42, 42);
	EXPECT("[  00042]", "[%7.5d]", 42);
	EXPECT("-0042", "%05d", -42);
}

static void test_length_modifiers(void **state)
{
	(void)state;
	EXPECT("-1 255", "%hhd %hhu", 255, 255);
	EXPECT("-1 65535", "%hd %hu", 65535, 65535);
	EXPECT("-1 ffffffffffffffff", "%ld %lx", -1L, -1UL);
	EXPECT("123 -5 7", "%zu %td %jd", (size_t)123, (ptrdiff_t)-5, (intmax_t)7);
	EXPECT("ffffffffffffffff", "%zx", SIZE_MAX);
}

static void test_pointer(void **state)
{
	(void)state;
	/* Always 0x and 16 digits, so addresses line up in a crash report. */
	EXPECT("0x0000000009000000", "%p", (void *)0x9000000);
	EXPECT("0x0000000000000000", "%p", NULL);
	EXPECT("0xffff000040080000", "%p", (void *)0xffff000040080000ul);
	EXPECT("[0x0000000000000010  ]", "[%-20p]", (void *)16);
	EXPECT("[  0x0000000000000010]", "[%20p]", (void *)16);
}

static void test_strings_and_chars(void **state)
{
	const char unterminated[3] = { 'a', 'b', 'c' };
	const char *volatile none = NULL;	/* volatile: GCC would reject a visible NULL */

	(void)state;
	EXPECT("(null)", "%s", none);
	EXPECT("(nu", "%.3s", none);
	EXPECT("[  abc][abc  ][ab]", "[%5s][%-5s][%.2s]", "abc", "abc", "abc");
	/* With a precision the argument need not be NUL-terminated (ASan would see an overread). */
	EXPECT("abc", "%.3s", unterminated);
	EXPECT("[x][  x][x  ]", "[%c][%3c][%-3c]", 'x', 'x', 'x');
}

static void test_star_width_precision(void **state)
{
	(void)state;
	EXPECT("[   42]", "[%*d]", 5, 42);
	/* A negative '*' width means left-justify. */
	EXPECT("[42   ]", "[%*d]", -5, 42);
	EXPECT("[00042]", "[%.*d]", 5, 42);
	/* A negative '*' precision is as if none were given. */
	EXPECT("[abc]", "[%.*s]", -1, "abc");
	EXPECT("[   ab]", "[%*.*s]", 5, 2, "abc");
}

static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(snformat(buf, sizeof(buf), "%s", "0123456789"), 10);
	assert_string_equal(buf, "0123456");

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(snformat(buf, 1, "abc"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'X');

	/* size 0: nothing is written, buf may be NULL, the length is still returned. */
	assert_int_equal(snformat(NULL, 0, "%d", 12345), 5);

	assert_int_equal(snformat(buf, sizeof(buf), "%s", "1234567"), 7);
	assert_string_equal(buf, "1234567");
}

static void test_unknown_conversion(void **state)
{
	(void)state;
	/* Printed as written, so a mistake shows up in the log; a trailing % too. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	EXPECT("a%yb", "a%yb");
	EXPECT("50%", "50%");
#pragma GCC diagnostic pop
}

struct collect {
	char text[64];
	size_t len;
};

static void collect_char(char c, void *arg)
{
	struct collect *col = arg;

	if (col->len + 1 < sizeof(col->text))
		col->text[col->len++] = c;
}

static int collect_format(struct collect *col, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vformat(collect_char, col, fmt, ap);
	va_end(ap);
	return ret;
}

static void test_vformat_streams(void **state)
{
	struct collect col = { .len = 0 };

	(void)state;
	/* Every character reaches the callback in order; nothing is NUL-terminated for it. */
	assert_int_equal(collect_format(&col, "cpu%u: %s", 3u, "up"), 8);
	assert_int_equal(col.len, 8);
	assert_memory_equal(col.text, "cpu3: up", 8);
}

static void test_matches_libc(void **state)
{
	(void)state;
	SAME_AS_LIBC("%d|%5d|%-5d|%05d|%+d|% d|%+05d|% 05d", 7, 7, 7, 7, 7, 7, 7, 7);
	SAME_AS_LIBC("%d|%5d|%-5d|%05d|%+d|% d|%+05d|% 05d", -7, -7, -7, -7, -7, -7, -7, -7);
	SAME_AS_LIBC("%.0d|%.0u|%.0x|%5.0d|%#.0o|%#.0x|%#o|%#x", 0, 0u, 0u, 0, 0u, 0u, 0u, 0u);
	SAME_AS_LIBC("%#o|%#5o|%#.5o|%#x|%#X|%#10x|%#-10x|%#010x", 8u, 8u, 8u, 255u, 255u, 255u, 255u, 255u);
	SAME_AS_LIBC("%.3d|%.3d|%8.3d|%-8.3d|%+.3d", 5, -5, 5, -5, 5);
	/* C: with a precision the '0' flag is ignored (GCC warns that it is). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	SAME_AS_LIBC("%08.3d|%08.3x", -5, 5u);
#pragma GCC diagnostic pop
	SAME_AS_LIBC("%hhx|%hx|%lx|%llx|%jx|%zx|%tx", 0x1ff, 0x1ffff, 0x123456789abcUL,
		     0xfedcba9876543210ULL, (uintmax_t)1, (size_t)2, (ptrdiff_t)3);
	SAME_AS_LIBC("%hhd|%hd|%ld|%lld|%jd|%zd|%td", 0x80, 0x8000, (long)INT64_MIN,
		     (long long)INT64_MAX, (intmax_t)-1, (ptrdiff_t)-2, (ptrdiff_t)-3);
	SAME_AS_LIBC("%lo|%llo|%#llo", 01777777777777777777777UL, 0ULL, 01ULL);
	SAME_AS_LIBC("%*d|%-*d|%*d|%.*d|%*.*d", 6, 1, 6, 2, -6, 3, 4, 4, -8, 3, 5);
	SAME_AS_LIBC("%s|%10s|%-10s|%.1s|%10.2s|%-10.2s|%.0s", "dtb", "dtb", "dtb", "dtb", "dtb", "dtb", "dtb");
	SAME_AS_LIBC("%c%c%c|%5c|%-5c|", 'a', 0x142, '\t', 'z', 'z');
	SAME_AS_LIBC("%u %i %X %o", 0u, INT32_MIN, 0xdeadbeefu, 0u);
	for (int v = -300; v <= 300; v += 13) {
		SAME_AS_LIBC("%d %5u %-6x %#o %.4X %+hhd %hu", v, (unsigned)v, (unsigned)v, (unsigned)v,
			     (unsigned)v, v, v);
	}
}

static void test_overflow_returns_error(void **state)
{
	volatile int width = INT32_MAX;	/* volatile: GCC would reject the visible overflow */

	(void)state;
	/* More than INT_MAX characters cannot be counted in an int. */
	assert_int_equal(snformat(NULL, 0, "ab%*d", width, 1), -EOVERFLOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_percent),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_length_modifiers),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_star_width_precision),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_vformat_streams),
		cmocka_unit_test(test_matches_libc),
		cmocka_unit_test(test_overflow_returns_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
