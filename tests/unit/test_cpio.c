/*
 * kernel/lib/cpio.c against the initrd the build really makes (GNU cpio,
 * newc) and against archives broken on purpose: truncated at every length,
 * bad magic, bad fields, random flips. A broken archive must give -EINVAL,
 * and nothing may be read outside it: every archive lives in a heap block
 * of exactly its size, so AddressSanitizer sees the first byte too far.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/cpio.h"
#include "lib/errno.h"

#define INITRD UNIT_BUILD "/initrd.cpio"
#define HEADER_SIZE 110

/* user/build.mk stages the archive's tree here before packing it. */
#define INITRD_ROOT UNIT_BUILD "/initrd.root"
#define NAMES_MAX 64

/* What the build packed, in archive order: "bin", then bin/NAME for every
 * file of the staged bin/, sorted as `LC_ALL=C sort` sorts. */
static char *expected_names[NAMES_MAX];
static unsigned n_expected;

static int by_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_staged_tree(void **state)
{
	DIR *dir = opendir(INITRD_ROOT "/bin");
	struct dirent *e;

	(void)state;
	if (!dir) {
		fprintf(stderr, "cannot open %s (made by `make initrd`)\n", INITRD_ROOT "/bin");
		return -1;
	}
	expected_names[n_expected++] = strdup("bin");
	while ((e = readdir(dir)) && n_expected < NAMES_MAX) {
		char name[300];

		if (e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "bin/%s", e->d_name);
		expected_names[n_expected++] = strdup(name);
	}
	closedir(dir);
	qsort(expected_names + 1, n_expected - 1, sizeof(char *), by_strcmp);
	return 0;
}

static int free_names(void **state)
{
	(void)state;
	for (unsigned i = 0; i < n_expected; i++)
		free(expected_names[i]);
	return 0;
}

static void *load_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;

	if (!f)
		fail_msg("cannot open %s (built by `make initrd`)", path);
	fseek(f, 0, SEEK_END);
	*size = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*size ? *size : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *size, f), *size);
	fclose(f);
	return buf;
}

/* A copy of the first len bytes in a block of exactly len bytes. */
static char *exact_copy(const void *src, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, src, len);
	return p;
}

/* ---- building small archives in memory -------------------------------------- */

struct archive {
	char buf[4096];
	size_t len;
};

static void pad4(struct archive *a)
{
	while (a->len % 4)
		a->buf[a->len++] = '\0';
}

/* Append one newc entry; namesize counts the NUL, as cpio writes it. */
static void add_entry(struct archive *a, const char *name, const char *data, uint32_t mode)
{
	size_t size = strlen(data), namesize = strlen(name) + 1;

	a->len += (size_t)sprintf(a->buf + a->len,
				  "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
				  1, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, namesize, 0);
	memcpy(a->buf + a->len, name, namesize);
	a->len += namesize;
	pad4(a);
	memcpy(a->buf + a->len, data, size);
	a->len += size;
	pad4(a);
}

/* Four entries and the trailer, which ends the archive: no block padding. */
static void small_archive(struct archive *a)
{
	a->len = 0;
	add_entry(a, ".", "", 040755);
	add_entry(a, "./bin/hello", "hello, world\n", 0100755);
	add_entry(a, "bin/empty", "", 0100644);
	add_entry(a, "bin/odd", "12345", 0100644);
	add_entry(a, "TRAILER!!!", "", 0);
}

/* Walk the whole archive; the last result (-ENOENT at a trailer, -EINVAL if
 * corrupt). Every entry handed out must lie inside the archive. */
static int walk(const char *archive, size_t size, unsigned *entries)
{
	size_t offset = 0, last = 0;
	struct cpio_file f;
	int err;

	*entries = 0;
	while ((err = cpio_next(archive, size, &offset, &f)) == 0) {
		const char *name = f.name, *data = f.data;

		assert_true(name >= archive && name < archive + size);
		assert_true(strnlen(name, archive + size - name) < (size_t)(archive + size - name));
		assert_true(data >= archive && data <= archive + size);
		assert_true(f.size <= (size_t)(archive + size - data));
		/* Progress, or a corrupt archive could loop forever. */
		assert_true(offset > last || (offset == last && last == size));
		if (offset == last)
			break;
		last = offset;
		(*entries)++;
	}
	return err;
}

/* ---- the real initrd ------------------------------------------------------------ */

static void test_initrd_lists_every_program(void **state)
{
	size_t size, offset = 0;
	char *archive = load_file(INITRD, &size);
	struct cpio_file f;
	unsigned i = 0;
	int err;

	(void)state;
	while ((err = cpio_next(archive, size, &offset, &f)) == 0) {
		assert_true(i < n_expected);
		assert_string_equal(f.name, expected_names[i]);
		if (i == 0)
			assert_int_equal(f.mode & 0170000, 0040000); /* a directory */
		else
			assert_int_equal(f.mode & 0170000, 0100000); /* a regular file */
		i++;
	}
	assert_int_equal(err, -ENOENT);
	assert_int_equal(i, n_expected);
	free(archive);
}

