#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/list.h"
#include "loupe/ipc.h"

/*
 * Kernel objects and the capabilities that name them.
 *
 * Locking: capability tables, objects and every IPC queue are guarded by
 * the scheduler lock (core/sched.h). IPC is mostly about blocking and
 * waking tasks, so one lock for both keeps each IPC step atomic with the
 * scheduling decision it causes.
 */
struct task;

struct kobject {
	enum loupe_obj_type type;
	uint32_t id; /* unique, for traces and debuggers */
	unsigned refs; /* [sched] capabilities naming it */
	unsigned control_refs; /* [sched] of those, the ones with the control right */
	bool dead;     /* [sched] destroyed: every use fails with -EPIPE */
	/* Capabilities plus mappings (frames, mmio), atomic: mappings come
	 * and go under the address space's lock, not the scheduler's. The
	 * object is freed when this reaches zero. */
	unsigned users;
	char name[LOUPE_OBJ_NAME_MAX + 1]; /* [sched] obj_name's, or empty */
};

struct endpoint {
	struct kobject obj;
	struct list_node senders;   /* [sched] callers waiting for a receiver */
	struct list_node receivers; /* [sched] receivers waiting for a caller */
};

struct notification {
	struct kobject obj;
	uint64_t word;		  /* [sched] bits signalled, not yet taken */
	struct list_node waiters; /* [sched] */
	struct task *bound_task;  /* [sched] its ipc_recv also wakes for us */
};

/* RAM handed out by frame_create, or device registers (mmio). */
struct frame_object {
	struct kobject obj;
	uint64_t base, size; /* physical, page aligned */
	bool device;	     /* mmio: device memory, never freed */
	bool kernel_console; /* the UART the kernel console uses */
	unsigned mappings;   /* atomic: live mappings in address spaces */
};

struct irq_object {
	struct kobject obj;
	unsigned irq;
	struct notification *bound; /* [sched] signalled on each interrupt */
	uint64_t bits;		    /* [sched] */
	bool masked;		    /* [sched] fired, waiting for irq_ack */
};

/* The right to answer one caller, saved by reply_save. */
struct reply_object {
	struct kobject obj;
	struct task *caller; /* [sched] NULL once answered, killed or timed out */
	uint32_t trace_id;   /* the message being answered, for the trace */
};

struct task_object {
	struct kobject obj;
	struct task *task; /* [sched] NULL once the task is gone */
};

struct cap {
	struct kobject *obj; /* NULL: empty slot */
	uint32_t rights;
	uint64_t badge;
};

/* [sched held] The capability in t's slot if it names an object of `type`
 * (LOUPE_OBJ_NONE: any) with all of `rights`, and *err = 0; else NULL and
 * *err = -error. */
struct cap *cap_lookup(struct task *t, uint64_t slot, enum loupe_obj_type type, uint32_t rights,
		       int *err);
/* [sched held] Put obj with rights/badge into an empty slot of t; takes a
 * reference. -EBUSY if the slot is taken, -EINVAL if out of range. */
int cap_install(struct task *t, uint64_t slot, struct kobject *obj, uint32_t rights,
		uint64_t badge);
/* [sched held] The first empty slot of t, or -ENOSPC. */
int cap_free_slot(struct task *t);
/* [sched held] Empty a slot, dropping its reference. When the last
 * capability with the control right goes, the object is destroyed: its
 * owners are gone, so whoever waits on it is told (-EPIPE). */
void cap_clear(struct cap *c);
/* [sched held] All of a dying task's capabilities. */
void cap_release_all(struct task *t);

/* Make a new object (unlocked: allocates memory). */
struct kobject *endpoint_new(void);
struct kobject *notification_new(void);
struct kobject *reply_new(void);
/* RAM: `pages` zeroed contiguous frames. mmio: existing registers. */
struct kobject *frame_new(unsigned pages);
struct kobject *mmio_new(uint64_t base, uint64_t size, bool kernel_console);
struct kobject *irq_object_new(unsigned irq);
/* A mapping of a frame or mmio object appeared or went away; the last
 * user of an object frees it (any context that may free memory). */
void kobject_get(struct kobject *obj);
void kobject_put(struct kobject *obj);
/* The object for task t, created on first use (sched held). */
struct kobject *task_object_of(struct task *t);
