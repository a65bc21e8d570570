#include "debug/gdb_packet.h"

#include <stdint.h>

#include "debug/gdb_hex.h"
#include "debug/gdb_transport.h"
#include "lib/string.h"

#define RLE_MIN_RUN 4	 /* shorter runs cost no more written out */
#define RLE_MAX_EXTRA 97 /* the count character must stay <= '~' (126) */
#define SEND_RETRIES 8	 /* give up on a reply GDB keeps rejecting */

static bool noack;
/* A byte read while waiting for an ack that starts the next packet. */
static int held_byte = -1;

void gdb_packet_set_noack(bool on)
{
	noack = on;
}

bool gdb_packet_noack(void)
{
	return noack;
}

static int next_byte(void)
{
	int c = held_byte;

	if (c >= 0) {
		held_byte = -1;
		return c;
	}
	return gdb_getc();
}

/* Expand "c*n" runs in place-order into out; -1 if it does not fit. */
static int expand_runs(char *out, size_t size, const char *in, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (in[i] == '*' && n > 0 && i + 1 < len) {
			int extra = (unsigned char)in[++i] - 29;

			if (extra < 0 || n + (size_t)extra >= size)
				return -1;
			memset(out + n, out[n - 1], (size_t)extra);
			n += (size_t)extra;
			continue;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = in[i];
	}
	out[n] = '\0';
	return (int)n;
}

/* Read "data#cs" after the '$'; raw bytes beyond `size` are counted but
 * dropped. Returns the raw length, or -1 on a '$' restart. */
static long read_body(char *raw, size_t size, uint8_t *sum, bool *restart)
{
	size_t len = 0;
	int c;

	*sum = 0;
	*restart = false;
	while ((c = next_byte()) != '#') {
		if (c == '$') { /* GDB gave up on that one and started again */
			*restart = true;
			return 0;
		}
		*sum += (uint8_t)c;
		if (len < size)
			raw[len] = (char)c;
		len++;
	}
	return (long)len;
}

int gdb_packet_recv(char *buf, size_t size)
{
	static char raw[GDB_PACKET_MAX + 1];

	for (;;) {
		int c = next_byte(), hi, lo, n;
		bool restart;
		uint8_t sum;
		long len;

		if (c == '+' && noack) {
			/* Only a GDB in ack mode sends '+': a new session. */
			noack = false;
		}
		if (c != '$')
			continue; /* acks, Ctrl-C while stopped, line noise */
		do
			len = read_body(raw, sizeof(raw), &sum, &restart);
		while (restart);
		hi = gdb_hex_digit((char)next_byte());
		lo = gdb_hex_digit((char)next_byte());
		if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != sum) {
			if (!noack)
				gdb_putc('-');
			continue;
		}
		if (!noack)
			gdb_putc('+');
		if ((size_t)len > sizeof(raw))
			return GDB_RX_OVERSIZED;
		n = expand_runs(buf, size, raw, (size_t)len);
		return n < 0 ? GDB_RX_OVERSIZED : n;
	}
}

/* Write one byte of packet data, escaped if it is a framing character. */
static void put_escaped(char c, uint8_t *sum)
{
	if (c == '$' || c == '#' || c == '}' || c == '*') {
		gdb_putc('}');
		*sum += '}';
		c ^= 0x20;
	}
	gdb_putc(c);
	*sum += (uint8_t)c;
}

static bool plain(char c)
{
	return c != '$' && c != '#' && c != '}' && c != '*';
}

static void put_run(char c, size_t run, uint8_t *sum)
{
	while (run >= RLE_MIN_RUN) {
		size_t extra = run - 1 > RLE_MAX_EXTRA ? RLE_MAX_EXTRA : run - 1;
		char count;

		/* '#' and '$' cannot be counts: 6 or 7 extra become 5. */
		if (extra + 29 == '#' || extra + 29 == '$')
			extra = 5;
		count = (char)(extra + 29);
		gdb_putc(c);
		gdb_putc('*');
		gdb_putc(count);
		*sum += (uint8_t)c + '*' + (uint8_t)count;
		run -= extra + 1;
	}
	while (run--)
		put_escaped(c, sum);
}

static void send_once(const char *data, size_t len)
{
	uint8_t sum = 0;

	gdb_putc('$');
	for (size_t i = 0; i < len;) {
		size_t run = 1;

		while (i + run < len && data[i + run] == data[i] && plain(data[i]))
			run++;
		put_run(data[i], run, &sum);
		i += run;
	}
	gdb_putc('#');
	gdb_putc(gdb_hex_chars[sum >> 4]);
	gdb_putc(gdb_hex_chars[sum & 0xf]);
}

void gdb_packet_send(const char *data, size_t len)
{
	for (int tries = 0; tries < SEND_RETRIES; tries++) {
		int c;

		send_once(data, len);
		if (noack)
			return;
		do
			c = gdb_getc();
		while (c != '+' && c != '-' && c != '$');
		if (c == '+')
			return;
		if (c == '$') {
			/* GDB moved on to its next packet: take that as the ack. */
			held_byte = c;
			return;
		}
	}
}

void gdb_packet_send_str(const char *s)
{
	gdb_packet_send(s, strlen(s));
}
