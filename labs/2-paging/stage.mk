# Stage 2 "paging": the physical frame allocator, the kernel heap, and the
# MMU with 4 KiB pages -- kernel in the upper half, a linear map of RAM,
# W^X permissions for the kernel image and guard pages under kernel stacks.
STAGE_NAME := paging
STAGE_FEATURES := CONFIG_ALLOC CONFIG_MMU
