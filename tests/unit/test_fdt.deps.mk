# test_fdt checks kernel/lib/fdt.c against libfdt (libfdt-dev). Both export
# fdt_next_node, fdt_getprop, fdt_address_cells and fdt_size_cells, so here
# Loupe's are renamed loupe_*; test_fdt.c hides the renames while it reads
# <libfdt.h>.
UNIT_FDT_CLASHES := fdt_next_node fdt_getprop fdt_address_cells fdt_size_cells

UNIT_SRCS_test_fdt := kernel/lib/fdt.c
UNIT_CFLAGS_test_fdt := $(foreach f,$(UNIT_FDT_CLASHES),-D$(f)=loupe_$(f)) \
	-DUNIT_OUT='"$(UNIT_OUT)"'
UNIT_LDLIBS_test_fdt := -lfdt
UNIT_DATA_test_fdt := $(addprefix $(UNIT_OUT)/,virt-smp4.dtb virt-smp1.dtb virt-initrd.dtb dummy-initrd.bin)
