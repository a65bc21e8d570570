#include "arch/aarch64/semihost.h"

/* ADP_Stopped_ApplicationExit: "the program exited", with a status. */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

int64_t semihost_call(uint32_t op, uint64_t arg)
{
	register uint64_t x0 __asm__("x0") = op;
	register uint64_t x1 __asm__("x1") = arg;

	/* "memory": the host reads and may write the parameter block. */
	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	return (int64_t)x0;
}

void semihost_write0(const char *s)
{
	semihost_call(SEMIHOST_SYS_WRITE0, (uint64_t)s);
}

void semihost_exit(int code)
{
	/* On AArch64, SYS_EXIT takes a two-word block {reason, subcode}; QEMU
	 * exits with subcode as its status. */
	uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(int64_t)code };

	semihost_call(SEMIHOST_SYS_EXIT, (uint64_t)block);
}
