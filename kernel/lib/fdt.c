/*
 * Reading a DTB (Devicetree Specification v0.4, chapter 5).
 *
 * The blob is a 40-byte header followed by three blocks it points to:
 *   - the memory reservation map: (address, size) pairs of 64-bit cells,
 *     ended by a (0, 0) pair;
 *   - the structure block: a stream of 32-bit big-endian tokens that
 *     spells the tree depth-first,
 *       BEGIN_NODE "name\0" (padded to 4)  ... properties ... children ... END_NODE
 *       PROP len nameoff value[len] (padded to 4)
 *       NOP (ignored)          END (once, after the root node)
 *   - the strings block: the NUL-terminated property names, which PROP
 *     tokens point into so that each name is stored once.
 *
 * Every multi-byte value is big-endian and is read byte by byte: the blob
 * may sit at any 8-byte aligned address and the kernel may run with the
 * MMU off, where an unaligned access faults.
 */
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/fdt.h"
#include "lib/string.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_FIRST_VERSION 16	/* oldest layout this reader understands */
#define FDT_LAST_VERSION 17	/* newest layout this reader can read */

/* Header field offsets (spec 5.2). size_dt_struct only exists from v17. */
enum fdt_header_field {
	HDR_MAGIC = 0,
	HDR_TOTALSIZE = 4,
	HDR_OFF_DT_STRUCT = 8,
	HDR_OFF_DT_STRINGS = 12,
	HDR_OFF_MEM_RSVMAP = 16,
	HDR_VERSION = 20,
	HDR_LAST_COMP_VERSION = 24,
	HDR_BOOT_CPUID_PHYS = 28,
	HDR_SIZE_DT_STRINGS = 32,
	HDR_SIZE_DT_STRUCT = 36,
	HDR_SIZE_V16 = 36,
	HDR_SIZE_V17 = 40,
};

/* Structure block tokens (spec 5.4.1). */
enum fdt_token {
	TOKEN_BEGIN_NODE = 1,
	TOKEN_END_NODE = 2,
	TOKEN_PROP = 3,
	TOKEN_NOP = 4,
	TOKEN_END = 9,
};

#define TOKEN_SIZE 4
#define PROP_HEADER_SIZE 12	/* token, len, nameoff */
#define RSV_ENTRY_SIZE 16	/* two 64-bit cells */

/* More cells than this in #address-cells/#size-cells is a corrupt tree. */
#define FDT_MAX_CELLS 4
/* A chain of interrupt parents longer than this is a loop. */
#define FDT_MAX_IRQ_HOPS 64

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)fdt_be32(p) << 32 | fdt_be32(p + 4);
}

static const uint8_t *struct_block(const struct fdt *fdt)
{
	return fdt->blob + fdt->struct_off;
}

/* Whether [off, off + len) lies inside a block of block_size bytes, without overflowing. */
static bool in_block(uint32_t block_size, uint32_t off, uint32_t len)
{
	return off <= block_size && len <= block_size - off;
}

/* A property name: the NUL-terminated string at nameoff in the strings block, or NULL. */
static const char *string_at(const struct fdt *fdt, uint32_t nameoff)
{
	const char *s;

	if (nameoff >= fdt->strings_size)
		return NULL;
	s = (const char *)fdt->blob + fdt->strings_off + nameoff;
	if (strnlen(s, fdt->strings_size - nameoff) == fdt->strings_size - nameoff)
		return NULL;
	return s;
}

/* Where the token after a BEGIN_NODE at off starts, or -EINVAL if its name runs off the block. */
static int skip_node_name(const struct fdt *fdt, uint32_t off)
{
	uint32_t name_off = off + TOKEN_SIZE;
	uint32_t room = fdt->struct_size - name_off;
	size_t len = strnlen((const char *)struct_block(fdt) + name_off, room);

	if (len == room)
		return -EINVAL;
	return (int)(name_off + ALIGN_UP((uint32_t)len + 1, TOKEN_SIZE));
}

