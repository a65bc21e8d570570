#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/memory_map.h"
#include "arch/aarch64/psci.h"
#include "lib/fdt.h"
#include "mm/layout.h"

/*
 * What the kernel knows about the machine, all of it read from the device
 * tree at boot by platform_probe() (docs/devicetree.md). Nothing about the
 * virt board is a constant elsewhere in the kernel.
 */
#define MAX_MEM_REGIONS 8
#define MAX_VIRTIO_SLOTS 32

struct mmio_device {
	paddr_t base;
	uint64_t size;
	unsigned irq; /* GIC interrupt id (SPI n is 32 + n), 0 if none */
	bool present;
};

struct mem_region {
	paddr_t base;
	uint64_t size;
};

struct platform {
	struct fdt fdt;
	paddr_t dtb_pa;
	const char *bootargs; /* "" if /chosen has none */

	unsigned nmem;
	struct mem_region mem[MAX_MEM_REGIONS];

	struct mmio_device console_uart; /* serial0: UART0 */
	struct mmio_device debug_uart;	 /* serial1: UART1, the GDB stub's */

	paddr_t gicd_base, gicc_base;
	uint64_t gicd_size, gicc_size;
	unsigned timer_irq; /* the EL1 virtual timer's PPI as a GIC id */

	enum psci_method psci;
	unsigned ncpus;
	uint64_t cpu_mpidr[MAX_CPUS];

	unsigned nvirtio;
	struct mmio_device virtio[MAX_VIRTIO_SLOTS];

	paddr_t initrd_start, initrd_end; /* both 0 without an initrd */
};

extern struct platform platform;

/* Check the device tree at physical address dtb_pa and read /chosen (the
 * command line comes first, so options such as panic=poweroff apply to
 * everything after it). */
void platform_probe_chosen(paddr_t dtb_pa);
/* Read the rest of the tree. Panics, naming the node, when something the
 * configured kernel needs is missing. */
void platform_probe(void);
