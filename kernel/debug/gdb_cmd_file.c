/*
 * vFile: the remote protocol's Host I/O packets, used here as a binary
 * memory read. GDB 13 reads memory only with 'm', whose reply is hex: two
 * bytes on the UART per byte of memory. Host I/O replies carry their data
 * as escaped binary, so `remote get /mem/ADDR,LEN FILE` copies memory at
 * about twice the speed -- what lp-trace uses for the trace rings, the
 * largest structures the GDB scripts read.
 *
 * The only files are read-only windows on memory: "/mem/ADDR,LEN" (hex
 * numbers) is LEN bytes from ADDR, read through gdb_mem_read exactly like
 * an 'm' packet (the same checks, the selected thread's address space for
 * user addresses). A file ends early where memory stops being readable.
 */
#include "debug/gdb_commands.h"
#include "debug/gdb_hex.h"
#include "debug/gdb_mem.h"
#include "lib/format.h"
#include "lib/string.h"

/* Errno values of the File-I/O protocol (GDB's own numbering). */
#define FILEIO_ENOENT 2
#define FILEIO_EBADF 9
#define FILEIO_EACCES 13
#define FILEIO_EFAULT 14
#define FILEIO_EINVAL 22
#define FILEIO_EMFILE 24
#define FILEIO_ENAMETOOLONG 91

#define FILEIO_O_ACCMODE 3 /* O_RDONLY 0, O_WRONLY 1, O_RDWR 2 */
#define MAX_FILES 4
#define NAME_MAX_LEN 64
#define MEM_PREFIX "/mem/"

static struct {
	bool open;
	uint64_t addr;
	uint64_t len;
} files[MAX_FILES];

void gdb_files_close_all(void)
{
	for (unsigned i = 0; i < MAX_FILES; i++)
		files[i].open = false;
}

static void reply_result(struct gdb_reply *r, uint64_t value)
{
	r->buf[0] = 'F';
	r->len = (size_t)(gdb_u64_to_hex(r->buf + 1, value) - r->buf);
}

static void reply_errno(struct gdb_reply *r, unsigned err)
{
	r->len = (size_t)snformat(r->buf, r->size, "F-1,%x", err);
}

/* "/mem/ADDR,LEN" into addr and len; false for any other name. */
static bool parse_mem_name(const char *name, size_t n, uint64_t *addr, uint64_t *len)
{
	const char *p = name + strlen(MEM_PREFIX), *end = name + n;

	if (n < strlen(MEM_PREFIX) || memcmp(name, MEM_PREFIX, strlen(MEM_PREFIX)) != 0)
		return false;
	return gdb_parse_hex(&p, end, addr) && gdb_parse_char(&p, end, ',') &&
	       gdb_parse_hex(&p, end, len) && p == end && *addr + *len >= *addr;
}

/* "open:NAME-IN-HEX,flags,mode" */
static void file_open(const char *a, const char *end, struct gdb_reply *r)
{
	char name[NAME_MAX_LEN];
	const char *comma = a;
	uint64_t flags, mode, addr, len;
	size_t n;

	while (comma < end && *comma != ',')
		comma++;
	if (comma == end || (comma - a) % 2) {
		reply_errno(r, FILEIO_EINVAL);
		return;
	}
	n = (size_t)(comma - a) / 2;
	if (n > sizeof(name)) {
		reply_errno(r, FILEIO_ENAMETOOLONG);
		return;
	}
	if (!gdb_hex_to_bytes(name, a, n)) {
		reply_errno(r, FILEIO_EINVAL);
		return;
	}
	a = comma + 1;
	if (!gdb_parse_hex(&a, end, &flags) || !gdb_parse_char(&a, end, ',') ||
	    !gdb_parse_hex(&a, end, &mode) || a != end) {
		reply_errno(r, FILEIO_EINVAL);
		return;
	}
	if (!parse_mem_name(name, n, &addr, &len)) {
		reply_errno(r, FILEIO_ENOENT);
		return;
	}
	if ((flags & FILEIO_O_ACCMODE) != 0) {
		reply_errno(r, FILEIO_EACCES); /* memory is written with M and X */
		return;
	}
	for (unsigned fd = 0; fd < MAX_FILES; fd++) {
		if (!files[fd].open) {
			files[fd].open = true;
			files[fd].addr = addr;
			files[fd].len = len;
			reply_result(r, fd);
			return;
		}
	}
	reply_errno(r, FILEIO_EMFILE);
}

static bool parse_fd(const char **a, const char *end, uint64_t *fd)
{
	return gdb_parse_hex(a, end, fd) && *fd < MAX_FILES && files[*fd].open;
}

/* "pread:fd,count,offset": "F<n>;<n bytes>", F0 at the end of the file. */
static void file_pread(const char *a, const char *end, struct gdb_reply *r)
{
	uint64_t fd, count, offset, done = 0;
	size_t header;

	if (!parse_fd(&a, end, &fd)) {
		reply_errno(r, FILEIO_EBADF);
		return;
	}
	if (!gdb_parse_char(&a, end, ',') || !gdb_parse_hex(&a, end, &count) ||
	    !gdb_parse_char(&a, end, ',') || !gdb_parse_hex(&a, end, &offset) || a != end) {
		reply_errno(r, FILEIO_EINVAL);
		return;
	}
	if (offset > files[fd].len)
		offset = files[fd].len;
	if (count > files[fd].len - offset)
		count = files[fd].len - offset;
	/* Room for "F" + up to 16 digits + ";"; the packet layer escapes the
	 * data as it sends it, so the raw bytes may fill the rest. */
	header = 1 + 16 + 1;
	if (count > r->size - header)
		count = r->size - header;
	/* Page by page, so a read that runs into unreadable memory returns
	 * what came before it (a short read), like 'm'. */
	while (done < count) {
		uint64_t addr = files[fd].addr + offset + done;
		uint64_t room = 4096 - (addr & 4095);
		uint64_t step = count - done < room ? count - done : room;

		if (gdb_mem_read(addr, r->buf + header + done, step) < 0)
			break;
		done += step;
	}
	if (!done && count) {
		reply_errno(r, FILEIO_EFAULT);
		return;
	}
	reply_result(r, done);
	r->buf[r->len++] = ';';
	memmove(r->buf + r->len, r->buf + header, done);
	r->len += done;
}

/* "close:fd" */
static void file_close(const char *a, const char *end, struct gdb_reply *r)
{
	uint64_t fd;

	if (!parse_fd(&a, end, &fd) || a != end) {
		reply_errno(r, FILEIO_EBADF);
		return;
	}
	files[fd].open = false;
	reply_result(r, 0);
}

static bool take(const char **a, const char *end, const char *op)
{
	size_t len = strlen(op);

	if ((size_t)(end - *a) < len || memcmp(*a, op, len) != 0)
		return false;
	*a += len;
	return true;
}

/* After "vFile:". Operations not listed (pwrite, unlink, fstat, setfs, ...)
 * get the empty reply: not supported. */
enum gdb_action gdb_cmd_file(const char *a, size_t n, struct gdb_reply *r)
{
	const char *end = a + n;

	r->len = 0;
	if (take(&a, end, "open:"))
		file_open(a, end, r);
	else if (take(&a, end, "pread:"))
		file_pread(a, end, r);
	else if (take(&a, end, "close:"))
		file_close(a, end, r);
	return GDB_REPLY;
}
