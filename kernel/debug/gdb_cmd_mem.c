/* m, M, X: kernel memory (see gdb_mem.h for what is allowed). */
#include "debug/gdb_commands.h"
#include "debug/gdb_hex.h"
#include "debug/gdb_mem.h"
#include "debug/gdb_packet.h"
#include "lib/errno.h"
#include "lib/string.h"

static uint8_t scratch[GDB_PACKET_MAX];

/* "addr,length" followed by `sep` (or the end if sep is 0). */
static bool parse_range(const char **a, const char *end, char sep, uint64_t *addr,
			uint64_t *len)
{
	if (!gdb_parse_hex(a, end, addr) || !gdb_parse_char(a, end, ',') ||
	    !gdb_parse_hex(a, end, len))
		return false;
	return sep ? gdb_parse_char(a, end, sep) : *a == end;
}

enum gdb_action gdb_cmd_read_mem(const char *a, size_t n, struct gdb_reply *r)
{
	uint64_t addr, len, done = 0;

	if (!parse_range(&a, a + n, 0, &addr, &len)) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	if (len > r->size / 2)
		len = r->size / 2; /* GDB asks again for the rest */
	/* Page by page: a short reply is allowed, and tells GDB where the
	 * readable memory ends. */
	while (done < len) {
		uint64_t room = 4096 - ((addr + done) & 4095);
		uint64_t step = len - done < room ? len - done : room;

		if (gdb_mem_read(addr + done, scratch + done, step) < 0)
			break;
		done += step;
	}
	if (!done && len) {
		gdb_reply_error(r, -EFAULT);
		return GDB_REPLY;
	}
	gdb_reply_hex(r, scratch, done);
	return GDB_REPLY;
}

static void write_reply(struct gdb_reply *r, uint64_t addr, const void *data, uint64_t len)
{
	if (gdb_mem_write(addr, data, len) < 0)
		gdb_reply_error(r, -EFAULT);
	else
		gdb_reply_str(r, "OK");
}

enum gdb_action gdb_cmd_write_mem(const char *a, size_t n, struct gdb_reply *r)
{
	const char *end = a + n;
	uint64_t addr, len;

	if (!parse_range(&a, end, ':', &addr, &len) || len > sizeof(scratch) ||
	    (uint64_t)(end - a) != 2 * len || !gdb_hex_to_bytes(scratch, a, len)) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	write_reply(r, addr, scratch, len);
	return GDB_REPLY;
}

/* X: the data is binary, with '}' escaping the next byte (XOR 0x20). */
enum gdb_action gdb_cmd_write_bin(const char *a, size_t n, struct gdb_reply *r)
{
	const char *end = a + n;
	uint64_t addr, len, got = 0;

	if (!parse_range(&a, end, ':', &addr, &len) || len > sizeof(scratch)) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	while (a < end && got < len) {
		char c = *a++;

		if (c == '}') {
			if (a == end)
				break;
			c = *a++ ^ 0x20;
		}
		scratch[got++] = (uint8_t)c;
	}
	if (got != len || a != end) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	write_reply(r, addr, scratch, len);
	return GDB_REPLY;
}
