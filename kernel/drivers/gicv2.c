#include "drivers/gicv2.h"

#include "arch/arch.h"
#include "core/percpu.h"

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ICPENDR 0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

/* Every interrupt gets one priority; the priority mask lets all through.
 * Loupe does not nest interrupts, so levels are not needed. */
#define GIC_DEFAULT_PRIORITY 0xa0
#define GIC_PRIORITY_MASK_ALL 0xf0

static volatile uint8_t *gicd;
static volatile uint8_t *gicc;
static unsigned gic_irqs;
/* CPU-interface bit of each Loupe CPU index, for SGI targets and routing. */
static uint8_t gic_cpu_mask[MAX_CPUS];

static inline uint32_t dist_read(unsigned off) { return mmio_read32(gicd + off); }
static inline void dist_write(unsigned off, uint32_t v) { mmio_write32(gicd + off, v); }

unsigned gic_num_irqs(void)
{
	return gic_irqs;
}

unsigned gic_cpu_interface_id(void)
{
	/* GICD_ITARGETSR0..7 are banked per CPU and read back the CPU's own
	 * interface bit for SGIs (GICv2 spec, 4.3.12). A uniprocessor GIC makes
	 * them read as zero; its only interface is then number 0. */
	unsigned mask = dist_read(GICD_ITARGETSR) & 0xff;

	return mask ? mask : 1;
}

void gic_init(volatile void *dist, volatile void *cpu)
{
	gicd = dist;
	gicc = cpu;
	dist_write(GICD_CTLR, 0);
	gic_irqs = ((dist_read(GICD_TYPER) & 0x1f) + 1) * 32;
	if (gic_irqs > GIC_SPURIOUS)
		gic_irqs = GIC_SPURIOUS;
	/* Shared interrupts: disabled, not pending, one priority, level
	 * configuration left as reset. Routing is set when enabled. */
	for (unsigned i = 32; i < gic_irqs; i += 32) {
		dist_write(GICD_ICENABLER + i / 8, 0xffffffff);
		dist_write(GICD_ICPENDR + i / 8, 0xffffffff);
	}
	for (unsigned i = 32; i < gic_irqs; i += 4)
		dist_write(GICD_IPRIORITYR + i, GIC_DEFAULT_PRIORITY * 0x01010101u);
	dist_write(GICD_CTLR, 1);
}

void gic_init_cpu(void)
{
	unsigned idx = arch_cpu_index();

	/* SGIs and PPIs (0-31) are banked: each CPU sets up its own. */
	dist_write(GICD_ICENABLER, 0xffffffff);
	for (unsigned i = 0; i < 32; i += 4)
		dist_write(GICD_IPRIORITYR + i, GIC_DEFAULT_PRIORITY * 0x01010101u);
	if (idx < MAX_CPUS)
		gic_cpu_mask[idx] = (uint8_t)gic_cpu_interface_id();
	mmio_write32(gicc + GICC_PMR, GIC_PRIORITY_MASK_ALL);
	mmio_write32(gicc + GICC_BPR, 0);
	mmio_write32(gicc + GICC_CTLR, 1);
}

void gic_enable(unsigned irq)
{
	if (irq >= 32) {
		/* ITARGETSR is byte-addressable; route the SPI to CPU 0. */
		mmio_write8(gicd + GICD_ITARGETSR + irq, gic_cpu_mask[0] ? gic_cpu_mask[0] : 1);
	}
	dist_write(GICD_ISENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

void gic_disable(unsigned irq)
{
	dist_write(GICD_ICENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

unsigned gic_acknowledge(void)
{
	return mmio_read32(gicc + GICC_IAR);
}

void gic_end(unsigned iar)
{
	mmio_write32(gicc + GICC_EOIR, iar);
}

void gic_send_sgi(unsigned sgi, unsigned target_mask)
{
	/* dsb ish: memory written before the IPI (a request, a flag) must be
	 * visible to the target before it takes the interrupt. */
	__asm__ volatile("dsb ish" ::: "memory");
	dist_write(GICD_SGIR, ((target_mask & 0xff) << 16) | (sgi & 0xf));
}

unsigned gic_cpu_target(unsigned cpu_index)
{
	return cpu_index < MAX_CPUS ? gic_cpu_mask[cpu_index] : 0;
}
