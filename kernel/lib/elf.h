#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Checking and describing a static AArch64 ELF executable (the System V
 * gABI and the AArch64 ELF supplement). elf_parse() validates every field
 * the loader will use before anything is mapped, so a corrupt program gets
 * -ENOEXEC and the kernel never reads outside the file.
 */
#define ELF_MAX_SEGMENTS 8

#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

struct elf_segment {
	uint64_t vaddr, memsz;
	uint64_t offset, filesz; /* bytes of the file copied to vaddr */
	uint32_t flags;		 /* ELF_PF_R/W/X */
};

struct elf_image {
	uint64_t entry;
	uint64_t phdr_vaddr; /* where the program headers are once loaded */
	uint16_t phnum, phentsize;
	unsigned nseg;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/*
 * Validate file[0..size) as an ELF64 little-endian AArch64 ET_EXEC whose
 * PT_LOAD segments lie in [page 1, user_top), do not overlap, have
 * filesz <= memsz, matching page offsets, and whose entry point is in an
 * executable segment. 0 or -ENOEXEC.
 */
int elf_parse(const void *file, size_t size, uint64_t user_top, struct elf_image *out);

/*
 * The function or object symbol of file's .symtab containing addr:
 * 0 with *name (inside file) and *offset, or -ENOENT.
 */
int elf_symbolize(const void *file, size_t size, uint64_t addr, const char **name,
		  uint64_t *offset);
