KERNEL_SRCS += \
	kernel/ipc/cap.c \
	kernel/ipc/fastpath.c \
	kernel/ipc/ipc.c \
	kernel/ipc/syscall_ipc.c