static void test_initrd_contents_match_build(void **state)
{
	size_t size;
	char *archive = load_file(INITRD, &size);

	(void)state;
	for (unsigned i = 1; i < n_expected; i++) {
		char path[300];
		size_t want_size;
		char *want;
		struct cpio_file f;

		snprintf(path, sizeof(path), INITRD_ROOT "/%s", expected_names[i]);
		want = load_file(path, &want_size);
		assert_int_equal(cpio_find(archive, size, expected_names[i], &f), 0);
		assert_int_equal(f.size, want_size);
		assert_memory_equal(f.data, want, want_size);
		free(want);
	}
	/* The programs the kernel and `selftest` cannot do without. */
	for (unsigned i = 0; i < 3; i++) {
		static const char *const needed[] = { "bin/init", "bin/utest", "bin/stress" };
		struct cpio_file f;

		assert_int_equal(cpio_find(archive, size, needed[i], &f), 0);
		assert_memory_equal(f.data, "\177ELF", 4);
	}
	free(archive);
}

static void test_find_missing_and_prefix(void **state)
{
	size_t size;
	char *archive = load_file(INITRD, &size);
	struct cpio_file f;

	(void)state;
	assert_int_equal(cpio_find(archive, size, "bin/nothing", &f), -ENOENT);
	assert_int_equal(cpio_find(archive, size, "bin/ini", &f), -ENOENT);
	assert_int_equal(cpio_find(archive, size, "bin/init2", &f), -ENOENT);
	assert_int_equal(cpio_find(archive, size, "init", &f), -ENOENT);
	assert_int_equal(cpio_find(archive, size, "TRAILER!!!", &f), -ENOENT);
	free(archive);
}

/* Cut the real initrd at every length inside each header and name, and
 * around the end of each file's data: every cut is corrupt. */
static void test_initrd_truncated_at_entry_edges(void **state)
{
	size_t size, offset = 0, trailer_end = 0;
	char *archive = load_file(INITRD, &size);
	struct cpio_file f;
	size_t cuts = 0;

	(void)state;
	for (;;) {
		size_t start = offset;
		int err = cpio_next(archive, size, &offset, &f);

		/* The header, the name and its padding... */
		size_t name_end = start + HEADER_SIZE + strlen(archive + start + HEADER_SIZE) + 1;

		for (size_t len = start; len < name_end; len++) {
			char *cut = exact_copy(archive, len);
			unsigned n;

			assert_int_equal(walk(cut, len, &n), -EINVAL);
			free(cut);
			cuts++;
		}
		if (err != 0) {
			trailer_end = (name_end + 3) & ~(size_t)3;
			break;
		}
		/* ...and the last bytes of the data. */
		for (size_t len = offset > 8 ? offset - 8 : 0; len < offset && f.size; len++) {
			char *cut = exact_copy(archive, len);
			unsigned n;

			assert_int_equal(walk(cut, len, &n), -EINVAL);
			free(cut);
			cuts++;
		}
	}
	/* Complete up to the trailer: the rest (block padding) is not needed. */
	for (size_t len = trailer_end; len <= size; len += 64) {
		char *cut = exact_copy(archive, len);
		unsigned n;

		assert_int_equal(walk(cut, len, &n), -ENOENT);
		assert_int_equal(n, n_expected);
		free(cut);
	}
	assert_true(cuts > n_expected * HEADER_SIZE);
	free(archive);
}

/* ---- small archives -------------------------------------------------------------- */

static void test_small_archive_and_dot_slash(void **state)
{
	struct archive a;
	struct cpio_file f;
	char *copy;
	unsigned n;

	(void)state;
	small_archive(&a);
	copy = exact_copy(a.buf, a.len);
	assert_int_equal(walk(copy, a.len, &n), -ENOENT);
	assert_int_equal(n, 4);
	/* GNU cpio run as `find . | cpio` writes "./bin/hello". */
	assert_int_equal(cpio_find(copy, a.len, "bin/hello", &f), 0);
	assert_int_equal(f.size, 13);
	assert_memory_equal(f.data, "hello, world\n", 13);
	assert_int_equal(f.mode, 0100755);
	assert_int_equal(cpio_find(copy, a.len, "bin/empty", &f), 0);
	assert_int_equal(f.size, 0);
	assert_int_equal(cpio_find(copy, a.len, "bin/odd", &f), 0);
	assert_memory_equal(f.data, "12345", 5);
	free(copy);
}

/* Every possible cut of a small archive is corrupt: the trailer, padded,
 * is its last byte. */
static void test_small_archive_truncated_everywhere(void **state)
{
	struct archive a;

	(void)state;
	small_archive(&a);
	for (size_t len = 0; len <= a.len; len++) {
		char *cut = exact_copy(a.buf, len);
		unsigned n;

		assert_int_equal(walk(cut, len, &n), len == a.len ? -ENOENT : -EINVAL);
		free(cut);
	}
}

