#include "platform/platform.h"

#include "core/panic.h"
#include "core/printk.h"
#include "lib/errno.h"
#include "lib/string.h"

struct platform platform;

/* The DT spec bounds nothing, but Linux caps a DTB at 2 MiB; so do we. */
#define DTB_MAX_SIZE (2u << 20)

static unsigned gic_irq_id(uint32_t type, uint32_t number)
{
	/* Specifier type 0 is an SPI (ids from 32), 1 a PPI (ids 16-31). */
	return type == 0 ? 32 + number : 16 + number;
}

static int read_mmio_device(int node, struct mmio_device *dev)
{
	uint32_t type, number, flags;

	if (fdt_reg(&platform.fdt, node, 0, &dev->base, &dev->size) < 0)
		return -EINVAL;
	if (fdt_interrupt(&platform.fdt, node, 0, &type, &number, &flags) == 0)
		dev->irq = gic_irq_id(type, number);
	dev->present = true;
	return 0;
}

static void probe_memory(void)
{
	int node = -1;

	/* Memory nodes are found by device_type, as the spec defines them. */
	while ((node = fdt_next_node(&platform.fdt, node, NULL)) >= 0) {
		const char *type = fdt_prop_string(&platform.fdt, node, "device_type");
		uint64_t base, size;

		if (!type || strcmp(type, "memory") != 0)
			continue;
		for (int i = 0; fdt_reg(&platform.fdt, node, i, &base, &size) == 0; i++) {
			if (platform.nmem == MAX_MEM_REGIONS) {
				pr_warn("platform: more than %d memory regions; ignoring the rest",
					MAX_MEM_REGIONS);
				return;
			}
			if (size) {
				platform.mem[platform.nmem].base = base;
				platform.mem[platform.nmem].size = size;
				platform.nmem++;
			}
		}
	}
	if (platform.nmem == 0)
		panic("device tree: no /memory node with a usable reg");
}

/* A UART by its /aliases name (serial0, serial1), as Linux names them. */
static int alias_node(const char *alias)
{
	int aliases = fdt_path(&platform.fdt, "/aliases");
	const char *path;

	if (aliases < 0)
		return -ENOENT;
	path = fdt_prop_string(&platform.fdt, aliases, alias);
	return path ? fdt_path(&platform.fdt, path) : -ENOENT;
}

static void probe_uarts(void)
{
	int node = alias_node("serial0");

	if (node < 0) {
		int chosen = fdt_path(&platform.fdt, "/chosen");
		const char *path = chosen >= 0 ?
			fdt_prop_string(&platform.fdt, chosen, "stdout-path") : NULL;
		node = path ? fdt_path(&platform.fdt, path) : -ENOENT;
	}
	if (node < 0)
		node = fdt_find_compatible(&platform.fdt, -1, "arm,pl011");
	if (node < 0 || read_mmio_device(node, &platform.console_uart) < 0)
		panic("device tree: no arm,pl011 console UART (/aliases serial0)");

	node = alias_node("serial1");
	if (node >= 0)
		read_mmio_device(node, &platform.debug_uart);
}

static void probe_gic_and_timer(void)
{
	int node = fdt_find_compatible(&platform.fdt, -1, "arm,cortex-a15-gic");
	uint32_t type, number, flags;

	if (node < 0)
		node = fdt_find_compatible(&platform.fdt, -1, "arm,gic-400");
	if (node < 0)
		panic("device tree: no GICv2 node (compatible \"arm,cortex-a15-gic\")");
	if (fdt_reg(&platform.fdt, node, 0, &platform.gicd_base, &platform.gicd_size) < 0 ||
	    fdt_reg(&platform.fdt, node, 1, &platform.gicc_base, &platform.gicc_size) < 0)
		panic("device tree: GIC node %s lacks distributor/CPU-interface reg",
		      fdt_node_name(&platform.fdt, node));

	node = fdt_find_compatible(&platform.fdt, -1, "arm,armv8-timer");
	if (node < 0)
		panic("device tree: no /timer node (compatible \"arm,armv8-timer\")");
	/* The binding lists secure phys, non-secure phys, virtual, hyp timers:
	 * the virtual timer is the third specifier. */
	if (fdt_interrupt(&platform.fdt, node, 2, &type, &number, &flags) < 0)
		panic("device tree: /timer has no virtual-timer interrupt");
	platform.timer_irq = gic_irq_id(type, number);
}

