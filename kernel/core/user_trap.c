#include "core/user_trap.h"

#include "arch/arch.h"
#include "arch/aarch64/esr.h"
#include "arch/aarch64/memory_map.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/spinlock.h"
#include "core/syscall.h"
#include "core/task.h"
#include "lib/compiler.h"
#include "lib/elf.h"
#include "mm/uvm.h"
#include "trace/trace.h"

#define DFSC_ALIGNMENT 0x21

/* Keeps the lines of one fault report together when tasks on two CPUs
 * fault at once. */
static struct spinlock report_lock = SPINLOCK_INIT("user_fault_report");

static void describe_user_pc(const char *what, uint64_t addr, const struct task *t)
{
	const char *name;
	uint64_t off;

	if (t->elf && elf_symbolize(t->elf, t->elf_size, addr, &name, &off) == 0)
		pr_err("  %s 0x%016llx %s+0x%llx (%s)", what, (unsigned long long)addr, name,
		       (unsigned long long)off, t->name);
	else
		pr_err("  %s 0x%016llx", what, (unsigned long long)addr);
}

static __attribute__((noreturn)) void user_fault_kill(struct trap_frame *f, int signal)
{
	struct task *t = current_task();
	char what[160];

	unsigned long flags;

	esr_describe(f->esr, what, sizeof(what));
	flags = spin_lock_irqsave(&report_lock);
	pr_err("*** Task %s (id %d) killed by signal %d on CPU %u: %s", t->name, t->tid, signal,
	       arch_cpu_index(), what);
	describe_user_pc("pc", f->pc, t);
	describe_user_pc("lr", f->x[30], t);
	pr_err("  sp 0x%016llx  fault address 0x%016llx  ESR 0x%08llx", (unsigned long long)f->sp,
	       (unsigned long long)f->far, (unsigned long long)f->esr);
	spin_unlock_irqrestore(&report_lock, flags);
	task_exit(WSTATUS_SIGNALED(signal));
}

static int abort_signal(const struct trap_frame *f)
{
	return ((unsigned)f->esr & 0x3f) == DFSC_ALIGNMENT ? SIGBUS : SIGSEGV;
}

static void handle_abort(struct trap_frame *f)
{
	unsigned ec = esr_class(f->esr);
	bool exec = ec == EC_IABT_LOWER;
	bool write = !exec && (f->esr & ESR_DABT_WNR);
	struct task *t = current_task();

	TRACE_POINT(FAULT, PAGE_FAULT, write | exec << 1 | 1u << 2, 0, f->far);
	if (abort_signal(f) == SIGSEGV && f->far < USER_TOP &&
	    uvm_fault(t->vm, f->far, write, exec) == 0)
		return;
	user_fault_kill(f, abort_signal(f));
}

/*
 * A system call the IPC fast path declined (vectors.S tries it first, with
 * interrupts still masked from the exception entry): the general route.
 */
void user_svc(struct trap_frame *f)
{
	/* System calls may block: let interrupts in. */
	arch_irq_enable();
	syscall_dispatch(f);
	sched_return_to_user();
	/* vectors.S restores ELR/SPSR next: no interrupt may come between. */
	arch_irq_disable();
}

void syscall_exit_work(void)
{
	arch_irq_enable();
	sched_return_to_user();
	arch_irq_disable();
}

void user_trap_sync(struct trap_frame *f)
{
	unsigned ec = esr_class(f->esr);

	/* Faults may allocate: let interrupts in. */
	arch_irq_enable();
	switch (ec) {
	case EC_DABT_LOWER:
	case EC_IABT_LOWER:
		handle_abort(f);
		break;
	case EC_PC_ALIGN:
	case EC_SP_ALIGN:
		user_fault_kill(f, SIGBUS);
	case EC_BRK64:
	case EC_BREAKPT_LOWER:
	case EC_SSTEP_LOWER:
	case EC_WATCHPT_LOWER:
		user_fault_kill(f, SIGTRAP);
	default:
		user_fault_kill(f, SIGILL);
	}
	sched_return_to_user();
	/* vectors.S restores ELR/SPSR next: no interrupt may come between. */
	arch_irq_disable();
}

bool user_fault_from_kernel(struct trap_frame *f)
{
	struct task *t = current_task();
	bool write = (f->esr & ESR_DABT_WNR) != 0;

	if (!CONFIG_TASKS || esr_class(f->esr) != EC_DABT_CURRENT || f->far >= USER_TOP ||
	    !t || !t->vm)
		return false;
	/* Interrupts stay masked: this is a fault inside kernel code. */
	return uvm_fault(t->vm, f->far, write, false) == 0;
}
