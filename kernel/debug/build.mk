# The GDB stub (docs/gdb.md). Compiled in every stage; without
# CONFIG_GDBSTUB its entry points return at once and --gc-sections drops
# the rest.
KERNEL_SRCS += \
	kernel/arch/aarch64/debug_regs.c \
	kernel/debug/gdb_allstop.c \
	kernel/debug/gdb_cmd_break.c \
	kernel/debug/gdb_cmd_file.c \
	kernel/debug/gdb_cmd_mem.c \
	kernel/debug/gdb_cmd_query.c \
	kernel/debug/gdb_cmd_regs.c \
	kernel/debug/gdb_cmd_run.c \
	kernel/debug/gdb_cmd_thread.c \
	kernel/debug/gdb_cpu.c \
	kernel/debug/gdb_cpu_threads.c \
	kernel/debug/gdb_dispatch.c \
	kernel/debug/gdb_fpsimd.c \
	kernel/debug/gdb_hex.c \
	kernel/debug/gdb_hwbreak.c \
	kernel/debug/gdb_mem.c \
	kernel/debug/gdb_monitor.c \
	kernel/debug/gdb_packet.c \
	kernel/debug/gdb_regs.c \
	kernel/debug/gdb_session.c \
	kernel/debug/gdb_step.c \
	kernel/debug/gdb_stop.c \
	kernel/debug/gdb_swbreak.c \
	kernel/debug/gdb_task_threads.c \
	kernel/debug/gdb_target_xml.c \
	kernel/debug/gdb_threads.c \
	kernel/debug/gdb_transport.c \
	kernel/debug/gdbstub.c
