#include "arch/aarch64/esr.h"

#include "lib/compiler.h"
#include "lib/format.h"

/* Exception-class names, from the ESR_ELx.EC table of the ARM ARM. */
static const char *const ec_names[64] = {
	[0x00] = "Unknown reason (undefined instruction)",
	[0x01] = "Trapped WFI/WFE",
	[0x03] = "Trapped AArch32 MCR/MRC (cp15)",
	[0x04] = "Trapped AArch32 MCRR/MRRC (cp15)",
	[0x05] = "Trapped AArch32 MCR/MRC (cp14)",
	[0x06] = "Trapped AArch32 LDC/STC",
	[0x07] = "Trapped FP/SIMD access",
	[0x0c] = "Trapped AArch32 MRRC (cp14)",
	[0x0d] = "Branch target exception",
	[0x0e] = "Illegal execution state",
	[0x11] = "SVC (AArch32)",
	[0x15] = "SVC (AArch64)",
	[0x16] = "HVC (AArch64)",
	[0x17] = "SMC (AArch64)",
	[0x18] = "Trapped MSR/MRS/system instruction",
	[0x19] = "Trapped SVE access",
	[0x1c] = "Pointer authentication failure",
	[0x20] = "Instruction Abort (lower EL)",
	[0x21] = "Instruction Abort (current EL)",
	[0x22] = "PC alignment fault",
	[0x24] = "Data Abort (lower EL)",
	[0x25] = "Data Abort (current EL)",
	[0x26] = "SP alignment fault",
	[0x28] = "Floating-point exception (AArch32)",
	[0x2c] = "Floating-point exception (AArch64)",
	[0x2f] = "SError interrupt",
	[0x30] = "Breakpoint (lower EL)",
	[0x31] = "Breakpoint (current EL)",
	[0x32] = "Software step (lower EL)",
	[0x33] = "Software step (current EL)",
	[0x34] = "Watchpoint (lower EL)",
	[0x35] = "Watchpoint (current EL)",
	[0x38] = "BKPT (AArch32)",
	[0x3c] = "BRK instruction (AArch64)",
};

const char *esr_class_name(unsigned ec)
{
	if (ec < ARRAY_SIZE(ec_names) && ec_names[ec])
		return ec_names[ec];
	return "Reserved exception class";
}

/* Fault-status codes (DFSC/IFSC, ISS bits 5:0) that carry a level in their
 * low two bits. */
static const char *leveled_fault_name(unsigned fsc)
{
	switch (fsc >> 2) {
	case 0x0: return "address size fault";
	case 0x1: return "translation fault";
	case 0x2: return "access flag fault";
	case 0x3: return "permission fault";
	case 0x5: return "synchronous external abort on table walk";
	case 0x7: return "parity/ECC error on table walk";
	default: return NULL;
	}
}

static const char *plain_fault_name(unsigned fsc)
{
	switch (fsc) {
	case 0x10: return "synchronous external abort";
	case 0x11: return "synchronous tag check fault";
	case 0x18: return "synchronous parity/ECC error";
	case 0x21: return "alignment fault";
	case 0x30: return "TLB conflict abort";
	case 0x31: return "unsupported atomic hardware update";
	case 0x34: return "lockdown abort";
	case 0x35: return "unsupported exclusive or atomic access";
	default: return NULL;
	}
}

void esr_fault_status(uint64_t esr, char *buf, size_t size)
{
	unsigned fsc = (unsigned)esr & 0x3f;
	const char *name = plain_fault_name(fsc);

	if (name) {
		snformat(buf, size, "%s", name);
		return;
	}
	name = leveled_fault_name(fsc);
	if (name)
		snformat(buf, size, "%s, level %u", name, fsc & 3);
	else
		snformat(buf, size, "fault status 0x%02x", fsc);
}

void esr_describe(uint64_t esr, char *buf, size_t size)
{
	unsigned ec = esr_class(esr);
	char status[64];
	int n;

	n = snformat(buf, size, "%s", esr_class_name(ec));
	if (!esr_is_abort(esr) || n < 0 || (size_t)n >= size)
		return;
	esr_fault_status(esr, status, sizeof(status));
	if (ec == EC_DABT_LOWER || ec == EC_DABT_CURRENT) {
		const char *access = (esr & ESR_DABT_CM) ? "cache maintenance" :
				     (esr & ESR_DABT_WNR) ? "write" : "read";
		snformat(buf + n, size - n, ": %s, %s", status, access);
	} else {
		snformat(buf + n, size - n, ": %s, instruction fetch", status);
	}
}
