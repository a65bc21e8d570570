#include "debug/gdb_allstop.h"

#include "arch/arch.h"
#include "core/percpu.h"
#include "core/smp.h"
#include "debug/gdb_cpu.h"

/* How long the owner waits for the other CPUs to take IPI_DEBUG. */
#define STOP_TIMEOUT_MS 1000

struct gdb_cpu gdb_cpus[MAX_CPUS];

/*
 * owner: the CPU talking to GDB, -1 if none; taken by compare-and-swap.
 * stop_requested: CPUs taking IPI_DEBUG should park (a stale IPI that
 *   arrives after a resume is ignored).
 * resume_gen: bumped by every resume; parked CPUs wait for it to change
 *   and then leave if run_mask has their bit.
 * The owner writes run_mask and stop_requested before the release store of
 * resume_gen; parked CPUs read them after its acquire load.
 */
static int owner = -1;
static bool stop_requested;
static unsigned resume_gen;
static uint64_t run_mask;
/* The resume generation each CPU last left a park with. The owner waits
 * for the CPUs it released to store it, so that no CPU still looks
 * parked (and would be skipped by the next stop's IPIs) after it runs. */
static unsigned departed_gen[MAX_CPUS];
static uint64_t last_released; /* the CPUs the last resume let go */

bool gdb_allstop_active(void)
{
	return __atomic_load_n(&stop_requested, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&owner, __ATOMIC_ACQUIRE) >= 0;
}

int gdb_allstop_owner(void)
{
	return __atomic_load_n(&owner, __ATOMIC_ACQUIRE);
}

static enum gdb_cpu_state cpu_state(unsigned cpu)
{
	return __atomic_load_n(&gdb_cpus[cpu].state, __ATOMIC_ACQUIRE);
}

static void set_state(unsigned cpu, enum gdb_cpu_state s)
{
	__atomic_store_n(&gdb_cpus[cpu].state, s, __ATOMIC_RELEASE);
}

/* Wait, interrupts masked, until a resume releases this CPU; then run
 * again. gen is the resume generation read before this CPU could have
 * missed a resume. */
static void park_and_depart(unsigned me, unsigned gen)
{
	set_state(me, GDB_CPU_PARKED);
	for (;;) {
		unsigned now = __atomic_load_n(&resume_gen, __ATOMIC_ACQUIRE);

		if (now != gen) {
			gen = now;
			if (__atomic_load_n(&run_mask, __ATOMIC_RELAXED) & (1ull << me))
				break;
			/* a step of another CPU: stay */
		}
		/* Woken by the resume's sev; spurious wake-ups just loop. */
		__asm__ volatile("wfe" ::: "memory");
	}
	gdb_cpu_depart(me);
	__atomic_store_n(&departed_gen[me], gen, __ATOMIC_RELEASE);
}

/* A new owner: wait (bounded) until every CPU the last resume released
 * is on its way out, so that none still looks parked -- and would be
 * skipped by this stop's IPIs -- while it is about to run. */
static void wait_last_resume(void)
{
	uint64_t deadline = arch_counter() + arch_counter_freq() / 1000 * STOP_TIMEOUT_MS;
	unsigned gen = __atomic_load_n(&resume_gen, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (!(last_released & (1ull << i)))
			continue;
		while (__atomic_load_n(&departed_gen[i], __ATOMIC_ACQUIRE) != gen &&
		       arch_counter() < deadline)
			arch_cpu_relax();
	}
}

static uint64_t still_running(uint64_t asked)
{
	uint64_t left = 0;

	for (unsigned i = 0; i < MAX_CPUS; i++)
		if ((asked & (1ull << i)) && cpu_state(i) == GDB_CPU_RUNNING)
			left |= 1ull << i;
	return left;
}

