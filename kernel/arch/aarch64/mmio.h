#pragma once

#include <stdint.h>

/*
 * Device-register access. Registers are mapped Device-nGnRE (or the MMU is
 * off, making everything Device-nGnRnE), so accesses to one device are not
 * reordered or merged by the CPU; `volatile` stops the compiler doing it.
 * The explicit ldr/str forms keep GCC from using instructions such as
 * load-pair with writeback that QEMU cannot emulate on MMIO.
 */
static inline uint32_t mmio_read32(const volatile void *addr)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(volatile void *addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" ::"rZ"(v), "r"(addr) : "memory");
}

static inline uint8_t mmio_read8(const volatile void *addr)
{
	uint8_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write8(volatile void *addr, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" ::"rZ"(v), "r"(addr) : "memory");
}

/* dsb st: make normal-memory writes (a DMA buffer, a shared flag) visible
 * before a following device write. */
static inline void mmio_wmb(void)
{
	__asm__ volatile("dsb st" ::: "memory");
}
