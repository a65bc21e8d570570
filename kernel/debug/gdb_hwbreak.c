#include "debug/gdb_hwbreak.h"

#include <stddef.h>

#include "arch/arch.h"
#include "arch/aarch64/debug_regs.h"
#include "arch/aarch64/memory_map.h"
#include "lib/errno.h"

struct hw_slot {
	bool used;
	int type;
	uint64_t addr, len;
	uint64_t wvr, wcr; /* watchpoints: the encoded registers */
};

/* Changed only by the owner while every CPU is stopped; each CPU compares
 * its loaded generation as it resumes. */
static struct hw_slot bps[DEBUG_REGS_MAX], wps[DEBUG_REGS_MAX];
static unsigned nbps, nwps;
static unsigned table_gen = 1;
static unsigned loaded_gen[MAX_CPUS];

void gdb_hw_init(void)
{
	nbps = debug_regs_num_breakpoints();
	nwps = debug_regs_num_watchpoints();
}

static enum watch_kind watch_kind(int type)
{
	return type == 2 ? WATCH_WRITE : type == 3 ? WATCH_READ : WATCH_ACCESS;
}

static struct hw_slot *find(int type, uint64_t addr, uint64_t len)
{
	struct hw_slot *t = type == 1 ? bps : wps;
	unsigned n = type == 1 ? nbps : nwps;

	for (unsigned i = 0; i < n; i++)
		if (t[i].used && t[i].type == type && t[i].addr == addr &&
		    (type == 1 || t[i].len == len))
			return &t[i];
	return NULL;
}

int gdb_hw_insert(int type, uint64_t addr, uint64_t len)
{
	struct hw_slot *t = type == 1 ? bps : wps, *slot = NULL;
	unsigned n = type == 1 ? nbps : nwps;
	uint64_t wvr = 0, wcr = 0;

	if (type < 1 || type > 4 || (type == 1 && (addr & 3)))
		return -EINVAL;
	if (find(type, addr, len))
		return 0; /* GDB may insert twice */
	if (type != 1 && debug_regs_encode_watch(addr, len, watch_kind(type), &wvr, &wcr) < 0)
		return -EINVAL;
	for (unsigned i = 0; i < n && !slot; i++)
		if (!t[i].used)
			slot = &t[i];
	if (!slot)
		return -ENOSPC;
	*slot = (struct hw_slot){ .used = true, .type = type, .addr = addr, .len = len,
				  .wvr = wvr, .wcr = wcr };
	table_gen++;
	return 0;
}

int gdb_hw_remove(int type, uint64_t addr, uint64_t len)
{
	struct hw_slot *slot = find(type, addr, len);

	if (!slot)
		return -ENOENT;
	slot->used = false;
	table_gen++;
	return 0;
}

void gdb_hw_remove_all(void)
{
	for (unsigned i = 0; i < DEBUG_REGS_MAX; i++)
		bps[i].used = wps[i].used = false;
	table_gen++;
}

void gdb_hw_load_this_cpu(void)
{
	unsigned cpu = arch_cpu_index();

	if (loaded_gen[cpu] == table_gen)
		return;
	for (unsigned i = 0; i < nbps; i++)
		debug_regs_set_breakpoint(i, bps[i].addr, bps[i].used);
	for (unsigned i = 0; i < nwps; i++)
		debug_regs_set_watchpoint(i, wps[i].wvr, wps[i].used ? wps[i].wcr : 0);
	loaded_gen[cpu] = table_gen;
}

bool gdb_hw_find_watch(uint64_t far, int *type, uint64_t *addr)
{
	const struct hw_slot *best = NULL;

	for (unsigned i = 0; i < nwps; i++) {
		const struct hw_slot *w = &wps[i];

		if (!w->used)
			continue;
		if (far >= w->addr && far < w->addr + w->len) {
			*type = w->type;
			*addr = far;
			return true;
		}
		/* A wide store (stp, dc zva) reports where it starts, which can
		 * lie below the watched bytes: take the nearest above. */
		if (w->addr > far && (!best || w->addr < best->addr))
			best = w;
	}
	if (!best)
		return false;
	*type = best->type;
	*addr = best->addr;
	return true;
}
