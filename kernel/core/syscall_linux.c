/*
 * The Linux AArch64 system calls Loupe implements, enough for static musl
 * programs. Numbers and structure layouts follow Linux's arm64 ABI.
 */
#include "arch/arch.h"
#include "core/console.h"
#include "core/random.h"
#include "core/sched.h"
#include "core/syscall.h"
#include "core/task.h"
#include "core/timer.h"
#include "core/tty.h"
#include "ipc/stdio.h"
#include "core/uaccess.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "loupe/syscall.h"
#include "mm/uvm.h"

#define LINUX_SYS_ioctl 29
#define TIOCGWINSZ 0x5413
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_BOOTTIME 7
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define IOV_MAX 1024
#define IO_CHUNK 256

struct timespec_abi {
	int64_t tv_sec, tv_nsec;
};

struct iovec_abi {
	uint64_t base, len;
};

struct utsname_abi {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct winsize_abi {
	uint16_t rows, cols, xpixel, ypixel;
};

static bool is_console_fd(uint64_t fd)
{
	return fd <= 2;
}

/* Write n bytes at user address buf to the console, in chunks. */
static long console_write_user(uint64_t buf, uint64_t n)
{
	char chunk[IO_CHUNK];
	uint64_t done = 0;

	while (done < n) {
		size_t len = n - done < IO_CHUNK ? n - done : IO_CHUNK;

		if (copy_from_user(chunk, buf + done, len) < 0)
			return done ? (long)done : -EFAULT;
		/* Through the console server if the task has one; if that
		 * server is gone (-EPIPE), the kernel console takes over. */
		if (!stdio_forwarded()) {
			console_write(chunk, len);
		} else if (stdio_write(chunk, len) == -EPIPE) {
			console_reclaim_output(); /* now, not at the next tick */
			console_write(chunk, len);
		}
		done += len;
	}
	return (long)done;
}

static long sys_read(struct trap_frame *f)
{
	char chunk[IO_CHUNK];
	uint64_t fd = f->x[0], buf = f->x[1], n = f->x[2];
	long got;

	if (fd != 0)
		return -EBADF;
	if (n == 0)
		return 0;
	/* Check the buffer before blocking, so a bad pointer fails at once:
	 * its first byte must be readable and writable (written back as is). */
	if (copy_from_user(chunk, buf, 1) < 0 || copy_to_user(buf, chunk, 1) < 0)
		return -EFAULT;
	got = -EPIPE;
	if (stdio_forwarded())
		got = stdio_read(chunk, n < IO_CHUNK ? n : IO_CHUNK);
	if (got == -EPIPE)
		got = tty_read(chunk, n < IO_CHUNK ? n : IO_CHUNK);
	if (got > 0 && copy_to_user(buf, chunk, got) < 0)
		return -EFAULT;
	return got;
}

static long sys_write(struct trap_frame *f)
{
	if (!is_console_fd(f->x[0]))
		return -EBADF;
	return console_write_user(f->x[1], f->x[2]);
}

static long sys_writev(struct trap_frame *f)
{
	uint64_t fd = f->x[0], iov = f->x[1], cnt = f->x[2];
	long total = 0;

	if (!is_console_fd(fd))
		return -EBADF;
	if (cnt > IOV_MAX)
		return -EINVAL;
	for (uint64_t i = 0; i < cnt; i++) {
		struct iovec_abi v;
		long n;

		if (copy_from_user(&v, iov + i * sizeof(v), sizeof(v)) < 0)
			return total ? total : -EFAULT;
		n = console_write_user(v.base, v.len);
		if (n < 0)
			return total ? total : n;
		total += n;
	}
	return total;
}

static long sys_ioctl(struct trap_frame *f)
{
	struct winsize_abi ws = { .rows = 24, .cols = 80 };

	/* musl asks TIOCGWINSZ to decide whether stdout is a terminal (and
	 * so line-buffered). The console is one, 80x24. */
	if (!is_console_fd(f->x[0]))
		return -EBADF;
	if (f->x[1] != TIOCGWINSZ)
		return -ENOTTY;
	return copy_to_user(f->x[2], &ws, sizeof(ws));
}

static long sys_exit(struct trap_frame *f)
{
	task_exit(WSTATUS_EXITED((int)f->x[0]));
}

static long sys_set_tid_address(struct trap_frame *f)
{
	current_task()->clear_child_tid = f->x[0];
	return current_task()->tid;
}

static long sys_nanosleep(struct trap_frame *f)
{
	struct timespec_abi req;
	uint64_t ns;

	if (copy_from_user(&req, f->x[0], sizeof(req)) < 0)
		return -EFAULT;
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000)
		return -EINVAL;
	ns = (uint64_t)req.tv_sec * 1000000000ull + (uint64_t)req.tv_nsec;
	return sched_sleep_until(timer_now_ns() + ns);
}

