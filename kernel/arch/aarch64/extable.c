#include "arch/aarch64/extable.h"

extern const struct extable_entry __extable_start[], __extable_end[];

bool extable_fixup(struct trap_frame *f)
{
	/* A handful of entries: a linear scan is clear and fast enough. */
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
		if (e->insn == f->pc) {
			f->pc = e->fixup;
			return true;
		}
	}
	return false;
}
