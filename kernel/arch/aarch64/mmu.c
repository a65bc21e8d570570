/*
 * The kernel's final page tables (TTBR1) and the I/O window.
 *
 * vm_init() maps, with 4 KiB pages where permissions differ:
 *   - all RAM at LINEAR_BASE + pa, read/write, never executable (2 MiB
 *     blocks where aligned);
 *   - the kernel image at KERNEL_VBASE: text read-only+executable, rodata
 *     read-only, data and bss read/write, each CPU's boot stack with its
 *     lowest page left unmapped as a guard;
 *   - the I/O window, whose tables are static so ioremap works before the
 *     frame allocator does.
 */
#include "arch/aarch64/mmu.h"

#include "arch/aarch64/pagetable.h"

#include "arch/aarch64/memory_map.h"
#include "core/panic.h"
#include "core/printk.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kimage.h"
#include "mm/vm.h"
#include "platform/platform.h"

uintptr_t mm_linear_offset = CONFIG_MMU ? LINEAR_BASE : 0;
uint64_t mmu_boot_ttbr[2];

/* The I/O window maps physical addresses below IO_WINDOW_PHYS_LIMIT at
 * IO_BASE + pa with 2 MiB device blocks. */
#define IO_WINDOW_GIBS 4
#define IO_WINDOW_PHYS_LIMIT ((uint64_t)IO_WINDOW_GIBS << 30)
uint64_t io_window_l1[PT_ENTRIES] __aligned(4096);
static uint64_t io_window_l2[IO_WINDOW_GIBS][PT_ENTRIES] __aligned(4096);

/* The kernel's level-0 table; a debugger walks it as kernel_root. */
uint64_t *kernel_root;

static void map_image_range(const char *start, const char *end, uint64_t attrs)
{
	uint64_t va = (uint64_t)start;
	uint64_t size = ALIGN_UP((uint64_t)end, PAGE_SIZE) - va;

	if (pt_map(kernel_root, va, kimage_to_phys(start), size, attrs, false) < 0)
		panic("vm_init: cannot map kernel image range %p-%p", start, end);
}

static void map_boot_stacks(void)
{
	extern char boot_stacks[];

	for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
		char *slot = boot_stacks + (uint64_t)cpu * STACK_SLOT_SIZE;

		/* [slot, slot + GUARD_SIZE) stays unmapped: the guard page. */
		map_image_range(slot + GUARD_SIZE, slot + STACK_SLOT_SIZE, PTE_KERNEL_RW);
	}
}

static void switch_ttbr1(paddr_t root_pa)
{
	/* dsb ishst: the table writes must reach memory before the walker
	 * can use them; tlbi: drop the early translations; isb: refetch. */
	__asm__ volatile("dsb ishst\n\t"
			 "msr ttbr1_el1, %0\n\t"
			 "isb\n\t"
			 "tlbi vmalle1\n\t"
			 "dsb nsh\n\t"
			 "isb" ::"r"(root_pa)
			 : "memory");
}

void vm_init(void)
{
	if (!CONFIG_MMU)
		return;
	kernel_root = pt_alloc_table();
	if (!kernel_root)
		panic("vm_init: no memory for the kernel page tables");
	for (unsigned i = 0; i < platform.nmem; i++) {
		const struct mem_region *r = &platform.mem[i];

		if (pt_map(kernel_root, LINEAR_BASE + r->base, r->base, r->size, PTE_KERNEL_RW,
			   true) < 0)
			panic("vm_init: cannot build the linear map");
	}
	map_image_range(_stext, _etext, PTE_KERNEL_TEXT);
	map_image_range(_srodata, _erodata, PTE_KERNEL_RO);
	map_image_range(_sdata, _ebss, PTE_KERNEL_RW);
	map_boot_stacks();
	kernel_root[PT_INDEX(IO_BASE, 0)] = kimage_to_phys(io_window_l1) | PTE_TABLE | PTE_VALID;

	switch_ttbr1(virt_to_phys(kernel_root));
	mmu_boot_ttbr[0] = kimage_to_phys(early_idmap_l0);
	mmu_boot_ttbr[1] = virt_to_phys(kernel_root);
	/* Secondary CPUs read mmu_boot_ttbr with their caches off: clean the
	 * line to the point of coherency. */
	__asm__ volatile("dc cvac, %0\n\tdsb sy" ::"r"(mmu_boot_ttbr) : "memory");
	pr_info("vm: kernel page tables at 0x%llx; text RX, rodata R, data RW, stack guards",
		(unsigned long long)virt_to_phys(kernel_root));
}

void *ioremap(paddr_t pa, size_t size)
{
	if (!CONFIG_MMU)
		return (void *)(uintptr_t)pa;
	if (!size || pa >= IO_WINDOW_PHYS_LIMIT || size > IO_WINDOW_PHYS_LIMIT - pa)
		return NULL;
	for (uint64_t blk = ALIGN_DOWN(pa, L2_BLOCK_SIZE); blk < pa + size;
	     blk += L2_BLOCK_SIZE) {
		unsigned gib = blk >> 30;

		io_window_l1[gib] = kimage_to_phys(io_window_l2[gib]) | PTE_TABLE | PTE_VALID;
		io_window_l2[gib][PT_INDEX(blk, 2)] = blk | PTE_DEVICE;
	}
	/* Entries only went from invalid to valid, so no TLB entry can be
	 * stale; the barriers make the walker see them before first use. */
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
	return (void *)(uintptr_t)(IO_BASE + pa);
}

paddr_t vm_translate(const void *va, bool write)
{
	uint64_t par;

	if (write)
		__asm__ volatile("at s1e1w, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va));
	else
		__asm__ volatile("at s1e1r, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va));
	if (par & 1) /* PAR_EL1.F: the translation faulted */
		return (paddr_t)-1;
	return (par & PTE_ADDR_MASK) | ((uint64_t)va & (PAGE_SIZE - 1));
}

int vm_map_kernel_page(uint64_t va, paddr_t pa)
{
	return pt_map(kernel_root, va, pa, PAGE_SIZE, PTE_KERNEL_RW, false);
}

paddr_t vm_unmap_kernel_page(uint64_t va)
{
	uint64_t *pte = pt_leaf(kernel_root, va, false);
	paddr_t pa;

	if (!pte || !(*pte & PTE_VALID))
		return 0;
	pa = *pte & PTE_ADDR_MASK;
	*pte = 0;
	/* tlbi vaale1is: drop this kernel page (any ASID) on every CPU. */
	__asm__ volatile("dsb ishst\n\ttlbi vaale1is, %0\n\tdsb ish\n\tisb"
			 ::"r"((va >> 12) & 0xfffffffffffull) : "memory");
	return pa;
}
