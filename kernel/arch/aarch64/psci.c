#include "arch/aarch64/psci.h"

static enum psci_method psci_method;

void psci_init(enum psci_method method)
{
	psci_method = method;
}

bool psci_available(void)
{
	return psci_method != PSCI_METHOD_NONE;
}

/* The SMC Calling Convention: function id in w0, arguments in x1..x3,
 * result in x0; x0-x17 may be clobbered by the callee. */
int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (psci_method == PSCI_METHOD_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
				   "x13", "x14", "x15", "x16", "x17", "memory");
	else if (psci_method == PSCI_METHOD_SMC)
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
				   "x13", "x14", "x15", "x16", "x17", "memory");
	else
		return -1; /* NOT_SUPPORTED */
	return (int64_t)x0;
}

int psci_cpu_on(uint64_t mpidr, uint64_t entry_pa, uint64_t context)
{
	return (int)psci_call(PSCI_CPU_ON_64, mpidr, entry_pa, context);
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void psci_system_reset(void)
{
	psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
}
