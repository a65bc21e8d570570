#include "core/power.h"

#include "arch/aarch64/psci.h"
#include "arch/aarch64/semihost.h"

bool semihosting_enabled = true;

void power_off(int status)
{
	if (semihosting_enabled)
		semihost_exit(status);
	psci_system_off();
	halt_forever();
}

void power_reset(void)
{
	psci_system_reset();
	halt_forever();
}
