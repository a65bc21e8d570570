#pragma once

#include <stdint.h>

/*
 * GICv2 interrupt controller: one distributor (shared; routes and
 * prioritises interrupts) and one CPU interface per CPU (banked at the same
 * address; acknowledges and ends them). Register offsets are from the ARM
 * Generic Interrupt Controller Architecture Specification v2.
 */
#define GICC_IAR_ID_MASK 0x3ffu
#define GIC_SPURIOUS 1020

/* Distributor setup, once, on the boot CPU; dist/cpu are mapped bases. */
void gic_init(volatile void *dist, volatile void *cpu);
/* CPU-interface setup, on every CPU (including the boot CPU). */
void gic_init_cpu(void);

void gic_enable(unsigned irq);
void gic_disable(unsigned irq);
unsigned gic_acknowledge(void);
void gic_end(unsigned iar);
/* Raise SGI `sgi` (0-15) on the CPU interfaces in target_mask (bit n = CPU
 * interface n). */
void gic_send_sgi(unsigned sgi, unsigned target_mask);
unsigned gic_num_irqs(void);
/* This CPU's interface number, from the banked GICD_ITARGETSR0. */
unsigned gic_cpu_interface_id(void);
unsigned gic_cpu_target(unsigned cpu_index);
