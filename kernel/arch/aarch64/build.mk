KERNEL_SRCS += \
	kernel/arch/aarch64/boot.S \
	kernel/arch/aarch64/capture.S \
	kernel/arch/aarch64/context.S \
	kernel/arch/aarch64/fpsimd.c \
	kernel/arch/aarch64/coredump.c \
	kernel/arch/aarch64/vectors.S \
	kernel/arch/aarch64/trap.c \
	kernel/arch/aarch64/esr.c \
	kernel/arch/aarch64/extable.c \
	kernel/arch/aarch64/safe_copy.S \
	kernel/arch/aarch64/mmu_early.c \
	kernel/arch/aarch64/mmu.c \
	kernel/arch/aarch64/pagetable.c \
	kernel/arch/aarch64/psci.c \
	kernel/arch/aarch64/semihost.c \
	kernel/arch/aarch64/timer.c \
	kernel/arch/aarch64/smp.c \
	kernel/arch/aarch64/addrspace.c \
	kernel/arch/aarch64/backtrace.c \
	kernel/arch/aarch64/pmu.c \
	kernel/arch/aarch64/power.c
