#include "core/tty.h"

#include "core/console.h"
#include "core/sched.h"
#include "lib/errno.h"
#include "lib/string.h"

#define TTY_LINE_MAX 256
#define CTRL(c) ((c) & 0x1f)

/*
 * The line being edited and the finished input not read yet. Only one task
 * reads the console at a time (the shell or init); tty_lock keeps a second
 * reader from mixing lines, as the owner check below does.
 */
static struct {
	char buf[TTY_LINE_MAX];
	size_t len;	 /* bytes in buf */
	size_t ready;	 /* buf[0..ready) is complete input */
	bool eof;	 /* Ctrl-D on an empty line */
} tty;
static struct waitq tty_readers;

static void tty_wake(void)
{
	waitq_wake_all(&tty_readers);
}

void tty_init(void)
{
	waitq_init(&tty_readers);
	console_rx_notify = tty_wake;
}

static void echo(const char *s)
{
	console_write(s, strlen(s));
}

/* Apply one input byte to the line being edited. */
static void tty_input(char c)
{
	char ch[2] = { c, 0 };

	if (c == '\r' || c == '\n') {
		if (tty.len < TTY_LINE_MAX)
			tty.buf[tty.len++] = '\n';
		tty.ready = tty.len;
		echo("\n");
	} else if (c == 0x7f || c == '\b') {
		if (tty.len > tty.ready) {
			tty.len--;
			echo("\b \b");
		}
	} else if (c == CTRL('U')) {
		while (tty.len > tty.ready) {
			tty.len--;
			echo("\b \b");
		}
	} else if (c == CTRL('D')) {
		if (tty.len == tty.ready)
			tty.eof = true;
		else
			tty.ready = tty.len; /* hand out the partial line */
	} else if ((unsigned char)c >= ' ' && tty.len < TTY_LINE_MAX - 1) {
		tty.buf[tty.len++] = c;
		echo(ch);
	}
}

static bool tty_has_line(void *arg)
{
	(void)arg;
	return tty.ready > 0 || tty.eof || console_has_input();
}

long tty_read(char *buf, size_t n)
{
	size_t count;
	int c;

	while (tty.ready == 0 && !tty.eof) {
		/* Stop at the end of a line: bytes after it stay queued for
		 * the next read. */
		while (tty.ready == 0 && !tty.eof && (c = console_try_getc()) >= 0)
			tty_input((char)c);
		if (tty.ready || tty.eof)
			break;
		if (waitq_wait(&tty_readers, tty_has_line, NULL, "console input") < 0)
			return -EINTR;
	}
	if (tty.ready == 0) {
		tty.eof = false;
		return 0;
	}
	count = n < tty.ready ? n : tty.ready;
	memcpy(buf, tty.buf, count);
	memmove(tty.buf, tty.buf + count, tty.len - count);
	tty.len -= count;
	tty.ready -= count;
	return (long)count;
}
