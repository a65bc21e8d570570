/*
 * The first page tables, built with the MMU off from boot.S.
 *
 * This code runs at the kernel's physical load address although it is
 * linked in the upper half, so it may only use PC-relative addressing:
 * taking the address of a global gives its physical address here, which is
 * what descriptors need. It must not read pointers stored in data.
 *
 * The mappings are coarse (blocks, RWX) and just enough to turn the MMU on
 * and reach kmain: the kernel image at KERNEL_VBASE, the 1 GiB of RAM
 * holding the image and the one holding the device tree in the linear map,
 * an identity map of the image for the instructions around the switch, and
 * the (shared) I/O window. vm_init() replaces them with the final tables.
 */
#include "arch/aarch64/memory_map.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/pte.h"
#include "lib/compiler.h"

#if CONFIG_MMU

uint64_t early_idmap_l0[PT_ENTRIES] __aligned(4096);
static uint64_t early_idmap_l1[PT_ENTRIES] __aligned(4096);
static uint64_t early_kernel_l0[PT_ENTRIES] __aligned(4096);
static uint64_t early_linear_l1[PT_ENTRIES] __aligned(4096);
static uint64_t early_image_l1[PT_ENTRIES] __aligned(4096);
static uint64_t early_image_l2[PT_ENTRIES] __aligned(4096);

static uint64_t table_desc(const uint64_t *table)
{
	return (uint64_t)table | PTE_TABLE | PTE_VALID;
}

static void map_linear_gib(uint64_t pa)
{
	uint64_t base = ALIGN_DOWN(pa, L1_BLOCK_SIZE);

	early_linear_l1[PT_INDEX(LINEAR_BASE + base, 1)] = base | PTE_KERNEL_RW;
}

struct ttbr_pair mmu_early_map(uint64_t load_pa, uint64_t dtb_pa)
{
	extern char _start_image[], _end[];
	uint64_t image_size = (uint64_t)_end - (uint64_t)_start_image;
	uint64_t blocks = ALIGN_UP(image_size, L2_BLOCK_SIZE) / L2_BLOCK_SIZE;
	struct ttbr_pair ttbr;

	/* Identity map: the GiB around the image, so the instructions right
	 * after SCTLR.M=1 still translate. */
	early_idmap_l0[PT_INDEX(load_pa, 0)] = table_desc(early_idmap_l1);
	early_idmap_l1[PT_INDEX(load_pa, 1)] = ALIGN_DOWN(load_pa, L1_BLOCK_SIZE) | PTE_KERNEL_RWX;

	/* Upper half. QEMU loads the Image 2 MiB aligned (its header asks for
	 * it), so 2 MiB blocks cover it exactly. */
	early_kernel_l0[PT_INDEX(LINEAR_BASE, 0)] = table_desc(early_linear_l1);
	map_linear_gib(load_pa);
	if (dtb_pa)
		map_linear_gib(dtb_pa);
	early_kernel_l0[PT_INDEX(KERNEL_VBASE, 0)] = table_desc(early_image_l1);
	early_image_l1[PT_INDEX(KERNEL_VBASE, 1)] = table_desc(early_image_l2);
	for (uint64_t i = 0; i < blocks && i < PT_ENTRIES; i++)
		early_image_l2[PT_INDEX(KERNEL_VBASE, 2) + i] =
			(load_pa + i * L2_BLOCK_SIZE) | PTE_KERNEL_RWX;
	early_kernel_l0[PT_INDEX(IO_BASE, 0)] = table_desc(io_window_l1);

	ttbr.ttbr0 = (uint64_t)early_idmap_l0;
	ttbr.ttbr1 = (uint64_t)early_kernel_l0;
	return ttbr;
}

#endif
