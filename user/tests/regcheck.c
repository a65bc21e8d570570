#include "regcheck.h"

/* FPCR.RMode (bits 23:22) = 0b10, round towards minus infinity: a value no
 * program starts with, so a kernel that forgets FPCR is caught. */
#define FPCR_PATTERN (2u << 22)
#define NGPR 4

/* Layout used by the asm below: x at 0, fpcr at 32, v at 48. */
struct regs {
	uint64_t x[NGPR];
	uint64_t fpcr, pad;
	uint64_t v[32][2];
};

static uint64_t mix(uint64_t x)
{
	/* splitmix64's finaliser: distinct, irregular values per register. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* in and out are read and written by the asm; nothing else changes. */
static void regs_across_svc(const struct regs *in, struct regs *out, long nr, long *a0, long a1)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = *a0;
	register long x1 __asm__("x1") = a1;
	register const struct regs *x9 __asm__("x9") = in;
	register struct regs *x10 __asm__("x10") = out;

	__asm__ volatile(
		"mrs	x11, fpcr\n\t"
		"str	x11, [sp, #-16]!\n\t"	/* the caller's FPCR, restored below */
		"ldr	x11, [x9, #32]\n\t"
		"msr	fpcr, x11\n\t"
		"ldp	x12, x13, [x9, #0]\n\t"
		"ldp	x14, x15, [x9, #16]\n\t"
		"add	x11, x9, #48\n\t"
		"ld1	{v0.2d-v3.2d}, [x11], #64\n\t"
		"ld1	{v4.2d-v7.2d}, [x11], #64\n\t"
		"ld1	{v8.2d-v11.2d}, [x11], #64\n\t"
		"ld1	{v12.2d-v15.2d}, [x11], #64\n\t"
		"ld1	{v16.2d-v19.2d}, [x11], #64\n\t"
		"ld1	{v20.2d-v23.2d}, [x11], #64\n\t"
		"ld1	{v24.2d-v27.2d}, [x11], #64\n\t"
		"ld1	{v28.2d-v31.2d}, [x11], #64\n\t"
		"svc	#0\n\t"
		"add	x11, x10, #48\n\t"
		"st1	{v0.2d-v3.2d}, [x11], #64\n\t"
		"st1	{v4.2d-v7.2d}, [x11], #64\n\t"
		"st1	{v8.2d-v11.2d}, [x11], #64\n\t"
		"st1	{v12.2d-v15.2d}, [x11], #64\n\t"
		"st1	{v16.2d-v19.2d}, [x11], #64\n\t"
		"st1	{v20.2d-v23.2d}, [x11], #64\n\t"
		"st1	{v24.2d-v27.2d}, [x11], #64\n\t"
		"st1	{v28.2d-v31.2d}, [x11], #64\n\t"
		"stp	x12, x13, [x10, #0]\n\t"
		"stp	x14, x15, [x10, #16]\n\t"
		"mrs	x11, fpcr\n\t"
		"str	x11, [x10, #32]\n\t"
		"ldr	x11, [sp], #16\n\t"
		"msr	fpcr, x11\n\t"
		: "+r"(x0)
		: "r"(x8), "r"(x1), "r"(x9), "r"(x10)
		: "x11", "x12", "x13", "x14", "x15", "memory", "v0", "v1", "v2", "v3", "v4", "v5",
		  "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17",
		  "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28",
		  "v29", "v30", "v31");
	*a0 = x0;
}

_Static_assert(__builtin_offsetof(struct regs, fpcr) == 32, "fpcr at 32 in the asm");
_Static_assert(__builtin_offsetof(struct regs, v) == 48, "v at 48 in the asm");

int regcheck_syscall(uint64_t seed, long nr, long a0, long a1, long *ret)
{
	struct regs in, out;
	int changed = 0;

	for (int i = 0; i < 32; i++) {
		in.v[i][0] = mix(seed + 2 * i);
		in.v[i][1] = mix(seed + 2 * i + 1);
	}
	for (int i = 0; i < NGPR; i++)
		in.x[i] = mix(seed + 64 + i);
	in.fpcr = FPCR_PATTERN;
	regs_across_svc(&in, &out, nr, &a0, a1);
	*ret = a0;

	for (int i = 0; i < 32; i++)
		changed += in.v[i][0] != out.v[i][0] || in.v[i][1] != out.v[i][1];
	for (int i = 0; i < NGPR; i++)
		changed += in.x[i] != out.x[i];
	changed += (out.fpcr & (3u << 22)) != FPCR_PATTERN;
	return changed;
}
