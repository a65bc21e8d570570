# Loupe -- top-level Makefile.
#
#   make                 build the whole system into build/
#   make run             build and boot it in QEMU (console on stdin/stdout)
#   make test            every test: host unit tests and QEMU integration tests
#   make LAB=n ...       the same for stage n (labs/n-*), built into build/labn/
#
# Variables a user may set: LAB, SMP (CPUs, default 2), CMDLINE (kernel
# command line), MEM (RAM, default 512M), GDBPORT (TCP port of the GDB stub's
# UART1), V=1 (show every command).

# Plain `make` builds the kernel (included makefiles define targets too).
.DEFAULT_GOAL := all

SMP ?= 2
MEM ?= 512M
CMDLINE ?=
GDBPORT ?= 1234

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- stage selection --------------------------------------------------------
# Every labs/n-name/stage.mk lists the CONFIG_* features stage n switches on.
# Stage n has the features of stages 0..n; the default build has all of them.
STAGE_DIRS := $(sort $(wildcard labs/[0-9]*-*))
stage_num = $(firstword $(subst -, ,$(notdir $(1))))

ifeq ($(LAB),)
BUILD := build
LAB_DIRS := $(STAGE_DIRS)
else
BUILD := build/lab$(LAB)
ifeq ($(wildcard labs/$(LAB)-*),)
$(error LAB=$(LAB): no such stage; stages are $(notdir $(STAGE_DIRS)))
endif
LAB_DIRS := $(foreach d,$(STAGE_DIRS),$(if $(shell test $(call stage_num,$(d)) -le $(LAB) && echo y),$(d)))
endif

ALL_FEATURES :=
ON_FEATURES :=
$(foreach d,$(STAGE_DIRS),$(eval include $(d)/stage.mk)$(eval ALL_FEATURES += $(STAGE_FEATURES)))
$(foreach d,$(LAB_DIRS),$(eval include $(d)/stage.mk)$(eval ON_FEATURES += $(STAGE_FEATURES)))
STAGE := $(call stage_num,$(lastword $(LAB_DIRS)))
STAGE_TITLE := $(STAGE_NAME)
CONFIG_DEFS := $(foreach f,$(ALL_FEATURES),-D$(f)=$(if $(filter $(f),$(ON_FEATURES)),1,0)) \
	-DCONFIG_STAGE=$(STAGE) -DCONFIG_STAGE_NAME='"$(STAGE_TITLE)"'
MMU_ON := $(if $(filter CONFIG_MMU,$(ON_FEATURES)),1,0)

# ---- toolchain ----------------------------------------------------------------
CROSS ?= aarch64-linux-gnu-
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
NM := $(CROSS)nm
QEMU ?= qemu-system-aarch64
PYTHON ?= /usr/bin/python3

# Goals that run scripts/setup.sh first and then build in a sub-make are
# exempt: on a fresh machine they install the cross compiler themselves.
SETUP_GOALS := setup setup-browser clean help run debug qemu-gdb test grade trace trace-view ipcbench
ifeq ($(filter $(SETUP_GOALS),$(MAKECMDGOALS)),)
ifeq ($(shell command -v $(CC)),)
$(error $(CC) not found: install Debian's gcc-aarch64-linux-gnu, or run 'make setup')
endif
endif

# -mno-outline-atomics: atomics inline (ldxr/stxr), no libgcc helper calls.
# No unwind tables: the kernel unwinds by frame pointer; with -g, GCC then
#   puts call-frame information in .debug_frame, where GDB reads it.
# -mgeneral-regs-only: the kernel never touches FP/SIMD registers, so entering
#   it needs no FP save. -mstrict-align: with the MMU off every access is
#   Device memory, where an unaligned access faults. Frame pointers everywhere
#   (leaf functions too) so backtraces and GDB can walk every stack.
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdlib \
	-mgeneral-regs-only -mstrict-align -mno-outline-atomics -mcmodel=small -fno-pie -fno-pic \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-stack-protector -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-Ikernel -Iinclude $(CONFIG_DEFS) -MMD -MP
KASFLAGS := $(filter-out -std=gnu11,$(KCFLAGS)) -D__ASSEMBLY__

# ---- kernel sources: every folder's build.mk lists its own --------------------
KERNEL_SRCS :=
include kernel/arch/aarch64/build.mk
include kernel/core/build.mk
include kernel/debug/build.mk
include kernel/drivers/build.mk
include kernel/lib/build.mk
include kernel/mm/build.mk
include kernel/ipc/build.mk
include kernel/platform/build.mk
include kernel/trace/build.mk
include user/build.mk

KERNEL_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(KERNEL_SRCS))
KERNEL_ELF := $(BUILD)/kernel.elf
KERNEL_IMAGE := $(BUILD)/Image
LDSCRIPT := $(BUILD)/kernel.ld

