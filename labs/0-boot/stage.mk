# Stage 0 "boot": the always-present base only -- boot code, the PL011
# console (polled), printk and its dmesg ring, the device-tree reader, the
# kernel monitor and the self-test runner. The MMU is off; one CPU runs.
STAGE_NAME := boot
STAGE_FEATURES :=
