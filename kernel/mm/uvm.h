#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/aarch64/addrspace.h"
#include "core/spinlock.h"
#include "lib/list.h"

/*
 * A user address space: its translation tables and ASID, and the list of
 * regions the program may touch. Pages of a region are mapped when first
 * touched (uvm_fault) or written by the kernel (uvm_write); touching an
 * address outside every region, or against a region's protection, is a
 * fault that kills the program.
 *
 * Protection bits are ELF's: UVM_R 4, UVM_W 2, UVM_X 1.
 */
#define UVM_X 1
#define UVM_W 2
#define UVM_R 4

/* How far brk may move from its start. */
#define UVM_HEAP_MAX (1ul << 30)

struct uvm_region {
	uint64_t start, end; /* page aligned, end exclusive */
	unsigned prot;
	const char *kind; /* "text", "data", "heap", "stack", "mmap", "frame", "mmio" */
	/* Set for memory that belongs to someone else (a frame or mmio
	 * capability's object): mapped at once, never freed here; on_unmap
	 * tells the owner when the mapping goes. */
	void (*on_unmap)(void *owner);
	void *owner;
	struct list_node link; /* in uvm.regions, sorted by start */
};

struct uvm {
	struct spinlock lock; /* guards regions and the tables */
	uint64_t *root;
	int asid;
	uint64_t ttbr; /* root and asid as the MMU takes them (addrspace_ttbr) */
	struct list_node regions;
	uint64_t brk_base, brk; /* the heap is [brk_base, brk) */
	struct uvm_region *heap; /* NULL while the heap is empty */
	size_t pages;		 /* user pages mapped now */
};

struct uvm *uvm_create(void);
void uvm_destroy(struct uvm *vm);
/* Switch this CPU to vm. Inline: every switch between user tasks does it. */
static inline void uvm_activate(const struct uvm *vm)
{
	addrspace_activate(vm->ttbr);
}

/* Add [start, end) (page aligned, not overlapping another region). */
int uvm_add_region(struct uvm *vm, uint64_t start, uint64_t end, unsigned prot,
		   const char *kind);

/* A user access at addr faulted: map the page if the region allows the
 * access. 0 if the access may be retried, -EFAULT or -ENOMEM if not. */
int uvm_fault(struct uvm *vm, uint64_t addr, bool write, bool exec);

/* Copy len bytes into vm at va through the linear map, mapping pages as
 * needed; works when vm is not the active address space (exec). */
int uvm_write(struct uvm *vm, uint64_t va, const void *src, size_t len);

/* brk(2): move the heap's end; returns the (new or unchanged) end. */
uint64_t uvm_brk(struct uvm *vm, uint64_t new_brk);
/* Anonymous mmap of len bytes with prot; the address or -ENOMEM/-EINVAL. */
long uvm_mmap(struct uvm *vm, uint64_t len, unsigned prot);
/* munmap(2): 0 or -EINVAL. */
int uvm_munmap(struct uvm *vm, uint64_t addr, uint64_t len);

/* Map the physical range [pa, pa + size) at va (0: a free address) with
 * prot, as device memory if `device`; kind names the region. Returns the
 * address or -EINVAL/-EEXIST/-ENOMEM. on_unmap(owner) runs when the
 * mapping goes (uvm_unmap_phys, or the address space's end). */
long uvm_map_phys(struct uvm *vm, uint64_t va, uint64_t pa, uint64_t size, unsigned prot,
		  bool device, const char *kind, void (*on_unmap)(void *), void *owner);
/* Remove the uvm_map_phys mapping starting at va: 0 or -EINVAL. */
int uvm_unmap_phys(struct uvm *vm, uint64_t va);

/* The region containing addr, or NULL (lock held by the caller). */
struct uvm_region *uvm_find(struct uvm *vm, uint64_t addr);
