/*
 * kernel/lib/fdt.c against the device trees QEMU's virt board really hands a
 * kernel (dumped by unit.mk with dumpdtb), against libfdt as an oracle for
 * every node and property, and against corrupt blobs, which must give errors
 * and never a crash (the test runs under ASan and UBSan, and copies blobs
 * into buffers of their exact size so that any overread is caught).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * test_fdt.deps.mk renames Loupe's fdt_next_node, fdt_getprop,
 * fdt_address_cells and fdt_size_cells to loupe_* because libfdt exports the
 * same names. Hide the renames while libfdt's header declares its own, and
 * reach libfdt's versions of those four through the libfdt_* wrappers.
 */
#pragma push_macro("fdt_next_node")
#pragma push_macro("fdt_getprop")
#pragma push_macro("fdt_address_cells")
#pragma push_macro("fdt_size_cells")
#undef fdt_next_node
#undef fdt_getprop
#undef fdt_address_cells
#undef fdt_size_cells
#include <libfdt.h>

static int libfdt_next_node(const void *blob, int node, int *depth)
{
	return fdt_next_node(blob, node, depth);
}

static const void *libfdt_getprop(const void *blob, int node, const char *name, int *len)
{
	return fdt_getprop(blob, node, name, len);
}
#pragma pop_macro("fdt_next_node")
#pragma pop_macro("fdt_getprop")
#pragma pop_macro("fdt_address_cells")
#pragma pop_macro("fdt_size_cells")

#include "lib/errno.h"
#include "lib/fdt.h"

#define DTB_SMP4 UNIT_OUT "/virt-smp4.dtb"	/* -smp 4 -m 512M, two UARTs */
#define DTB_SMP1 UNIT_OUT "/virt-smp1.dtb"	/* -smp 1 -m 1G, one UART */
#define DTB_INITRD UNIT_OUT "/virt-initrd.dtb"	/* -smp 2 -m 256M -kernel -initrd -append */
#define INITRD_FILE UNIT_OUT "/dummy-initrd.bin"
#define INITRD_BOOTARGS "console=ttyAMA0 loupe.test=1 quiet"

#define MiB (1024ull * 1024)

/* A blob in a buffer whose address is 8 mod 16: only the alignment the spec promises. */
struct blob {
	unsigned char *alloc;
	unsigned char *data;
	size_t size;
};

static struct blob smp4, smp1, initrd;

static long file_size(FILE *f)
{
	long size;

	if (fseek(f, 0, SEEK_END) != 0)
		return -1;
	size = ftell(f);
	rewind(f);
	return size;
}

