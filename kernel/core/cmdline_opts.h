#pragma once

#include <stdbool.h>

/*
 * The kernel command line (QEMU -append, /chosen bootargs), read once at
 * boot. Each recognised word sets one of these; an unknown word gets a
 * warning and is ignored (docs/cmdline.md lists them all).
 */
struct boot_options {
	bool selftest;	   /* selftest: run the in-kernel tests, then power off */
	const char *crash; /* crash=KIND: crash deliberately after boot */
	bool gdb_wait;	   /* gdbwait: stop at boot until GDB attaches to UART1 */
	/* crashat=console: crash once the console server drives UART0 */
	bool crash_at_console;
};

extern struct boot_options boot_options;

void cmdline_apply(const char *cmdline);