.PHONY: all kernel run decode debug gdb qemu-gdb test test-unit test-qemu grade setup clean help
all: kernel
kernel: $(KERNEL_IMAGE) $(if $(filter CONFIG_TASKS,$(ON_FEATURES)),$(INITRD))

# Objects depend on the command line that built them, so changing LAB or a
# flag rebuilds exactly what it affects; the file is rewritten only on change.
$(BUILD)/cflags: FORCE
	@mkdir -p $(@D)
	@echo '$(KCFLAGS)' | cmp -s - $@ || echo '$(KCFLAGS)' > $@

$(BUILD)/obj/%.c.o: %.c $(BUILD)/cflags
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: %.S $(BUILD)/cflags
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(LDSCRIPT): kernel/arch/aarch64/kernel.ld.S $(BUILD)/cflags
	@mkdir -p $(@D)
	$(Q)$(CC) -E -P -x c $(KASFLAGS) -MT $@ $< -o $@

# Three link passes embed the symbol table (see kernel/core/symbols.h): pass 1
# with an empty table, pass 2 with a table of the final size but pass-1
# addresses, pass 3 with pass-2 addresses, which no longer move. The last
# step checks that they did not.
LINK = $(LD) -nostdlib -z max-page-size=4096 --gc-sections -T $(LDSCRIPT)
SYMS := $(BUILD)/symbols
GEN_SYMBOLS := $(PYTHON) scripts/gen_symbols.py

$(SYMS)/pass1.S: scripts/gen_symbols.py
	@mkdir -p $(@D)
	$(Q)$(GEN_SYMBOLS) --empty > $@

$(SYMS)/pass%.o: $(SYMS)/pass%.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(SYMS)/kernel.pass1.elf: $(KERNEL_OBJS) $(LDSCRIPT) $(SYMS)/pass1.o
	$(Q)$(LINK) $(KERNEL_OBJS) $(SYMS)/pass1.o -o $@
$(SYMS)/pass2.S: $(SYMS)/kernel.pass1.elf
	$(Q)$(NM) -n -S --defined-only $< | $(GEN_SYMBOLS) > $@
$(SYMS)/kernel.pass2.elf: $(KERNEL_OBJS) $(LDSCRIPT) $(SYMS)/pass2.o
	$(Q)$(LINK) $(KERNEL_OBJS) $(SYMS)/pass2.o -o $@
$(SYMS)/pass3.S: $(SYMS)/kernel.pass2.elf
	$(Q)$(NM) -n -S --defined-only $< | $(GEN_SYMBOLS) > $@

$(KERNEL_ELF): $(KERNEL_OBJS) $(LDSCRIPT) $(SYMS)/pass3.o
	@echo "  LD      $@"
	$(Q)$(LINK) -Map $(BUILD)/kernel.map $(KERNEL_OBJS) $(SYMS)/pass3.o -o $@.tmp
	$(Q)$(NM) -n -S --defined-only $@.tmp | $(GEN_SYMBOLS) | cmp -s - $(SYMS)/pass3.S || \
		{ echo "symbol table addresses moved between link passes" >&2; exit 1; }
	$(Q)mv $@.tmp $@

$(KERNEL_IMAGE): $(KERNEL_ELF)
	@echo "  IMAGE   $@"
	$(Q)$(OBJCOPY) -O binary $< $@

-include $(KERNEL_OBJS:.o=.d)

# ---- running ----------------------------------------------------------------
# UART0 is the console on stdio; UART1 (the GDB stub's) is a TCP server with
# nodelay, since the stub writes a byte at a time and Nagle would hold packets.
# On a terminal the console is multiplexed with QEMU's monitor (Ctrl-A X
# quits); with piped input it is plain stdio, so the input reaches the guest.
# Semihosting lets the kernel set QEMU's exit status and write files.
# -nic none: no default PCI network card (it needs an option ROM that a
# minimal QEMU install lacks, and Loupe has no PCI driver).
QEMU_ARGS = -M virt -cpu cortex-a72 -smp $(SMP) -m $(MEM) -display none -nic none \
	-semihosting-config enable=on,target=native \
	-kernel $(KERNEL_IMAGE) -append "$(CMDLINE)" \
	$(if $(filter CONFIG_TASKS,$(ON_FEATURES)),-initrd $(INITRD)) \
	-serial $(if $(shell test -t 0 && echo tty),mon:stdio,stdio) \
	-serial tcp:127.0.0.1:$(GDBPORT),server=on,wait=off,nodelay=on