static long sys_clock_gettime(struct trap_frame *f)
{
	uint64_t now = timer_now_ns();
	struct timespec_abi ts = { (int64_t)(now / 1000000000ull), (int64_t)(now % 1000000000ull) };

	switch (f->x[0]) {
	case CLOCK_REALTIME: /* no wall clock yet: time since boot */
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		return copy_to_user(f->x[1], &ts, sizeof(ts));
	default:
		return -EINVAL;
	}
}

static long sys_sched_yield(struct trap_frame *f)
{
	(void)f;
	sched_yield();
	return 0;
}

static long sys_uname(struct trap_frame *f)
{
	struct utsname_abi u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Loupe", sizeof(u.sysname));
	strlcpy(u.nodename, "loupe", sizeof(u.nodename));
	strlcpy(u.release, "0.3", sizeof(u.release));
	strlcpy(u.version, "stage " CONFIG_STAGE_NAME, sizeof(u.version));
	strlcpy(u.machine, "aarch64", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user(f->x[0], &u, sizeof(u));
}

static long sys_getpid(struct trap_frame *f)
{
	(void)f;
	return current_task()->tid;
}

static long sys_getppid(struct trap_frame *f)
{
	struct task *p = current_task()->parent;

	(void)f;
	return p ? p->tid : 0;
}

static long sys_brk(struct trap_frame *f)
{
	return (long)uvm_brk(current_task()->vm, f->x[0]);
}

static long sys_mmap(struct trap_frame *f)
{
	uint64_t len = f->x[1], prot = f->x[2], flags = f->x[3];
	int64_t fd = (int64_t)f->x[4];
	unsigned uprot = (prot & PROT_READ ? UVM_R : 0) | (prot & PROT_WRITE ? UVM_W : 0) |
			 (prot & PROT_EXEC ? UVM_X : 0);

	if ((flags & (MAP_PRIVATE | MAP_ANONYMOUS)) != (MAP_PRIVATE | MAP_ANONYMOUS) || fd != -1)
		return -ENOSYS; /* only anonymous private memory: there are no files yet */
	if (flags & MAP_FIXED)
		return -EINVAL;
	if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	/* Writable or executable memory must be readable on AArch64 anyway. */
	if (uprot)
		uprot |= UVM_R;
	return uvm_mmap(current_task()->vm, len, uprot);
}

static long sys_munmap(struct trap_frame *f)
{
	return uvm_munmap(current_task()->vm, f->x[0], f->x[1]);
}

static long sys_getrandom(struct trap_frame *f)
{
	uint64_t buf = f->x[0], n = f->x[1], done = 0;

	if (f->x[2] & ~7ull) /* GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE */
		return -EINVAL;
	while (done < n) {
		uint64_t r = random_u64();
		size_t len = n - done < 8 ? n - done : 8;

		if (copy_to_user(buf + done, &r, len) < 0)
			return done ? (long)done : -EFAULT;
		done += len;
	}
	return (long)done;
}

static const syscall_fn linux_table[] = {
	[LINUX_SYS_ioctl] = sys_ioctl,
	[LINUX_SYS_read] = sys_read,
	[LINUX_SYS_write] = sys_write,
	[LINUX_SYS_writev] = sys_writev,
	[LINUX_SYS_exit] = sys_exit,
	[LINUX_SYS_exit_group] = sys_exit,
	[LINUX_SYS_set_tid_address] = sys_set_tid_address,
	[LINUX_SYS_nanosleep] = sys_nanosleep,
	[LINUX_SYS_clock_gettime] = sys_clock_gettime,
	[LINUX_SYS_sched_yield] = sys_sched_yield,
	[LINUX_SYS_uname] = sys_uname,
	[LINUX_SYS_getpid] = sys_getpid,
	[LINUX_SYS_getppid] = sys_getppid,
	[LINUX_SYS_gettid] = sys_getpid,
	[LINUX_SYS_brk] = sys_brk,
	[LINUX_SYS_munmap] = sys_munmap,
	[LINUX_SYS_mmap] = sys_mmap,
	[LINUX_SYS_getrandom] = sys_getrandom,
};

syscall_fn syscall_linux_lookup(uint64_t nr)
{
	return nr < ARRAY_SIZE(linux_table) ? linux_table[nr] : NULL;
}