static int load_blob(struct blob *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	long size;

	if (f == NULL) {
		fprintf(stderr, "test_fdt: cannot open %s (run through unit.mk)\n", path);
		return -1;
	}
	size = file_size(f);
	b->alloc = malloc((size_t)size + 8);
	b->data = b->alloc + 8;
	b->size = (size_t)size;
	if (size <= 0 || fread(b->data, 1, b->size, f) != b->size) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int setup_blobs(void **state)
{
	(void)state;
	if (load_blob(&smp4, DTB_SMP4) || load_blob(&smp1, DTB_SMP1) || load_blob(&initrd, DTB_INITRD))
		return -1;
	return 0;
}

static int teardown_blobs(void **state)
{
	(void)state;
	free(smp4.alloc);
	free(smp1.alloc);
	free(initrd.alloc);
	return 0;
}

static struct fdt init_ok(const struct blob *b)
{
	struct fdt fdt;

	assert_int_equal(fdt_init(&fdt, b->data, b->size), 0);
	return fdt;
}

/* ---- The real QEMU virt device trees ---- */

static void test_header(void **state)
{
	struct fdt fdt = init_ok(&smp4);
	uint64_t base, size;

	(void)state;
	assert_true(((uintptr_t)smp4.data & 15) == 8);
	assert_int_equal(fdt.version, 17);
	assert_int_equal(fdt_total_size(&fdt), smp4.size);
	assert_int_equal(fdt_root(&fdt), 0);
	assert_string_equal(fdt_node_name(&fdt, 0), "");
	/* QEMU reserves nothing. */
	assert_int_equal(fdt_mem_rsv(&fdt, 0, &base, &size), -ENOENT);
	assert_string_equal(fdt_prop_string(&fdt, 0, "compatible"), "linux,dummy-virt");
}

static void check_memory(const struct blob *b, uint64_t ram_size)
{
	struct fdt fdt = init_ok(b);
	int node = fdt_path(&fdt, "/memory");
	uint64_t base, size;

	assert_true(node >= 0);
	assert_string_equal(fdt_node_name(&fdt, node), "memory@40000000");
	assert_string_equal(fdt_prop_string(&fdt, node, "device_type"), "memory");
	assert_int_equal(fdt_reg(&fdt, node, 0, &base, &size), 0);
	assert_int_equal(base, 0x40000000);
	assert_int_equal(size, ram_size);
	assert_int_equal(fdt_reg(&fdt, node, 1, &base, &size), -ENOENT);
}

static void test_memory(void **state)
{
	(void)state;
	check_memory(&smp4, 512 * MiB);
	check_memory(&smp1, 1024 * MiB);
	check_memory(&initrd, 256 * MiB);
}

/* Checks one PL011 and returns the next one after it. */
static int check_uart(const struct fdt *fdt, int after, uint64_t want_base, uint32_t want_spi)
{
	int node = fdt_find_compatible(fdt, after, "arm,pl011");
	uint64_t base, size;
	uint32_t type, number, flags;

	assert_true(node >= 0);
	assert_true(fdt_prop_has_string(fdt, node, "compatible", "arm,primecell"));
	assert_int_equal(fdt_reg(fdt, node, 0, &base, &size), 0);
	assert_int_equal(base, want_base);
	assert_int_equal(size, 0x1000);
	assert_int_equal(fdt_interrupt(fdt, node, 0, &type, &number, &flags), 0);
	assert_int_equal(type, FDT_IRQ_SPI);
	assert_int_equal(number, want_spi);
	assert_int_equal(flags, 4);	/* level-triggered, active high */
	return node;
}

static void test_uarts(void **state)
{
	struct fdt fdt = init_ok(&smp4);
	int uart0, uart1;

	(void)state;
	uart0 = check_uart(&fdt, -1, 0x09000000, 1);
	uart1 = check_uart(&fdt, uart0, 0x09040000, 8);
	assert_int_equal(fdt_find_compatible(&fdt, uart1, "arm,pl011"), -ENOENT);
	/* The console is named by /chosen, the GDB UART by the serial1 alias. */
	assert_int_equal(fdt_path(&fdt, fdt_prop_string(&fdt, fdt_path(&fdt, "/chosen"), "stdout-path")), uart0);
	assert_int_equal(fdt_path(&fdt, "serial0"), uart0);
	assert_int_equal(fdt_path(&fdt, "serial1"), uart1);
	assert_int_equal(fdt_path(&fdt, "serial2"), -ENOENT);

	/* Without a second -serial, QEMU 10 creates only UART0. */
	fdt = init_ok(&smp1);
	uart0 = check_uart(&fdt, -1, 0x09000000, 1);
	assert_int_equal(fdt_find_compatible(&fdt, uart0, "arm,pl011"), -ENOENT);
	assert_int_equal(fdt_path(&fdt, "serial1"), -ENOENT);
}

static void test_gic(void **state)
{
	struct fdt fdt = init_ok(&smp4);
	int gic = fdt_find_compatible(&fdt, -1, "arm,cortex-a15-gic");
	uint64_t base, size;
	uint32_t cells, phandle;

	(void)state;
	assert_true(gic >= 0);
	assert_string_equal(fdt_node_name(&fdt, gic), "intc@8000000");
	assert_non_null(fdt_getprop(&fdt, gic, "interrupt-controller", NULL));
	assert_int_equal(fdt_prop_u32(&fdt, gic, "#interrupt-cells", &cells), 0);
	assert_int_equal(cells, 3);
	/* reg 0: distributor, reg 1: CPU interface. */
	assert_int_equal(fdt_reg(&fdt, gic, 0, &base, &size), 0);
	assert_int_equal(base, 0x08000000);
	assert_int_equal(size, 0x10000);
	assert_int_equal(fdt_reg(&fdt, gic, 1, &base, &size), 0);
	assert_int_equal(base, 0x08010000);
	assert_int_equal(size, 0x10000);
	assert_int_equal(fdt_reg(&fdt, gic, 2, &base, &size), -ENOENT);
	/* Every device reaches the GIC through the root's interrupt-parent. */
	assert_int_equal(fdt_prop_u32(&fdt, fdt_root(&fdt), "interrupt-parent", &phandle), 0);
	assert_int_equal(fdt_node_by_phandle(&fdt, phandle), gic);
	assert_int_equal(fdt_interrupt_parent(&fdt, fdt_path(&fdt, "/pl011@9000000")), gic);
	assert_int_equal(fdt_interrupt_parent(&fdt, fdt_path(&fdt, "/intc/v2m")), gic);
}

static void check_timer(const struct blob *b, uint32_t cpu_mask)
{
	struct fdt fdt = init_ok(b);
	int timer = fdt_find_compatible(&fdt, -1, "arm,armv8-timer");
	uint32_t type, number, flags;
	/* Secure, non-secure, virtual, hypervisor physical timer PPIs. */
	const uint32_t ppis[] = { 13, 14, 11, 10 };

	assert_true(timer >= 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(fdt_interrupt(&fdt, timer, i, &type, &number, &flags), 0);
		assert_int_equal(type, FDT_IRQ_PPI);
		assert_int_equal(number, ppis[i]);
		/* Bits 15:8 are the CPUs the PPI is wired to, 3:0 level-low. */
		assert_int_equal(flags, cpu_mask << 8 | 4);
	}
	assert_int_equal(fdt_interrupt(&fdt, timer, 4, &type, &number, &flags), -ENOENT);
	/* The virtual timer (third specifier) is PPI 11, GIC INTID 27. */
	assert_int_equal(fdt_interrupt(&fdt, timer, 2, &type, &number, &flags), 0);
	assert_int_equal(number + 16, 27);
}

static void test_timer(void **state)
{
	(void)state;
	check_timer(&smp4, 0xf);
	check_timer(&smp1, 0x1);
}

static void test_psci(void **state)
{
	struct fdt fdt = init_ok(&smp4);
	int psci = fdt_path(&fdt, "/psci");
	uint32_t cpu_on;

	(void)state;
	assert_true(psci >= 0);
	assert_string_equal(fdt_prop_string(&fdt, psci, "method"), "hvc");
	assert_true(fdt_prop_has_string(&fdt, psci, "compatible", "arm,psci-0.2"));
	assert_true(fdt_prop_has_string(&fdt, psci, "compatible", "arm,psci"));
	assert_false(fdt_prop_has_string(&fdt, psci, "compatible", "arm,psc"));
	assert_int_equal(fdt_prop_u32(&fdt, psci, "cpu_on", &cpu_on), 0);
	assert_int_equal(cpu_on, 0xc4000003);	/* PSCI CPU_ON, SMC64 function ID */
}

static void test_virtio_mmio(void **state)
{
	struct fdt fdt = init_ok(&smp4);
	bool seen[32] = { false };
	uint64_t base, size;
	uint32_t type, number, flags;
	int node = -1, count = 0;

	(void)state;
	/* 32 slots of 0x200 bytes from 0x0a000000, slot k on SPI 16 + k, edge-triggered. */
	while ((node = fdt_find_compatible(&fdt, node, "virtio,mmio")) >= 0) {
		assert_int_equal(fdt_reg(&fdt, node, 0, &base, &size), 0);
		assert_int_equal(size, 0x200);
		assert_true(base >= 0x0a000000 && base < 0x0a000000 + 32 * 0x200 && base % 0x200 == 0);
		uint64_t slot = (base - 0x0a000000) / 0x200;
		assert_false(seen[slot]);
		seen[slot] = true;
		assert_int_equal(fdt_interrupt(&fdt, node, 0, &type, &number, &flags), 0);
		assert_int_equal(type, FDT_IRQ_SPI);
		assert_int_equal(number, 16 + slot);
		assert_int_equal(flags, 1);
		count++;
	}
	assert_int_equal(node, -ENOENT);
	assert_int_equal(count, 32);
}

static void check_cpus(const struct blob *b, int ncpus)
{
	struct fdt fdt = init_ok(b);
	int cpus = fdt_path(&fdt, "/cpus");
	int count = 0;
	uint64_t id, size;

	assert_true(cpus >= 0);
	assert_int_equal(fdt_address_cells(&fdt, cpus), 1);
	assert_int_equal(fdt_size_cells(&fdt, cpus), 0);
	for (int n = fdt_first_child(&fdt, cpus); n >= 0; n = fdt_next_sibling(&fdt, n)) {
		const char *type = fdt_prop_string(&fdt, n, "device_type");

		if (type == NULL || strcmp(type, "cpu") != 0)
			continue;	/* cpu-map */
		assert_int_equal(fdt_reg(&fdt, n, 0, &id, &size), 0);
		assert_int_equal(id, count);	/* MPIDR affinity */
		assert_int_equal(size, 0);
		/* QEMU describes how to start secondary CPUs only when there are some. */
		if (ncpus > 1)
			assert_string_equal(fdt_prop_string(&fdt, n, "enable-method"), "psci");
		else
			assert_null(fdt_prop_string(&fdt, n, "enable-method"));
		assert_true(fdt_prop_has_string(&fdt, n, "compatible", "arm,cortex-a72"));
		count++;
	}
	assert_int_equal(count, ncpus);
}

static void test_cpus(void **state)
{
	(void)state;
	check_cpus(&smp4, 4);
	check_cpus(&smp1, 1);
	check_cpus(&initrd, 2);
}

static void test_chosen_initrd(void **state)
{
	struct fdt fdt = init_ok(&initrd);
	int chosen = fdt_path(&fdt, "/chosen");
	uint64_t start, end;
	FILE *f = fopen(INITRD_FILE, "rb");
	long size;

	(void)state;
	assert_non_null(f);
	size = file_size(f);
	fclose(f);
	assert_true(chosen >= 0);
	assert_int_equal(fdt_prop_u64(&fdt, chosen, "linux,initrd-start", &start), 0);
	assert_int_equal(fdt_prop_u64(&fdt, chosen, "linux,initrd-end", &end), 0);
	assert_true(start >= 0x40000000 && start < 0x40000000 + 256 * MiB);
	assert_int_equal(end - start, size);
	assert_string_equal(fdt_prop_string(&fdt, chosen, "bootargs"), INITRD_BOOTARGS);
	/* Without -initrd there is none. */
	fdt = init_ok(&smp4);
	assert_int_equal(fdt_prop_u64(&fdt, fdt_path(&fdt, "/chosen"), "linux,initrd-start", &start), -ENOENT);
	assert_null(fdt_prop_string(&fdt, fdt_path(&fdt, "/chosen"), "bootargs"));
}

static void test_paths_and_navigation(void **state)
{
	struct fdt fdt = init_ok(&smp4);
	int cpus = fdt_path(&fdt, "/cpus");
	int intc = fdt_path(&fdt, "/intc@8000000");
	int v2m = fdt_path(&fdt, "/intc/v2m@8020000");

	(void)state;
	assert_int_equal(fdt_path(&fdt, "/"), 0);
	assert_true(cpus > 0 && intc > 0 && v2m > 0);
	assert_int_equal(fdt_path(&fdt, "//cpus//"), cpus);
	assert_int_equal(fdt_path(&fdt, "/intc"), intc);
	/* "cpu" is matched before '@' only: it does not match "cpu-map". */
	assert_string_equal(fdt_node_name(&fdt, fdt_path(&fdt, "/cpus/cpu")), "cpu@0");
	assert_string_equal(fdt_node_name(&fdt, fdt_path(&fdt, "/cpus/cpu@3")), "cpu@3");
	assert_string_equal(fdt_node_name(&fdt, fdt_path(&fdt, "/cpus/cpu-map/socket0/cluster0/core1")), "core1");
	assert_int_equal(fdt_path(&fdt, "/cpus/cpu@4"), -ENOENT);
	assert_int_equal(fdt_path(&fdt, "/memory@40000001"), -ENOENT);
	assert_int_equal(fdt_path(&fdt, "/mem"), -ENOENT);
	assert_int_equal(fdt_path(&fdt, "/memory@"), -ENOENT);
	assert_int_equal(fdt_path(&fdt, ""), -ENOENT);

	assert_int_equal(fdt_parent(&fdt, v2m), intc);
	assert_int_equal(fdt_parent(&fdt, intc), 0);
	assert_int_equal(fdt_parent(&fdt, 0), -ENOENT);
	assert_int_equal(fdt_parent(&fdt, 4), -EINVAL);	/* not a node */
	assert_int_equal(fdt_first_child(&fdt, intc), v2m);
	assert_int_equal(fdt_first_child(&fdt, v2m), -ENOENT);
	assert_int_equal(fdt_next_sibling(&fdt, v2m), -ENOENT);
	assert_int_equal(fdt_next_sibling(&fdt, 0), -ENOENT);
	assert_string_equal(fdt_node_name(&fdt, fdt_first_child(&fdt, 0)), "psci");
	assert_null(fdt_node_name(&fdt, 3));

	/* Subtree walk: depth starting at 0 stops after the subtree. */
	int depth = 0, n = intc, count = 0;
	while ((n = fdt_next_node(&fdt, n, &depth)) >= 0)
		count++;
	assert_int_equal(count, 1);
}

static void test_cells_and_phandles(void **state)
{
	struct fdt fdt = init_ok(&smp4);
	int psci = fdt_path(&fdt, "/psci");

	(void)state;
	assert_int_equal(fdt_address_cells(&fdt, 0), 2);
	assert_int_equal(fdt_size_cells(&fdt, 0), 2);
	/* Spec defaults when the properties are absent. */
	assert_int_equal(fdt_address_cells(&fdt, psci), 2);
	assert_int_equal(fdt_size_cells(&fdt, psci), 1);
	assert_int_equal(fdt_node_by_phandle(&fdt, 0x8005), fdt_path(&fdt, "/intc"));
	assert_int_equal(fdt_node_by_phandle(&fdt, 0x8006), fdt_path(&fdt, "/intc/v2m"));
	assert_int_equal(fdt_node_by_phandle(&fdt, 0), -ENOENT);
	assert_int_equal(fdt_node_by_phandle(&fdt, 0xffffffff), -ENOENT);
	assert_int_equal(fdt_node_by_phandle(&fdt, 0x12345), -ENOENT);
	/* A node without reg, without interrupts, the root without a parent. */
	assert_int_equal(fdt_reg(&fdt, psci, 0, NULL, NULL), -ENOENT);
	uint32_t t, nr, fl;
	assert_int_equal(fdt_interrupt(&fdt, psci, 0, &t, &nr, &fl), -ENOENT);
	assert_int_equal(fdt_reg(&fdt, 0, 0, NULL, NULL), -ENOENT);
	/* Wrong sizes for the typed getters. */
	uint32_t v32;
	uint64_t v64;
	assert_int_equal(fdt_prop_u32(&fdt, psci, "compatible", &v32), -EINVAL);
	assert_int_equal(fdt_prop_u64(&fdt, fdt_path(&fdt, "/memory"), "reg", &v64), -EINVAL);
	assert_null(fdt_prop_string(&fdt, fdt_path(&fdt, "/intc"), "interrupt-controller"));
}

/* ---- Cross-check with libfdt ---- */

static void compare_props(const struct fdt *fdt, const void *blob, int node)
{
	int ours = fdt_first_prop(fdt, node);
	int theirs = fdt_first_property_offset(blob, node);

	for (; theirs >= 0; theirs = fdt_next_property_offset(blob, theirs)) {
		const char *their_name, *our_name;
		int their_len, our_len, len;
		const void *their_value = fdt_getprop_by_offset(blob, theirs, &their_name, &their_len);
		const void *our_value = fdt_prop_at(fdt, ours, &our_name, &our_len);

		assert_int_equal(ours, theirs);
		assert_non_null(our_value);
		assert_ptr_equal(our_value, their_value);
		assert_string_equal(our_name, their_name);
		assert_int_equal(our_len, their_len);
		assert_ptr_equal(fdt_getprop(fdt, node, their_name, &len),
				 libfdt_getprop(blob, node, their_name, NULL));
		assert_int_equal(len, their_len);
		ours = fdt_next_prop(fdt, ours);
	}
	assert_int_equal(ours, -ENOENT);
}

static void compare_node(const struct fdt *fdt, const void *blob, int node)
{
	char path[256];
	int parent = fdt_parent_offset(blob, node);

	assert_string_equal(fdt_node_name(fdt, node), fdt_get_name(blob, node, NULL));
	assert_int_equal(fdt_parent(fdt, node), parent >= 0 ? parent : -ENOENT);
	assert_int_equal(fdt_get_path(blob, node, path, sizeof(path)), 0);
	assert_int_equal(fdt_path(fdt, path), node);
	compare_props(fdt, blob, node);
}

static void compare_with_libfdt(const struct blob *b)
{
	struct fdt fdt = init_ok(b);
	int ours = fdt_root(&fdt), theirs = 0, our_depth = 0, their_depth = 0, nodes = 0;

	assert_int_equal(fdt_check_full(b->data, b->size), 0);
	/* libfdt returns a positive offset once the depth drops below 0; Loupe -ENOENT. */
	for (; theirs >= 0 && their_depth >= 0; theirs = libfdt_next_node(b->data, theirs, &their_depth)) {
		assert_int_equal(ours, theirs);
		assert_int_equal(our_depth, their_depth);
		compare_node(&fdt, b->data, theirs);
		ours = fdt_next_node(&fdt, ours, &our_depth);
		nodes++;
	}
	assert_int_equal(ours, -ENOENT);
	assert_true(nodes > 50);

	const char *compats[] = { "arm,pl011", "virtio,mmio", "arm,cortex-a72", "fixed-clock", "nothing" };
	for (size_t i = 0; i < sizeof(compats) / sizeof(compats[0]); i++) {
		int o = fdt_find_compatible(&fdt, -1, compats[i]);
		int t = fdt_node_offset_by_compatible(b->data, -1, compats[i]);

		for (; t >= 0; t = fdt_node_offset_by_compatible(b->data, t, compats[i])) {
			assert_int_equal(o, t);
			o = fdt_find_compatible(&fdt, o, compats[i]);
		}
		assert_int_equal(o, -ENOENT);
	}
}

static void test_matches_libfdt(void **state)
{
	(void)state;
	compare_with_libfdt(&smp4);
	compare_with_libfdt(&smp1);
	compare_with_libfdt(&initrd);
}

/* ---- Synthetic trees built with libfdt's sequential writer ---- */

#define BUILD_SIZE 4096

static void *build_start(void)
{
	void *buf = aligned_alloc(8, BUILD_SIZE);

	assert_int_equal(fdt_create(buf, BUILD_SIZE), 0);
	return buf;
}

static void build_end(void *buf)
{
	assert_int_equal(fdt_end_node(buf), 0);	/* root */
	assert_int_equal(fdt_finish(buf), 0);
}

static void test_mem_rsv(void **state)
{
	void *buf = build_start();
	struct fdt fdt;
	uint64_t base, size;

	(void)state;
	assert_int_equal(fdt_add_reservemap_entry(buf, 0x40000000, 0x1000), 0);
	assert_int_equal(fdt_add_reservemap_entry(buf, 0x123456789a000ull, 0x200000), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	build_end(buf);

	assert_int_equal(fdt_init(&fdt, buf, BUILD_SIZE), 0);
	assert_int_equal(fdt_mem_rsv(&fdt, 0, &base, &size), 0);
	assert_int_equal(base, 0x40000000);
	assert_int_equal(size, 0x1000);
	assert_int_equal(fdt_mem_rsv(&fdt, 1, &base, &size), 0);
	assert_int_equal(base, 0x123456789a000ull);
	assert_int_equal(size, 0x200000);
	assert_int_equal(fdt_mem_rsv(&fdt, 2, &base, &size), -ENOENT);
	assert_int_equal(fdt_mem_rsv(&fdt, -1, &base, &size), -ENOENT);
	free(buf);
}

static void test_odd_cells_and_interrupt_trees(void **state)
{
	void *buf = build_start();
	struct fdt fdt;
	uint64_t base, size;
	uint32_t t, n, f;
	int bus, dev, loop;

	(void)state;
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_property_u32(buf, "#address-cells", 1), 0);
	assert_int_equal(fdt_property_u32(buf, "#size-cells", 1), 0);
	/* A 1-cell bus, a 3-cell one (PCI-like), a 2-cell interrupt controller. */
	assert_int_equal(fdt_begin_node(buf, "dev@1000"), 0);
	uint32_t reg[] = { cpu_to_fdt32(0x1000), cpu_to_fdt32(0x100), cpu_to_fdt32(0x2000), cpu_to_fdt32(0x10) };
	assert_int_equal(fdt_property(buf, "reg", reg, sizeof(reg)), 0);
	assert_int_equal(fdt_property_u32(buf, "interrupt-parent", 2), 0);
	assert_int_equal(fdt_property(buf, "interrupts", reg, 8), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "pci"), 0);
	assert_int_equal(fdt_property_u32(buf, "#address-cells", 3), 0);
	assert_int_equal(fdt_begin_node(buf, "slot@0"), 0);
	assert_int_equal(fdt_property(buf, "reg", reg, 16), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "intc2"), 0);
	assert_int_equal(fdt_property_u32(buf, "phandle", 2), 0);
	assert_int_equal(fdt_property_u32(buf, "#interrupt-cells", 2), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	/* Two nodes that name each other as interrupt parent, neither a controller. */
	assert_int_equal(fdt_begin_node(buf, "loop-a"), 0);
	assert_int_equal(fdt_property_u32(buf, "phandle", 5), 0);
	assert_int_equal(fdt_property_u32(buf, "interrupt-parent", 6), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "loop-b"), 0);
	assert_int_equal(fdt_property_u32(buf, "linux,phandle", 6), 0);
	assert_int_equal(fdt_property_u32(buf, "interrupt-parent", 5), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	build_end(buf);

	assert_int_equal(fdt_init(&fdt, buf, BUILD_SIZE), 0);
	dev = fdt_path(&fdt, "/dev");
	assert_int_equal(fdt_reg(&fdt, dev, 1, &base, &size), 0);
	assert_int_equal(base, 0x2000);
	assert_int_equal(size, 0x10);
	/* The controller has #interrupt-cells = 2: not a GIC specifier. */
	assert_int_equal(fdt_interrupt_parent(&fdt, dev), fdt_path(&fdt, "/intc2"));
	assert_int_equal(fdt_interrupt(&fdt, dev, 0, &t, &n, &f), -ERANGE);
	bus = fdt_path(&fdt, "/pci/slot");
	assert_int_equal(fdt_reg(&fdt, bus, 0, &base, &size), -ERANGE);
	loop = fdt_path(&fdt, "/loop-a");
	assert_int_equal(fdt_node_by_phandle(&fdt, 6), fdt_path(&fdt, "/loop-b"));
	assert_int_equal(fdt_interrupt_parent(&fdt, loop), -EINVAL);
	free(buf);
}

