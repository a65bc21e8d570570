KERNEL_SRCS += \
	kernel/mm/frame.c \
	kernel/mm/heap.c \
	kernel/mm/selftests_mm.c
KERNEL_SRCS += \
	kernel/mm/kstack.c \
	kernel/mm/uvm.c