/* Where the token after a PROP at off starts, or -EINVAL if its value runs off the block. */
static int skip_prop(const struct fdt *fdt, uint32_t off)
{
	uint32_t len;

	if (!in_block(fdt->struct_size, off, PROP_HEADER_SIZE))
		return -EINVAL;
	len = fdt_be32(struct_block(fdt) + off + 4);
	if (!in_block(fdt->struct_size, off + PROP_HEADER_SIZE, len))
		return -EINVAL;
	return (int)(off + PROP_HEADER_SIZE + ALIGN_UP(len, TOKEN_SIZE));
}

/*
 * Decodes the token at off and stores in *next where the following one
 * starts. Returns the token, or -EINVAL for anything that would make a
 * reader leave the structure block. *next > off always, which is what
 * bounds every walk in this file.
 */
static int read_token(const struct fdt *fdt, int off, int *next)
{
	uint32_t uoff = (uint32_t)off;
	int token, after;

	if (off < 0 || !IS_ALIGNED(uoff, TOKEN_SIZE) || !in_block(fdt->struct_size, uoff, TOKEN_SIZE))
		return -EINVAL;
	token = (int)fdt_be32(struct_block(fdt) + uoff);
	switch (token) {
	case TOKEN_BEGIN_NODE:
		after = skip_node_name(fdt, uoff);
		break;
	case TOKEN_PROP:
		after = skip_prop(fdt, uoff);
		break;
	case TOKEN_END_NODE:
	case TOKEN_NOP:
	case TOKEN_END:
		after = off + TOKEN_SIZE;
		break;
	default:
		return -EINVAL;
	}
	if (after < 0 || (uint32_t)after > fdt->struct_size)
		return -EINVAL;
	*next = after;
	return token;
}

/* The offset just past node's BEGIN_NODE and name, or -EINVAL if node is not a node. */
static int node_body(const struct fdt *fdt, int node)
{
	int next;

	if (read_token(fdt, node, &next) != TOKEN_BEGIN_NODE)
		return -EINVAL;
	return next;
}

/* ---- Validation ---- */

/* Each block must lie after the header and inside totalsize. */
static bool block_ok(uint32_t total, uint32_t hdr_size, uint32_t off, uint32_t size)
{
	return off >= hdr_size && in_block(total, off, size);
}

/* The reservation map must end with its (0, 0) entry before totalsize. */
static int check_rsvmap(const struct fdt *fdt)
{
	uint32_t off = fdt->rsvmap_off;

	for (; in_block(fdt->total_size, off, RSV_ENTRY_SIZE); off += RSV_ENTRY_SIZE) {
		if (be64(fdt->blob + off) == 0 && be64(fdt->blob + off + 8) == 0)
			return 0;
	}
	return -EINVAL;
}

/*
 * Walks every token once: nodes must nest, properties sit inside a node and
 * name a string inside the strings block, and exactly one root is followed
 * by END. After this, a walk can only fail if the blob changes under us.
 */
static int check_structure(const struct fdt *fdt)
{
	int off = 0, next, depth = 0, roots = 0;
	const char *name;

	for (;; off = next) {
		switch (read_token(fdt, off, &next)) {
		case TOKEN_BEGIN_NODE:
			if (depth++ == 0 && roots++ > 0)
				return -EINVAL;
			break;
		case TOKEN_END_NODE:
			if (depth-- == 0)
				return -EINVAL;
			break;
		case TOKEN_PROP:
			if (depth == 0 || fdt_prop_at(fdt, off, &name, NULL) == NULL)
				return -EINVAL;
			break;
		case TOKEN_NOP:
			break;
		case TOKEN_END:
			return depth == 0 && roots == 1 ? 0 : -EINVAL;
		default:
			return -EINVAL;
		}
	}
}

