# Stage 1 "traps": the exception vector table with decoded reports, the
# GICv2 interrupt controller, the generic-timer tick, interrupt-driven
# console input, and the secondary CPUs started through PSCI.
STAGE_NAME := traps
STAGE_FEATURES := CONFIG_TRAPS CONFIG_SMP CONFIG_GDBSTUB CONFIG_TRACE