run: setup
	$(Q)$(MAKE) --no-print-directory kernel
	@echo "Loupe stage $(STAGE) ($(STAGE_TITLE)), $(SMP) CPUs. Quit QEMU with Ctrl-A X."
	@mkdir -p $(BUILD)/crash
	$(Q)$(QEMU) $(QEMU_ARGS)

# Add file:line to every backtrace frame of a console log on stdin.
decode:
	$(Q)$(PYTHON) scripts/decode_log.py --elf $(KERNEL_ELF)

# The GDB stub (docs/gdb.md): `make debug` boots with the kernel stopped in
# the stub (cmdline gdbwait) until GDB attaches to UART1's port; `make gdb`
# attaches gdb-multiarch to that port, or to a `make run` at any time.
GDB ?= gdb-multiarch

debug: CMDLINE += gdbwait
debug: setup
	$(if $(filter CONFIG_GDBSTUB,$(ON_FEATURES)),,$(error stage $(STAGE) has no GDB stub (it comes with stage 1)))
	$(Q)$(MAKE) --no-print-directory kernel
	@echo "Loupe stage $(STAGE) waits for GDB on UART1 (TCP port $(GDBPORT)). Attach with:"
	@echo "    make gdb$(if $(LAB), LAB=$(LAB)) GDBPORT=$(GDBPORT)"
	@mkdir -p $(BUILD)/crash
	$(Q)$(QEMU) $(QEMU_ARGS)

gdb:
	@command -v $(GDB) >/dev/null || { echo "$(GDB) not found: install Debian's gdb-multiarch" >&2; exit 1; }
	$(Q)$(GDB) -q -iex "add-auto-load-safe-path $(BUILD)" \
		-ex "set remotetimeout 10" -ex "target remote 127.0.0.1:$(GDBPORT)" $(KERNEL_ELF)

# QEMU's own gdbstub instead of Loupe's: it stops every CPU (each one a GDB
# thread) without the kernel's help, so it works at any stage and even when
# the kernel is wedged. It takes GDBPORT, so UART1 (Loupe's stub) is
# disconnected. GDBWAIT=1 (QEMU's -S) holds the CPUs before the first
# instruction until GDB continues them.
qemu-gdb: setup
	$(Q)$(MAKE) --no-print-directory kernel
	@echo "QEMU gdbstub on port $(GDBPORT)$(if $(GDBWAIT), (CPUs held until GDB continues them)). Attach with:"
	@echo "    gdb-multiarch -iex 'add-auto-load-safe-path $(BUILD)' $(KERNEL_ELF) -ex 'target remote :$(GDBPORT)'"
	@mkdir -p $(BUILD)/crash
	$(Q)$(QEMU) $(patsubst tcp:127.0.0.1:$(GDBPORT)%,null,$(QEMU_ARGS)) \
		-gdb tcp:127.0.0.1:$(GDBPORT) $(if $(GDBWAIT),-S)

# ---- GDB scripts ----------------------------------------------------------------
# GDB auto-loads OBJFILE-gdb.py when it opens OBJFILE (if its folder is on
# GDB's auto-load safe path; docs/gdb-scripts.md), so this small generated
# file makes `gdb-multiarch build/kernel.elf` load gdb/loupe-gdb.py. The
# constants the scripts need come from the kernel's headers: the
# preprocessor turns gdb/loupe_constants.py.in into Python.
GDB_AUTOLOAD := $(KERNEL_ELF)-gdb.py
GDB_CONSTANTS := $(BUILD)/gdb/loupe_constants.py
kernel: $(GDB_AUTOLOAD)

$(GDB_CONSTANTS): gdb/loupe_constants.py.in $(BUILD)/cflags
	@mkdir -p $(@D)
	$(Q)$(CC) -E -P -x c $(filter-out -MMD -MP,$(KCFLAGS)) -MMD -MP -MT $@ -MF $@.d $< | \
		sed '1,/^LOUPE_PYTHON_BELOW$$/d' > $@.tmp
	$(Q)mv $@.tmp $@

$(GDB_AUTOLOAD): $(GDB_CONSTANTS) gdb/loupe-gdb.py
	@echo "  GEN     $@"
	$(Q)printf '%s\n' '# Generated by the Makefile: load the gdb/ scripts for this kernel.' \
		'import sys' 'sys.path[:0] = ["$(abspath gdb)", "$(abspath $(BUILD)/gdb)"]' \
		'gdb.execute("source $(abspath gdb/loupe-gdb.py)")' > $@

