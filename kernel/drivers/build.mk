KERNEL_SRCS += \
	kernel/drivers/gicv2.c \
	kernel/drivers/pl011.c
