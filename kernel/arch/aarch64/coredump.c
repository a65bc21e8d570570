#include "arch/aarch64/coredump.h"

#include <stdint.h>

#include "arch/aarch64/memory_map.h"
#include "arch/aarch64/semihost.h"
#include "arch/aarch64/trap_frame.h"
#include "core/panic.h"
#include "core/percpu.h"
#include "core/power.h"
#include "core/printk.h"
#include "lib/compiler.h"
#include "lib/elf_format.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kimage.h"

const char *coredump_path = "build/crash/loupe.core";

/*
 * Linux's struct elf_prstatus on AArch64, the layout GDB reads from a core
 * file's NT_PRSTATUS note: signal information, process ids, four times,
 * then the registers x0-x30, sp, pc, pstate.
 */
struct prstatus {
	int32_t si_signo, si_code, si_errno;
	int16_t pr_cursig;
	uint8_t pad0[2];
	uint64_t pr_sigpend, pr_sighold;
	int32_t pr_pid, pr_ppid, pr_pgrp, pr_sid;
	uint64_t times[8];
	uint64_t regs[34];
	int32_t pr_fpvalid;
	uint8_t pad1[4];
};
_Static_assert(sizeof(struct prstatus) == 392, "NT_PRSTATUS is 392 bytes on AArch64");
_Static_assert(__builtin_offsetof(struct prstatus, regs) == 112, "pr_reg at offset 112");

/* A note is its header, its name padded to 4 bytes, then its descriptor:
 * packed, since the descriptor follows at offset 20, not 24. */
struct prstatus_note {
	uint32_t namesz, descsz, type;
	char name[8]; /* "CORE" and its NUL, padded to 4-byte alignment */
	struct prstatus desc;
} __packed;
_Static_assert(sizeof(struct prstatus_note) % 4 == 0, "notes are 4-byte aligned");

#define MAX_SEGMENTS 128
#define SIGSEGV 11
#define SIGILL 4
#define SIGTRAP 5

/* Built at crash time; static because the crashing stack may be small. */
static struct {
	struct elf64_ehdr ehdr;
	struct elf64_phdr phdr[MAX_SEGMENTS + 1];
	struct prstatus_note notes[MAX_CPUS];
	unsigned nseg, nnotes;
	uint64_t file_size;
	long fd;
} dump;

static const uint8_t zero_page[PAGE_SIZE];

static void add_segment(uint64_t va, uint64_t size, uint32_t flags)
{
	struct elf64_phdr *ph;

	if (size == 0 || dump.nseg == MAX_SEGMENTS)
		return;
	ph = &dump.phdr[1 + dump.nseg++];
	ph->p_type = PT_LOAD;
	ph->p_flags = flags;
	ph->p_vaddr = va;
	ph->p_filesz = ph->p_memsz = size;
	ph->p_align = PAGE_SIZE;
}

/* The kernel image, minus the guard pages that are not mapped. */
static void add_image_segments(void)
{
	extern char boot_stacks[];

	add_segment((uint64_t)_start_image, ALIGN_UP((uint64_t)_etext, PAGE_SIZE) -
		    (uint64_t)_start_image, PF_R | PF_X);
	add_segment((uint64_t)_srodata, (uint64_t)_ebss - (uint64_t)_srodata, PF_R | PF_W);
	for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++)
		add_segment((uint64_t)boot_stacks + cpu * STACK_SLOT_SIZE + GUARD_SIZE, KSTACK_SIZE,
			    PF_R | PF_W);
}

/* RAM the kernel has in use (page tables, heap, ...), at its linear-map
 * address. Free frames are left out to keep the file small. */
static void add_linear_map_segments(void)
{
	for (unsigned r = 0; CONFIG_ALLOC; r++) {
		size_t cursor = 0;
		paddr_t start, end;

		if (frame_region_info(r, NULL, NULL, NULL) < 0)
			break;
		while (frame_used_run(r, &cursor, &start, &end) == 0)
			add_segment((uint64_t)phys_to_virt(start), end - start, PF_R | PF_W);
	}
}

static int signal_for(const struct trap_frame *f)
{
	unsigned ec = (unsigned)(f->esr >> 26) & 0x3f;

	if (ec == 0x00)
		return SIGILL;
	if (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25)
		return SIGSEGV;
	return SIGTRAP;
}

static void add_note(unsigned cpu, const struct trap_frame *f, bool crashing)
{
	struct prstatus_note *n = &dump.notes[dump.nnotes++];

	n->namesz = 5;
	n->descsz = sizeof(struct prstatus);
	n->type = NT_PRSTATUS;
	memcpy(n->name, "CORE", 5);
	n->desc.si_signo = n->desc.pr_cursig = (int16_t)(crashing ? signal_for(f) : 0);
	n->desc.pr_pid = (int32_t)cpu + 1; /* GDB shows each CPU as a thread */
	memcpy(n->desc.regs, f->x, sizeof(f->x));
	n->desc.regs[31] = f->sp;
	n->desc.regs[32] = f->pc;
	n->desc.regs[33] = f->pstate;
}

