# Host unit tests: every tests/unit/test_NAME.c is built with the host
# compiler, cmocka and AddressSanitizer + UndefinedBehaviorSanitizer, and run.
#
#   make -f tests/unit/unit.mk test-unit      (or `make test-unit` once the
#                                              top-level Makefile includes this)
#
# Host packages: gcc, make, libcmocka-dev, libfdt-dev (test_fdt's oracle),
# qemu-system-arm (qemu-system-aarch64 dumps the virt board's DTB).
#
# A test names the kernel sources it needs in tests/unit/test_NAME.deps.mk:
#
#   UNIT_SRCS_test_NAME   := kernel/lib/fdt.c ...   sources linked in
#   UNIT_CFLAGS_test_NAME := ...                    extra flags for all its objects
#   UNIT_LDLIBS_test_NAME := -lfdt                  extra libraries
#   UNIT_DATA_test_NAME   := $(UNIT_OUT)/x.dtb      files generated before it runs
#
# Each test compiles its own copy of its sources (under
# $(UNIT_OUT)/obj/test_NAME/), so one test may build a file with flags
# another does not use. test_string relies on that: kernel/lib/string.c
# defines memcpy, strlen, ... under their C library names, which on the host
# would replace the C library's (and ASan's) own, so test_string.deps.mk
# renames them with -Dmemcpy=lp_memcpy ... and -fno-builtin, and the test
# calls the lp_ names. The other tests link the C library's versions.

BUILD ?= build
HOSTCC ?= gcc
# The top-level Makefile's QEMU, or the plain binary when run on its own.
QEMU_AARCH64 ?= $(or $(QEMU),qemu-system-aarch64)

UNIT_DIR := tests/unit
UNIT_OUT := $(BUILD)/host
UNIT_TESTS := $(sort $(patsubst $(UNIT_DIR)/%.c,%,$(wildcard $(UNIT_DIR)/test_*.c)))

# -Itests/unit/host first: its arch/arch.h stands in for kernel/arch/arch.h.
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Itests/unit/host -Ikernel -MMD -MP
UNIT_LDFLAGS := -fsanitize=address,undefined
UNIT_LDLIBS := -lcmocka

include $(wildcard $(UNIT_DIR)/*.deps.mk)

.PHONY: test-unit
test-unit: $(addprefix unit-run-,$(UNIT_TESTS))

# unit_test_rules(test): compile, link and run one test.
define unit_test_rules
$(1)_OBJS := $$(patsubst %.c,$(UNIT_OUT)/obj/$(1)/%.o,$(UNIT_DIR)/$(1).c $$(UNIT_SRCS_$(1)))

$(UNIT_OUT)/obj/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(HOSTCC) $$(UNIT_CFLAGS) $$(UNIT_CFLAGS_$(1)) -c $$< -o $$@

$(UNIT_OUT)/$(1): $$($(1)_OBJS)
	$$(HOSTCC) $$(UNIT_LDFLAGS) $$^ $$(UNIT_LDLIBS_$(1)) $$(UNIT_LDLIBS) -o $$@

-include $$($(1)_OBJS:.o=.d)

# Output goes to a log printed in one piece, so parallel runs do not interleave.
.PHONY: unit-run-$(1)
unit-run-$(1): $(UNIT_OUT)/$(1) $$(UNIT_DATA_$(1))
	@status=0; $$< > $$<.log 2>&1 || status=$$$$?; cat $$<.log; \
	if [ $$$$status -ne 0 ]; then echo "FAILED: $(1) (exit $$$$status)"; exit 1; fi
endef

$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rules,$(t))))

# ---- Device trees of the QEMU virt board, for test_fdt ----
#
# dumpdtb makes QEMU write the DTB it would hand a kernel, then exit. The
# second PL011 (UART1, 0x09040000) only exists when QEMU is given a second
# serial backend, so the SMP-4 tree is dumped with two, as `make run` uses.
# -initrd needs -kernel; QEMU loads any file as a raw image, so a few bytes do.

define unit_dump_dtb
	@mkdir -p $(@D)
	@command -v $(QEMU_AARCH64) >/dev/null || \
		{ echo "$(QEMU_AARCH64) not found: install the Debian package qemu-system-arm"; exit 1; }
	$(QEMU_AARCH64) -M virt,dumpdtb=$@ -cpu cortex-a72 -nographic -nic none $(1) </dev/null >/dev/null
endef

$(UNIT_OUT)/virt-smp4.dtb:
	$(call unit_dump_dtb,-smp 4 -m 512M -serial null -serial null)

$(UNIT_OUT)/virt-smp1.dtb:
	$(call unit_dump_dtb,-smp 1 -m 1G)

$(UNIT_OUT)/virt-initrd.dtb: $(UNIT_OUT)/dummy-kernel.bin $(UNIT_OUT)/dummy-initrd.bin
	$(call unit_dump_dtb,-smp 2 -m 256M -kernel $(UNIT_OUT)/dummy-kernel.bin \
		-initrd $(UNIT_OUT)/dummy-initrd.bin -append "console=ttyAMA0 loupe.test=1 quiet")

$(UNIT_OUT)/dummy-kernel.bin:
	@mkdir -p $(@D)
	printf 'not a kernel' > $@

$(UNIT_OUT)/dummy-initrd.bin:
	@mkdir -p $(@D)
	printf 'initrd contents for test_fdt\n' > $@
