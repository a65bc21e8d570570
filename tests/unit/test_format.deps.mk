UNIT_SRCS_test_format := kernel/lib/format.c
