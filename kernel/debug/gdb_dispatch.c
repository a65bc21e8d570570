#include "debug/gdb_commands.h"
#include "debug/gdb_hex.h"
#include "debug/gdb_session.h"
#include "lib/string.h"

void gdb_reply_str(struct gdb_reply *r, const char *s)
{
	size_t n = strlen(s);

	if (n > r->size)
		n = r->size;
	memcpy(r->buf, s, n);
	r->len = n;
}

void gdb_reply_error(struct gdb_reply *r, int err)
{
	unsigned e = (unsigned)(err < 0 ? -err : err) & 0xff;

	r->buf[0] = 'E';
	r->buf[1] = gdb_hex_chars[e >> 4];
	r->buf[2] = gdb_hex_chars[e & 0xf];
	r->len = 3;
}

void gdb_reply_hex(struct gdb_reply *r, const void *bytes, size_t n)
{
	if (2 * n > r->size)
		n = r->size / 2;
	gdb_bytes_to_hex(r->buf, bytes, n);
	r->len = 2 * n;
}

static enum gdb_action stop_reason(const char *a, size_t n, struct gdb_reply *r)
{
	(void)a;
	(void)n;
	r->len = gdb_stop_reply(r->buf, r->size);
	return GDB_REPLY;
}

/* Single-letter commands; the rest of the packet is their argument. */
static const gdb_cmd_fn letter_cmds[128] = {
	['?'] = stop_reason,
	['g'] = gdb_cmd_read_regs,
	['G'] = gdb_cmd_write_regs,
	['p'] = gdb_cmd_read_reg,
	['P'] = gdb_cmd_write_reg,
	['m'] = gdb_cmd_read_mem,
	['M'] = gdb_cmd_write_mem,
	['X'] = gdb_cmd_write_bin,
	['Z'] = gdb_cmd_insert_bp,
	['z'] = gdb_cmd_remove_bp,
	['c'] = gdb_cmd_continue,
	['s'] = gdb_cmd_step,
	['C'] = gdb_cmd_continue_sig,
	['S'] = gdb_cmd_step_sig,
	['D'] = gdb_cmd_detach,
	['k'] = gdb_cmd_kill,
	['H'] = gdb_cmd_set_thread,
	['T'] = gdb_cmd_thread_alive,
	['v'] = gdb_cmd_v,
	['q'] = gdb_cmd_query,
	['Q'] = gdb_cmd_set,
};

enum gdb_action gdb_dispatch(const char *pkt, size_t len, struct gdb_reply *r)
{
	unsigned char c = len ? (unsigned char)pkt[0] : 0;

	r->len = 0;
	/* Unknown commands get the empty reply: "not supported". */
	if (c >= 128 || !letter_cmds[c])
		return GDB_REPLY;
	return letter_cmds[c](pkt + 1, len - 1, r);
}