static void probe_psci(void)
{
	int node = fdt_path(&platform.fdt, "/psci");
	const char *method = node >= 0 ? fdt_prop_string(&platform.fdt, node, "method") : NULL;

	if (!method)
		panic("device tree: no /psci node with a method");
	if (strcmp(method, "hvc") == 0)
		platform.psci = PSCI_METHOD_HVC;
	else if (strcmp(method, "smc") == 0)
		platform.psci = PSCI_METHOD_SMC;
	else
		panic("device tree: /psci method \"%s\" is neither hvc nor smc", method);
}

static void probe_cpus(void)
{
	int cpus = fdt_path(&platform.fdt, "/cpus");

	if (cpus < 0)
		panic("device tree: no /cpus node");
	for (int node = fdt_first_child(&platform.fdt, cpus); node >= 0;
	     node = fdt_next_sibling(&platform.fdt, node)) {
		const char *type = fdt_prop_string(&platform.fdt, node, "device_type");
		uint64_t mpidr, unused;

		if (!type || strcmp(type, "cpu") != 0)
			continue;
		if (fdt_reg(&platform.fdt, node, 0, &mpidr, &unused) < 0)
			continue;
		if (platform.ncpus == MAX_CPUS) {
			pr_warn("platform: more than %d CPUs; using %d", MAX_CPUS, MAX_CPUS);
			break;
		}
		platform.cpu_mpidr[platform.ncpus++] = mpidr;
	}
	if (platform.ncpus == 0)
		panic("device tree: /cpus has no cpu node with a reg");
}

static void probe_virtio(void)
{
	int node = -1;

	while ((node = fdt_find_compatible(&platform.fdt, node, "virtio,mmio")) >= 0) {
		if (platform.nvirtio == MAX_VIRTIO_SLOTS)
			break;
		if (read_mmio_device(node, &platform.virtio[platform.nvirtio]) == 0)
			platform.nvirtio++;
	}
}

static void probe_chosen(void)
{
	int chosen = fdt_path(&platform.fdt, "/chosen");
	uint64_t start, end;

	platform.bootargs = "";
	if (chosen < 0)
		return;
	if (fdt_prop_string(&platform.fdt, chosen, "bootargs"))
		platform.bootargs = fdt_prop_string(&platform.fdt, chosen, "bootargs");
	/* initrd bounds may be 32- or 64-bit cells; fdt_prop_u64 takes both. */
	if (fdt_prop_u64(&platform.fdt, chosen, "linux,initrd-start", &start) == 0 &&
	    fdt_prop_u64(&platform.fdt, chosen, "linux,initrd-end", &end) == 0 && end > start) {
		platform.initrd_start = start;
		platform.initrd_end = end;
	}
}

void platform_probe_chosen(paddr_t dtb_pa)
{
	if (!dtb_pa || (dtb_pa & 7))
		panic("no device tree: boot loader passed x0 = 0x%llx", (unsigned long long)dtb_pa);
	if (fdt_init(&platform.fdt, phys_to_virt(dtb_pa), DTB_MAX_SIZE) < 0)
		panic("device tree at 0x%llx is malformed", (unsigned long long)dtb_pa);
	platform.dtb_pa = dtb_pa;
	probe_chosen();
}

void platform_probe(void)
{
	probe_uarts();
	probe_memory();
	probe_psci();
	probe_cpus();
	if (CONFIG_TRAPS)
		probe_gic_and_timer();
	probe_virtio();
}