/* Fills *fdt from the header at b once it is known that the blob holds one. */
static int read_header(struct fdt *fdt, const uint8_t *b, size_t max_size)
{
	uint32_t hdr_size, last_comp;

	fdt->blob = b;
	fdt->version = fdt_be32(b + HDR_VERSION);
	last_comp = fdt_be32(b + HDR_LAST_COMP_VERSION);
	if (fdt->version < FDT_FIRST_VERSION || last_comp > FDT_LAST_VERSION)
		return -EINVAL;
	hdr_size = fdt->version >= 17 ? HDR_SIZE_V17 : HDR_SIZE_V16;
	fdt->total_size = fdt_be32(b + HDR_TOTALSIZE);
	if (fdt->total_size < hdr_size || fdt->total_size > max_size || fdt->total_size > INT32_MAX)
		return -EINVAL;
	fdt->struct_off = fdt_be32(b + HDR_OFF_DT_STRUCT);
	fdt->strings_off = fdt_be32(b + HDR_OFF_DT_STRINGS);
	fdt->strings_size = fdt_be32(b + HDR_SIZE_DT_STRINGS);
	fdt->rsvmap_off = fdt_be32(b + HDR_OFF_MEM_RSVMAP);
	fdt->boot_cpuid = fdt_be32(b + HDR_BOOT_CPUID_PHYS);
	/* v16 has no size_dt_struct: the block runs to the end of the blob. */
	fdt->struct_size = 0;
	if (fdt->version >= 17)
		fdt->struct_size = fdt_be32(b + HDR_SIZE_DT_STRUCT);
	else if (fdt->struct_off <= fdt->total_size)
		fdt->struct_size = ALIGN_DOWN(fdt->total_size - fdt->struct_off, TOKEN_SIZE);

	/* Spec 5.1: the reservation map is 8-byte aligned, the structure block 4-byte aligned. */
	if (!IS_ALIGNED(fdt->rsvmap_off, 8) || !IS_ALIGNED(fdt->struct_off, TOKEN_SIZE) ||
	    !IS_ALIGNED(fdt->struct_size, TOKEN_SIZE))
		return -EINVAL;
	if (!block_ok(fdt->total_size, hdr_size, fdt->struct_off, fdt->struct_size) ||
	    !block_ok(fdt->total_size, hdr_size, fdt->strings_off, fdt->strings_size) ||
	    !block_ok(fdt->total_size, hdr_size, fdt->rsvmap_off, 0))
		return -EINVAL;
	return 0;
}

int fdt_init(struct fdt *fdt, const void *blob, size_t max_size)
{
	const uint8_t *b = blob;
	struct fdt tmp;
	int err;

	/* Spec 5.1: the blob is 8-byte aligned. */
	if (b == NULL || !IS_ALIGNED((uintptr_t)b, 8) || max_size < HDR_SIZE_V16)
		return -EINVAL;
	if (fdt_be32(b + HDR_MAGIC) != FDT_MAGIC)
		return -EINVAL;
	/* Validate into a copy so that *fdt is only ever a valid tree. */
	err = read_header(&tmp, b, max_size);
	if (!err)
		err = check_rsvmap(&tmp);
	if (!err)
		err = check_structure(&tmp);
	if (!err)
		*fdt = tmp;
	return err;
}

int fdt_mem_rsv(const struct fdt *fdt, int index, uint64_t *base, uint64_t *size)
{
	uint32_t off = fdt->rsvmap_off;
	uint64_t b, s;
	int i;

	if (index < 0)
		return -ENOENT;
	for (i = 0;; i++, off += RSV_ENTRY_SIZE) {
		if (!in_block(fdt->total_size, off, RSV_ENTRY_SIZE))
			return -EINVAL;
		b = be64(fdt->blob + off);
		s = be64(fdt->blob + off + 8);
		if (b == 0 && s == 0)
			return -ENOENT;
		if (i == index)
			break;
	}
	if (base)
		*base = b;
	if (size)
		*size = s;
	return 0;
}

/* ---- Walking the tree ---- */

/* The first BEGIN_NODE at or after off, skipping NOPs; used to find the root. */
static int first_node_from(const struct fdt *fdt, int off)
{
	int next;

	for (;; off = next) {
		int token = read_token(fdt, off, &next);
		if (token == TOKEN_BEGIN_NODE)
			return off;
		if (token != TOKEN_NOP)
			return -EINVAL;
	}
}

int fdt_root(const struct fdt *fdt)
{
	return first_node_from(fdt, 0);
}

