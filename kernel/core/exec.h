#pragma once

#include <stddef.h>
#include <stdint.h>

struct task;
struct uvm;

/* The program file `name` ("init", or a path with '/') in the initrd:
 * 0 with *file and *size set, or -ENOENT. */
int initrd_lookup(const char *name, const void **file, size_t *size);

/*
 * Load ELF file into a fresh address space of t and build the initial user
 * stack the Linux AArch64 ABI defines (argc, argv, envp, auxv), setting
 * t->vm and the user registers in t->user_frame. 0, -ENOEXEC, -ENOMEM or
 * -E2BIG (arguments too large).
 */
int exec_load(struct task *t, const void *file, size_t size, int argc, char *const argv[],
	      int envc, char *const envp[]);
