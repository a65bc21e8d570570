#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Reader for "newc" cpio archives (the initrd format Linux also uses):
 * each entry is a 110-byte ASCII header of "070701" and 13 eight-digit hex
 * fields, the NUL-terminated name, padding to 4 bytes, the data, padding to
 * 4 bytes. The archive ends with an entry named "TRAILER!!!". Nothing is
 * trusted: every field is range-checked against the archive's size.
 */
struct cpio_file {
	const char *name; /* NUL-terminated, inside the archive */
	const void *data;
	size_t size;
	uint32_t mode;
};

/* The entry at *offset (start at 0): 0 and *offset advanced, -ENOENT at the
 * trailer, -EINVAL if the archive is corrupt. */
int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_file *out);

/* Find the entry named path ("bin/init"); 0, -ENOENT or -EINVAL. */
int cpio_find(const void *archive, size_t size, const char *path, struct cpio_file *out);
