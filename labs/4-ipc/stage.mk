# Stage 4 "ipc": capabilities with rights, synchronous call/recv/reply on
# endpoints, notifications, and capability transfer.
STAGE_NAME := ipc
STAGE_FEATURES := CONFIG_IPC