/* ---- Corrupt blobs ---- */

static unsigned char *exact_copy(const void *src, size_t size)
{
	unsigned char *p = malloc(size ? size : 1);

	memcpy(p, src, size);
	return p;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* A packed copy of the smp4 tree: no padding, so every byte of it matters. */
static unsigned char *packed_smp4(size_t *size)
{
	unsigned char *p = exact_copy(smp4.data, smp4.size);

	assert_int_equal(fdt_pack(p), 0);
	*size = fdt_totalsize(p);
	return p;
}

/* fdt_init of a copy of blob with the 32-bit header field at off set to v. */
static int init_patched(const unsigned char *blob, size_t size, unsigned off, uint32_t v)
{
	unsigned char *p = exact_copy(blob, size);
	struct fdt fdt;
	int ret;

	put_be32(p + off, v);
	ret = fdt_init(&fdt, p, size);
	free(p);
	return ret;
}

static void test_bad_headers(void **state)
{
	size_t size;
	unsigned char *p = packed_smp4(&size);
	uint32_t struct_off = fdt_off_dt_struct(p), struct_size = fdt_size_dt_struct(p);
	uint32_t strings_off = fdt_off_dt_strings(p);
	struct fdt fdt;

	(void)state;
	assert_int_equal(fdt_init(&fdt, p, size), 0);
	assert_int_equal(init_patched(p, size, 0, 0xd00dfeee), -EINVAL);	/* magic */
	assert_int_equal(init_patched(p, size, 20, 15), -EINVAL);		/* version */
	assert_int_equal(init_patched(p, size, 24, 18), -EINVAL);		/* last_comp_version */
	assert_int_equal(init_patched(p, size, 4, (uint32_t)size + 1), -EINVAL);	/* totalsize > max */
	assert_int_equal(init_patched(p, size, 4, 39), -EINVAL);		/* smaller than the header */
	assert_int_equal(init_patched(p, size, 8, struct_off + 2), -EINVAL);	/* struct misaligned */
	assert_int_equal(init_patched(p, size, 8, 8), -EINVAL);			/* struct inside the header */
	assert_int_equal(init_patched(p, size, 36, struct_size + 4096), -EINVAL);
	assert_int_equal(init_patched(p, size, 36, 0xfffffffc), -EINVAL);	/* offset + size wraps */
	assert_int_equal(init_patched(p, size, 12, (uint32_t)size), -EINVAL);	/* strings past the end */
	assert_int_equal(init_patched(p, size, 32, 0xffffffff), -EINVAL);
	assert_int_equal(init_patched(p, size, 16, 44), -EINVAL);		/* rsvmap misaligned */
	assert_int_equal(init_patched(p, size, 16, (uint32_t)size - 8), -EINVAL);	/* no room for its end */
	/* The root's first property names a string beyond the strings block. */
	assert_int_equal(init_patched(p, size, struct_off + 16, fdt_size_dt_strings(p)), -EINVAL);
	assert_int_equal(init_patched(p, size, struct_off + 16, 0xfffffff0), -EINVAL);
	/* A property whose length runs past the structure block. */
	assert_int_equal(init_patched(p, size, struct_off + 12, struct_size), -EINVAL);
	/* An unknown token instead of the root's BEGIN_NODE. */
	assert_int_equal(init_patched(p, size, struct_off, 7), -EINVAL);
	/* The strings block's last NUL replaced: the last name runs off the block. */
	unsigned char *q = exact_copy(p, size);
	q[strings_off + fdt_size_dt_strings(p) - 1] = 'x';
	assert_int_equal(fdt_init(&fdt, q, size), -EINVAL);
	free(q);

	/* Misaligned blob, too little room, no blob. */
	q = malloc(size + 4);
	memcpy(q + 4, p, size);
	assert_int_equal(fdt_init(&fdt, q + 4, size), -EINVAL);
	free(q);
	assert_int_equal(fdt_init(&fdt, p, 35), -EINVAL);
	assert_int_equal(fdt_init(&fdt, p, size - 1), -EINVAL);
	assert_int_equal(fdt_init(&fdt, NULL, size), -EINVAL);
	free(p);
}

static void test_v16_layout(void **state)
{
	size_t size;
	unsigned char *p = packed_smp4(&size);
	struct fdt fdt;

	(void)state;
	/* v16 has no size_dt_struct: the walk must find END on its own. */
	put_be32(p + 20, 16);
	put_be32(p + 36, 0xdeadbeef);
	assert_int_equal(fdt_init(&fdt, p, size), 0);
	assert_int_equal(fdt.version, 16);
	assert_true(fdt_find_compatible(&fdt, -1, "arm,pl011") > 0);
	free(p);
}

static void test_missing_end(void **state)
{
	size_t size;
	unsigned char *p = packed_smp4(&size);
	uint32_t end = fdt_off_dt_struct(p) + fdt_size_dt_struct(p) - 4;
	struct fdt fdt;

	(void)state;
	assert_int_equal(fdt_init(&fdt, p, size), 0);
	assert_int_equal(init_patched(p, size, end, 4), -EINVAL);	/* END -> NOP */
	assert_int_equal(init_patched(p, size, end, 2), -EINVAL);	/* END -> END_NODE */
	assert_int_equal(init_patched(p, size, end - 4, 4), -EINVAL);	/* root never closed */
	assert_int_equal(init_patched(p, size, end, 1), -EINVAL);	/* a node with no name room */
	free(p);
}

/*
 * Uses every accessor on every node, reading every byte of every value it
 * is handed; with ASan this proves the reader stays inside the blob.
 * Returns a checksum so nothing can be optimised away.
 */
static unsigned exercise(const struct fdt *fdt)
{
	unsigned sum = 0;
	int depth = 0, steps = 0, node;
	uint64_t a, b;
	uint32_t t, n, f;

	for (node = fdt_root(fdt); node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		const char *name = fdt_node_name(fdt, node);

		assert_true(++steps <= (int)fdt->struct_size / 4);
		sum += name ? (unsigned)strlen(name) : 1;
		sum += (unsigned)fdt_parent(fdt, node) + (unsigned)fdt_first_child(fdt, node);
		sum += (unsigned)fdt_next_sibling(fdt, node);
		for (int prop = fdt_first_prop(fdt, node), k = 0; prop >= 0; prop = fdt_next_prop(fdt, prop)) {
			const char *pname;
			int len;
			const unsigned char *v = fdt_prop_at(fdt, prop, &pname, &len);

			assert_true(++k <= (int)fdt->struct_size / 4);
			if (v == NULL)
				break;
			sum += (unsigned)strlen(pname);
			for (int i = 0; i < len; i++)
				sum += v[i];
		}
		/* One index per node, varying: each call may walk the tree several times. */
		if (fdt_reg(fdt, node, steps % 3, &a, &b) == 0)
			sum += (unsigned)(a + b);
		if (fdt_interrupt(fdt, node, steps % 3, &t, &n, &f) == 0)
			sum += t + n + f;
		sum += (unsigned)fdt_address_cells(fdt, node) + (unsigned)fdt_size_cells(fdt, node);
		sum += fdt_prop_has_string(fdt, node, "compatible", "arm,pl011");
		sum += fdt_prop_string(fdt, node, "device_type") != NULL;
	}
	for (node = -1, steps = 0; (node = fdt_find_compatible(fdt, node, "virtio,mmio")) >= 0;)
		assert_true(++steps <= (int)fdt->struct_size / 4);
	for (int i = 0; fdt_mem_rsv(fdt, i, &a, &b) == 0; i++)
		assert_true(i < 1000);
	sum += (unsigned)fdt_path(fdt, "/cpus/cpu@0") + (unsigned)fdt_path(fdt, "serial0");
	sum += (unsigned)fdt_node_by_phandle(fdt, 0x8005);
	return sum;
}

static void test_truncated(void **state)
{
	size_t size;
	unsigned char *p = packed_smp4(&size);
	struct fdt fdt;

	(void)state;
	for (size_t len = 0; len < size; len++) {
		unsigned char *q = exact_copy(p, len);

		/* The header still claims the full size: always rejected. */
		assert_int_equal(fdt_init(&fdt, q, len), -EINVAL);
		/* Claiming exactly what is there: rejected, or valid and safe to walk. */
		if (len >= 40) {
			put_be32(q + 4, (uint32_t)len);
			if (fdt_init(&fdt, q, len) == 0)
				exercise(&fdt);
		}
		free(q);
	}
	free(p);
}

/* xorshift32: a fixed seed makes any failure reproducible. */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static void flip_bytes(unsigned char *q, size_t size, uint32_t *rng)
{
	int flips = 1 + next_random(rng) % 4;

	for (int i = 0; i < flips; i++) {
		size_t at = next_random(rng) % size;

		/* Half the time one bit, half the time a whole new byte. */
		if (next_random(rng) & 1)
			q[at] ^= (unsigned char)(1u << (next_random(rng) % 8));
		else
			q[at] = (unsigned char)next_random(rng);
	}
}

static void test_random_flips(void **state)
{
	size_t size;
	unsigned char *p = packed_smp4(&size);
	uint32_t rng = 0x10ea5eed;
	int accepted = 0;
	struct fdt fdt;

	(void)state;
	for (int iter = 0; iter < 3000; iter++) {
		unsigned char *q = exact_copy(p, size);

		flip_bytes(q, size, &rng);
		if (fdt_init(&fdt, q, size) == 0) {
			accepted++;
			exercise(&fdt);
		}
		free(q);
	}
	/* Most flips land in values and names, which are still a valid tree. */
	assert_true(accepted > 100);
	free(p);
}

/* The blob changing after fdt_init (a stray DMA, a bad memcpy) must not make accessors overrun. */
static void test_corrupted_after_init(void **state)
{
	size_t size;
	unsigned char *p = packed_smp4(&size);
	uint32_t rng = 0xc0ffee;
	struct fdt fdt;

	(void)state;
	for (int iter = 0; iter < 2000; iter++) {
		unsigned char *q = exact_copy(p, size);

		assert_int_equal(fdt_init(&fdt, q, size), 0);
		flip_bytes(q + fdt.struct_off, fdt.struct_size, &rng);
		exercise(&fdt);
		free(q);
	}
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_uarts),
		cmocka_unit_test(test_gic),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_psci),
		cmocka_unit_test(test_virtio_mmio),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_chosen_initrd),
		cmocka_unit_test(test_paths_and_navigation),
		cmocka_unit_test(test_cells_and_phandles),
		cmocka_unit_test(test_matches_libfdt),
		cmocka_unit_test(test_mem_rsv),
		cmocka_unit_test(test_odd_cells_and_interrupt_trees),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_v16_layout),
		cmocka_unit_test(test_missing_end),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_random_flips),
		cmocka_unit_test(test_corrupted_after_init),
	};

	return cmocka_run_group_tests(tests, setup_blobs, teardown_blobs);
}
