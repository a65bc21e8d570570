/* q and Q packets: capabilities, documents (qXfer), threads, monitor. */
#include "debug/gdb_commands.h"
#include "debug/gdb_hex.h"
#include "debug/gdb_packet.h"
#include "debug/gdb_session.h"
#include "debug/gdb_target_xml.h"
#include "debug/gdb_threads.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

static bool starts_with(const char *a, size_t n, const char *prefix, size_t *plen)
{
	size_t len = strlen(prefix);

	if (n < len || memcmp(a, prefix, len) != 0)
		return false;
	*plen = len;
	return true;
}

static enum gdb_action supported(const char *a, size_t n, struct gdb_reply *r)
{
	(void)a;
	(void)n;
	/* A qSupported starts every new connection: acknowledgements are
	 * on again until the new GDB asks for QStartNoAckMode. */
	gdb_packet_set_noack(false);
	gdb_files_close_all();
	r->len = (size_t)snformat(r->buf, r->size,
				  "PacketSize=%x;qXfer:features:read+;qXfer:threads:read+;"
				  "swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+",
				  GDB_PACKET_MAX);
	return GDB_REPLY;
}

/* Reply with doc[offset, offset + length): 'm' if more follows, 'l' at
 * the end (the data is escaped by the packet layer). */
static void xfer_slice(struct gdb_reply *r, const char *doc, size_t doc_len, const char *a,
		       const char *end)
{
	uint64_t offset, length;

	if (!gdb_parse_hex(&a, end, &offset) || !gdb_parse_char(&a, end, ',') ||
	    !gdb_parse_hex(&a, end, &length) || a != end) {
		gdb_reply_error(r, -EINVAL);
		return;
	}
	if (offset > doc_len)
		offset = doc_len;
	if (length > doc_len - offset)
		length = doc_len - offset;
	if (length > r->size - 1)
		length = r->size - 1;
	r->buf[0] = offset + length < doc_len ? 'm' : 'l';
	memcpy(r->buf + 1, doc + offset, length);
	r->len = 1 + length;
}

/* "Xfer:object:read:annex:offset,length" */
static enum gdb_action xfer(const char *a, size_t n, struct gdb_reply *r)
{
	static char threads_xml[GDB_PACKET_MAX];
	static size_t threads_len;
	const char *end = a + n;
	size_t plen;

	if (starts_with(a, n, "Xfer:features:read:target.xml:", &plen)) {
		size_t len;
		const char *doc = gdb_target_xml(&len);

		xfer_slice(r, doc, len, a + plen, end);
	} else if (starts_with(a, n, "Xfer:threads:read::", &plen)) {
		/* Built at offset 0, so a long list read in pieces is one
		 * consistent snapshot. */
		if (a[plen] == '0' && a[plen + 1] == ',')
			threads_len = gdb_threads_xml(threads_xml, sizeof(threads_xml));
		xfer_slice(r, threads_xml, threads_len, a + plen, end);
	} else if (starts_with(a, n, "Xfer:", &plen)) {
		gdb_reply_str(r, "E00"); /* an object or annex we do not have */
	}
	return GDB_REPLY;
}

static enum gdb_action reply_text(struct gdb_reply *r, const char *s)
{
	gdb_reply_str(r, s);
	return GDB_REPLY;
}

enum gdb_action gdb_cmd_query(const char *a, size_t n, struct gdb_reply *r)
{
	size_t plen;

	if (starts_with(a, n, "Supported", &plen))
		return supported(a, n, r);
	if (starts_with(a, n, "Xfer:", &plen))
		return xfer(a, n, r);
	if (n == 1 && a[0] == 'C')
		return gdb_cmd_current_thread(a + 1, 0, r);
	if (starts_with(a, n, "fThreadInfo", &plen))
		return gdb_cmd_thread_first(a + plen, n - plen, r);
	if (starts_with(a, n, "sThreadInfo", &plen))
		return gdb_cmd_thread_more(a + plen, n - plen, r);
	if (starts_with(a, n, "ThreadExtraInfo", &plen))
		return gdb_cmd_thread_extra(a + plen, n - plen, r);
	if (starts_with(a, n, "Attached", &plen))
		return reply_text(r, "1"); /* detach, not kill, when GDB quits */
	if (starts_with(a, n, "Symbol", &plen))
		return reply_text(r, "OK"); /* no symbols needed */
	if (starts_with(a, n, "Rcmd,", &plen))
		return gdb_cmd_monitor(a + plen, n - plen, r);
	return GDB_REPLY;
}

enum gdb_action gdb_cmd_set(const char *a, size_t n, struct gdb_reply *r)
{
	if (n == 14 && memcmp(a, "StartNoAckMode", 14) == 0) {
		/* The OK itself is still acknowledged; then acks stop. */
		gdb_session.noack_pending = true;
		return reply_text(r, "OK");
	}
	return GDB_REPLY;
}
