#include "arch/aarch64/esr.h"
#include "arch/aarch64/trap_frame.h"
#include "debug/gdb_session.h"
#include "debug/gdb_threads.h"
#include "lib/format.h"

size_t gdb_stop_reply(char *buf, size_t size)
{
	static const char *const watch_names[] = {
		[GDB_STOP_WATCH] = "watch", [GDB_STOP_RWATCH] = "rwatch",
		[GDB_STOP_AWATCH] = "awatch",
	};
	const struct gdb_stop *s = &gdb_session.stop;
	int n;

	n = snformat(buf, size, "T%02xthread:%lx;core:%x;", s->signal & 0xff,
		     gdb_thread_on_cpu(s->cpu), s->cpu);
	switch (s->kind) {
	case GDB_STOP_SWBREAK:
		n += snformat(buf + n, size - n, "swbreak:;");
		break;
	case GDB_STOP_HWBREAK:
		n += snformat(buf + n, size - n, "hwbreak:;");
		break;
	case GDB_STOP_WATCH:
	case GDB_STOP_RWATCH:
	case GDB_STOP_AWATCH:
		n += snformat(buf + n, size - n, "%s:%llx;", watch_names[s->kind],
			      (unsigned long long)s->data_addr);
		break;
	case GDB_STOP_SIGNAL:
		break;
	}
	return (size_t)n;
}

int gdb_crash_signal(const struct trap_frame *f)
{
	unsigned ec = esr_class(f->esr);

	/* A frame captured by panic() or the hang detector has no syndrome
	 * at all; an undefined instruction has EC 0 with the IL bit set. */
	if (f->esr == 0)
		return GDB_SIGTRAP;
	if (esr_is_abort(f->esr))
		return GDB_SIGSEGV;
	if (ec == EC_PC_ALIGN || ec == EC_SP_ALIGN)
		return GDB_SIGBUS;
	if (ec == EC_UNKNOWN)
		return GDB_SIGILL;
	return GDB_SIGTRAP;
}

unsigned long gdb_session_thread(void)
{
	return gdb_session.g_thread ? gdb_session.g_thread : gdb_thread_on_cpu(gdb_session.stop.cpu);
}
