#include "lib/cpio.h"

#include <stdbool.h>

#include "lib/errno.h"
#include "lib/string.h"

#define HEADER_SIZE 110
#define FIELD_LEN 8
/* Field positions after the 6-byte magic, in units of FIELD_LEN. */
#define F_MODE 1
#define F_FILESIZE 6
#define F_NAMESIZE 11

static bool parse_hex(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < FIELD_LEN; i++) {
		char c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_file *out)
{
	const char *base = archive, *hdr;
	uint32_t mode, filesize, namesize;
	size_t pos = *offset, name_end, data_end;

	if (pos > size || size - pos < HEADER_SIZE)
		return -EINVAL;
	hdr = base + pos;
	if (memcmp(hdr, "070701", 6) != 0 ||
	    !parse_hex(hdr + 6 + F_MODE * FIELD_LEN, &mode) ||
	    !parse_hex(hdr + 6 + F_FILESIZE * FIELD_LEN, &filesize) ||
	    !parse_hex(hdr + 6 + F_NAMESIZE * FIELD_LEN, &namesize))
		return -EINVAL;
	/* The name includes its NUL; it must fit and really end there. */
	if (namesize == 0 || namesize > size - pos - HEADER_SIZE)
		return -EINVAL;
	name_end = pos + HEADER_SIZE + namesize;
	if (base[name_end - 1] != '\0' || strnlen(hdr + HEADER_SIZE, namesize) != namesize - 1)
		return -EINVAL;
	if (pad4(name_end) > size || filesize > size - pad4(name_end))
		return -EINVAL;
	data_end = pad4(name_end) + filesize;

	if (strcmp(hdr + HEADER_SIZE, "TRAILER!!!") == 0)
		return -ENOENT;
	out->name = hdr + HEADER_SIZE;
	out->data = base + pad4(name_end);
	out->size = filesize;
	out->mode = mode;
	*offset = pad4(data_end) < size ? pad4(data_end) : size;
	return 0;
}

int cpio_find(const void *archive, size_t size, const char *path, struct cpio_file *out)
{
	size_t offset = 0;
	int err;

	while ((err = cpio_next(archive, size, &offset, out)) == 0) {
		/* GNU cpio may store names with a leading "./". */
		const char *name = out->name;

		if (name[0] == '.' && name[1] == '/')
			name += 2;
		if (strcmp(name, path) == 0)
			return 0;
	}
	return err;
}
