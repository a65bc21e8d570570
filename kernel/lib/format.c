/*
 * vformat walks the format string once. Each conversion is parsed into a
 * struct format_spec, its argument fetched with the right C type, and the
 * result laid out as
 *
 *	[spaces] [sign or 0x] [zeros] digits [spaces]
 *
 * which is the one layout C's printf uses for every integer conversion.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

enum format_flag {
	FLAG_LEFT = 1 << 0,	/* '-': pad on the right */
	FLAG_ZERO = 1 << 1,	/* '0': pad numbers with zeros */
	FLAG_ALT = 1 << 2,	/* '#': 0x prefix, or a leading 0 for octal */
	FLAG_SPACE = 1 << 3,	/* ' ': a space where a '+' would go */
	FLAG_PLUS = 1 << 4,	/* '+': always print a sign */
};

enum format_length { LEN_INT, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct format_spec {
	unsigned flags;
	int width;		/* 0 when not given */
	int precision;		/* -1 when not given */
	enum format_length length;
	char conv;
};

struct format_out {
	format_emit_fn emit;
	void *arg;
	size_t count;
};

/* %zd and %tu read the signed/unsigned twin of size_t and ptrdiff_t. */
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "size_t and ptrdiff_t differ in size");

/*
 * Output stops once it passes INT_MAX characters: its length could not be
 * returned, and a UART would spend minutes printing a "%*d" of 2^31 spaces.
 */
#define FORMAT_MAX_COUNT ((size_t)INT32_MAX)

static void out_char(struct format_out *out, char c)
{
	if (out->count > FORMAT_MAX_COUNT)
		return;
	out->emit(c, out->arg);
	out->count++;
}

static void out_repeat(struct format_out *out, char c, int n)
{
	if (n > 0 && (out->count > FORMAT_MAX_COUNT || (size_t)n > FORMAT_MAX_COUNT - out->count)) {
		out->count = FORMAT_MAX_COUNT + 1;
		return;
	}
	for (; n > 0; n--)
		out_char(out, c);
}

static void out_chars(struct format_out *out, const char *s, size_t n)
{
	while (n--)
		out_char(out, *s++);
}

static unsigned parse_flags(const char **fmt)
{
	unsigned flags = 0;

	for (;; (*fmt)++) {
		switch (**fmt) {
		case '-': flags |= FLAG_LEFT; break;
		case '0': flags |= FLAG_ZERO; break;
		case '#': flags |= FLAG_ALT; break;
		case ' ': flags |= FLAG_SPACE; break;
		case '+': flags |= FLAG_PLUS; break;
		default: return flags;
		}
	}
}

/* Reads a decimal field; saturates instead of overflowing on absurd widths. */
static int parse_decimal(const char **fmt)
{
	int n = 0;

	for (; **fmt >= '0' && **fmt <= '9'; (*fmt)++) {
		if (n <= (INT32_MAX - 9) / 10)
			n = n * 10 + (**fmt - '0');
	}
	return n;
}

static void parse_width(const char **fmt, va_list *ap, struct format_spec *spec)
{
	int width;

	if (**fmt != '*') {
		spec->width = parse_decimal(fmt);
		return;
	}
	(*fmt)++;
	width = va_arg(*ap, int);
	/* C: a negative '*' width is the '-' flag plus a positive width. */
	if (width < 0) {
		spec->flags |= FLAG_LEFT;
		width = width == INT32_MIN ? INT32_MAX : -width;
	}
	spec->width = width;
}

static void parse_precision(const char **fmt, va_list *ap, struct format_spec *spec)
{
	spec->precision = -1;
	if (**fmt != '.')
		return;
	(*fmt)++;
	if (**fmt == '*') {
		(*fmt)++;
		/* C: a negative '*' precision is taken as if none were given. */
		spec->precision = va_arg(*ap, int);
		if (spec->precision < 0)
			spec->precision = -1;
	} else {
		spec->precision = parse_decimal(fmt);
	}
}

