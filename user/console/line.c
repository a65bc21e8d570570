#include "line.h"

#include <string.h>

#include "uart.h"

#define LINE_MAX 256
#define RAW_MAX 4096
#define CTRL(c) ((c) & 0x1f)

static struct {
	char raw[RAW_MAX]; /* received, not yet edited */
	unsigned raw_head, raw_tail;
	char buf[LINE_MAX];
	size_t len;   /* bytes in buf */
	size_t ready; /* buf[0..ready) is finished input */
	bool eof;     /* Ctrl-D on an empty line */
} in;

static void echo(const char *s)
{
	uart_write(s, strlen(s));
}

static void edit(char c)
{
	char ch[2] = { c, 0 };

	if (c == '\r' || c == '\n') {
		if (in.len < LINE_MAX)
			in.buf[in.len++] = '\n';
		in.ready = in.len;
		echo("\n");
	} else if (c == 0x7f || c == '\b') {
		if (in.len > in.ready) {
			in.len--;
			echo("\b \b");
		}
	} else if (c == CTRL('U')) {
		while (in.len > in.ready) {
			in.len--;
			echo("\b \b");
		}
	} else if (c == CTRL('D')) {
		if (in.len == in.ready)
			in.eof = true;
		else
			in.ready = in.len; /* hand out the partial line */
	} else if ((unsigned char)c >= ' ' && in.len < LINE_MAX - 1) {
		in.buf[in.len++] = c;
		echo(ch);
	}
}

/* Edit queued bytes until a line is finished. */
static void process(void)
{
	while (in.ready == 0 && !in.eof && in.raw_tail != in.raw_head)
		edit(in.raw[in.raw_tail++ % RAW_MAX]);
}

void line_receive(char c)
{
	/* A full queue drops the newest byte, as a terminal would. */
	if (in.raw_head - in.raw_tail < RAW_MAX)
		in.raw[in.raw_head++ % RAW_MAX] = c;
}

bool line_ready(void)
{
	process();
	return in.ready > 0 || in.eof;
}

size_t line_take(char *out, size_t max)
{
	size_t n;

	if (in.ready == 0) {
		in.eof = false;
		return 0;
	}
	n = max < in.ready ? max : in.ready;
	memcpy(out, in.buf, n);
	memmove(in.buf, in.buf + n, in.len - n);
	in.len -= n;
	in.ready -= n;
	return n;
}
