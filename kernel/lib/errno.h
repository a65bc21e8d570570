#pragma once

/*
 * One error convention for the whole kernel: functions that can fail return
 * a negative errno value (-ENOMEM, -EINVAL, ...), and 0 or a non-negative
 * result on success. The numbers are Linux's, so the same values can be
 * returned unchanged through the Linux system-call ABI.
 */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOTTY 25
#define ENOSPC 28
#define EPIPE 32
#define ERANGE 34
#define ENOSYS 38
#define ENAMETOOLONG 36
#define EOVERFLOW 75
#define ETIMEDOUT 110
