#pragma once

#include <stdint.h>

#include "arch/aarch64/trap_frame.h"

/*
 * The system-call entry: vectors.S saved the caller's registers in f; the
 * number is in x8, arguments in x0-x5, and the result goes back in x0.
 * Every handler decodes and checks all of its arguments before it changes
 * anything (docs/syscalls.md).
 */
typedef long (*syscall_fn)(struct trap_frame *f);

void syscall_dispatch(struct trap_frame *f);

/* Tables, indexed by number (Linux) and by number - LOUPE_SYS_BASE. */
syscall_fn syscall_linux_lookup(uint64_t nr);
syscall_fn syscall_native_lookup(uint64_t nr);
syscall_fn syscall_ipc_lookup(uint64_t nr);
syscall_fn syscall_objects_lookup(uint64_t nr);
