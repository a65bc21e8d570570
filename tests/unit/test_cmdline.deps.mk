UNIT_SRCS_test_cmdline := kernel/lib/cmdline.c