int fdt_next_node(const struct fdt *fdt, int node, int *depth)
{
	int off, next;

	if (node == -1)
		return fdt_root(fdt);
	off = node_body(fdt, node);
	if (off < 0)
		return off;
	for (;; off = next) {
		switch (read_token(fdt, off, &next)) {
		case TOKEN_BEGIN_NODE:
			if (depth)
				(*depth)++;
			return off;
		case TOKEN_END_NODE:
			if (depth && --(*depth) < 0)
				return -ENOENT;
			break;
		case TOKEN_PROP:
		case TOKEN_NOP:
			break;
		case TOKEN_END:
			return -ENOENT;
		default:
			return -EINVAL;
		}
	}
}

int fdt_first_child(const struct fdt *fdt, int node)
{
	int depth = 0;
	int child = fdt_next_node(fdt, node, &depth);

	if (child < 0)
		return child;
	/* Depth 0 means the next node is a sibling: node has no children. */
	return depth == 1 ? child : -ENOENT;
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
	int depth = 1;

	/*
	 * Counting node's own level as 1: its descendants are deeper, a sibling
	 * is back at 1, and the parent's END_NODE takes the count below 0.
	 */
	do {
		node = fdt_next_node(fdt, node, &depth);
	} while (node >= 0 && depth > 1);
	return node;
}

/*
 * Offsets grow in depth-first order, so a node's descendants lie between it
 * and its next sibling. Starting at the root, go down into the one child
 * whose range holds node until node is a child: one pass over the tree at
 * most, skipping every subtree that cannot hold node.
 */
int fdt_parent(const struct fdt *fdt, int node)
{
	int parent = fdt_root(fdt);
	int child;

	if (parent < 0 || node == parent)
		return parent < 0 ? parent : -ENOENT;
	child = fdt_first_child(fdt, parent);
	while (child >= 0 && child <= node) {
		if (child == node)
			return parent;
		int sibling = fdt_next_sibling(fdt, child);
		if (sibling < 0 && sibling != -ENOENT)
			return sibling;
		if (child < node && (sibling < 0 || node < sibling)) {
			parent = child;
			child = fdt_first_child(fdt, parent);
		} else {
			child = sibling;
		}
	}
	/* Passed node or ran out of children: node is not the start of any node. */
	return child >= 0 || child == -ENOENT ? -EINVAL : child;
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
	if (node_body(fdt, node) < 0)
		return NULL;
	return (const char *)struct_block(fdt) + node + TOKEN_SIZE;
}

/* ---- Properties ---- */

/* The first PROP at or after off, before the node's children; -ENOENT if none. */
static int prop_from(const struct fdt *fdt, int off)
{
	int next;

	for (;; off = next) {
		switch (read_token(fdt, off, &next)) {
		case TOKEN_PROP:
			return off;
		case TOKEN_NOP:
			break;
		case TOKEN_BEGIN_NODE:
		case TOKEN_END_NODE:
		case TOKEN_END:
			return -ENOENT;
		default:
			return -EINVAL;
		}
	}
}

int fdt_first_prop(const struct fdt *fdt, int node)
{
	int off = node_body(fdt, node);

	return off < 0 ? off : prop_from(fdt, off);
}

int fdt_next_prop(const struct fdt *fdt, int prop)
{
	int next;

	if (read_token(fdt, prop, &next) != TOKEN_PROP)
		return -EINVAL;
	return prop_from(fdt, next);
}

const void *fdt_prop_at(const struct fdt *fdt, int prop, const char **name, int *len)
{
	const uint8_t *p;
	const char *s;
	int next;

	if (read_token(fdt, prop, &next) != TOKEN_PROP)
		return NULL;
	p = struct_block(fdt) + prop;
	s = string_at(fdt, fdt_be32(p + 8));
	if (s == NULL)
		return NULL;
	if (name)
		*name = s;
	if (len)
		*len = (int)fdt_be32(p + 4);
	return p + PROP_HEADER_SIZE;
}

/* fdt_getprop for a name that is not NUL-terminated (an alias inside a path). */
static const void *getprop_n(const struct fdt *fdt, int node, const char *name,
			     size_t name_len, int *len)
{
	const char *pname;
	int prop, plen;

	for (prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop)) {
		const void *value = fdt_prop_at(fdt, prop, &pname, &plen);
		if (value == NULL) {
			prop = -EINVAL;
			break;
		}
		if (strncmp(pname, name, name_len) == 0 && pname[name_len] == '\0') {
			if (len)
				*len = plen;
			return value;
		}
	}
	if (len)
		*len = prop;
	return NULL;
}

