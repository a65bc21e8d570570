/*
 * kernel/lib/elf.c against the programs the build really makes (checked
 * against the host's own reading of them with <elf.h>) and against files
 * broken on purpose: truncated at every length, every header field the
 * loader trusts set wrong, segments overlapping or out of range, random
 * flips. A broken file must give -ENOEXEC, and elf.c may never read
 * outside the file: bytes past a truncated file's end are poisoned for
 * AddressSanitizer.
 */
#include <elf.h>
#include <sanitizer/asan_interface.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/elf.h"
#include "lib/errno.h"

#define USER_DIR UNIT_BUILD "/user/"
#define USER_TOP (1ull << 48)
#define PAGE 4096ull

static const char *const programs[] = { "init", "utest", "crasher", "stress", "stressworker" };

struct file {
	char *data;
	size_t size;
};

static struct file load_program(const char *name)
{
	char path[256];
	struct file f;
	FILE *fp;

	snprintf(path, sizeof(path), USER_DIR "%s", name);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s (built by `make user`)", path);
	fseek(fp, 0, SEEK_END);
	f.size = (size_t)ftell(fp);
	rewind(fp);
	f.data = malloc(f.size);
	assert_non_null(f.data);
	assert_int_equal(fread(f.data, 1, f.size, fp), f.size);
	fclose(fp);
	return f;
}

static Elf64_Ehdr *ehdr(const struct file *f)
{
	return (Elf64_Ehdr *)f->data;
}

static Elf64_Phdr *phdr(const struct file *f, unsigned i)
{
	return (Elf64_Phdr *)(f->data + ehdr(f)->e_phoff) + i;
}

/* The i-th PT_LOAD program header. */
static Elf64_Phdr *load(const struct file *f, unsigned i)
{
	for (unsigned k = 0; k < ehdr(f)->e_phnum; k++)
		if (phdr(f, k)->p_type == PT_LOAD && i-- == 0)
			return phdr(f, k);
	fail_msg("no PT_LOAD %u", i);
	return NULL;
}

static struct file copy_of(const struct file *f)
{
	struct file c = { malloc(f->size), f->size };

	assert_non_null(c.data);
	memcpy(c.data, f->data, f->size);
	return c;
}

/* What elf_parse promises about any file it accepts. */
static void assert_image_sane(const struct elf_image *img, size_t size, uint64_t top)
{
	int entry_ok = 0, phdrs_ok = 0;

	assert_true(img->nseg >= 1 && img->nseg <= ELF_MAX_SEGMENTS);
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		assert_true(s->filesz <= s->memsz);
		assert_true(s->offset <= size && s->filesz <= size - s->offset);
		assert_true(s->vaddr >= PAGE && s->vaddr < top && s->memsz <= top - s->vaddr);
		assert_int_equal(s->vaddr % PAGE, s->offset % PAGE);
		for (unsigned j = 0; j < i; j++) {
			const struct elf_segment *o = &img->seg[j];
			uint64_t s0 = s->vaddr & ~(PAGE - 1), s1 = (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
			uint64_t o0 = o->vaddr & ~(PAGE - 1), o1 = (o->vaddr + o->memsz + PAGE - 1) & ~(PAGE - 1);

			assert_false(s0 < o1 && o0 < s1);
		}
		if ((s->flags & ELF_PF_X) && img->entry >= s->vaddr && img->entry < s->vaddr + s->memsz)
			entry_ok = 1;
		if (img->phdr_vaddr >= s->vaddr &&
		    img->phdr_vaddr + (uint64_t)img->phnum * img->phentsize <= s->vaddr + s->filesz)
			phdrs_ok = 1;
	}
	assert_true(entry_ok);
	assert_true(phdrs_ok);
}

/* ---- the real programs ---------------------------------------------------------- */

