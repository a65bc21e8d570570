#include "core/power.h"

#include "arch/aarch64/psci.h"
#include "arch/aarch64/semihost.h"
#include "trace/trace.h"

bool semihosting_enabled = true;

void power_off(int status)
{
	/* Hand the trace rings to the host first; runs once (a crash inside
	 * the export that powers off again skips it). */
	trace_export_at_power_off();
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
