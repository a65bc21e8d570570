UNIT_SRCS_test_frame := kernel/mm/frame.c