static void test_programs_parse_as_the_host_reads_them(void **state)
{
	(void)state;
	for (unsigned p = 0; p < sizeof(programs) / sizeof(programs[0]); p++) {
		struct file f = load_program(programs[p]);
		const Elf64_Ehdr *h = ehdr(&f);
		struct elf_image img;
		unsigned nload = 0;

		assert_int_equal(elf_parse(f.data, f.size, USER_TOP, &img), 0);
		assert_int_equal(img.entry, h->e_entry);
		assert_int_equal(img.phnum, h->e_phnum);
		assert_int_equal(img.phentsize, sizeof(Elf64_Phdr));
		for (unsigned k = 0; k < h->e_phnum; k++) {
			const Elf64_Phdr *ph = phdr(&f, k);

			if (ph->p_type != PT_LOAD)
				continue;
			assert_true(nload < img.nseg);
			assert_int_equal(img.seg[nload].vaddr, ph->p_vaddr);
			assert_int_equal(img.seg[nload].memsz, ph->p_memsz);
			assert_int_equal(img.seg[nload].offset, ph->p_offset);
			assert_int_equal(img.seg[nload].filesz, ph->p_filesz);
			assert_int_equal(img.seg[nload].flags, ph->p_flags & 7);
			/* AT_PHDR: where the headers are once the first segment is loaded. */
			if (ph->p_offset <= h->e_phoff && h->e_phoff < ph->p_offset + ph->p_filesz)
				assert_int_equal(img.phdr_vaddr, ph->p_vaddr + h->e_phoff - ph->p_offset);
			nload++;
		}
		assert_int_equal(img.nseg, nload);
		assert_image_sane(&img, f.size, USER_TOP);
		free(f.data);
	}
}

/* The address of function `name` from the host's reading of .symtab. */
static uint64_t symbol_address(const struct file *f, const char *name)
{
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(f->data + ehdr(f)->e_shoff);

	for (unsigned i = 0; i < ehdr(f)->e_shnum; i++) {
		const Elf64_Sym *sym = (const Elf64_Sym *)(f->data + sh[i].sh_offset);
		const char *strings = f->data + sh[sh[i].sh_link].sh_offset;

		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*sym); k++)
			if (strcmp(strings + sym[k].st_name, name) == 0)
				return sym[k].st_value;
	}
	fail_msg("no symbol %s", name);
	return 0;
}

static void test_symbolize(void **state)
{
	static const char *const functions[] = { "main", "crash_null_read", "crash_undefined", "_start" };
	struct file f = load_program("crasher");
	const char *name;
	uint64_t offset;

	(void)state;
	for (unsigned i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
		uint64_t addr = symbol_address(&f, functions[i]);

		assert_int_equal(elf_symbolize(f.data, f.size, addr, &name, &offset), 0);
		assert_string_equal(name, functions[i]);
		assert_int_equal(offset, 0);
		assert_int_equal(elf_symbolize(f.data, f.size, addr + 4, &name, &offset), 0);
		assert_string_equal(name, functions[i]);
		assert_int_equal(offset, 4);
	}
	/* Below every symbol: nothing to name. */
	assert_int_equal(elf_symbolize(f.data, f.size, 0x10, &name, &offset), -ENOENT);
	/* No section headers at all: no symbols, no crash. */
	ehdr(&f)->e_shoff = f.size;
	assert_int_equal(elf_symbolize(f.data, f.size, 0x400000, &name, &offset), -ENOENT);
	ehdr(&f)->e_shoff = UINT64_MAX - 16;
	assert_int_equal(elf_symbolize(f.data, f.size, 0x400000, &name, &offset), -ENOENT);
	free(f.data);
}

static void test_user_top(void **state)
{
	struct file f = load_program("crasher");
	struct elf_image img;
	uint64_t end = 0;

	(void)state;
	for (unsigned i = 0; i < 2; i++)
		if (load(&f, i)->p_vaddr + load(&f, i)->p_memsz > end)
			end = load(&f, i)->p_vaddr + load(&f, i)->p_memsz;
	assert_int_equal(elf_parse(f.data, f.size, end, &img), 0);
	assert_int_equal(elf_parse(f.data, f.size, end - 1, &img), -ENOEXEC);
	assert_int_equal(elf_parse(f.data, f.size, load(&f, 0)->p_vaddr, &img), -ENOEXEC);
	free(f.data);
}

/*
 * Cut a program at every length. elf_parse needs the ELF header, the
 * program headers and every segment's file bytes: shorter is -ENOEXEC,
 * longer parses. Eight copies at eight alignments let the cut fall on an
 * 8-byte boundary, where ASan can poison exactly the bytes past it.
 */
