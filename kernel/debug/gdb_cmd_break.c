/* Z, z: breakpoints and watchpoints. "Ztype,addr,kind". */
#include "debug/gdb_commands.h"
#include "debug/gdb_hex.h"
#include "debug/gdb_hwbreak.h"
#include "debug/gdb_swbreak.h"
#include "lib/errno.h"

#define AARCH64_BP_KIND 4 /* an A64 instruction is 4 bytes */

struct z_args {
	uint64_t type, addr, kind;
};

/* The optional ";cond..." tail (target-side conditions) is not supported:
 * it is never advertised, so its presence makes the packet malformed. */
static bool parse_z(const char *a, size_t n, struct z_args *z)
{
	const char *end = a + n;

	return gdb_parse_hex(&a, end, &z->type) && gdb_parse_char(&a, end, ',') &&
	       gdb_parse_hex(&a, end, &z->addr) && gdb_parse_char(&a, end, ',') &&
	       gdb_parse_hex(&a, end, &z->kind) && a == end;
}

static enum gdb_action z_common(const char *a, size_t n, struct gdb_reply *r, bool insert)
{
	struct z_args z;
	int err;

	if (!parse_z(a, n, &z)) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	if (z.type > 4)
		return GDB_REPLY; /* unsupported type: empty reply */
	if (z.type <= 1 && z.kind != AARCH64_BP_KIND) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	if (z.type == 0)
		err = insert ? gdb_swbreak_insert(z.addr) : gdb_swbreak_remove(z.addr);
	else
		err = insert ? gdb_hw_insert((int)z.type, z.addr, z.kind)
			     : gdb_hw_remove((int)z.type, z.addr, z.kind);
	if (err < 0 && !(err == -ENOENT && !insert))
		gdb_reply_error(r, err);
	else
		gdb_reply_str(r, "OK"); /* removing what is not there is fine */
	return GDB_REPLY;
}

enum gdb_action gdb_cmd_insert_bp(const char *a, size_t n, struct gdb_reply *r)
{
	return z_common(a, n, r, true);
}

enum gdb_action gdb_cmd_remove_bp(const char *a, size_t n, struct gdb_reply *r)
{
	return z_common(a, n, r, false);
}
