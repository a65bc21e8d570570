# test_cpio reads the initrd the build makes (and the programs in it), so
# it needs the user programs' rules: user/build.mk, included once.
include user/build.mk

UNIT_SRCS_test_cpio := kernel/lib/cpio.c
UNIT_CFLAGS_test_cpio := -DUNIT_BUILD='"$(BUILD)"'
UNIT_DATA_test_cpio := $(BUILD)/initrd.cpio