static void test_truncated_everywhere(void **state)
{
	struct file f = load_program("crasher");
	size_t block = (f.size + 16 + 7) & ~(size_t)7, needed = sizeof(Elf64_Ehdr);
	char *copies[8];
	struct elf_image img;

	(void)state;
	if (ehdr(&f)->e_phoff + ehdr(&f)->e_phnum * sizeof(Elf64_Phdr) > needed)
		needed = ehdr(&f)->e_phoff + ehdr(&f)->e_phnum * sizeof(Elf64_Phdr);
	for (unsigned i = 0; i < 2; i++)
		if (load(&f, i)->p_offset + load(&f, i)->p_filesz > needed)
			needed = load(&f, i)->p_offset + load(&f, i)->p_filesz;
	for (unsigned s = 0; s < 8; s++) {
		copies[s] = aligned_alloc(8, block);
		assert_non_null(copies[s]);
		memcpy(copies[s] + s, f.data, f.size);
	}
	for (size_t len = 0; len <= f.size; len++) {
		unsigned s = (8 - len % 8) % 8;
		char *data = copies[s] + s;
		size_t poisoned = block - s - len;
		const char *name;
		uint64_t offset;

		ASAN_POISON_MEMORY_REGION(data + len, poisoned);
		assert_int_equal(elf_parse(data, len, USER_TOP, &img), len < needed ? -ENOEXEC : 0);
		/* Symbols sit at the end of the file: try them at some cuts. */
		if (len % 61 == 0 || len + 4096 > f.size)
			elf_symbolize(data, len, ehdr(&f)->e_entry, &name, &offset);
		ASAN_UNPOISON_MEMORY_REGION(data + len, poisoned);
	}
	for (unsigned s = 0; s < 8; s++)
		free(copies[s]);
	free(f.data);
}

/* ---- one field wrong at a time ---------------------------------------------------- */

typedef void (*breaker_fn)(struct file *f);

static void bad_magic(struct file *f) { ehdr(f)->e_ident[EI_MAG1] = 'e'; }
static void class32(struct file *f) { ehdr(f)->e_ident[EI_CLASS] = ELFCLASS32; }
static void big_endian(struct file *f) { ehdr(f)->e_ident[EI_DATA] = ELFDATA2MSB; }
static void ident_version(struct file *f) { ehdr(f)->e_ident[EI_VERSION] = 0; }
static void type_dyn(struct file *f) { ehdr(f)->e_type = ET_DYN; }
static void type_rel(struct file *f) { ehdr(f)->e_type = ET_REL; }
static void machine_x86(struct file *f) { ehdr(f)->e_machine = EM_X86_64; }
static void version0(struct file *f) { ehdr(f)->e_version = 0; }
static void phentsize_small(struct file *f) { ehdr(f)->e_phentsize = 32; }
static void phnum_zero(struct file *f) { ehdr(f)->e_phnum = 0; }
static void phnum_huge(struct file *f) { ehdr(f)->e_phnum = 0xffff; }
static void phoff_past_end(struct file *f) { ehdr(f)->e_phoff = f->size; }
static void phoff_wraps(struct file *f) { ehdr(f)->e_phoff = UINT64_MAX - 8; }
static void entry_nowhere(struct file *f) { ehdr(f)->e_entry = 0x10; }
static void entry_in_data(struct file *f) { ehdr(f)->e_entry = load(f, 1)->p_vaddr; }
static void entry_just_past_text(struct file *f)
{
	ehdr(f)->e_entry = load(f, 0)->p_vaddr + load(f, 0)->p_memsz;
}
static void filesz_over_memsz(struct file *f) { load(f, 0)->p_filesz = load(f, 0)->p_memsz + 1; }
static void offset_past_end(struct file *f) { load(f, 1)->p_offset = f->size + (load(f, 1)->p_offset & 0xfff); }
static void offset_wraps(struct file *f) { load(f, 1)->p_offset = UINT64_MAX - 0xfff + (load(f, 1)->p_vaddr & 0xfff); }
static void filesz_past_end(struct file *f) { load(f, 1)->p_filesz = f->size; load(f, 1)->p_memsz = f->size; }
/* The whole text moved to page 0, entry with it: only the page-0 rule breaks. */
static void text_in_page_zero(struct file *f)
{
	uint64_t shift = load(f, 0)->p_vaddr;

	load(f, 0)->p_vaddr -= shift;
	ehdr(f)->e_entry -= shift;
}
static void vaddr_wraps(struct file *f)
{
	load(f, 1)->p_vaddr = 0xfffffffffffff000ull + (load(f, 1)->p_offset & 0xfff);
	load(f, 1)->p_memsz = 0x2000;
}
static void vaddr_above_top(struct file *f) { load(f, 1)->p_vaddr = USER_TOP + (load(f, 1)->p_offset & 0xfff); }
static void memsz_crosses_top(struct file *f)
{
	load(f, 1)->p_vaddr = USER_TOP - PAGE + (load(f, 1)->p_offset & 0xfff);
	load(f, 1)->p_memsz = 2 * PAGE;
}
static void page_offsets_differ(struct file *f) { load(f, 1)->p_vaddr += 8; }
static void data_over_text(struct file *f)
{
	load(f, 1)->p_vaddr = load(f, 0)->p_vaddr + (load(f, 1)->p_offset & 0xfff);
}
/* Data moved down into the last page of the text: pages overlap. */
static void data_shares_text_page(struct file *f)
{
	uint64_t text_end = load(f, 0)->p_vaddr + load(f, 0)->p_memsz;

	load(f, 1)->p_vaddr = ((text_end - 1) & ~(PAGE - 1)) + (load(f, 1)->p_offset & 0xfff);
}
static void memsz_zero(struct file *f) { load(f, 1)->p_memsz = 0; load(f, 1)->p_filesz = 0; }

