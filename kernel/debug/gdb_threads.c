#include "debug/gdb_threads.h"

#include "lib/compiler.h"
#include "lib/format.h"

#define MAX_SOURCES 4

/* Registered at init, before any stop; read-only afterwards. */
static const struct gdb_thread_source *sources[MAX_SOURCES];
static unsigned nsources;

void gdb_threads_register(const struct gdb_thread_source *src)
{
	if (nsources < MAX_SOURCES)
		sources[nsources++] = src;
}

unsigned long gdb_threads_next(unsigned long after)
{
	unsigned long best = 0;

	for (unsigned i = 0; i < nsources; i++) {
		unsigned long id = sources[i]->next(after);

		if (id && (!best || id < best))
			best = id;
	}
	return best;
}

bool gdb_thread_get(unsigned long id, struct gdb_thread *t)
{
	if (!id)
		return false;
	for (unsigned i = 0; i < nsources; i++)
		if (sources[i]->get(id, t))
			return true;
	return false;
}

unsigned long gdb_thread_on_cpu(unsigned cpu)
{
	/* Later sources are more specific (a task beats its CPU). */
	for (unsigned i = nsources; i-- > 0;) {
		unsigned long id = sources[i]->on_cpu(cpu);

		if (id)
			return id;
	}
	return 0;
}

size_t gdb_threads_xml(char *buf, size_t size)
{
	size_t len = 0;
	struct gdb_thread t;

	len += (size_t)snformat(buf, size, "<?xml version=\"1.0\"?>\n<threads>\n");
	for (unsigned long id = gdb_threads_next(0); id && len < size;
	     id = gdb_threads_next(id)) {
		if (!gdb_thread_get(id, &t))
			continue;
		len += (size_t)snformat(buf + len, size - len,
					"<thread id=\"%lx\" core=\"%d\" name=\"%s\">%s</thread>\n",
					id, t.cpu < 0 ? 0 : t.cpu, t.name, t.state);
	}
	if (len < size)
		len += (size_t)snformat(buf + len, size - len, "</threads>\n");
	return len < size ? len : size - 1;
}
