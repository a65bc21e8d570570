KERNEL_SRCS += \
	kernel/platform/platform.c
