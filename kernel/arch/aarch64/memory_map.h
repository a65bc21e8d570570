#pragma once

/*
 * The kernel's virtual address space (48-bit VAs, 4 KiB granule; TTBR1
 * translates the upper half, 0xffff000000000000 and above).
 *
 *   0xffff000000000000  linear map: every RAM address pa at LINEAR_BASE + pa
 *   0xffff800000000000  I/O window: device registers mapped by ioremap()
 *   0xffffffff80000000  the kernel image (text, rodata, data, bss, stacks)
 *
 * QEMU loads the Image at a 2 MiB-aligned RAM address plus the Image header's
 * text_offset (0), which is RAM base + 2 MiB on the virt board. Only stages
 * without the MMU depend on that: they are linked at the physical address.
 */
#define LINEAR_BASE 0xffff000000000000
#define IO_BASE 0xffff800000000000
#define IO_SIZE 0x0000000040000000
#define KERNEL_VBASE 0xffffffff80000000

#define VIRT_RAM_BASE 0x40000000
#define KERNEL_PHYS_LOAD (VIRT_RAM_BASE + 0x200000)

#if CONFIG_MMU
#define KERNEL_LINK_BASE KERNEL_VBASE
#else
#define KERNEL_LINK_BASE KERNEL_PHYS_LOAD
#endif

/* Boot stacks, one per CPU, each above an unmapped guard page. */
#define MAX_CPUS 8
#define BOOT_STACK_SIZE 16384
#define GUARD_SIZE 4096
#define STACK_SLOT_SIZE (BOOT_STACK_SIZE + GUARD_SIZE)
