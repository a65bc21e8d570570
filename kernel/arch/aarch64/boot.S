/*
 * The first instructions Loupe runs, on every CPU.
 *
 * QEMU (like a real boot loader) enters _start at EL2 or EL1 with the MMU
 * off, x0 holding the device tree's physical address. Until the MMU is on,
 * everything here is position-independent (adr/adrp only), because with
 * paging the image is linked in the upper half but runs at its physical
 * load address.
 */
#include "arch/aarch64/memory_map.h"
#include "arch/aarch64/sysregs.h"

	.section .text.boot, "ax"

/* The arm64 Image header (Linux's Documentation/arch/arm64/booting.rst
 * describes the fields); QEMU's -kernel recognises it by the magic and then
 * passes the DTB in x0 as the boot protocol demands. */
	.global _start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: load 2 MiB above RAM base */
	.quad	_image_size		/* bytes from _start to _end, bss included */
	.quad	0x2			/* little-endian, 4 KiB pages, 2 MiB aligned */
	.quad	0, 0, 0			/* reserved */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* reserved (PE header offset) */

primary_entry:
	msr	daifset, #0xf
	mov	x19, x0			/* x19 = DTB physical address */
	adr	x20, _start		/* x20 = physical load address */
	mrs	x21, CurrentEL		/* x21 = the EL we were entered at, << 2 */
	bl	el1_setup

	/* Zero .bss. It is 4 KiB aligned and sized, so 16-byte stores fit. */
	adrp	x0, _sbss
	adrp	x1, _ebss
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:
	/* CPU 0's boot stack: top of slot 0 (the guard page is its bottom). */
	adrp	x0, boot_stacks
	add	x0, x0, #:lo12:boot_stacks
	add	sp, x0, #STACK_SLOT_SIZE

#if CONFIG_MMU
	mov	x0, x20
	mov	x1, x19
	bl	mmu_early_map		/* returns x0 = TTBR0, x1 = TTBR1 */
	bl	mmu_enable
	/* Leave the identity map: continue at the linked (upper-half) address. */
	ldr	x0, =primary_high
	br	x0
primary_high:
	ldr	x0, =boot_stacks + STACK_SLOT_SIZE
	mov	sp, x0
#endif
	mov	x29, xzr		/* terminate the frame-pointer chain */
	mov	x30, xzr
	mov	x0, x19
	mov	x1, x20
	lsr	x2, x21, #2
	bl	kmain
	b	halt_forever

/*
 * Secondary CPUs start here through PSCI CPU_ON, MMU off, x0 = the context
 * argument smp.c passed: this CPU's index.
 */
	.global secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	bl	el1_setup
	adrp	x0, boot_stacks
	add	x0, x0, #:lo12:boot_stacks
	mov	x1, #STACK_SLOT_SIZE
	madd	x0, x19, x1, x0
	add	sp, x0, #STACK_SLOT_SIZE
#if CONFIG_MMU
	adrp	x2, mmu_boot_ttbr
	add	x2, x2, #:lo12:mmu_boot_ttbr
	ldp	x0, x1, [x2]		/* TTBR0, TTBR1 published by vm.c */
	bl	mmu_enable
	ldr	x0, =secondary_high
	br	x0
secondary_high:
	ldr	x0, =boot_stacks
	mov	x1, #STACK_SLOT_SIZE
	madd	x0, x19, x1, x0
	add	sp, x0, #STACK_SLOT_SIZE
#endif
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	bl	smp_secondary_main
	b	halt_forever

/*
 * Bring the CPU to EL1 with a known SCTLR_EL1 and FP/SIMD enabled. From EL2
 * we configure EL1 as AArch64 with the timers and FP untrapped, and eret to
 * our caller at EL1h. Clobbers x9 only.
 */
el1_setup:
	ldr	x9, =SCTLR_EL1_INIT
	msr	sctlr_el1, x9
	mov	x9, #CPACR_EL1_FPEN
	msr	cpacr_el1, x9
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	1f
	mov	x9, #HCR_EL2_RW
	msr	hcr_el2, x9
	mov	x9, #CNTHCTL_EL2_EL1_ACCESS
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mov	x9, #CPTR_EL2_NO_TRAPS
	msr	cptr_el2, x9
	msr	hstr_el2, xzr
	mrs	x9, midr_el1
	msr	vpidr_el2, x9
	mrs	x9, mpidr_el1
	msr	vmpidr_el2, x9
	mov	x9, #SPSR_EL1H_MASKED
	msr	spsr_el2, x9
	msr	elr_el2, x30
	eret
1:	isb
	ret

#if CONFIG_MMU
/*
 * Switch the MMU on with x0 -> TTBR0 (identity map of the boot code) and
 * x1 -> TTBR1 (the kernel's upper half). Returns with the MMU on, still
 * executing through the identity map.
 */
	.global mmu_enable
mmu_enable:
	ldr	x2, =MAIR_EL1_INIT
	msr	mair_el1, x2
	ldr	x2, =TCR_EL1_INIT
	mrs	x3, id_aa64mmfr0_el1
	bfi	x2, x3, #TCR_IPS_SHIFT, #3	/* IPS = PARange */
	msr	tcr_el1, x2
	msr	ttbr0_el1, x0
	msr	ttbr1_el1, x1
	isb
	tlbi	vmalle1			/* nothing stale from before the switch */
	dsb	nsh
	isb
	mrs	x2, sctlr_el1
	orr	x2, x2, #SCTLR_M
	orr	x2, x2, #SCTLR_C
	msr	sctlr_el1, x2
	isb				/* later fetches see the MMU on */
	ret
#endif

	.global halt_forever
halt_forever:
	msr	daifset, #0xf
1:	wfe
	b	1b

	.ltorg

	.section .stacks, "aw", %nobits
	.balign STACK_SLOT_SIZE
	.global boot_stacks
boot_stacks:
	.skip	MAX_CPUS * STACK_SLOT_SIZE