/* Overwrite the 8-digit field `index` (0 = ino ... 12 = check) of the
 * entry at `entry` with text. */
static void set_field(char *archive, size_t entry, int index, const char *text)
{
	memcpy(archive + entry + 6 + 8 * index, text, 8);
}

#define F_MODE 1
#define F_FILESIZE 6
#define F_NAMESIZE 11

static void expect_first_entry_corrupt(const struct archive *a, void (*breaker)(char *))
{
	char *copy = exact_copy(a->buf, a->len);
	size_t offset = 0;
	struct cpio_file f;

	breaker(copy);
	assert_int_equal(cpio_next(copy, a->len, &offset, &f), -EINVAL);
	assert_int_equal(offset, 0); /* not advanced on error */
	free(copy);
}

static void bad_magic(char *p)
{
	memcpy(p, "070707", 6); /* the old "odc" format */
}
static void bad_magic_crc(char *p)
{
	memcpy(p, "070702", 6); /* newc with checksums: not what the build writes */
}
static void bad_hex_digit(char *p)
{
	set_field(p, 0, F_FILESIZE, "0000000g");
}
static void bad_hex_space(char *p)
{
	set_field(p, 0, F_FILESIZE, " 0000001");
}
static void namesize_zero(char *p)
{
	set_field(p, 0, F_NAMESIZE, "00000000");
}
static void namesize_huge(char *p)
{
	set_field(p, 0, F_NAMESIZE, "FFFFFFFF");
}
static void namesize_without_nul(char *p)
{
	set_field(p, 0, F_NAMESIZE, "00000001"); /* covers "." but not its NUL */
	p[HEADER_SIZE] = '.';
	p[HEADER_SIZE + 1] = 'x';
}
static void name_nul_too_early(char *p)
{
	set_field(p, 0, F_NAMESIZE, "00000003"); /* "." NUL then a third byte */
}
static void filesize_huge(char *p)
{
	set_field(p, 0, F_FILESIZE, "FFFFFFFF");
}
static void filesize_past_end(char *p)
{
	set_field(p, 0, F_FILESIZE, "00001000");
}

static void test_bad_fields(void **state)
{
	static void (*const breakers[])(char *) = {
		bad_magic, bad_magic_crc, bad_hex_digit, bad_hex_space, namesize_zero, namesize_huge,
		namesize_without_nul, name_nul_too_early, filesize_huge, filesize_past_end,
	};
	struct archive a;

	(void)state;
	small_archive(&a);
	for (unsigned i = 0; i < sizeof(breakers) / sizeof(breakers[0]); i++)
		expect_first_entry_corrupt(&a, breakers[i]);
}

static void test_bad_offsets(void **state)
{
	struct archive a;
	struct cpio_file f;
	size_t offsets[] = { 1, 2, 3, 4 };
	char *copy;

	(void)state;
	small_archive(&a);
	copy = exact_copy(a.buf, a.len);
	for (unsigned i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		size_t o = offsets[i];

		assert_int_equal(cpio_next(copy, a.len, &o, &f), -EINVAL);
	}
	for (size_t o = a.len - 3; o != a.len + 5; o++) {
		size_t off = o;

		assert_int_equal(cpio_next(copy, a.len, &off, &f), -EINVAL);
	}
	size_t huge = SIZE_MAX;

	assert_int_equal(cpio_next(copy, a.len, &huge, &f), -EINVAL);
	assert_int_equal(cpio_next(copy, 0, &(size_t){ 0 }, &f), -EINVAL);
	assert_int_equal(cpio_find(copy, 0, "bin/hello", &f), -EINVAL);
	free(copy);
}

/* Random byte flips in the real archive's headers: any answer, but
 * entries inside the archive and no out-of-bounds read (ASan). */
static void test_random_flips(void **state)
{
	size_t size;
	char *archive = load_file(INITRD, &size);
	char *copy = malloc(size);
	/* The headers live in the first bytes of each entry; flip there and
	 * anywhere. A fixed seed keeps failures reproducible. */
	unsigned seed = 12345;

	(void)state;
	assert_non_null(copy);
	for (int round = 0; round < 3000; round++) {
		unsigned n;

		memcpy(copy, archive, size);
		for (int k = 0; k < 1 + round % 4; k++) {
			size_t at = rand_r(&seed) % (round % 2 ? size : 512);

			copy[at] ^= (char)(1 + rand_r(&seed) % 255);
		}
		walk(copy, size, &n);
	}
	free(copy);
	free(archive);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initrd_lists_every_program),
		cmocka_unit_test(test_initrd_contents_match_build),
		cmocka_unit_test(test_find_missing_and_prefix),
		cmocka_unit_test(test_initrd_truncated_at_entry_edges),
		cmocka_unit_test(test_small_archive_and_dot_slash),
		cmocka_unit_test(test_small_archive_truncated_everywhere),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_bad_offsets),
		cmocka_unit_test(test_random_flips),
	};

	return cmocka_run_group_tests(tests, list_staged_tree, free_names);
}
