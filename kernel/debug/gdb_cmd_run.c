/* c, s, C, S, vCont, D, k: resuming the kernel and leaving it. */
#include "arch/aarch64/trap_frame.h"
#include "debug/gdb_allstop.h"
#include "debug/gdb_commands.h"
#include "debug/gdb_hex.h"
#include "debug/gdb_hwbreak.h"
#include "debug/gdb_packet.h"
#include "debug/gdb_session.h"
#include "debug/gdb_step.h"
#include "debug/gdb_swbreak.h"
#include "debug/gdb_threads.h"
#include "lib/errno.h"
#include "lib/string.h"

enum gdb_action gdb_resume(unsigned long thread, bool step, const char *addr, size_t len,
			   struct gdb_reply *r)
{
	const char *end = addr + len;
	struct gdb_thread t;
	uint64_t pc = 0;
	bool new_pc = len > 0;

	if (!thread)
		thread = gdb_thread_on_cpu(gdb_session.stop.cpu);
	if ((new_pc && (!gdb_parse_hex(&addr, end, &pc) || addr != end)) ||
	    !gdb_thread_get(thread, &t) || t.cpu < 0 || !t.frame ||
	    gdb_cpus[t.cpu].state == GDB_CPU_RUNNING) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	if (gdb_session.post_mortem) {
		/* A crashed kernel cannot run: it "stops" again at once. */
		gdb_session.waiting = true;
		return GDB_NO_REPLY;
	}
	if (new_pc)
		t.frame->pc = pc;
	if (step && gdb_step_emulate(t.frame)) {
		/* Done without running anything: answer as that CPU's stop. */
		gdb_session.stop = (struct gdb_stop){ .signal = GDB_SIGTRAP,
						      .kind = GDB_STOP_SIGNAL, .cpu = t.cpu };
		gdb_session.g_thread = gdb_session.c_thread = 0;
		r->len = gdb_stop_reply(r->buf, r->size);
		return GDB_REPLY;
	}
	gdb_session.resume_step_cpu = step ? t.cpu : -1;
	return GDB_RESUME;
}

enum gdb_action gdb_cmd_continue(const char *a, size_t n, struct gdb_reply *r)
{
	return gdb_resume(gdb_session.c_thread, false, a, n, r);
}

enum gdb_action gdb_cmd_step(const char *a, size_t n, struct gdb_reply *r)
{
	return gdb_resume(gdb_session.c_thread, true, a, n, r);
}

/* "Csig[;addr]": the kernel has no signals to deliver; the number is
 * checked and dropped. */
static enum gdb_action resume_sig(const char *a, size_t n, struct gdb_reply *r, bool step)
{
	const char *end = a + n;
	uint64_t sig;

	if (!gdb_parse_hex(&a, end, &sig) || sig > 0xff ||
	    (a != end && !gdb_parse_char(&a, end, ';'))) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	return gdb_resume(gdb_session.c_thread, step, a, (size_t)(end - a), r);
}

enum gdb_action gdb_cmd_continue_sig(const char *a, size_t n, struct gdb_reply *r)
{
	return resume_sig(a, n, r, false);
}

enum gdb_action gdb_cmd_step_sig(const char *a, size_t n, struct gdb_reply *r)
{
	return resume_sig(a, n, r, true);
}

/*
 * "vCont;action[:thread]..." with actions c, Csig, s, Ssig. All-stop: at
 * most one thread steps (the first step action), with every other CPU left
 * parked; with no step action everything continues.
 */
static enum gdb_action vcont(const char *a, size_t n, struct gdb_reply *r)
{
	const char *end = a + n;
	unsigned long step_thread = 0;
	bool step = false;

	while (a < end) {
		uint64_t sig, tid = 0;
		bool has_tid = false;
		char act;

		if (!gdb_parse_char(&a, end, ';') || a == end)
			goto bad;
		act = *a++;
		if (act != 'c' && act != 's' && act != 'C' && act != 'S')
			goto bad;
		if ((act == 'C' || act == 'S') && (!gdb_parse_hex(&a, end, &sig) || sig > 0xff))
			goto bad;
		if (gdb_parse_char(&a, end, ':')) {
			if (gdb_parse_char(&a, end, '-')) {
				if (!gdb_parse_char(&a, end, '1'))
					goto bad;
			} else if (!gdb_parse_hex(&a, end, &tid)) {
				goto bad;
			}
			has_tid = true;
		}
		if ((act == 's' || act == 'S') && !step) {
			step = true;
			step_thread = has_tid ? (unsigned long)tid : 0;
		}
	}
	return gdb_resume(step_thread, step, a, 0, r);
bad:
	gdb_reply_error(r, -EINVAL);
	return GDB_REPLY;
}

enum gdb_action gdb_cmd_v(const char *a, size_t n, struct gdb_reply *r)
{
	if (n == 5 && memcmp(a, "Cont?", 5) == 0) {
		gdb_reply_str(r, "vCont;c;C;s;S");
		return GDB_REPLY;
	}
	if (n >= 4 && memcmp(a, "Cont", 4) == 0 && (n == 4 || a[4] == ';'))
		return vcont(a + 4, n - 4, r);
	if (n >= 5 && memcmp(a, "File:", 5) == 0)
		return gdb_cmd_file(a + 5, n - 5, r);
	if (n >= 4 && memcmp(a, "Kill", 4) == 0) {
		gdb_reply_str(r, "OK"); /* vKill;pid is answered, unlike k */
		gdb_session.detach_pending = true;
		return GDB_REPLY;
	}
	return GDB_REPLY; /* vMustReplyEmpty and everything else */
}

void gdb_forget_debugger(void)
{
	gdb_swbreak_remove_all();
	gdb_hw_remove_all();
	gdb_files_close_all();
	gdb_session.waiting = false;
	gdb_session.g_thread = gdb_session.c_thread = 0;
	gdb_packet_set_noack(false);
}

/* Detach: the kernel runs on without breakpoints; another GDB may attach.
 * After a crash the stub keeps waiting for the next one. */
enum gdb_action gdb_cmd_detach(const char *a, size_t n, struct gdb_reply *r)
{
	if (n && a[0] != ';') { /* "D" or multiprocess "D;pid" */
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	gdb_reply_str(r, "OK");
	gdb_session.detach_pending = true;
	return GDB_REPLY;
}

/* Kill: there is no process to kill. Like Linux kgdb, treat it as a
 * detach without a reply ("monitor reboot" restarts the machine). */
enum gdb_action gdb_cmd_kill(const char *a, size_t n, struct gdb_reply *r)
{
	(void)a;
	if (n) {
		gdb_reply_error(r, -EINVAL);
		return GDB_REPLY;
	}
	gdb_session.detach_pending = true;
	return GDB_NO_REPLY;
}
