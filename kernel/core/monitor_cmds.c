/* The monitor's commands that inspect or control the whole system. */
#include "arch/arch.h"
#include "arch/aarch64/backtrace.h"
#include "core/irq.h"
#include "core/monitor.h"
#include "core/percpu.h"
#include "core/power.h"
#include "core/printk.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "mm/kimage.h"
#include "platform/platform.h"

static void info_cpus(void)
{
	kprintf("CPUs: %u online of %u in the device tree\n", cpus_online(), platform.ncpus);
	for (unsigned i = 0; i < platform.ncpus; i++)
		kprintf("  cpu%u  mpidr 0x%llx  %-7s  ticks %llu  irqs %llu  ipis %llu\n", i,
			(unsigned long long)platform.cpu_mpidr[i],
			percpu[i].online ? "online" : "offline", (unsigned long long)percpu[i].ticks,
			(unsigned long long)percpu[i].irqs, (unsigned long long)percpu[i].ipis);
}

static void info_memory(void)
{
	kprintf("Memory:\n");
	for (unsigned i = 0; i < platform.nmem; i++)
		kprintf("  RAM     0x%010llx-0x%010llx  %llu MiB\n",
			(unsigned long long)platform.mem[i].base,
			(unsigned long long)(platform.mem[i].base + platform.mem[i].size),
			(unsigned long long)(platform.mem[i].size >> 20));
	kprintf("  kernel  0x%010llx-0x%010llx  linked at %p\n",
		(unsigned long long)kimage_phys_base,
		(unsigned long long)kimage_to_phys(_end), (void *)_start_image);
	kprintf("  DTB     0x%010llx (%u bytes)\n", (unsigned long long)platform.dtb_pa,
		fdt_total_size(&platform.fdt));
	if (platform.initrd_end)
		kprintf("  initrd  0x%010llx-0x%010llx\n", (unsigned long long)platform.initrd_start,
			(unsigned long long)platform.initrd_end);
	if (CONFIG_ALLOC) {
		struct heap_stats hs;

		heap_get_stats(&hs);
		kprintf("  frames  %zu free of %zu (4 KiB each)\n", frame_free_count(),
			frame_total_count());
		kprintf("  heap    %zu bytes in use, %zu frames held\n", hs.bytes_in_use,
			hs.frames_held);
	}
	kprintf("  MMU     %s\n", CONFIG_MMU ? "on: kernel in the upper half" : "off");
}

static void info_device(const char *name, const struct mmio_device *d)
{
	if (d->present)
		kprintf("  %-9s 0x%08llx  irq %u\n", name, (unsigned long long)d->base, d->irq);
	else
		kprintf("  %-9s absent\n", name);
}

static void info_devices(void)
{
	kprintf("Devices (from the device tree):\n");
	info_device("uart0", &platform.console_uart);
	info_device("uart1", &platform.debug_uart);
	if (CONFIG_TRAPS) {
		kprintf("  gicv2     dist 0x%08llx cpu 0x%08llx\n",
			(unsigned long long)platform.gicd_base,
			(unsigned long long)platform.gicc_base);
		kprintf("  timer     irq %u (virtual timer)\n", platform.timer_irq);
	}
	kprintf("  psci      method %s\n", platform.psci == PSCI_METHOD_HVC ? "hvc" : "smc");
	kprintf("  virtio    %u mmio slots", platform.nvirtio);
	if (platform.nvirtio)
		kprintf(" at 0x%08llx-0x%08llx",
			(unsigned long long)platform.virtio[0].base,
			(unsigned long long)(platform.virtio[platform.nvirtio - 1].base +
					     platform.virtio[platform.nvirtio - 1].size));
	kprintf("\n");
}

MONITOR_CMD(info, "CPUs, memory map and devices found")
{
	(void)argc;
	(void)argv;
	kprintf("Loupe stage %d (%s)\n", CONFIG_STAGE, CONFIG_STAGE_NAME);
	info_cpus();
	info_memory();
	info_devices();
}

MONITOR_CMD(dmesg, "print the kernel log")
{
	(void)argc;
	(void)argv;
	log_dump_tail(~0u);
}

MONITOR_CMD(backtrace, "backtrace of the monitor on this CPU")
{
	(void)argc;
	(void)argv;
	backtrace_print(arch_frame_address(), 0);
}

MONITOR_CMD(poweroff, "switch the machine off")
{
	(void)argc;
	(void)argv;
	kprintf("Powering off.\n");
	power_off(0);
}
