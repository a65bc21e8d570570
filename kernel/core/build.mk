KERNEL_SRCS += \
	kernel/core/cmdline_opts.c \
	kernel/core/console.c \
	kernel/core/crash_demo.c \
	kernel/core/exec.c \
	kernel/core/irq.c \
	kernel/core/main.c \
	kernel/core/monitor.c \
	kernel/core/monitor_cmds.c \
	kernel/core/panic.c \
	kernel/core/percpu.c \
	kernel/core/printk.c \
	kernel/core/random.c \
	kernel/core/sched.c \
	kernel/core/selftest.c \
	kernel/core/selftests_core.c \
	kernel/core/symbols.c \
	kernel/core/syscall.c \
	kernel/core/syscall_linux.c \
	kernel/core/syscall_native.c \
	kernel/core/task.c \
	kernel/core/tty.c \
	kernel/core/uaccess.c \
	kernel/core/user_trap.c \
	kernel/core/watchdog.c
