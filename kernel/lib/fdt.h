#pragma once

/*
 * A read-only reader for the flattened device tree (DTB) that firmware, or
 * QEMU, hands the kernel in x0 at boot. It follows the Devicetree
 * Specification v0.4, chapter 5 ("Flattened Devicetree (DTB) Format").
 *
 * Nothing here allocates memory or trusts the blob: fdt_init checks the
 * header and walks the whole structure block once, and every accessor checks
 * again each offset it reads, so a corrupt tree gives an error, never an
 * out-of-bounds read or an endless loop.
 *
 * Nodes and properties are named by int offsets into the structure block.
 * A negative value is an error: -ENOENT for "no such node/property/entry",
 * -EINVAL for a corrupt tree, -ERANGE for a value this reader cannot decode
 * (an address wider than 64 bits, an interrupt specifier that is not 3 cells).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What fdt_init learnt from the header; all offsets are from the blob's start. */
struct fdt {
	const uint8_t *blob;
	uint32_t total_size;
	uint32_t struct_off;
	uint32_t struct_size;
	uint32_t strings_off;
	uint32_t strings_size;
	uint32_t rsvmap_off;
	uint32_t version;
	uint32_t boot_cpuid;
};

/*
 * Checks that blob (8-byte aligned, at most max_size readable bytes) holds a
 * well-formed tree and fills *fdt. Returns 0 or -EINVAL.
 */
int fdt_init(struct fdt *fdt, const void *blob, size_t max_size);

/* Bytes the blob occupies, so the memory manager can keep it. */
static inline uint32_t fdt_total_size(const struct fdt *fdt)
{
	return fdt->total_size;
}

/* The index-th /memreserve/ entry: 0, or -ENOENT past the last one. */
int fdt_mem_rsv(const struct fdt *fdt, int index, uint64_t *base, uint64_t *size);

/* ---- Walking the tree ---- */

int fdt_root(const struct fdt *fdt);

/*
 * The node after `node` in depth-first order (node = -1 gives the root).
 * If depth is not NULL, *depth goes up by one entering a child and down by
 * one per node left; once it would drop below 0 the walk stops with -ENOENT,
 * so starting at 0 visits exactly node's subtree.
 */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);

int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
/* -ENOENT for the root. Costs a walk from the root: the DTB has no back links. */
int fdt_parent(const struct fdt *fdt, int node);

/* "uart@9000000", or "" for the root; NULL if node is not a node. */
const char *fdt_node_name(const struct fdt *fdt, int node);

/*
 * Looks up "/cpus/cpu@0". A component matches a node's full name, or the
 * name without its "@unit-address" ("/memory" finds "memory@40000000").
 * A path not starting with '/' begins with an alias from /aliases
 * ("serial0/..."), as the specification allows.
 */
int fdt_path(const struct fdt *fdt, const char *path);

/* The first node after start_after (-1: from the root) with compat in its "compatible" list. */
int fdt_find_compatible(const struct fdt *fdt, int start_after, const char *compat);

/* The node whose "phandle" (or older "linux,phandle") is phandle. */
int fdt_node_by_phandle(const struct fdt *fdt, uint32_t phandle);

/* ---- Properties ---- */

/*
 * The value of property name of node and, in *len if not NULL, its length.
 * On failure returns NULL and stores -ENOENT or -EINVAL in *len.
 * The value is big-endian and only 4-byte aligned: read it with fdt_be32.
 */
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, int *len);

/* Iterating over all properties of a node: offsets, negative at the end (-ENOENT). */
int fdt_first_prop(const struct fdt *fdt, int node);
int fdt_next_prop(const struct fdt *fdt, int prop);
/* The value, name and length of the property at offset prop; NULL if corrupt. */
const void *fdt_prop_at(const struct fdt *fdt, int prop, const char **name, int *len);

/* A 1-cell property. 0, -ENOENT, or -EINVAL if it is not exactly 4 bytes. */
int fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out);
/* A 2-cell property; a 1-cell one is accepted too (linux,initrd-start may be either). */
int fdt_prop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out);
/* A NUL-terminated string property, or NULL. */
const char *fdt_prop_string(const struct fdt *fdt, int node, const char *name);
/* Whether the string-list property name contains str ("compatible"-style). */
bool fdt_prop_has_string(const struct fdt *fdt, int node, const char *name, const char *str);

/* ---- Addresses and interrupts ---- */

/* node's #address-cells / #size-cells (how its children's reg is laid out), with the defaults 2 and 1. */
int fdt_address_cells(const struct fdt *fdt, int node);
int fdt_size_cells(const struct fdt *fdt, int node);

/*
 * The index-th (address, size) pair of node's reg, laid out by the PARENT's
 * #address-cells and #size-cells. The address is as the parent bus sees it:
 * no "ranges" translation is done (on QEMU virt every bus maps 1:1).
 */
int fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *base, uint64_t *size);

/* The first cell of a GIC interrupt specifier. */
enum fdt_irq_type {
	FDT_IRQ_SPI = 0,	/* shared peripheral interrupt: GIC INTID = number + 32 */
	FDT_IRQ_PPI = 1,	/* private per-CPU interrupt: GIC INTID = number + 16 */
};

/* The interrupt controller that node's interrupts go to (spec 2.4.1). */
int fdt_interrupt_parent(const struct fdt *fdt, int node);

/*
 * Decodes the index-th specifier of node's "interrupts" property, which must
 * be the 3-cell <type number flags> form of an ARM GIC (#interrupt-cells = 3
 * in the interrupt parent; -ERANGE otherwise).
 */
int fdt_interrupt(const struct fdt *fdt, int node, int index,
		  uint32_t *type, uint32_t *number, uint32_t *flags);

/* A big-endian 32-bit cell read byte by byte, so any alignment is fine. */
static inline uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}
