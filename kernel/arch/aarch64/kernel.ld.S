/*
 * Kernel link map. Preprocessed with the kernel's CONFIG_* flags.
 *
 * With the MMU on, the kernel is linked in the upper half at KERNEL_VBASE
 * but still starts at whatever physical address QEMU loaded it to: boot.S
 * runs position-independently until the MMU is on. With the MMU off (early
 * stages) it is linked at the physical address QEMU loads the Image to.
 */
#include "arch/aarch64/memory_map.h"

OUTPUT_ARCH(aarch64)
ENTRY(_start)

SECTIONS
{
	. = KERNEL_LINK_BASE;
	_start_image = .;

	.text : {
		_stext = .;
		KEEP(*(.text.boot))
		*(.text.hot .text.hot.*)
		*(.text .text.*)
		. = ALIGN(2048);
		KEEP(*(.text.vectors))
		_etext = .;
	}

	. = ALIGN(4096);
	.rodata : {
		_srodata = .;
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__selftests_start = .;
		KEEP(*(SORT(.selftests.*)))
		__selftests_end = .;
		. = ALIGN(8);
		__monitor_cmds_start = .;
		KEEP(*(SORT(.monitor_cmds.*)))
		__monitor_cmds_end = .;
		. = ALIGN(8);
		__extable_start = .;
		KEEP(*(.extable))
		__extable_end = .;
		_erodata = .;
	}

	. = ALIGN(4096);
	.data : {
		_sdata = .;
		*(.data .data.*)
		_edata = .;
	}

	. = ALIGN(4096);
	.bss (NOLOAD) : {
		_sbss = .;
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(4096);
		_ebss = .;
	}

	/* Boot stacks: each CPU's stack sits above an unmapped guard page, so
	 * running off the bottom faults instead of corrupting memory. */
	. = ALIGN(STACK_SLOT_SIZE);
	.stacks (NOLOAD) : {
		KEEP(*(.stacks))
	}
	_end = .;

	/DISCARD/ : {
		*(.comment) *(.note*) *(.eh_frame*)
	}
}

_image_size = _end - _start_image;
ASSERT(_stext == KERNEL_LINK_BASE, "boot code must be first in the image")