static enum format_length parse_length(const char **fmt)
{
	const char *p = *fmt;
	enum format_length len = LEN_INT;

	switch (*p) {
	case 'h': len = p[1] == 'h' ? LEN_HH : LEN_H; break;
	case 'l': len = p[1] == 'l' ? LEN_LL : LEN_L; break;
	case 'z': len = LEN_Z; break;
	case 't': len = LEN_T; break;
	case 'j': len = LEN_J; break;
	default: return LEN_INT;
	}
	*fmt += (len == LEN_HH || len == LEN_LL) ? 2 : 1;
	return len;
}

/*
 * Arguments narrower than int were promoted to int by the caller, so they
 * are fetched as int and cut back to their declared type.
 */
static intmax_t fetch_signed(enum format_length length, va_list *ap)
{
	switch (length) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z:
	case LEN_T: return va_arg(*ap, ptrdiff_t);
	case LEN_J: return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

static uintmax_t fetch_unsigned(enum format_length length, va_list *ap)
{
	switch (length) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z:
	case LEN_T: return va_arg(*ap, size_t);
	case LEN_J: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Writes the digits of value backwards from end; returns how many. */
static int to_digits(char *end, uintmax_t value, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		*--end = digits[value % base];
		value /= base;
		n++;
	} while (value != 0);
	return n;
}

/* The sign or base prefix that goes before the zeros. */
static const char *number_prefix(const struct format_spec *spec, uintmax_t value, bool negative)
{
	if (spec->conv == 'p')
		return "0x";
	if (spec->conv == 'd' || spec->conv == 'i') {
		if (negative)
			return "-";
		if (spec->flags & FLAG_PLUS)
			return "+";
		return (spec->flags & FLAG_SPACE) ? " " : "";
	}
	if ((spec->flags & FLAG_ALT) && value != 0) {
		if (spec->conv == 'x')
			return "0x";
		if (spec->conv == 'X')
			return "0X";
	}
	return "";
}

static void format_number(struct format_out *out, const struct format_spec *spec,
			  uintmax_t value, bool negative, unsigned base)
{
	char buf[3 * sizeof(uintmax_t)];	/* enough octal digits for any value */
	int ndigits = to_digits(buf + sizeof(buf), value, base, spec->conv == 'X');
	const char *prefix = number_prefix(spec, value, negative);
	int nprefix = (int)strlen(prefix);
	int precision = spec->precision;
	int nzeros, npad;

	/* C: "%.0d" of 0 prints no digits at all. */
	if (precision == 0 && value == 0)
		ndigits = 0;
	/* '#' for octal raises the precision just enough to start with a 0. */
	if (spec->conv == 'o' && (spec->flags & FLAG_ALT) && (ndigits == 0 || buf[sizeof(buf) - ndigits] != '0'))
		precision = precision > ndigits + 1 ? precision : ndigits + 1;

	nzeros = precision > ndigits ? precision - ndigits : 0;
	npad = spec->width - nprefix - nzeros - ndigits;
	/* The '0' flag widens with zeros, unless '-' or a precision overrides it. */
	if ((spec->flags & FLAG_ZERO) && !(spec->flags & FLAG_LEFT) && spec->precision < 0 && npad > 0) {
		nzeros += npad;
		npad = 0;
	}

	if (!(spec->flags & FLAG_LEFT))
		out_repeat(out, ' ', npad);
	out_chars(out, prefix, (size_t)nprefix);
	out_repeat(out, '0', nzeros);
	out_chars(out, buf + sizeof(buf) - ndigits, (size_t)ndigits);
	if (spec->flags & FLAG_LEFT)
		out_repeat(out, ' ', npad);
}

static void format_text(struct format_out *out, const struct format_spec *spec,
			const char *s, size_t len)
{
	int npad = spec->width > (int)len ? spec->width - (int)len : 0;

	if (len > INT32_MAX)
		npad = 0;
	if (!(spec->flags & FLAG_LEFT))
		out_repeat(out, ' ', npad);
	out_chars(out, s, len);
	if (spec->flags & FLAG_LEFT)
		out_repeat(out, ' ', npad);
}

static void format_string(struct format_out *out, const struct format_spec *spec, const char *s)
{
	/* With a precision, never read past it: the string need not be NUL-terminated. */
	size_t max = spec->precision >= 0 ? (size_t)spec->precision : SIZE_MAX;

	if (s == NULL)
		s = "(null)";
	format_text(out, spec, s, strnlen(s, max));
}

static void format_signed(struct format_out *out, const struct format_spec *spec, intmax_t v)
{
	/* Negate in unsigned arithmetic so INTMAX_MIN does not overflow. */
	uintmax_t magnitude = v < 0 ? -(uintmax_t)v : (uintmax_t)v;

	format_number(out, spec, magnitude, v < 0, 10);
}

static void format_pointer(struct format_out *out, struct format_spec *spec, const void *p)
{
	spec->flags &= FLAG_LEFT;
	spec->precision = 16;
	format_number(out, spec, (uintptr_t)p, false, 16);
}

/* Formats one conversion whose spec has been parsed; ap is at its argument. */
static void format_one(struct format_out *out, struct format_spec *spec, va_list *ap)
{
	char c;

	switch (spec->conv) {
	case 'd':
	case 'i':
		format_signed(out, spec, fetch_signed(spec->length, ap));
		break;
	case 'u':
		format_number(out, spec, fetch_unsigned(spec->length, ap), false, 10);
		break;
	case 'x':
	case 'X':
		format_number(out, spec, fetch_unsigned(spec->length, ap), false, 16);
		break;
	case 'o':
		format_number(out, spec, fetch_unsigned(spec->length, ap), false, 8);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		format_text(out, spec, &c, 1);
		break;
	case 's':
		format_string(out, spec, va_arg(*ap, const char *));
		break;
	case 'p':
		format_pointer(out, spec, va_arg(*ap, const void *));
		break;
	default:
		/* Unknown: print "%" and the character so the mistake is visible. */
		out_char(out, '%');
		if (spec->conv != '\0')
			out_char(out, spec->conv);
		break;
	}
}

/* Parses the conversion after a '%'; returns a pointer past it. */
static const char *parse_spec(const char *fmt, va_list *ap, struct format_spec *spec)
{
	spec->flags = parse_flags(&fmt);
	parse_width(&fmt, ap, spec);
	parse_precision(&fmt, ap, spec);
	spec->length = parse_length(&fmt);
	spec->conv = *fmt;
	return *fmt != '\0' ? fmt + 1 : fmt;
}

int vformat(format_emit_fn emit, void *arg, const char *fmt, va_list ap)
{
	struct format_out out = { .emit = emit, .arg = arg, .count = 0 };
	struct format_spec spec;
	va_list args;

	/* A copy, so helpers can take its address whatever type va_list is. */
	va_copy(args, ap);
	while (*fmt != '\0') {
		if (*fmt != '%') {
			out_char(&out, *fmt++);
		} else if (fmt[1] == '%') {
			out_char(&out, '%');
			fmt += 2;
		} else {
			fmt = parse_spec(fmt + 1, &args, &spec);
			format_one(&out, &spec, &args);
		}
	}
	va_end(args);
	return out.count > FORMAT_MAX_COUNT ? -EOVERFLOW : (int)out.count;
}

struct format_buf {
	char *buf;
	size_t size;
	size_t len;
};

/* Keeps the last byte of the buffer for the NUL; counts what did not fit. */
static void emit_to_buf(char c, void *arg)
{
	struct format_buf *b = arg;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int vsnformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct format_buf b = { .buf = buf, .size = size, .len = 0 };
	int ret = vformat(emit_to_buf, &b, fmt, ap);

	if (size > 0)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return ret;
}

int snformat(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnformat(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
