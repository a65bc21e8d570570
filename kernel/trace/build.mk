KERNEL_SRCS += \
	kernel/trace/selftests_trace.c \
	kernel/trace/trace.c \
	kernel/trace/trace_bench.c \
	kernel/trace/trace_control.c \
	kernel/trace/trace_export.c \
	kernel/trace/trace_monitor.c \
	kernel/trace/trace_names.c \
	kernel/trace/trace_recent.c \
	kernel/trace/trace_ring.c
