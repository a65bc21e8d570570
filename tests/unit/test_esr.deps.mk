UNIT_SRCS_test_esr := kernel/arch/aarch64/esr.c kernel/lib/format.c
