#include "mm/uvm.h"

#include "arch/aarch64/addrspace.h"
#include "arch/aarch64/memory_map.h"
#include "arch/aarch64/pagetable.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap.h"

struct uvm *uvm_create(void)
{
	struct uvm *vm = kzalloc(sizeof(*vm));

	if (!vm)
		return NULL;
	spin_init(&vm->lock, "uvm");
	list_init(&vm->regions);
	vm->root = pt_alloc_table();
	vm->asid = asid_alloc();
	if (!vm->root || vm->asid < 0) {
		if (vm->root)
			frame_free(virt_to_phys(vm->root));
		if (vm->asid > 0)
			asid_free(vm->asid);
		kfree(vm);
		return NULL;
	}
	vm->ttbr = addrspace_ttbr(virt_to_phys(vm->root), (unsigned)vm->asid);
	return vm;
}

static void free_user_page(paddr_t pa)
{
	frame_free(pa);
}

/* Clear the PTEs of a borrowed region without freeing what they map. */
static void unmap_borrowed(struct uvm *vm, struct uvm_region *r)
{
	for (uint64_t va = r->start; va < r->end; va += PAGE_SIZE) {
		uint64_t *pte = pt_leaf(vm->root, va, false);

		if (pte && (*pte & PTE_VALID)) {
			*pte = 0;
			tlb_flush_user_page(vm->asid, va);
		}
	}
}

void uvm_destroy(struct uvm *vm)
{
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &vm->regions) {
		struct uvm_region *r = list_entry(pos, struct uvm_region, link);

		list_remove(pos);
		if (r->on_unmap) {
			unmap_borrowed(vm, r);
			r->on_unmap(r->owner);
		}
		kfree(r);
	}
	/* The ASID goes first: its TLB entries are dropped before the frames
	 * they point at can be reused. */
	asid_free(vm->asid);
	pt_destroy(vm->root, free_user_page);
	kfree(vm);
}

struct uvm_region *uvm_find(struct uvm *vm, uint64_t addr)
{
	struct list_node *pos;

	list_for_each(pos, &vm->regions) {
		struct uvm_region *r = list_entry(pos, struct uvm_region, link);

		if (addr >= r->start && addr < r->end)
			return r;
	}
	return NULL;
}

static bool range_free(struct uvm *vm, uint64_t start, uint64_t end)
{
	struct list_node *pos;

	list_for_each(pos, &vm->regions) {
		struct uvm_region *r = list_entry(pos, struct uvm_region, link);

		if (start < r->end && r->start < end)
			return false;
	}
	return true;
}

static void insert_sorted(struct uvm *vm, struct uvm_region *n)
{
	struct list_node *pos;

	list_for_each(pos, &vm->regions) {
		if (list_entry(pos, struct uvm_region, link)->start > n->start)
			break;
	}
	list_insert_before(pos, &n->link);
}

int uvm_add_region(struct uvm *vm, uint64_t start, uint64_t end, unsigned prot, const char *kind)
{
	struct uvm_region *r;
	unsigned long flags;
	int err = 0;

	if ((start | end) & (PAGE_SIZE - 1) || start >= end || end > USER_TOP || start < PAGE_SIZE)
		return -EINVAL;
	r = kmalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->start = start;
	r->end = end;
	r->prot = prot;
	r->kind = kind;
	r->on_unmap = NULL;
	r->owner = NULL;
	flags = spin_lock_irqsave(&vm->lock);
	if (range_free(vm, start, end))
		insert_sorted(vm, r);
	else
		err = -EEXIST;
	spin_unlock_irqrestore(&vm->lock, flags);
	if (err)
		kfree(r);
	return err;
}

/* Map a fresh zeroed frame at page va (lock held). */
static int map_new_page(struct uvm *vm, uint64_t va, unsigned prot, paddr_t *out)
{
	uint64_t *pte = pt_leaf(vm->root, va, true);
	paddr_t pa;

	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_VALID) {
		*out = *pte & PTE_ADDR_MASK;
		return 0;
	}
	if (frame_alloc_zeroed(&pa) < 0)
		return -ENOMEM;
	/* dsb ishst: the zeroes land before the mapping that exposes them. */
	__asm__ volatile("dsb ishst" ::: "memory");
	*pte = pa | pte_user_attrs(prot);
	vm->pages++;
	*out = pa;
	return 0;
}

