# Stage 3 "tasks": user programs at EL0 -- ELF loading from an initrd,
# address spaces with ASIDs, a preemptive priority scheduler on every CPU,
# the system-call path with Linux-numbered calls for musl, and fault
# isolation: a faulting program is killed, the kernel and others go on.
STAGE_NAME := tasks
STAGE_FEATURES := CONFIG_TASKS
