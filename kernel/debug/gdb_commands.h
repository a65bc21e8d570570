#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Packet handlers. Each gets the packet (NUL-terminated, after the command
 * letter for single-letter commands) and writes its reply. A handler must
 * check every field before acting, and answer a malformed packet with an
 * error rather than act on part of it.
 */
struct gdb_reply {
	char *buf;
	size_t len;
	size_t size;
};

enum gdb_action {
	GDB_REPLY,	/* send r->buf (possibly empty: "unsupported") */
	GDB_NO_REPLY,	/* 'k': nothing to send */
	GDB_RESUME,	/* gdb_session.resume_step_cpu says how */
};

typedef enum gdb_action (*gdb_cmd_fn)(const char *args, size_t len, struct gdb_reply *r);

/* Reply helpers. */
void gdb_reply_str(struct gdb_reply *r, const char *s);
void gdb_reply_error(struct gdb_reply *r, int err); /* "Exx", xx = -err in hex */
void gdb_reply_hex(struct gdb_reply *r, const void *bytes, size_t n);

/* Dispatch one packet. */
enum gdb_action gdb_dispatch(const char *pkt, size_t len, struct gdb_reply *r);

/* Handlers by family (gdb_cmd_*.c). */
enum gdb_action gdb_cmd_read_regs(const char *a, size_t n, struct gdb_reply *r);   /* g */
enum gdb_action gdb_cmd_write_regs(const char *a, size_t n, struct gdb_reply *r);  /* G */
enum gdb_action gdb_cmd_read_reg(const char *a, size_t n, struct gdb_reply *r);    /* p */
enum gdb_action gdb_cmd_write_reg(const char *a, size_t n, struct gdb_reply *r);   /* P */
enum gdb_action gdb_cmd_read_mem(const char *a, size_t n, struct gdb_reply *r);    /* m */
enum gdb_action gdb_cmd_write_mem(const char *a, size_t n, struct gdb_reply *r);   /* M */
enum gdb_action gdb_cmd_write_bin(const char *a, size_t n, struct gdb_reply *r);   /* X */
enum gdb_action gdb_cmd_insert_bp(const char *a, size_t n, struct gdb_reply *r);   /* Z */
enum gdb_action gdb_cmd_remove_bp(const char *a, size_t n, struct gdb_reply *r);   /* z */
enum gdb_action gdb_cmd_continue(const char *a, size_t n, struct gdb_reply *r);    /* c */
enum gdb_action gdb_cmd_step(const char *a, size_t n, struct gdb_reply *r);        /* s */
enum gdb_action gdb_cmd_continue_sig(const char *a, size_t n, struct gdb_reply *r); /* C */
enum gdb_action gdb_cmd_step_sig(const char *a, size_t n, struct gdb_reply *r);    /* S */
enum gdb_action gdb_cmd_detach(const char *a, size_t n, struct gdb_reply *r);      /* D */
enum gdb_action gdb_cmd_kill(const char *a, size_t n, struct gdb_reply *r);        /* k */
enum gdb_action gdb_cmd_set_thread(const char *a, size_t n, struct gdb_reply *r);  /* H */
enum gdb_action gdb_cmd_thread_alive(const char *a, size_t n, struct gdb_reply *r); /* T */
enum gdb_action gdb_cmd_v(const char *a, size_t n, struct gdb_reply *r);           /* v... */
enum gdb_action gdb_cmd_query(const char *a, size_t n, struct gdb_reply *r);       /* q... */
enum gdb_action gdb_cmd_set(const char *a, size_t n, struct gdb_reply *r);         /* Q... */
enum gdb_action gdb_cmd_monitor(const char *a, size_t n, struct gdb_reply *r);     /* qRcmd */
enum gdb_action gdb_cmd_current_thread(const char *a, size_t n, struct gdb_reply *r); /* qC */
enum gdb_action gdb_cmd_thread_first(const char *a, size_t n, struct gdb_reply *r); /* qfThreadInfo */
enum gdb_action gdb_cmd_thread_more(const char *a, size_t n, struct gdb_reply *r);  /* qsThreadInfo */
enum gdb_action gdb_cmd_thread_extra(const char *a, size_t n, struct gdb_reply *r); /* qThreadExtraInfo */
enum gdb_action gdb_cmd_file(const char *a, size_t n, struct gdb_reply *r);        /* vFile: */
/* Forget the files a GDB opened with vFile:open (it left, or a new one came). */
void gdb_files_close_all(void);

/* Shared by the resume commands: let the selected thread's CPU step
 * (step = true) or everything continue, optionally from a new pc. */
enum gdb_action gdb_resume(unsigned long thread, bool step, const char *addr, size_t len,
			   struct gdb_reply *r);
/* End the session with GDB: forget breakpoints, acks back on. */
void gdb_forget_debugger(void);

/* Monitor output: an 'O' packet GDB prints while a command runs. */
void gdb_console_output(const char *s, size_t len);
