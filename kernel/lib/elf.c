#include "lib/elf.h"

#include <stdbool.h>

#include "lib/errno.h"
#include "lib/string.h"

#define ET_EXEC 2
#define EM_AARCH64 183
#define PT_LOAD 1
#define SHT_SYMTAB 2
#define STT_OBJECT 1
#define STT_FUNC 2
#define PAGE_MASK 0xfffull

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

struct sym {
	uint32_t name;
	uint8_t info, other;
	uint16_t shndx;
	uint64_t value, size;
};

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

static bool header_ok(const struct ehdr *h)
{
	return memcmp(h->ident, "\177ELF", 4) == 0 && h->ident[4] == 2 /* 64-bit */ &&
	       h->ident[5] == 1 /* little-endian */ && h->ident[6] == 1 && h->type == ET_EXEC &&
	       h->machine == EM_AARCH64 && h->version == 1 &&
	       h->phentsize == sizeof(struct phdr) && h->phnum > 0 && h->phnum <= 64;
}

static bool segment_ok(const struct phdr *p, size_t size, uint64_t user_top)
{
	if (p->filesz > p->memsz || !in_file(size, p->offset, p->filesz))
		return false;
	/* Mapped page by page from the file: offsets must agree in-page. */
	if ((p->vaddr & PAGE_MASK) != (p->offset & PAGE_MASK))
		return false;
	/* Page 0 stays unmapped so NULL dereferences fault. */
	return p->vaddr >= 0x1000 && p->memsz > 0 && p->vaddr < user_top &&
	       p->memsz <= user_top - p->vaddr;
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

static int add_segment(struct elf_image *img, const struct phdr *p, uint64_t phoff, uint16_t phsize)
{
	struct elf_segment *s;

	if (img->nseg == ELF_MAX_SEGMENTS)
		return -ENOEXEC;
	s = &img->seg[img->nseg];
	s->vaddr = p->vaddr;
	s->memsz = p->memsz;
	s->offset = p->offset;
	s->filesz = p->filesz;
	s->flags = p->flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X);
	if (overlaps(img, s))
		return -ENOEXEC;
	/* The segment holding the program headers tells where they land,
	 * which musl needs (AT_PHDR) to find its TLS template. */
	if (phoff >= p->offset && phoff + phsize <= p->offset + p->filesz)
		img->phdr_vaddr = p->vaddr + (phoff - p->offset);
	img->nseg++;
	return 0;
}

int elf_parse(const void *file, size_t size, uint64_t user_top, struct elf_image *out)
{
	struct ehdr h;
	bool entry_ok = false;

	memset(out, 0, sizeof(*out));
	if (!read_at(file, size, 0, &h, sizeof(h)) || !header_ok(&h))
		return -ENOEXEC;
	if (!in_file(size, h.phoff, (uint64_t)h.phnum * sizeof(struct phdr)))
		return -ENOEXEC;
	for (unsigned i = 0; i < h.phnum; i++) {
		struct phdr p;

		read_at(file, size, h.phoff + i * sizeof(p), &p, sizeof(p));
		if (p.type != PT_LOAD)
			continue;
		if (!segment_ok(&p, size, user_top) ||
		    add_segment(out, &p, h.phoff, h.phnum * sizeof(struct phdr)) < 0)
			return -ENOEXEC;
		if ((p.flags & ELF_PF_X) && h.entry >= p.vaddr && h.entry < p.vaddr + p.memsz)
			entry_ok = true;
	}
	if (out->nseg == 0 || !entry_ok || !out->phdr_vaddr)
		return -ENOEXEC;
	out->entry = h.entry;
	out->phnum = h.phnum;
	out->phentsize = h.phentsize;
	return 0;
}

static int find_symtab(const void *file, size_t size, struct shdr *symtab, struct shdr *strtab)
{
	struct ehdr h;

	if (!read_at(file, size, 0, &h, sizeof(h)) || h.shentsize != sizeof(struct shdr) ||
	    !in_file(size, h.shoff, (uint64_t)h.shnum * sizeof(struct shdr)))
		return -ENOENT;
	for (unsigned i = 0; i < h.shnum; i++) {
		read_at(file, size, h.shoff + i * sizeof(*symtab), symtab, sizeof(*symtab));
		if (symtab->type != SHT_SYMTAB || symtab->entsize != sizeof(struct sym) ||
		    symtab->link >= h.shnum)
			continue;
		read_at(file, size, h.shoff + symtab->link * sizeof(*strtab), strtab, sizeof(*strtab));
		if (in_file(size, symtab->offset, symtab->size) &&
		    in_file(size, strtab->offset, strtab->size) && strtab->size > 0)
			return 0;
	}
	return -ENOENT;
}

int elf_symbolize(const void *file, size_t size, uint64_t addr, const char **name,
		  uint64_t *offset)
{
	struct shdr symtab, strtab;
	struct sym best = { 0 };
	bool found = false;
	const char *strings;

	if (find_symtab(file, size, &symtab, &strtab) < 0)
		return -ENOENT;
	strings = (const char *)file + strtab.offset;
	for (uint64_t off = 0; off + sizeof(struct sym) <= symtab.size; off += sizeof(struct sym)) {
		struct sym s;
		unsigned type;

		read_at(file, size, symtab.offset + off, &s, sizeof(s));
		type = s.info & 0xf;
		if ((type != STT_FUNC && type != STT_OBJECT) || s.value > addr ||
		    s.name >= strtab.size ||
		    strnlen(strings + s.name, strtab.size - s.name) == strtab.size - s.name)
			continue;
		/* The nearest symbol at or below addr; at one address, the
		 * one with a size (a function rather than a label). */
		if (!found || s.value > best.value || (s.value == best.value && s.size > best.size)) {
			best = s;
			found = true;
		}
	}
	if (!found)
		return -ENOENT;
	*name = strings + best.name;
	*offset = addr - best.value;
	return 0;
}
