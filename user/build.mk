# User programs and the initrd that carries them.
#
# Every program is a static musl executable built into $(BUILD)/user/NAME and
# packed as bin/NAME into $(BUILD)/initrd.cpio, the archive QEMU loads with
# -initrd; the kernel's spawn("NAME") looks up bin/NAME in it.
# docs/user-programs.md explains how to add a program.
#
# The top-level Makefile includes this file; tests/unit/*.deps.mk include it
# too (for test data) when tests/unit/unit.mk runs on its own, hence the
# guard and the defaults.

ifndef USER_BUILD_MK
USER_BUILD_MK := 1

BUILD ?= build
CROSS ?= aarch64-linux-gnu-
Q ?= @

# ---- the programs: NAME and the sources each one links ------------------------
# user/lib/ is linked into every program.
USER_LIB_SRCS := user/lib/loupe.c user/lib/ipc.c

USER_PROGRAMS := init console utest crasher stress stressworker ipctest ipcdemo ipcbench
USER_SRCS_init := user/init/init.c user/init/shell.c
USER_SRCS_console := user/console/console.c user/console/line.c user/console/uart.c
USER_SRCS_utest := user/tests/utest.c user/tests/utest_env.c user/tests/utest_mem.c \
	user/tests/utest_efault.c user/tests/utest_tasks.c user/tests/check.c \
	user/tests/regcheck.c
USER_SRCS_crasher := user/tests/crasher.c
USER_SRCS_stress := user/tests/stress.c user/tests/check.c
USER_SRCS_stressworker := user/tests/stressworker.c user/tests/regcheck.c
USER_SRCS_ipctest := user/ipc/ipctest.c
USER_SRCS_ipcdemo := user/ipc/ipcdemo.c
USER_SRCS_ipcbench := user/ipc/ipcbench.c

# Files packed as they are, next to the programs: bin/notelf is not an ELF
# file, so utest can check that spawn refuses it.
USER_DATA := user/tests/notelf

# ---- compiling --------------------------------------------------------------------
# musl's specs file turns the cross gcc into a musl compiler: musl's headers,
# crt1.o and libc.a instead of glibc's.
MUSL_SPECS ?= /usr/lib/aarch64-linux-musl/musl-gcc.specs
USER_CC := $(CROSS)gcc -specs $(MUSL_SPECS)
# -g and no stripping: the kernel symbolizes user faults from the ELF in the
# initrd, and GDB reads the same file. Frame pointers for backtraces.
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-fno-omit-frame-pointer -Iinclude -Iuser/lib -MMD -MP
USER_LDFLAGS := -static

USER_OUT := $(BUILD)/user
USER_BINS := $(addprefix $(USER_OUT)/,$(USER_PROGRAMS))
USER_OBJ = $(patsubst %.c,$(USER_OUT)/obj/%.o,$(1))
USER_ALL_OBJS := $(sort $(call USER_OBJ,$(USER_LIB_SRCS) \
	$(foreach p,$(USER_PROGRAMS),$(USER_SRCS_$(p)))))
INITRD := $(BUILD)/initrd.cpio

.PHONY: user initrd
user: $(USER_BINS)
initrd: $(INITRD)

# Like $(BUILD)/cflags for the kernel: objects depend on the flags that built
# them; the file changes only when the flags do.
$(USER_OUT)/cflags: FORCE
	@mkdir -p $(@D)
	@echo '$(USER_CC) $(USER_CFLAGS)' | cmp -s - $@ || echo '$(USER_CC) $(USER_CFLAGS)' > $@

$(USER_OUT)/obj/%.o: %.c $(USER_OUT)/cflags
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) -c $< -o $@

# user_program_rule(name): link one program from its sources and user/lib.
define user_program_rule
$(USER_OUT)/$(1): $(call USER_OBJ,$(USER_SRCS_$(1)) $(USER_LIB_SRCS))
	@echo "  LD      $$@"
	$(Q)$(USER_CC) $(USER_LDFLAGS) $$^ -o $$@
endef
$(foreach p,$(USER_PROGRAMS),$(eval $(call user_program_rule,$(p))))

-include $(USER_ALL_OBJS:.o=.d)

# The archive is reproducible: the tree is staged afresh with fixed modes and
# mtimes, names go in sorted, owners are 0:0 and --reproducible renumbers
# inodes and drops device numbers. Same programs in, same bytes out.
INITRD_ROOT := $(BUILD)/initrd.root
INITRD_MTIME := 2024-01-01 00:00:00 UTC

$(INITRD): $(USER_BINS) $(USER_DATA)
	@echo "  CPIO    $@"
	$(Q)rm -rf $(INITRD_ROOT) && mkdir -p $(INITRD_ROOT)/bin
	$(Q)cp $(USER_BINS) $(USER_DATA) $(INITRD_ROOT)/bin/
	$(Q)chmod 755 $(INITRD_ROOT)/bin $(INITRD_ROOT)/bin/*
	$(Q)touch -d '$(INITRD_MTIME)' $(INITRD_ROOT)/bin $(INITRD_ROOT)/bin/*
	$(Q)cd $(INITRD_ROOT) && find bin | LC_ALL=C sort | \
		cpio --quiet -o -H newc -R 0:0 --reproducible > $(abspath $@).tmp
	$(Q)mv $@.tmp $@

FORCE:

endif