-include $(GDB_CONSTANTS).d

# ---- tracing ----------------------------------------------------------------
# make trace: boot with the tracer on, run the workload to the end, and turn
# the rings the kernel exports at power-off into build/trace.json (open it at
# ui.perfetto.dev; docs/tracing.md). The workload is init running
# user/ipc/ipcdemo: a client calling a server while a CPU-bound task runs.
TRACE_WORKLOAD ?= workload=ipcdemo
TRACE_BIN := $(BUILD)/trace.bin
TRACE_JSON := $(BUILD)/trace.json

# IPC round trips in guest instructions (docs/bench.md), with tracing off
# and on: on one CPU, then on two (client on CPU 0, server on CPU 0 and
# then on CPU 1). -icount makes the PMU's instruction counter and the
# guest's clock exact and repeatable.
IPCBENCH_RUNS ?= 1:trace=off 1:trace=all 2:trace=off 2:trace=all
.PHONY: ipcbench
ipcbench: setup
	$(Q)$(MAKE) --no-print-directory kernel
	$(Q)for run in $(IPCBENCH_RUNS); do \
		smp=$${run%%:*}; t=$${run#*:}; \
		echo "== SMP=$$smp $$t"; \
		$(QEMU) -M virt -cpu cortex-a72 -smp $$smp -m $(MEM) -display none -nic none \
			-icount shift=0,sleep=off -semihosting-config enable=on,target=native \
			-kernel $(KERNEL_IMAGE) -initrd $(INITRD) -append "workload=ipcbench $$t" \
			-serial stdio -serial null </dev/null | grep "ipcbench:" || exit 1; \
	done

.PHONY: trace
trace: CMDLINE += $(TRACE_WORKLOAD) tracefile=$(TRACE_BIN)
trace: setup
	$(Q)$(MAKE) --no-print-directory kernel
	$(Q)rm -f $(TRACE_BIN) $(TRACE_JSON)
	$(Q)$(QEMU) $(QEMU_ARGS) </dev/null; status=$$?; \
	test -f $(TRACE_BIN) || { echo "trace: the kernel wrote no $(TRACE_BIN)" >&2; exit 1; }; \
	$(PYTHON) trace/convert.py $(TRACE_BIN) --elf $(KERNEL_ELF) -o $(TRACE_JSON) && \
	$(PYTHON) trace/check.py $(TRACE_JSON) && exit $$status

# ---- trace-view: the trace in speedscope, in a real browser (begin) ----------
# make trace-view: make trace, then open build/trace.json in speedscope (from
# the npm registry, pinned in trace/browser/) in headless Chromium, check that
# it imports cleanly and lists every thread, and save build/trace-speedscope.png
# and the begin/end copy speedscope draws correctly, build/trace-begin-end.json
# (docs/tracing.md, "Opening a trace in speedscope"). make setup-browser
# installs Chromium, ChromeDriver, Selenium and speedscope; make test does too,
# for tests/integration/test_trace_browser.py.
TRACE_VIEW_SHOW ?= CPU 0
.PHONY: setup-browser trace-view
setup-browser: setup
	$(Q)scripts/setup.sh browser

test: setup-browser

# make trace runs in the recipe, not as a prerequisite, so that it never runs
# beside the package installs of setup-browser under make -j.
trace-view: setup-browser
	$(Q)$(MAKE) --no-print-directory trace
	$(Q)$(PYTHON) trace/browser/view.py $(TRACE_JSON) --show "$(TRACE_VIEW_SHOW)" \
		--begin-end $(BUILD)/trace-begin-end.json \
		--png $(BUILD)/trace-speedscope.png \
		--png-as-given $(BUILD)/trace-speedscope-as-given.png \
		--report $(BUILD)/trace-speedscope.json
# ---- trace-view (end) ---------------------------------------------------------

# ---- tests ------------------------------------------------------------------
include tests/unit/unit.mk

test: setup
	$(Q)$(MAKE) --no-print-directory test-unit
	$(Q)$(MAKE) --no-print-directory test-qemu

# The integration tests build every stage they boot through this Makefile.
test-qemu:
	$(Q)cd tests && $(PYTHON) -m pytest -q $(PYTEST_ARGS)

grade: setup
	$(if $(LAB),,$(error make grade needs a stage: make grade LAB=n))
	$(Q)$(MAKE) --no-print-directory kernel
	$(Q)cd tests && $(PYTHON) -m pytest -q -m "lab$(LAB)" $(PYTEST_ARGS)

setup:
	$(Q)scripts/setup.sh

clean:
	rm -rf build

help:
	@sed -n '2,12p' Makefile

FORCE:
