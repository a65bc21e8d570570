#include "debug/gdb_mem.h"

#include <stdbool.h>

#include "arch/aarch64/extable.h"
#include "arch/aarch64/memory_map.h"
#include "arch/aarch64/pagetable.h"
#include "core/task.h"
#include "debug/gdb_session.h"
#include "debug/gdb_threads.h"
#include "mm/uvm.h"
#include "arch/aarch64/sysregs.h"
#include "lib/errno.h"
#include "mm/layout.h"
#include "platform/platform.h"

#define PAR_F 1ull		/* the translation faulted */
#define PAR_PA_MASK 0x0000fffffffff000ull
#define PAR_ATTR_SHIFT 56	/* MAIR-style attribute of the mapping */

static bool mmu_on(void)
{
	uint64_t sctlr;

	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	return sctlr & SCTLR_M;
}

static bool in_ram(paddr_t pa, size_t len)
{
	for (unsigned i = 0; i < platform.nmem; i++) {
		const struct mem_region *r = &platform.mem[i];

		if (pa >= r->base && pa - r->base < r->size && len <= r->base + r->size - pa)
			return true;
	}
	return false;
}

/* Physical address of va if an EL1 access of that kind would succeed on
 * Normal memory; -1 otherwise. */
static paddr_t translate(uint64_t va, bool write)
{
	uint64_t par;

	if (!mmu_on())
		return in_ram(va, 1) ? va : (paddr_t)-1;
	if (write)
		__asm__ volatile("at s1e1w, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va));
	else
		__asm__ volatile("at s1e1r, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va));
	if (par & PAR_F)
		return (paddr_t)-1;
	/* Device memory has attribute 0b0000ddxx; Normal memory has a
	 * non-zero outer nibble. */
	if (!((par >> PAR_ATTR_SHIFT) & 0xf0))
		return (paddr_t)-1;
	return (par & PAR_PA_MASK) | (va & (PAGE_SIZE - 1));
}

/*
 * A user address means the address space of the thread GDB selected (Hg),
 * when that thread is a task: its own page tables are walked in software,
 * and the page is reached through the linear map, whichever address space
 * the stopped CPU happens to be in. NULL: use the CPU's translation.
 */
static struct uvm *selected_space(uint64_t va)
{
	struct task *t;

	if (!CONFIG_TASKS || va >= USER_TOP)
		return NULL;
	t = gdb_thread_task(gdb_session_thread());
	return t ? t->vm : NULL;
}

/* The linear-map address of user address va in vm, or NULL if unmapped. */
static void *space_alias(struct uvm *vm, uint64_t va)
{
	uint64_t *pte = pt_leaf(vm->root, va, false);

	if (!pte || !(*pte & PTE_VALID))
		return NULL;
	return phys_to_virt((*pte & PTE_ADDR_MASK) | (va & (PAGE_SIZE - 1)));
}

/* Bytes from addr to the end of its page, at most len. */
static size_t chunk(uint64_t addr, size_t len)
{
	size_t room = PAGE_SIZE - (addr & (PAGE_SIZE - 1));

	return len < room ? len : room;
}

int gdb_mem_read(uint64_t addr, void *buf, size_t len)
{
	while (len) {
		size_t n = chunk(addr, len);
		struct uvm *vm = selected_space(addr);
		const void *src = vm ? space_alias(vm, addr) : (const void *)addr;

		if (!src || (!vm && translate(addr, false) == (paddr_t)-1) ||
		    safe_copy(buf, src, n) < 0)
			return -EFAULT;
		addr += n;
		buf = (char *)buf + n;
		len -= n;
	}
	return 0;
}

/* A writable address for n bytes at addr (within one page), or NULL. */
static void *writable(uint64_t addr, size_t n)
{
	struct uvm *vm = selected_space(addr);
	paddr_t pa;

	if (vm)
		return space_alias(vm, addr);
	if (translate(addr, true) != (paddr_t)-1)
		return (void *)addr;
	pa = translate(addr, false);
	if (pa == (paddr_t)-1 || !mmu_on() || !in_ram(pa, n))
		return NULL;
	return phys_to_virt(pa);
}

int gdb_mem_write(uint64_t addr, const void *buf, size_t len)
{
	while (len) {
		size_t n = chunk(addr, len);
		void *dst = writable(addr, n);

		if (!dst || safe_copy(dst, buf, n) < 0)
			return -EFAULT;
		/* The bytes may be code (GDB patching an instruction): keep
		 * instruction fetch coherent with them. */
		gdb_mem_sync_text(dst, addr, n);
		addr += n;
		buf = (const char *)buf + n;
		len -= n;
	}
	return 0;
}

uint32_t *gdb_mem_text_alias(uint64_t addr)
{
	if (addr & 3)
		return NULL;
	return writable(addr, 4);
}

static uint64_t cache_line(unsigned shift)
{
	uint64_t ctr;

	/* CTR_EL0.DminLine (19:16) and IminLine (3:0): log2 of words. */
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return 4ull << ((ctr >> shift) & 0xf);
}

void gdb_mem_sync_text(const void *alias, uint64_t addr, size_t len)
{
	uint64_t dline = cache_line(16), iline = cache_line(0);
	uint64_t a = (uint64_t)alias;

	/* Clean the new bytes to the point of unification (where data and
	 * instruction fetch meet) through the alias we wrote them by... */
	for (uint64_t p = a & ~(dline - 1); p < a + len; p += dline)
		__asm__ volatile("dc cvau, %0" ::"r"(p) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	/* ...then drop stale instructions at the address they run from, on
	 * every CPU of the inner-shareable domain, and refetch. A user address
	 * may belong to another address space than this CPU's: invalidate
	 * all instruction caches then. */
	if (addr < USER_TOP) {
		__asm__ volatile("ic ialluis" ::: "memory");
	} else {
		for (uint64_t p = addr & ~(iline - 1); p < addr + len; p += iline)
			__asm__ volatile("ic ivau, %0" ::"r"(p) : "memory");
	}
	__asm__ volatile("dsb ish\n\tisb" ::: "memory");
}
