#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trap_frame;

/*
 * One stop of the kernel as GDB sees it: why it stopped, and the
 * conversation with GDB until it resumes. Only the owner CPU (see
 * gdb_allstop.h) touches this state.
 */

/* Signal numbers of the remote protocol (GDB's own numbering). */
#define GDB_SIGINT 2
#define GDB_SIGILL 4
#define GDB_SIGTRAP 5
#define GDB_SIGBUS 10
#define GDB_SIGSEGV 11

enum gdb_stop_kind {
	GDB_STOP_SIGNAL,	/* Ctrl-C, step, attach, crash */
	GDB_STOP_SWBREAK,	/* a Z0 breakpoint */
	GDB_STOP_HWBREAK,	/* a Z1 breakpoint */
	GDB_STOP_WATCH,		/* Z2: write */
	GDB_STOP_RWATCH,	/* Z3: read */
	GDB_STOP_AWATCH,	/* Z4: read or write */
};

struct gdb_stop {
	int signal;
	enum gdb_stop_kind kind;
	uint64_t data_addr; /* watchpoints: the address accessed */
	unsigned cpu;	    /* the CPU that stopped (the owner) */
};

struct gdb_session {
	bool waiting;	   /* GDB resumed us and waits for a stop reply */
	bool post_mortem;  /* the kernel crashed: nothing may run again */
	bool noack_pending; /* switch acks off after the current reply */
	bool detach_pending; /* D or k: leave after the current reply */
	struct gdb_stop stop;
	unsigned long g_thread; /* Hg: registers/memory of this thread; 0: stop thread */
	unsigned long c_thread; /* Hc: what a plain `s` steps; 0: stop thread */
	unsigned long list_cursor; /* qsThreadInfo continues after this id */
	int resume_step_cpu;	   /* set by a resume command: -1 = continue all */
};

extern struct gdb_session gdb_session;

/* Talk to GDB until it resumes the kernel. Returns the CPU to single-step,
 * or -1 to continue every CPU. Never returns after a crash. */
int gdb_session_run(void);

/* The stop reply ("T05thread:1;core:0;swbreak:;") for the current stop. */
size_t gdb_stop_reply(char *buf, size_t size);
/* The stop signal for a crash frame: SIGSEGV for aborts, SIGILL for
 * undefined instructions, SIGTRAP otherwise (panic, hang, BRK). */
int gdb_crash_signal(const struct trap_frame *f);
/* The thread GDB's register and memory commands apply to. */
unsigned long gdb_session_thread(void);
