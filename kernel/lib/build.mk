KERNEL_SRCS += \
	kernel/lib/cmdline.c \
	kernel/lib/cpio.c \
	kernel/lib/elf.c \
	kernel/lib/fdt.c \
	kernel/lib/format.c \
	kernel/lib/string.c
