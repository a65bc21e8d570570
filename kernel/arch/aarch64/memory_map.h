#pragma once

/*
 * The kernel's virtual address space (48-bit VAs, 4 KiB granule; TTBR1
 * translates the upper half, 0xffff000000000000 and above).
 *
 *   0xffff000000000000  linear map: every RAM address pa at LINEAR_BASE + pa
 *   0xffff800000000000  I/O window: device registers mapped by ioremap()
 *   0xffff900000000000  task kernel stacks, each in a slot with a guard
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
#define KSTACK_AREA_BASE 0xffff900000000000
#define KSTACK_AREA_SLOTS 1024

#define VIRT_RAM_BASE 0x40000000
#define KERNEL_PHYS_LOAD (VIRT_RAM_BASE + 0x200000)

#if CONFIG_MMU
#define KERNEL_LINK_BASE KERNEL_VBASE
#else
#define KERNEL_LINK_BASE KERNEL_PHYS_LOAD
#endif

/*
 * Kernel stacks: 16 KiB, each in a 32 KiB-aligned slot whose lower half is
 * an unmapped guard. A stack pointer inside a stack therefore always has bit
 * KSTACK_SHIFT set, and one that has run into the guard has it clear: the
 * exception entry tests that single bit to catch an overflow before it
 * pushes anything (vectors.S).
 */
#define MAX_CPUS 8
#define KSTACK_SHIFT 14
#define KSTACK_SIZE (1 << KSTACK_SHIFT)
#define GUARD_SIZE KSTACK_SIZE
#define STACK_SLOT_SIZE (2 * KSTACK_SIZE)

/* User space: TTBR0 addresses below USER_TOP. */
#define USER_TOP 0x0000800000000000
#define USER_STACK_TOP 0x00007ffffffff000
#define USER_STACK_SIZE (8ul << 20)
#define USER_MMAP_TOP (USER_STACK_TOP - USER_STACK_SIZE - 0x10000000)

