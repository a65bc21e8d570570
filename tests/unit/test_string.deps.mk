# kernel/lib/string.c defines memcpy, strlen, ... under the C library's names.
# Linked as such into a host program they would replace glibc's and ASan's, so
# they are renamed lp_* for this test (in string.c and test_string.c alike),
# and -fno-builtin stops GCC from treating the calls as its own built-ins.
UNIT_STRING_FUNCS := memcpy memmove memset memcmp strlen strnlen strcmp strncmp strchr strlcpy

UNIT_SRCS_test_string := kernel/lib/string.c
UNIT_CFLAGS_test_string := -fno-builtin $(foreach f,$(UNIT_STRING_FUNCS),-D$(f)=lp_$(f))
