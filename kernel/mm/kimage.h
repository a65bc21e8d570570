#pragma once

#include "arch/aarch64/memory_map.h"
#include "mm/layout.h"

/*
 * The kernel image: linked at KERNEL_LINK_BASE, loaded by QEMU at
 * kimage_phys_base (boot.S passes it to kmain). Converting an address
 * inside the image to physical needs the load address, not the linear map.
 */
extern paddr_t kimage_phys_base;

static inline paddr_t kimage_to_phys(const void *va)
{
	return (uintptr_t)va - KERNEL_LINK_BASE + kimage_phys_base;
}

/* Section bounds from kernel.ld. */
extern char _start_image[], _stext[], _etext[], _srodata[], _erodata[];
extern char _sdata[], _edata[], _sbss[], _ebss[], _end[];