static void stop_others(unsigned me)
{
	uint64_t deadline = arch_counter() + arch_counter_freq() / 1000 * STOP_TIMEOUT_MS;
	uint64_t asked = 0;

	__atomic_store_n(&stop_requested, true, __ATOMIC_SEQ_CST);
	/* dsb ish: stop_requested is visible before any IPI can arrive. */
	__asm__ volatile("dsb ish" ::: "memory");
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (i == me || !__atomic_load_n(&percpu[i].online, __ATOMIC_ACQUIRE) ||
		    cpu_state(i) != GDB_CPU_RUNNING)
			continue;
		smp_send_ipi(i, IPI_DEBUG);
		asked |= 1ull << i;
	}
	/* A CPU spinning with interrupts masked cannot take the IPI: after
	 * the timeout it is marked and reported, not waited for. */
	while (still_running(asked) && arch_counter() < deadline)
		arch_cpu_relax();
	for (unsigned i = 0; i < MAX_CPUS; i++)
		gdb_cpus[i].did_not_stop = i != me && cpu_state(i) == GDB_CPU_RUNNING &&
					   __atomic_load_n(&percpu[i].online, __ATOMIC_ACQUIRE);
}

bool gdb_allstop_enter(struct trap_frame *f)
{
	unsigned me = arch_cpu_index();
	unsigned gen = __atomic_load_n(&resume_gen, __ATOMIC_ACQUIRE);
	int expected = -1;

	gdb_cpu_arrive(me, f);
	if (!__atomic_compare_exchange_n(&owner, &expected, (int)me, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		/* Another CPU owns the stub: its stop includes us. Our own
		 * event is dropped; a breakpoint still present traps again. */
		park_and_depart(me, gen);
		return false;
	}
	set_state(me, GDB_CPU_OWNER);
	wait_last_resume();
	stop_others(me);
	return true;
}

void gdb_allstop_enter_crashed(struct trap_frame *f)
{
	unsigned me = arch_cpu_index();
	int expected = -1;

	gdb_cpu_arrive(me, f);
	set_state(me, GDB_CPU_CRASHED);
	/* Wait for a session in progress to resume; then own the stub for
	 * good: this CPU cannot continue. */
	while (!__atomic_compare_exchange_n(&owner, &expected, (int)me, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		expected = -1;
		arch_cpu_relax();
	}
	wait_last_resume();
	stop_others(me);
}

void gdb_allstop_ipi(struct trap_frame *f)
{
	unsigned me = arch_cpu_index();
	/* Read the generation before the request flag: a resume clears the
	 * flag before bumping the generation, so one of the two shows it. */
	unsigned gen = __atomic_load_n(&resume_gen, __ATOMIC_ACQUIRE);

	if (!__atomic_load_n(&stop_requested, __ATOMIC_ACQUIRE) ||
	    cpu_state(me) != GDB_CPU_RUNNING)
		return; /* a late IPI from a stop that is already over */
	gdb_cpu_arrive(me, f);
	park_and_depart(me, gen);
}

void gdb_allstop_resume(int step_cpu)
{
	unsigned me = arch_cpu_index();
	unsigned gen = __atomic_load_n(&resume_gen, __ATOMIC_RELAXED);
	uint64_t mask = step_cpu < 0 ? ~0ull : 1ull << step_cpu;
	uint64_t released = 0;

	for (unsigned i = 0; i < MAX_CPUS; i++)
		if ((mask & (1ull << i)) && (i == me || cpu_state(i) == GDB_CPU_PARKED))
			released |= 1ull << i;
	last_released = released;
	__atomic_store_n(&run_mask, mask, __ATOMIC_RELAXED);
	if (step_cpu < 0)
		__atomic_store_n(&stop_requested, false, __ATOMIC_RELAXED);
	if (!(mask & (1ull << me)))
		set_state(me, GDB_CPU_PARKED);
	/* Release the owner before the generation: a CPU that traps now and
	 * finds the owner still set will see the new generation and retry. */
	__atomic_store_n(&owner, -1, __ATOMIC_RELEASE);
	__atomic_store_n(&resume_gen, gen + 1, __ATOMIC_RELEASE);
	/* dsb ish + sev: the store is visible, then wake the parked CPUs. */
	__asm__ volatile("dsb ish\n\tsev" ::: "memory");
	if (!(mask & (1ull << me))) {
		park_and_depart(me, gen);
		return;
	}
	gdb_cpu_depart(me);
	__atomic_store_n(&departed_gen[me], gen + 1, __ATOMIC_RELEASE);
}