const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, int *len)
{
	return getprop_n(fdt, node, name, strlen(name), len);
}

int fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL)
		return len;
	if (len != 4)
		return -EINVAL;
	*out = fdt_be32(p);
	return 0;
}

int fdt_prop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL)
		return len;
	if (len == 4)
		*out = fdt_be32(p);
	else if (len == 8)
		*out = be64(p);
	else
		return -EINVAL;
	return 0;
}

const char *fdt_prop_string(const struct fdt *fdt, int node, const char *name)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	/* An empty property or one without its NUL is not a string. */
	if (s == NULL || len <= 0 || strnlen(s, (size_t)len) == (size_t)len)
		return NULL;
	return s;
}

bool fdt_prop_has_string(const struct fdt *fdt, int node, const char *name, const char *str)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);
	size_t left = s ? (size_t)len : 0;

	/* A string list is "one\0two\0"; an unterminated last entry does not count. */
	while (left > 0) {
		size_t n = strnlen(s, left);
		if (n == left)
			return false;
		if (strcmp(s, str) == 0)
			return true;
		s += n + 1;
		left -= n + 1;
	}
	return false;
}

/* ---- Looking nodes up ---- */

/* "memory" matches "memory" and "memory@40000000"; "memory@0" only "memory@0". */
static bool name_matches(const char *name, const char *comp, size_t len)
{
	if (strncmp(name, comp, len) != 0)
		return false;
	if (name[len] == '\0')
		return true;
	for (size_t i = 0; i < len; i++) {
		if (comp[i] == '@')
			return false;
	}
	return name[len] == '@';
}

static int find_child(const struct fdt *fdt, int node, const char *comp, size_t len)
{
	int child;

	for (child = fdt_first_child(fdt, node); child >= 0; child = fdt_next_sibling(fdt, child)) {
		const char *name = fdt_node_name(fdt, child);

		if (name == NULL)
			return -EINVAL;
		if (name_matches(name, comp, len))
			return child;
	}
	return child;
}

static size_t component_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != '/')
		n++;
	return n;
}

/* Resolves the alias at the start of path; an alias must name an absolute path. */
static int resolve_alias(const struct fdt *fdt, const char *alias, size_t len)
{
	int aliases = fdt_path(fdt, "/aliases");
	int plen;
	const char *target;

	if (len == 0)
		return -ENOENT;
	if (aliases < 0)
		return aliases;
	target = getprop_n(fdt, aliases, alias, len, &plen);
	if (target == NULL)
		return plen;
	if (plen <= 0 || target[0] != '/' || strnlen(target, (size_t)plen) == (size_t)plen)
		return -EINVAL;
	return fdt_path(fdt, target);
}

int fdt_path(const struct fdt *fdt, const char *path)
{
	int node;
	size_t len;

	if (*path == '/') {
		node = fdt_root(fdt);
	} else {
		len = component_len(path);
		node = resolve_alias(fdt, path, len);
		path += len;
	}
	while (node >= 0 && *path != '\0') {
		while (*path == '/')
			path++;
		len = component_len(path);
		if (len > 0)
			node = find_child(fdt, node, path, len);
		path += len;
	}
	return node;
}

int fdt_find_compatible(const struct fdt *fdt, int start_after, const char *compat)
{
	int node = start_after;

	do {
		node = fdt_next_node(fdt, node, NULL);
	} while (node >= 0 && !fdt_prop_has_string(fdt, node, "compatible", compat));
	return node;
}

/* Whether node's "phandle" or older "linux,phandle" property is phandle; one pass over its properties. */
static bool has_phandle(const struct fdt *fdt, int node, uint32_t phandle)
{
	const char *name;
	int prop, len;

	for (prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop)) {
		const void *value = fdt_prop_at(fdt, prop, &name, &len);
		if (value == NULL)
			return false;
		if (len == 4 && fdt_be32(value) == phandle &&
		    (strcmp(name, "phandle") == 0 || strcmp(name, "linux,phandle") == 0))
			return true;
	}
	return false;
}

