/* g, G, p, P: registers of the selected thread (Hg). */
#include "debug/gdb_commands.h"
#include "debug/gdb_hex.h"
#include "debug/gdb_regs.h"
#include "debug/gdb_session.h"
#include "debug/gdb_threads.h"
#include "lib/errno.h"

static bool selected_thread(struct gdb_thread *t)
{
	return gdb_thread_get(gdb_session_thread(), t);
}

/* One register as hex, or 'x's for a value this thread does not have. */
static char *put_reg(char *out, const struct gdb_thread *t, unsigned regno)
{
	uint8_t v[GDB_REG_MAX_BYTES];
	unsigned size = gdb_reg_size(regno);

	if (gdb_reg_read(t, regno, v))
		return gdb_bytes_to_hex(out, v, size);
	for (unsigned i = 0; i < 2 * size; i++)
		*out++ = 'x';
	return out;
}

enum gdb_action gdb_cmd_read_regs(const char *a, size_t n, struct gdb_reply *r)
{
	struct gdb_thread t;
	char *out = r->buf;

	(void)a;
	(void)n;
	if (!selected_thread(&t)) {
		gdb_reply_error(r, -ENOENT);
		return GDB_REPLY;
	}
	/* Only the core registers: every byte crosses an emulated UART, and a
	 * short reply makes GDB fetch the FP/SIMD and system registers one by
	 * one with 'p', when something shows them. */
	for (unsigned i = 0; i < GDB_REG_V0; i++)
		out = put_reg(out, &t, i);
	r->len = (size_t)(out - r->buf);
	return GDB_REPLY;
}

enum gdb_action gdb_cmd_write_regs(const char *a, size_t n, struct gdb_reply *r)
{
	uint8_t v[GDB_REG_MAX_BYTES];
	struct gdb_thread t;
	size_t total = 0, pos = 0;

	for (unsigned i = 0; i < GDB_NUM_REGS; i++)
		total += 2 * gdb_reg_size(i);
	/* GDB may send fewer registers than it knows: only whole ones. */
	if (!selected_thread(&t) || n % 2 || n > total) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	/* Check everything before changing anything. */
	for (size_t i = 0; i < n; i++)
		if (a[i] != 'x' && gdb_hex_digit(a[i]) < 0) {
			gdb_reply_error(r, -EINVAL);
			return GDB_REPLY;
		}
	for (unsigned i = 0; i < GDB_NUM_REGS; i++) {
		unsigned size = gdb_reg_size(i);

		if (pos + 2 * size > n)
			break;
		/* 'x': GDB does not know it; system registers are read-only
		 * and come back unchanged. */
		if (a[pos] != 'x' && i < GDB_REG_SYS0 && gdb_hex_to_bytes(v, a + pos, size))
			gdb_reg_write(&t, i, v);
		pos += 2 * size;
	}
	gdb_reply_str(r, "OK");
	return GDB_REPLY;
}

enum gdb_action gdb_cmd_read_reg(const char *a, size_t n, struct gdb_reply *r)
{
	const char *end = a + n;
	struct gdb_thread t;
	uint64_t regno;

	if (!gdb_parse_hex(&a, end, &regno) || a != end || !gdb_reg_size(regno) ||
	    !selected_thread(&t)) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	r->len = (size_t)(put_reg(r->buf, &t, (unsigned)regno) - r->buf);
	return GDB_REPLY;
}

enum gdb_action gdb_cmd_write_reg(const char *a, size_t n, struct gdb_reply *r)
{
	uint8_t v[GDB_REG_MAX_BYTES];
	const char *end = a + n;
	struct gdb_thread t;
	uint64_t regno;
	unsigned size;

	if (!gdb_parse_hex(&a, end, &regno) || !gdb_parse_char(&a, end, '=') ||
	    !(size = gdb_reg_size(regno)) || (size_t)(end - a) != 2 * size ||
	    !gdb_hex_to_bytes(v, a, size) || !selected_thread(&t) ||
	    gdb_reg_write(&t, (unsigned)regno, v) < 0) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	gdb_reply_str(r, "OK");
	return GDB_REPLY;
}
