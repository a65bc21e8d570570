KERNEL_SRCS += \
	kernel/ipc/boot_caps.c \
	kernel/ipc/cap.c \
	kernel/ipc/fastpath.c \
	kernel/ipc/ipc.c \
	kernel/ipc/irq_cap.c \
	kernel/ipc/klog.c \
	kernel/ipc/stdio.c \
	kernel/ipc/syscall_ipc.c \
	kernel/ipc/syscall_objects.c