int fdt_node_by_phandle(const struct fdt *fdt, uint32_t phandle)
{
	int node;

	/* Spec 2.3.3: 0 and 0xffffffff are never valid phandles. */
	if (phandle == 0 || phandle == 0xffffffffu)
		return -ENOENT;
	for (node = fdt_root(fdt); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		if (has_phandle(fdt, node, phandle))
			return node;
	}
	return node;
}

/* ---- Addresses and interrupts ---- */

static int cells_prop(const struct fdt *fdt, int node, const char *name, uint32_t dflt)
{
	uint32_t cells;
	int err = fdt_prop_u32(fdt, node, name, &cells);

	if (err == -ENOENT)
		return (int)dflt;
	if (err < 0)
		return err;
	return cells <= FDT_MAX_CELLS ? (int)cells : -EINVAL;
}

/* Spec 2.3.5: when absent, #address-cells is 2 and #size-cells is 1. */
int fdt_address_cells(const struct fdt *fdt, int node)
{
	return cells_prop(fdt, node, "#address-cells", 2);
}

int fdt_size_cells(const struct fdt *fdt, int node)
{
	return cells_prop(fdt, node, "#size-cells", 1);
}

/* A number of one or two cells (the caller has checked n <= 2). */
static uint64_t read_cells(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt_be32(p + 4 * i);
	return v;
}

int fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *base, uint64_t *size)
{
	int parent, acells, scells, stride, len;
	const uint8_t *reg;

	/* Look for reg first: finding the parent costs a walk of the tree. */
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (reg == NULL)
		return len;
	parent = fdt_parent(fdt, node);
	if (parent < 0)
		return parent;
	acells = fdt_address_cells(fdt, parent);
	scells = fdt_size_cells(fdt, parent);
	if (acells < 0 || scells < 0)
		return acells < 0 ? acells : scells;
	if (acells > 2 || scells > 2 || acells + scells == 0)
		return -ERANGE;
	stride = 4 * (acells + scells);
	if (len % stride != 0)
		return -EINVAL;
	if (index < 0 || index >= len / stride)
		return -ENOENT;
	reg += index * stride;
	if (base)
		*base = read_cells(reg, acells);
	if (size)
		*size = read_cells(reg + 4 * acells, scells);
	return 0;
}

/*
 * Spec 2.4.1: a node's interrupt parent is named by its interrupt-parent
 * phandle or, without one, is its tree parent. The chain is followed until
 * a node that defines #interrupt-cells (an interrupt controller or nexus),
 * so a device inherits the root's interrupt-parent (QEMU virt's GIC).
 */
int fdt_interrupt_parent(const struct fdt *fdt, int node)
{
	uint32_t phandle;

	for (int hop = 0; hop < FDT_MAX_IRQ_HOPS; hop++) {
		int err = fdt_prop_u32(fdt, node, "interrupt-parent", &phandle);
		if (err == 0)
			node = fdt_node_by_phandle(fdt, phandle);
		else if (err == -ENOENT)
			node = fdt_parent(fdt, node);
		else
			return err;
		if (node < 0)
			return node;
		if (fdt_getprop(fdt, node, "#interrupt-cells", NULL) != NULL)
			return node;
	}
	return -EINVAL;
}

int fdt_interrupt(const struct fdt *fdt, int node, int index,
		  uint32_t *type, uint32_t *number, uint32_t *flags)
{
	const uint8_t *spec;
	uint32_t cells;
	int parent, err, len;

	/* Look for interrupts first: finding the interrupt parent costs walks of the tree. */
	spec = fdt_getprop(fdt, node, "interrupts", &len);
	if (spec == NULL)
		return len;
	parent = fdt_interrupt_parent(fdt, node);
	if (parent < 0)
		return parent;
	err = fdt_prop_u32(fdt, parent, "#interrupt-cells", &cells);
	if (err < 0)
		return err;
	if (cells != 3)
		return -ERANGE;
	if (len % 12 != 0)
		return -EINVAL;
	if (index < 0 || index >= len / 12)
		return -ENOENT;
	spec += 12 * index;
	*type = fdt_be32(spec);
	*number = fdt_be32(spec + 4);
	*flags = fdt_be32(spec + 8);
	return 0;
}
