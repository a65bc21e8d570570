/*
 * Turning the tracer on and off: the command line, the monitor's `trace`
 * command and the GDB stub all end up here. Changes are serialised by
 * trace_control_lock; tracepoints read trace_enabled without it, so a CPU
 * may record an event or two after `trace off` returns, never a torn one.
 */
#include "trace/trace.h"

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "platform/platform.h"
#include "trace/trace_priv.h"

struct spinlock trace_control_lock = SPINLOCK_INIT("trace_control");
const char *trace_file;
static char trace_file_buf[128];

static const struct {
	const char *name;
	uint32_t mask;
} categories[] = {
	{ "sched", TRACE_CAT_SCHED },	  { "ipc", TRACE_CAT_IPC },
	{ "irq", TRACE_CAT_IRQ },	  { "syscall", TRACE_CAT_SYSCALL },
	{ "fault", TRACE_CAT_FAULT },	  { "counter", TRACE_CAT_COUNTER },
	{ "mark", TRACE_CAT_MARK },	  { "all", TRACE_CAT_ALL },
};

static bool word_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

int trace_parse_categories(const char *s, size_t len, uint32_t *mask)
{
	uint32_t m = 0;

	if (word_is(s, len, "off")) {
		*mask = 0;
		return 0;
	}
	while (len) {
		size_t n = 0;
		bool known = false;

		while (n < len && s[n] != ',')
			n++;
		for (size_t i = 0; i < ARRAY_SIZE(categories); i++) {
			if (word_is(s, n, categories[i].name)) {
				m |= categories[i].mask;
				known = true;
			}
		}
		if (!known)
			return -EINVAL;
		s += n;
		len -= n;
		if (len) { /* skip the comma; a trailing one is an error */
			s++;
			if (--len == 0)
				return -EINVAL;
		}
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

static void set_mask(uint32_t mask)
{
	unsigned long flags = spin_lock_irqsave(&trace_control_lock);

	WRITE_ONCE(trace_enabled, mask);
	spin_unlock_irqrestore(&trace_control_lock, flags);
}

static void for_each_ring(void (*fn)(struct trace_ring *r, uint32_t arg), uint32_t arg)
{
	unsigned long flags = spin_lock_irqsave(&trace_control_lock);

	for (unsigned i = 0; i < platform.ncpus && i < MAX_CPUS; i++)
		fn(&trace_rings[i], arg);
	spin_unlock_irqrestore(&trace_control_lock, flags);
}

static void clear_ring(struct trace_ring *r, uint32_t unused)
{
	(void)unused;
	trace_ring_clear(r);
}

static void categories_text(uint32_t mask, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i + 1 < ARRAY_SIZE(categories); i++) /* not "all" */
		if (mask & categories[i].mask)
			used += snformat(buf + used, used < size ? size - used : 0, "%s%s",
					 used ? "," : "", categories[i].name);
}

static void status(void (*out)(const char *line))
{
	uint32_t mask = READ_ONCE(trace_enabled);
	char cats[64], line[128];

	categories_text(mask, cats, sizeof(cats));
	snformat(line, sizeof(line), "trace: %s%s%s, %s mode, %u records per CPU",
		 mask ? "on (" : "off", cats, mask ? ")" : "",
		 trace_rings[0].mode == TRACE_MODE_STOP ? "stop" : "overwrite",
		 trace_ring_capacity(&trace_rings[0]));
	out(line);
	for (unsigned i = 0; i < platform.ncpus && i < MAX_CPUS; i++) {
		const struct trace_ring *r = &trace_rings[i];
		uint64_t head = trace_ring_head(r);
		uint64_t kept = head > r->first ? head - r->first : 0;

		if (kept > trace_ring_capacity(r))
			kept = trace_ring_capacity(r);

		snformat(line, sizeof(line), "  cpu%u  %llu records kept, %llu dropped", i,
			 (unsigned long long)kept,
			 (unsigned long long)trace_ring_dropped(r, head));
		out(line);
	}
	snformat(line, sizeof(line), "  file: %s", trace_file ? trace_file : "none (tracefile=PATH)");
	out(line);
}

/* Split "verb rest" at the first space. */
static const char *next_word(const char *s, size_t *len)
{
	while (*s == ' ')
		s++;
	*len = 0;
	while (s[*len] && s[*len] != ' ')
		(*len)++;
	return s;
}

int trace_control(const char *args, void (*out)(const char *line))
{
	size_t len, arg_len;
	const char *verb = next_word(args, &len);
	const char *arg = next_word(verb + len, &arg_len);
	uint32_t mask = TRACE_CAT_ALL;

	if (!CONFIG_TRACE) {
		out("trace: the tracer is not part of this stage");
		return -EINVAL;
	}
	if (len == 0 || word_is(verb, len, "status")) {
		status(out);
	} else if (word_is(verb, len, "on")) {
		if (arg_len && trace_parse_categories(arg, arg_len, &mask) < 0)
			goto usage;
		set_mask(mask);
		trace_mark_instant("trace on");
		status(out);
	} else if (word_is(verb, len, "off")) {
		trace_mark_instant("trace off");
		set_mask(0);
		status(out);
	} else if (word_is(verb, len, "clear")) {
		for_each_ring(clear_ring, 0);
		trace_mark_instant("trace clear");
		out("trace: cleared");
	} else if (word_is(verb, len, "mode") && (word_is(arg, arg_len, "stop") ||
						   word_is(arg, arg_len, "overwrite"))) {
		for_each_ring(trace_ring_set_mode,
			      arg[0] == 's' ? TRACE_MODE_STOP : TRACE_MODE_OVERWRITE);
		status(out);
	} else {
		goto usage;
	}
	return 0;
usage:
	out("usage: trace on [sched,ipc,irq,syscall,fault,counter,mark|all] | off | clear |"
	    " status | mode overwrite|stop");
	return -EINVAL;
}

bool trace_cmdline_categories(const char *value, size_t len)
{
	uint32_t mask;

	if (!value || trace_parse_categories(value, len, &mask) < 0)
		return false;
	WRITE_ONCE(trace_enabled, CONFIG_TRACE ? mask : 0);
	return true;
}

bool trace_cmdline_file(const char *value, size_t len)
{
	if (!value || len == 0 || len >= sizeof(trace_file_buf))
		return false;
	memcpy(trace_file_buf, value, len);
	trace_file_buf[len] = '\0';
	trace_file = trace_file_buf;
	return true;
}

/* tracebuf=N: N records per CPU, a power of two from 8 to the maximum. At
 * boot, before anything is recorded, so the rings can simply restart. */
bool trace_cmdline_buffer(const char *value, size_t len)
{
	uint32_t n = 0;

	if (!value || len == 0 || len > 6)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (value[i] < '0' || value[i] > '9')
			return false;
		n = n * 10 + (uint32_t)(value[i] - '0');
	}
	if (n < 8 || n > TRACE_RING_RECORDS || (n & (n - 1)))
		return false;
	for (unsigned i = 0; CONFIG_TRACE && i < MAX_CPUS; i++)
		trace_ring_init(&trace_rings[i], trace_slots[i], n);
	return true;
}
