#include "debug/gdb_swbreak.h"

#include "core/symbols.h"
#include "debug/gdb_mem.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"

#define SWBREAK_MAX 64

struct swbreak {
	bool used;
	bool active;	 /* BRK written */
	uint64_t addr;
	uint32_t *alias; /* writable address of the instruction */
	uint32_t orig;	 /* the instruction BRK replaced */
};

/* Owner only, while every CPU is stopped. */
static struct swbreak table[SWBREAK_MAX];

/*
 * Code that runs between a BRK and the stub's removal of all breakpoints
 * (the exception entry and the stub itself): a breakpoint there would trap
 * again before it could be removed.
 */
static const char *const forbidden_prefixes[] = {
	"gdb", "debug_regs_", "trap_el1_sync", "trap_el0_sync", "extable_fixup",
	"safe_copy", "exception_vectors", "el1h_", "el1t_", "el0_", "kernel_stack_overflow",
};

static bool forbidden(uint64_t addr)
{
	const char *name;
	uint64_t off, size;

	if (symbol_lookup(addr, &name, &off, &size) < 0)
		return false;
	for (unsigned i = 0; i < ARRAY_SIZE(forbidden_prefixes); i++)
		if (strncmp(name, forbidden_prefixes[i], strlen(forbidden_prefixes[i])) == 0)
			return true;
	return false;
}

static struct swbreak *find(uint64_t addr)
{
	for (unsigned i = 0; i < SWBREAK_MAX; i++)
		if (table[i].used && table[i].addr == addr)
			return &table[i];
	return NULL;
}

int gdb_swbreak_insert(uint64_t addr)
{
	struct swbreak *b = NULL;
	uint32_t insn;
	uint32_t *alias;

	if (find(addr))
		return 0;
	if (forbidden(addr))
		return -EPERM;
	alias = gdb_mem_text_alias(addr);
	if (!alias || gdb_mem_read(addr, &insn, 4) < 0)
		return -EFAULT;
	for (unsigned i = 0; i < SWBREAK_MAX && !b; i++)
		if (!table[i].used)
			b = &table[i];
	if (!b)
		return -ENOSPC;
	*b = (struct swbreak){ .used = true, .addr = addr, .alias = alias, .orig = insn };
	return 0;
}

static void restore(struct swbreak *b)
{
	if (!b->active)
		return;
	WRITE_ONCE(*b->alias, b->orig);
	gdb_mem_sync_text(b->alias, b->addr, 4);
	b->active = false;
}

int gdb_swbreak_remove(uint64_t addr)
{
	struct swbreak *b = find(addr);

	if (!b)
		return -ENOENT;
	restore(b);
	b->used = false;
	return 0;
}

void gdb_swbreak_remove_all(void)
{
	for (unsigned i = 0; i < SWBREAK_MAX; i++) {
		restore(&table[i]);
		table[i].used = false;
	}
}

void gdb_swbreak_activate(void)
{
	for (unsigned i = 0; i < SWBREAK_MAX; i++) {
		struct swbreak *b = &table[i];

		if (!b->used || b->active)
			continue;
		WRITE_ONCE(*b->alias, GDB_BRK_INSN);
		gdb_mem_sync_text(b->alias, b->addr, 4);
		b->active = true;
	}
}

void gdb_swbreak_deactivate(void)
{
	for (unsigned i = 0; i < SWBREAK_MAX; i++)
		restore(&table[i]);
}

bool gdb_swbreak_known(uint64_t addr)
{
	return find(addr) != NULL;
}