static void test_bad_fields(void **state)
{
	static const struct {
		const char *what;
		breaker_fn fn;
	} breakers[] = {
#define B(fn) { #fn, fn }
		B(bad_magic), B(class32), B(big_endian), B(ident_version), B(type_dyn), B(type_rel),
		B(machine_x86), B(version0), B(phentsize_small), B(phnum_zero), B(phnum_huge),
		B(phoff_past_end), B(phoff_wraps), B(entry_nowhere), B(entry_in_data),
		B(entry_just_past_text), B(filesz_over_memsz), B(offset_past_end), B(offset_wraps),
		B(filesz_past_end), B(text_in_page_zero), B(vaddr_wraps), B(vaddr_above_top),
		B(memsz_crosses_top), B(page_offsets_differ), B(data_over_text),
		B(data_shares_text_page), B(memsz_zero),
#undef B
	};
	struct file f = load_program("crasher");
	struct elf_image img;

	(void)state;
	/* The second PT_LOAD is the data segment the breakers assume. */
	assert_int_equal(load(&f, 0)->p_flags & PF_X, PF_X);
	assert_int_equal(load(&f, 1)->p_flags & PF_X, 0);
	for (unsigned i = 0; i < sizeof(breakers) / sizeof(breakers[0]); i++) {
		struct file c = copy_of(&f);

		breakers[i].fn(&c);
		if (elf_parse(c.data, c.size, USER_TOP, &img) != -ENOEXEC)
			fail_msg("%s: elf_parse accepted it", breakers[i].what);
		free(c.data);
	}
	free(f.data);
}

/* ---- hand-made files: segment counts and header placement ------------------------- */

/* nseg one-page segments at 0x400000, 0x401000, ...; the first (R+X) holds
 * the headers when headers_loaded, the others are R+W. */
static struct file make_elf(unsigned nseg, int headers_loaded)
{
	unsigned first = headers_loaded ? 0 : 1; /* file page of segment 0 */
	struct file f = { calloc(nseg + first, PAGE), (nseg + first) * PAGE };
	Elf64_Ehdr *h = (Elf64_Ehdr *)f.data;

