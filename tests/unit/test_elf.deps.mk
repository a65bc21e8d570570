# test_elf parses the programs the build makes: it needs their rules
# (user/build.mk, included once) and the programs themselves.
include user/build.mk

UNIT_SRCS_test_elf := kernel/lib/elf.c
UNIT_CFLAGS_test_elf := -DUNIT_BUILD='"$(BUILD)"'
UNIT_DATA_test_elf := $(USER_BINS)
