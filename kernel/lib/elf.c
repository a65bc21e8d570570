#include "lib/elf.h"

#include <stdbool.h>

#include "lib/elf_format.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PAGE_MASK 0xfffull

/*
 * The file may sit at any alignment inside the initrd, so structures are
 * copied out rather than dereferenced in place. `in_file` checks that
 * [off, off+len) lies inside the file without overflowing.
 */
static bool in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

static bool read_at(const void *file, size_t size, uint64_t off, void *dst, size_t len)
{
	if (!in_file(size, off, len))
		return false;
	memcpy(dst, (const char *)file + off, len);
	return true;
}

static bool header_ok(const struct elf64_ehdr *h)
{
	return memcmp(h->e_ident, "\177ELF", 4) == 0 && h->e_ident[4] == 2 /* 64-bit */ &&
	       h->e_ident[5] == 1 /* little-endian */ && h->e_ident[6] == 1 && h->e_type == ET_EXEC &&
	       h->e_machine == EM_AARCH64 && h->e_version == 1 &&
	       h->e_phentsize == sizeof(struct elf64_phdr) && h->e_phnum > 0 && h->e_phnum <= 64;
}

static bool segment_ok(const struct elf64_phdr *p, size_t size, uint64_t user_top)
{
	if (p->p_filesz > p->p_memsz || !in_file(size, p->p_offset, p->p_filesz))
		return false;
	/* Mapped page by page from the file: offsets must agree in-page. */
	if ((p->p_vaddr & PAGE_MASK) != (p->p_offset & PAGE_MASK))
		return false;
	/* Page 0 stays unmapped so NULL dereferences fault. */
	return p->p_vaddr >= 0x1000 && p->p_memsz > 0 && p->p_vaddr < user_top &&
	       p->p_memsz <= user_top - p->p_vaddr;
}

static bool overlaps(const struct elf_image *img, const struct elf_segment *s)
{
	uint64_t start = s->vaddr & ~PAGE_MASK, end = (s->vaddr + s->memsz + PAGE_MASK) & ~PAGE_MASK;

	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *o = &img->seg[i];
		uint64_t ostart = o->vaddr & ~PAGE_MASK;
		uint64_t oend = (o->vaddr + o->memsz + PAGE_MASK) & ~PAGE_MASK;

		if (start < oend && ostart < end)
			return true;
	}
	return false;
}

static int add_segment(struct elf_image *img, const struct elf64_phdr *p, uint64_t phoff, uint16_t phsize)
{
	struct elf_segment *s;

	if (img->nseg == ELF_MAX_SEGMENTS)
		return -ENOEXEC;
	s = &img->seg[img->nseg];
	s->vaddr = p->p_vaddr;
	s->memsz = p->p_memsz;
	s->offset = p->p_offset;
	s->filesz = p->p_filesz;
	s->flags = p->p_flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X);
	if (overlaps(img, s))
		return -ENOEXEC;
	/* The segment holding the program headers tells where they land,
	 * which musl needs (AT_PHDR) to find its TLS template. */
	if (phoff >= p->p_offset && phoff + phsize <= p->p_offset + p->p_filesz)
		img->phdr_vaddr = p->p_vaddr + (phoff - p->p_offset);
	img->nseg++;
	return 0;
}

int elf_parse(const void *file, size_t size, uint64_t user_top, struct elf_image *out)
{
	struct elf64_ehdr h;
	bool entry_ok = false;

	memset(out, 0, sizeof(*out));
	if (!read_at(file, size, 0, &h, sizeof(h)) || !header_ok(&h))
		return -ENOEXEC;
	if (!in_file(size, h.e_phoff, (uint64_t)h.e_phnum * sizeof(struct elf64_phdr)))
		return -ENOEXEC;
	for (unsigned i = 0; i < h.e_phnum; i++) {
		struct elf64_phdr p;

		read_at(file, size, h.e_phoff + i * sizeof(p), &p, sizeof(p));
		if (p.p_type != PT_LOAD)
			continue;
		if (!segment_ok(&p, size, user_top) ||
		    add_segment(out, &p, h.e_phoff, h.e_phnum * sizeof(struct elf64_phdr)) < 0)
			return -ENOEXEC;
		if ((p.p_flags & ELF_PF_X) && h.e_entry >= p.p_vaddr && h.e_entry < p.p_vaddr + p.p_memsz)
			entry_ok = true;
	}
	if (out->nseg == 0 || !entry_ok || !out->phdr_vaddr)
		return -ENOEXEC;
	out->entry = h.e_entry;
	out->phnum = h.e_phnum;
	out->phentsize = h.e_phentsize;
	return 0;
}

static int find_symtab(const void *file, size_t size, struct elf64_shdr *symtab, struct elf64_shdr *strtab)
{
	struct elf64_ehdr h;

	if (!read_at(file, size, 0, &h, sizeof(h)) || h.e_shentsize != sizeof(struct elf64_shdr) ||
	    !in_file(size, h.e_shoff, (uint64_t)h.e_shnum * sizeof(struct elf64_shdr)))
		return -ENOENT;
	for (unsigned i = 0; i < h.e_shnum; i++) {
		read_at(file, size, h.e_shoff + i * sizeof(*symtab), symtab, sizeof(*symtab));
		if (symtab->sh_type != SHT_SYMTAB || symtab->sh_entsize != sizeof(struct elf64_sym) ||
		    symtab->sh_link >= h.e_shnum)
			continue;
		read_at(file, size, h.e_shoff + symtab->sh_link * sizeof(*strtab), strtab, sizeof(*strtab));
		if (in_file(size, symtab->sh_offset, symtab->sh_size) &&
		    in_file(size, strtab->sh_offset, strtab->sh_size) && strtab->sh_size > 0)
			return 0;
	}
	return -ENOENT;
}

int elf_symbolize(const void *file, size_t size, uint64_t addr, const char **name,
		  uint64_t *offset)
{
	struct elf64_shdr symtab, strtab;
	struct elf64_sym best = { 0 };
	bool found = false;
	const char *strings;

	if (find_symtab(file, size, &symtab, &strtab) < 0)
		return -ENOENT;
	strings = (const char *)file + strtab.sh_offset;
	for (uint64_t off = 0; off + sizeof(struct elf64_sym) <= symtab.sh_size; off += sizeof(struct elf64_sym)) {
		struct elf64_sym s;
		unsigned type;

		read_at(file, size, symtab.sh_offset + off, &s, sizeof(s));
		type = s.st_info & 0xf;
		if ((type != STT_FUNC && type != STT_OBJECT) || s.st_value > addr ||
		    s.st_name >= strtab.sh_size ||
		    strnlen(strings + s.st_name, strtab.sh_size - s.st_name) == strtab.sh_size - s.st_name)
			continue;
		/* The nearest symbol at or below addr; at one address, the
		 * one with a size (a function rather than a label). */
		if (!found || s.st_value > best.st_value || (s.st_value == best.st_value && s.st_size > best.st_size)) {
			best = s;
			found = true;
		}
	}
	if (!found)
		return -ENOENT;
	*name = strings + best.st_name;
	*offset = addr - best.st_value;
	return 0;
}
