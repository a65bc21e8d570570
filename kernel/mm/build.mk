KERNEL_SRCS += \
	kernel/mm/frame.c \
	kernel/mm/heap.c \
	kernel/mm/selftests_mm.c
