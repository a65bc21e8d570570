#pragma once

/*
 * The interface between portable kernel code and the CPU architecture.
 * Core code calls only these arch_* functions; each architecture provides
 * them as inline functions in its own cpu.h. Host unit tests put a header of
 * the same name earlier on the include path to run core code on the host.
 */
#include "arch/aarch64/cpu.h"
#include "arch/aarch64/mmio.h"

/*
 * Provided by arch/aarch64/cpu.h:
 *   unsigned long arch_irq_save(void);     mask IRQs, return previous state
 *   void arch_irq_restore(unsigned long);  restore what arch_irq_save returned
 *   void arch_irq_enable(void), arch_irq_disable(void);
 *   bool arch_irq_enabled(void);
 *   void arch_cpu_relax(void);             hint inside a spin loop
 *   void arch_wait_for_interrupt(void);    sleep until an interrupt is pending
 *   unsigned arch_cpu_index(void);         index of this CPU, 0..ncpus-1
 */
