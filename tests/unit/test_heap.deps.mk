UNIT_SRCS_test_heap := kernel/mm/heap.c kernel/mm/frame.c
