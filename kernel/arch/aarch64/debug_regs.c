#include "arch/aarch64/debug_regs.h"

#include "lib/errno.h"

/* DBGBCR<n>_EL1: E, PMC = 0b11 (match at EL1 and EL0), BAS = 0b1111 (an
 * A64 instruction), BT = 0 (unlinked address match). */
#define BCR_ENABLE_EL1_EL0 ((0xfu << 5) | (3u << 1) | 1u)

/* DBGWCR<n>_EL1 fields. */
#define WCR_E 1u
#define WCR_PAC_EL1_EL0 (3u << 1)
#define WCR_LSC_SHIFT 3
#define WCR_BAS_SHIFT 5
#define WCR_MASK_SHIFT 24

/*
 * The register number is part of the MSR instruction, so each of the 16
 * possible registers of a kind needs its own instruction: one switch case
 * per number.
 */
#define DBG_CASE(kind, n, v)                                                          \
	case n:                                                                        \
		__asm__ volatile("msr " #kind #n "_el1, %0" ::"r"(v));                 \
		break

#define DBG_WRITE(kind, n, v)                                                         \
	do {                                                                           \
		switch (n) {                                                           \
			DBG_CASE(kind, 0, v); DBG_CASE(kind, 1, v);                    \
			DBG_CASE(kind, 2, v); DBG_CASE(kind, 3, v);                    \
			DBG_CASE(kind, 4, v); DBG_CASE(kind, 5, v);                    \
			DBG_CASE(kind, 6, v); DBG_CASE(kind, 7, v);                    \
			DBG_CASE(kind, 8, v); DBG_CASE(kind, 9, v);                    \
			DBG_CASE(kind, 10, v); DBG_CASE(kind, 11, v);                  \
			DBG_CASE(kind, 12, v); DBG_CASE(kind, 13, v);                  \
			DBG_CASE(kind, 14, v); DBG_CASE(kind, 15, v);                  \
		}                                                                      \
	} while (0)

static uint64_t read_dfr0(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, id_aa64dfr0_el1" : "=r"(v));
	return v;
}

unsigned debug_regs_num_breakpoints(void)
{
	return ((read_dfr0() >> 12) & 0xf) + 1; /* BRPs: count minus one */
}

unsigned debug_regs_num_watchpoints(void)
{
	return ((read_dfr0() >> 20) & 0xf) + 1; /* WRPs: count minus one */
}

uint64_t debug_regs_mdscr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, mdscr_el1" : "=r"(v));
	return v;
}

static void write_mdscr(uint64_t v)
{
	/* isb: the new enables apply from the next instruction on. */
	__asm__ volatile("msr mdscr_el1, %0\n\tisb" ::"r"(v));
}

void debug_regs_init_cpu(void)
{
	unsigned nbp = debug_regs_num_breakpoints(), nwp = debug_regs_num_watchpoints();

	/* The OS lock (set at reset on real hardware) and the OS double lock
	 * both block debug exceptions; clear them. */
	__asm__ volatile("msr oslar_el1, xzr\n\tmsr osdlr_el1, xzr\n\tisb");
	for (unsigned i = 0; i < nbp; i++)
		debug_regs_set_breakpoint(i, 0, false);
	for (unsigned i = 0; i < nwp; i++)
		debug_regs_set_watchpoint(i, 0, 0);
	write_mdscr((debug_regs_mdscr() & ~(uint64_t)MDSCR_SS) | MDSCR_KDE | MDSCR_MDE);
}

void debug_regs_set_breakpoint(unsigned n, uint64_t addr, bool enable)
{
	uint64_t ctrl = enable ? BCR_ENABLE_EL1_EL0 : 0;

	/* Disable first, so the pair never matches half-written. */
	DBG_WRITE(dbgbcr, n, (uint64_t)0);
	if (enable) {
		DBG_WRITE(dbgbvr, n, addr & ~3ull);
		DBG_WRITE(dbgbcr, n, ctrl);
	}
	__asm__ volatile("isb");
}

static int log2_exact(uint64_t v)
{
	int n = 0;

	if (!v || (v & (v - 1)))
		return -1;
	while (v >>= 1)
		n++;
	return n;
}

int debug_regs_encode_watch(uint64_t addr, uint64_t len, enum watch_kind kind,
			    uint64_t *wvr, uint64_t *wcr)
{
	uint64_t ctrl = WCR_E | WCR_PAC_EL1_EL0 | ((uint64_t)kind << WCR_LSC_SHIFT);
	unsigned offset = addr & 7;
	int order;

	if (len == 0)
		return -EINVAL;
	if (offset + len <= 8) {
		/* Byte address select: one bit per byte of the doubleword. */
		*wvr = addr & ~7ull;
		*wcr = ctrl | ((((1ull << len) - 1) << offset) << WCR_BAS_SHIFT);
		return 0;
	}
	order = log2_exact(len);
	/* MASK 1 and 2 are reserved; 3..31 ignore that many low address bits. */
	if (order < 3 || order > 31 || (addr & (len - 1)))
		return -EINVAL;
	*wvr = addr;
	*wcr = ctrl | (0xffull << WCR_BAS_SHIFT) | ((uint64_t)order << WCR_MASK_SHIFT);
	return 0;
}

void debug_regs_set_watchpoint(unsigned n, uint64_t wvr, uint64_t wcr)
{
	DBG_WRITE(dbgwcr, n, (uint64_t)0);
	if (wcr & WCR_E) {
		DBG_WRITE(dbgwvr, n, wvr);
		DBG_WRITE(dbgwcr, n, wcr);
	}
	__asm__ volatile("isb");
}

void debug_regs_set_step(bool on)
{
	uint64_t v = debug_regs_mdscr();

	write_mdscr(on ? (v | MDSCR_SS | MDSCR_KDE) : (v & ~(uint64_t)MDSCR_SS));
}
