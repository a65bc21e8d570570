/* The name table: ids the host should show by name (tasks, endpoints, ...). */
#include "trace/trace.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "trace/trace_priv.h"

_Static_assert(sizeof(struct trace_name) == TRACE_NAME_SIZE, "TRACE_NAME_SIZE");

#define TRACE_NAMES_MAX 256

/* Entries are only added or renamed, never removed, so the names of tasks
 * that exited stay available for the records they left. */
struct trace_name trace_names[TRACE_NAMES_MAX];
uint32_t trace_names_used, trace_names_lost;
static struct spinlock trace_names_lock = SPINLOCK_INIT("trace_names");

static struct trace_name *find(unsigned kind, uint32_t id)
{
	for (uint32_t i = 0; i < trace_names_used; i++)
		if (trace_names[i].kind == kind && trace_names[i].id == id)
			return &trace_names[i];
	return NULL;
}

static void fill(struct trace_name *n, unsigned kind, uint32_t id, uint32_t owner,
		 const char *name)
{
	memset(n, 0, sizeof(*n));
	n->kind = (uint16_t)kind;
	n->id = id;
	n->owner = owner;
	memcpy(n->name, name, strnlen(name, sizeof(n->name)));
}

int trace_name_set(unsigned kind, uint32_t id, uint32_t owner, const char *name)
{
	unsigned long flags = spin_lock_irqsave(&trace_names_lock);
	struct trace_name *n = find(kind, id);
	int err = 0;

	if (n) {
		fill(n, kind, id, owner, name);
	} else if (trace_names_used < TRACE_NAMES_MAX) {
		fill(&trace_names[trace_names_used], kind, id, owner, name);
		/* Release: a reader that sees the new count sees the entry. */
		__atomic_store_n(&trace_names_used, trace_names_used + 1, __ATOMIC_RELEASE);
	} else {
		trace_names_lost++;
		err = -ENOSPC;
	}
	spin_unlock_irqrestore(&trace_names_lock, flags);
	return err;
}
