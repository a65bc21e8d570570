/* Self tests of the frame allocator, the heap and the kernel page tables. */
#include "core/selftest.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "mm/kimage.h"
#include "mm/vm.h"
#include "arch/aarch64/extable.h"

SELFTEST(30, frame_exhaust, CONFIG_ALLOC)
{
	size_t before = frame_free_count(), count = 0;
	paddr_t head = 0, pa;

	/* Take every free frame, chaining them through their first word, until
	 * the allocator says -ENOMEM; then give all back. */
	while (frame_alloc(&pa) == 0) {
		ST_ASSERT((pa & (PAGE_SIZE - 1)) == 0, "unaligned frame 0x%llx", (unsigned long long)pa);
		*(paddr_t *)phys_to_virt(pa) = head;
		head = pa;
		count++;
	}
	ST_ASSERT(frame_free_count() == 0, "alloc failed with %zu frames free", frame_free_count());
	ST_ASSERT(frame_alloc(&pa) == -ENOMEM, "exhausted allocator must say -ENOMEM");
	while (head) {
		pa = head;
		head = *(paddr_t *)phys_to_virt(pa);
		frame_free(pa);
	}
	ST_ASSERT(count == before, "allocated %zu frames, %zu were free", count, before);
	ST_ASSERT(frame_free_count() == before, "free count %zu after, %zu before",
		  frame_free_count(), before);
	return 0;
}

SELFTEST(31, frame_contig, CONFIG_ALLOC)
{
	size_t before = frame_free_count();
	paddr_t pa;

	ST_ASSERT(frame_alloc_contig(16, 512, &pa) == 0, "16 frames 2 MiB aligned");
	ST_ASSERT((pa & ((2ul << 20) - 1)) == 0, "0x%llx is not 2 MiB aligned", (unsigned long long)pa);
	memset(phys_to_virt(pa), 0xa5, 16 * PAGE_SIZE);
	frame_free_contig(pa, 16);
	ST_ASSERT(frame_alloc_contig(frame_total_count() + 1, 1, &pa) == -ENOMEM,
		  "more frames than exist");
	ST_ASSERT(frame_free_count() == before, "leaked frames");
	return 0;
}

SELFTEST(32, heap, CONFIG_ALLOC)
{
	static const size_t sizes[] = { 1, 16, 17, 100, 512, 2000, 4096, 10000, 70000 };
	void *ptrs[sizeof(sizes) / sizeof(sizes[0])];
	struct heap_stats before, after;

	heap_get_stats(&before);
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ptrs[i] = kmalloc(sizes[i]);
		ST_ASSERT(ptrs[i] && ((uintptr_t)ptrs[i] & 15) == 0, "kmalloc(%zu)", sizes[i]);
		memset(ptrs[i], (int)i, sizes[i]);
	}
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const unsigned char *p = ptrs[i];

		for (size_t j = 0; j < sizes[i]; j++)
			ST_ASSERT(p[j] == i, "object %u overwritten at byte %zu", i, j);
		kfree(p == NULL ? NULL : ptrs[i]);
	}
	ST_ASSERT(kmalloc((size_t)1 << 40) == NULL, "a 1 TiB kmalloc must fail");
	ST_ASSERT(kcalloc(~(size_t)0 / 2, 4) == NULL, "kcalloc overflow must fail");
	heap_get_stats(&after);
	ST_ASSERT(after.bytes_in_use == before.bytes_in_use, "heap leaked %zu bytes",
		  after.bytes_in_use - before.bytes_in_use);
	return 0;
}

SELFTEST(40, page_tables, CONFIG_MMU)
{
	extern char boot_stacks[];
	static int data_word;
	paddr_t pa;

	ST_ASSERT(vm_translate(_stext, false) == kimage_to_phys(_stext), "text not mapped at its load address");
	ST_ASSERT(vm_translate(_stext, true) == (paddr_t)-1, "kernel text is writable");
	ST_ASSERT(vm_translate(_srodata, true) == (paddr_t)-1, "rodata is writable");
	ST_ASSERT(vm_translate(&data_word, true) == kimage_to_phys(&data_word), "data not writable");
	ST_ASSERT(vm_translate(boot_stacks, false) == (paddr_t)-1, "CPU 0's stack guard page is mapped");
	ST_ASSERT(vm_translate(boot_stacks + GUARD_SIZE, true) != (paddr_t)-1, "CPU 0's stack unmapped");
	ST_ASSERT(vm_translate(NULL, false) == (paddr_t)-1, "address 0 is mapped");
	ST_ASSERT(frame_alloc(&pa) == 0, "no frame");
	ST_ASSERT(vm_translate(phys_to_virt(pa), true) == pa, "linear map of 0x%llx", (unsigned long long)pa);
	frame_free(pa);
	return 0;
}

SELFTEST(41, safe_copy_faults, CONFIG_MMU)
{
	extern char boot_stacks[];
	char buf[8] = "unset";
	static char src[8] = "loupe";

	ST_ASSERT(safe_copy(buf, src, 6) == 0 && strcmp(buf, "loupe") == 0, "plain copy");
	ST_ASSERT(safe_copy(buf, NULL, 4) == -EFAULT, "reading address 0 must give -EFAULT");
	ST_ASSERT(safe_copy(boot_stacks, src, 4) == -EFAULT, "writing a guard page must fault");
	ST_ASSERT(safe_copy(_stext, src, 1) == -EFAULT, "writing kernel text must fault");
	return 0;
}