/* The crashing CPU first: GDB selects the first thread of a core file. */
static void add_notes(void)
{
	unsigned me = arch_cpu_index();

	add_note(me, crash_frame, true);
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (i != me && percpu[i].irq_frame)
			add_note(i, percpu[i].irq_frame, false);
}

static void layout(void)
{
	uint64_t offset;

	memset(&dump.ehdr, 0, sizeof(dump.ehdr));
	memcpy(dump.ehdr.e_ident, "\177ELF\2\1\1", 7); /* 64-bit, little-endian, v1 */
	dump.ehdr.e_type = ET_CORE;
	dump.ehdr.e_machine = EM_AARCH64;
	dump.ehdr.e_version = 1;
	dump.ehdr.e_phoff = sizeof(dump.ehdr);
	dump.ehdr.e_ehsize = sizeof(dump.ehdr);
	dump.ehdr.e_phentsize = sizeof(struct elf64_phdr);
	dump.ehdr.e_phnum = (uint16_t)(dump.nseg + 1);

	offset = sizeof(dump.ehdr) + (dump.nseg + 1) * sizeof(struct elf64_phdr);
	dump.phdr[0] = (struct elf64_phdr){
		.p_type = PT_NOTE,
		.p_offset = offset,
		.p_filesz = dump.nnotes * sizeof(struct prstatus_note),
		.p_align = 4,
	};
	offset = ALIGN_UP(offset + dump.phdr[0].p_filesz, PAGE_SIZE);
	for (unsigned i = 1; i <= dump.nseg; i++) {
		dump.phdr[i].p_offset = offset;
		offset += dump.phdr[i].p_filesz;
	}
	dump.file_size = offset;
}

static int host_write(const void *buf, uint64_t len)
{
	uint64_t args[3] = { (uint64_t)dump.fd, (uint64_t)buf, len };

	/* SYS_WRITE returns the number of bytes NOT written. */
	return semihost_call(SEMIHOST_SYS_WRITE, (uint64_t)args) == 0 ? 0 : -1;
}

static int write_padding(uint64_t from, uint64_t to)
{
	while (from < to) {
		uint64_t n = to - from < PAGE_SIZE ? to - from : PAGE_SIZE;

		if (host_write(zero_page, n) < 0)
			return -1;
		from += n;
	}
	return 0;
}

static int write_file(void)
{
	uint64_t pos;

	if (host_write(&dump.ehdr, sizeof(dump.ehdr)) < 0 ||
	    host_write(dump.phdr, (dump.nseg + 1) * sizeof(struct elf64_phdr)) < 0 ||
	    host_write(dump.notes, dump.phdr[0].p_filesz) < 0)
		return -1;
	pos = dump.phdr[0].p_offset + dump.phdr[0].p_filesz;
	for (unsigned i = 1; i <= dump.nseg; i++) {
		if (write_padding(pos, dump.phdr[i].p_offset) < 0 ||
		    host_write((const void *)dump.phdr[i].p_vaddr, dump.phdr[i].p_filesz) < 0)
			return -1;
		pos = dump.phdr[i].p_offset + dump.phdr[i].p_filesz;
	}
	return 0;
}

void coredump_write(void)
{
	uint64_t open_args[3];

	if (!semihosting_enabled || !coredump_path || strcmp(coredump_path, "off") == 0 ||
	    !crash_frame)
		return;
	dump.nseg = dump.nnotes = 0;
	add_image_segments();
	add_linear_map_segments();
	add_notes();
	layout();

	open_args[0] = (uint64_t)coredump_path;
	open_args[1] = 5; /* "wb" in the semihosting mode table */
	open_args[2] = strlen(coredump_path);
	dump.fd = semihost_call(SEMIHOST_SYS_OPEN, (uint64_t)open_args);
	if (dump.fd < 0) {
		printk(LOG_EMERG, "core dump: cannot create %s on the host (does its directory exist?)",
		       coredump_path);
		return;
	}
	if (write_file() < 0)
		printk(LOG_EMERG, "core dump: writing %s failed", coredump_path);
	else
		printk(LOG_EMERG, "core dump: wrote %s (%llu KiB, %u CPUs, %u segments)",
		       coredump_path, (unsigned long long)(dump.file_size >> 10), dump.nnotes,
		       dump.nseg);
	semihost_call(SEMIHOST_SYS_CLOSE, (uint64_t)&dump.fd);
}