int uvm_fault(struct uvm *vm, uint64_t addr, bool write, bool exec)
{
	unsigned long flags = spin_lock_irqsave(&vm->lock);
	struct uvm_region *r = uvm_find(vm, addr);
	int err = -EFAULT;
	paddr_t pa;

	if (r && (r->prot & UVM_R) && (!write || (r->prot & UVM_W)) && (!exec || (r->prot & UVM_X))) {
		uint64_t *pte = pt_leaf(vm->root, addr, false);

		/* Present already: the fault was about permissions, which the
		 * region allows only if the mapping is wrong; refuse. */
		if (pte && (*pte & PTE_VALID))
			err = -EFAULT;
		else
			err = map_new_page(vm, addr & ~(PAGE_SIZE - 1), r->prot, &pa);
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	return err;
}

int uvm_write(struct uvm *vm, uint64_t va, const void *src, size_t len)
{
	const char *from = src;
	unsigned long flags = spin_lock_irqsave(&vm->lock);
	int err = 0;

	while (len && !err) {
		uint64_t page = va & ~(PAGE_SIZE - 1), off = va - page;
		size_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
		struct uvm_region *r = uvm_find(vm, va);
		paddr_t pa;

		if (!r) {
			err = -EFAULT;
			break;
		}
		err = map_new_page(vm, page, r->prot, &pa);
		if (!err)
			memcpy((char *)phys_to_virt(pa) + off, from, n);
		va += n;
		from += n;
		len -= n;
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	return err;
}

/* Unmap and free the pages of [start, end) (lock held). */
static void unmap_pages(struct uvm *vm, uint64_t start, uint64_t end)
{
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t *pte = pt_leaf(vm->root, va, false);

		if (!pte || !(*pte & PTE_VALID))
			continue;
		paddr_t pa = *pte & PTE_ADDR_MASK;

		*pte = 0;
		tlb_flush_user_page(vm->asid, va);
		frame_free(pa);
		vm->pages--;
	}
}

static uint64_t page_align_up(uint64_t x)
{
	return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static bool range_free_except(struct uvm *vm, uint64_t start, uint64_t end,
			      const struct uvm_region *skip)
{
	struct list_node *pos;

	list_for_each(pos, &vm->regions) {
		struct uvm_region *r = list_entry(pos, struct uvm_region, link);

		if (r != skip && start < r->end && r->start < end)
			return false;
	}
	return true;
}

/*
 * The heap is the region vm->heap, [brk_base, page-aligned brk), created on
 * first growth. Growing checks that nothing else is in the way; shrinking
 * frees the pages above the new end at once.
 */
uint64_t uvm_brk(struct uvm *vm, uint64_t new_brk)
{
	unsigned long flags = spin_lock_irqsave(&vm->lock);
	uint64_t old_end = page_align_up(vm->brk), new_end = page_align_up(new_brk);

	if (new_brk < vm->brk_base || new_brk - vm->brk_base > UVM_HEAP_MAX)
		goto out;
	if (new_end > old_end && !range_free_except(vm, old_end, new_end, vm->heap))
		goto out;
	if (new_end > vm->brk_base && !vm->heap) {
		struct uvm_region *r = kmalloc(sizeof(*r));

		if (!r)
			goto out;
		r->start = vm->brk_base;
		r->prot = UVM_R | UVM_W;
		r->kind = "heap";
		r->on_unmap = NULL;
		r->owner = NULL;
		r->end = new_end;
		insert_sorted(vm, r);
		vm->heap = r;
	}
	if (new_end < old_end)
		unmap_pages(vm, new_end, old_end);
	if (vm->heap) {
		if (new_end > vm->brk_base) {
			vm->heap->end = new_end;
		} else {
			list_remove(&vm->heap->link);
			kfree(vm->heap);
			vm->heap = NULL;
		}
	}
	vm->brk = new_brk;
out:
	new_brk = vm->brk;
	spin_unlock_irqrestore(&vm->lock, flags);
	return new_brk;
}

/* A free gap of len bytes below USER_MMAP_TOP, searching downwards. */
static uint64_t find_gap(struct uvm *vm, uint64_t len)
{
	uint64_t top = USER_MMAP_TOP;

	while (top >= len + vm->brk_base + UVM_HEAP_MAX) {
		uint64_t start = top - len;
		struct list_node *pos;
		bool clash = false;

		list_for_each(pos, &vm->regions) {
			struct uvm_region *r = list_entry(pos, struct uvm_region, link);

			if (start < r->end && r->start < top) {
				top = r->start; /* continue below the obstacle */
				clash = true;
				break;
			}
		}
		if (!clash)
			return start;
	}
	return 0;
}

long uvm_mmap(struct uvm *vm, uint64_t len, unsigned prot)
{
	struct uvm_region *r;
	unsigned long flags;
	uint64_t start;

	if (len == 0 || len > USER_MMAP_TOP)
		return -EINVAL;
	len = page_align_up(len);
	r = kmalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	flags = spin_lock_irqsave(&vm->lock);
	start = find_gap(vm, len);
	if (start) {
		r->start = start;
		r->end = start + len;
		r->prot = prot;
		r->kind = "mmap";
		r->on_unmap = NULL;
		r->owner = NULL;
		insert_sorted(vm, r);
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	if (!start) {
		kfree(r);
		return -ENOMEM;
	}
	return (long)start;
}

/*
 * Remove [addr, addr+len) from every mmap region it touches, splitting a
 * region in two when the hole is in its middle. Only mmap regions are
 * affected: munmap of program text or the stack is refused by ignoring it,
 * as those are not the caller's to give back.
 */
int uvm_munmap(struct uvm *vm, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + page_align_up(len);
	struct list_node *pos, *tmp;
	unsigned long flags;
	int err = 0;

	if ((addr & (PAGE_SIZE - 1)) || len == 0 || end > USER_TOP || end < addr)
		return -EINVAL;
	flags = spin_lock_irqsave(&vm->lock);
	list_for_each_safe(pos, tmp, &vm->regions) {
		struct uvm_region *r = list_entry(pos, struct uvm_region, link);
		uint64_t lo = addr > r->start ? addr : r->start;
		uint64_t hi = end < r->end ? end : r->end;

		if (lo >= hi || strcmp(r->kind, "mmap") != 0)
			continue;
		unmap_pages(vm, lo, hi);
		if (lo == r->start && hi == r->end) {
			list_remove(&r->link);
			kfree(r);
		} else if (lo == r->start) {
			r->start = hi;
		} else if (hi == r->end) {
			r->end = lo;
		} else {
			struct uvm_region *upper = kmalloc(sizeof(*upper));

			if (!upper) {
				err = -ENOMEM; /* pages are gone; the range stays reserved */
				break;
			}
			*upper = *r;
			upper->start = hi;
			r->end = lo;
			list_insert_before(r->link.next, &upper->link);
		}
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	return err;
}

long uvm_map_phys(struct uvm *vm, uint64_t va, uint64_t pa, uint64_t size, unsigned prot,
		  bool device, const char *kind, void (*on_unmap)(void *), void *owner)
{
	uint64_t attrs = device ? pte_user_device_attrs(prot) : pte_user_attrs(prot);
	struct uvm_region *r;
	unsigned long flags;
	long ret;

	if ((va | pa | size) & (PAGE_SIZE - 1) || size == 0 || va + size > USER_TOP ||
	    va + size < va || (va && va < PAGE_SIZE))
		return -EINVAL;
	r = kmalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	flags = spin_lock_irqsave(&vm->lock);
	if (!va)
		va = find_gap(vm, size);
	if (!va || !range_free(vm, va, va + size)) {
		ret = va ? -EEXIST : -ENOMEM;
		goto fail;
	}
	r->start = va;
	r->end = va + size;
	r->prot = prot;
	r->kind = kind;
	r->on_unmap = on_unmap;
	r->owner = owner;
	/* Mapped at once: there is nothing to demand-fault, and a later fault
	 * here is always a permission fault. */
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t *pte = pt_leaf(vm->root, va + off, true);

		if (!pte) {
			r->end = va + off; /* undo what was mapped */
			unmap_borrowed(vm, r);
			ret = -ENOMEM;
			goto fail;
		}
		*pte = (pa + off) | attrs;
	}
	/* The new entries are visible to the table walker before the task
	 * can touch them. */
	__asm__ volatile("dsb ishst" ::: "memory");
	insert_sorted(vm, r);
	spin_unlock_irqrestore(&vm->lock, flags);
	return (long)va;
fail:
	spin_unlock_irqrestore(&vm->lock, flags);
	kfree(r);
	return ret;
}

int uvm_unmap_phys(struct uvm *vm, uint64_t va)
{
	unsigned long flags = spin_lock_irqsave(&vm->lock);
	struct uvm_region *r = uvm_find(vm, va);

	if (!r || r->start != va || !r->on_unmap) {
		spin_unlock_irqrestore(&vm->lock, flags);
		return -EINVAL;
	}
	list_remove(&r->link);
	unmap_borrowed(vm, r);
	spin_unlock_irqrestore(&vm->lock, flags);
	r->on_unmap(r->owner);
	kfree(r);
	return 0;
}
