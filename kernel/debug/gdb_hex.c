#include "debug/gdb_hex.h"

const char gdb_hex_chars[16] = "0123456789abcdef";

int gdb_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool gdb_parse_hex(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int digits = 0, d;

	while (s < end && (d = gdb_hex_digit(*s)) >= 0) {
		if (++digits > 16)
			return false; /* more than 64 bits */
		v = v << 4 | (unsigned)d;
		s++;
	}
	if (!digits)
		return false;
	*p = s;
	*out = v;
	return true;
}

bool gdb_parse_char(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

char *gdb_bytes_to_hex(char *out, const void *bytes, size_t n)
{
	const uint8_t *b = bytes;

	for (size_t i = 0; i < n; i++) {
		*out++ = gdb_hex_chars[b[i] >> 4];
		*out++ = gdb_hex_chars[b[i] & 0xf];
	}
	return out;
}

bool gdb_hex_to_bytes(void *bytes, const char *hex, size_t n)
{
	uint8_t *b = bytes;

	for (size_t i = 0; i < n; i++) {
		int hi = gdb_hex_digit(hex[2 * i]), lo = gdb_hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

char *gdb_u64_to_hex(char *out, uint64_t v)
{
	int shift = 60;

	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*out++ = gdb_hex_chars[(v >> shift) & 0xf];
	return out;
}