	assert_non_null(f.data);
	assert_true(sizeof(*h) + nseg * sizeof(Elf64_Phdr) <= PAGE);
	memcpy(h->e_ident, ELFMAG, SELFMAG);
	h->e_ident[EI_CLASS] = ELFCLASS64;
	h->e_ident[EI_DATA] = ELFDATA2LSB;
	h->e_ident[EI_VERSION] = EV_CURRENT;
	h->e_type = ET_EXEC;
	h->e_machine = EM_AARCH64;
	h->e_version = EV_CURRENT;
	h->e_entry = 0x400000 + 0x800;
	h->e_phoff = sizeof(*h);
	h->e_ehsize = sizeof(*h);
	h->e_phentsize = sizeof(Elf64_Phdr);
	h->e_phnum = nseg;
	for (unsigned i = 0; i < nseg; i++) {
		Elf64_Phdr *p = phdr(&f, i);

		p->p_type = PT_LOAD;
		p->p_flags = i == 0 ? PF_R | PF_X : PF_R | PF_W;
		p->p_offset = (i + first) * PAGE;
		p->p_vaddr = 0x400000 + i * PAGE;
		p->p_filesz = p->p_memsz = PAGE;
		p->p_align = PAGE;
	}
	return f;
}

static void test_segment_count_and_headers(void **state)
{
	struct elf_image img;
	struct file f;

	(void)state;
	for (unsigned n = 1; n <= ELF_MAX_SEGMENTS + 1; n++) {
		f = make_elf(n, 1);
		assert_int_equal(elf_parse(f.data, f.size, USER_TOP, &img),
				 n <= ELF_MAX_SEGMENTS ? 0 : -ENOEXEC);
		if (n <= ELF_MAX_SEGMENTS) {
			assert_int_equal(img.nseg, n);
			assert_int_equal(img.phdr_vaddr, 0x400000 + sizeof(Elf64_Ehdr));
			assert_image_sane(&img, f.size, USER_TOP);
		}
		free(f.data);
	}
	/* Program headers that no segment loads: musl could not find them. */
	f = make_elf(2, 0);
	assert_int_equal(elf_parse(f.data, f.size, USER_TOP, &img), -ENOEXEC);
	free(f.data);
	/* Other program header types are skipped, not counted. */
	f = make_elf(3, 1);
	phdr(&f, 2)->p_type = PT_NOTE;
	assert_int_equal(elf_parse(f.data, f.size, USER_TOP, &img), 0);
	assert_int_equal(img.nseg, 2);
	free(f.data);
}

/* ---- random damage ---------------------------------------------------------------- */

/* Flip bytes in the headers (most rounds) or anywhere; whatever elf_parse
 * accepts must keep its promises, and nothing is read out of bounds. */
static void test_random_flips(void **state)
{
	struct file f = load_program("crasher");
	struct file c = copy_of(&f);
	const Elf64_Ehdr *h = ehdr(&f);
	unsigned seed = 4242, accepted = 0;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		struct elf_image img;
		const char *name;
		uint64_t offset;
		size_t at;

		memcpy(c.data, f.data, f.size);
		for (int k = 0; k < 1 + round % 3; k++) {
			switch (round % 4) {
			case 0: /* ELF and program headers */
				at = rand_r(&seed) % (h->e_phoff + h->e_phnum * sizeof(Elf64_Phdr));
				break;
			case 1: /* section headers: what elf_symbolize reads first */
				at = h->e_shoff + rand_r(&seed) % (h->e_shnum * sizeof(Elf64_Shdr));
				break;
			default:
				at = rand_r(&seed) % f.size;
			}
			c.data[at] ^= (char)(1 << (rand_r(&seed) % 8));
		}
		if (elf_parse(c.data, c.size, USER_TOP, &img) == 0) {
			assert_image_sane(&img, c.size, USER_TOP);
			accepted++;
		}
		if (elf_symbolize(c.data, c.size, 0x400000 + rand_r(&seed) % 0x10000, &name,
				  &offset) == 0)
			assert_true(name >= c.data && name < c.data + c.size &&
				    memchr(name, '\0', c.data + c.size - name));
	}
	/* Flips in unused bytes leave a valid file: some must be accepted. */
	assert_true(accepted > 0);
	free(c.data);
	free(f.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_programs_parse_as_the_host_reads_them),
		cmocka_unit_test(test_symbolize),
		cmocka_unit_test(test_user_top),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_segment_count_and_headers),
		cmocka_unit_test(test_random_flips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
