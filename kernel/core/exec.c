#include "core/exec.h"

#include "arch/aarch64/memory_map.h"
#include "core/random.h"
#include "core/task.h"
#include "lib/cpio.h"
#include "lib/elf.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/uvm.h"
#include "platform/platform.h"

/* Auxiliary-vector keys (Linux's include/uapi/linux/auxvec.h values). */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_HWCAP 16
#define AT_SECURE 23
#define AT_RANDOM 25
#define NAUXV 13

/* Everything above the pointers on the initial stack must fit in this. */
#define ARG_STRINGS_MAX 4096
#define ARG_COUNT_MAX 64

int initrd_lookup(const char *name, const void **file, size_t *size)
{
	char path[LOUPE_NAME_MAX + 8];
	struct cpio_file f;
	int err;

	if (!platform.initrd_end)
		return -ENOENT;
	if (!strchr(name, '/')) {
		strlcpy(path, "bin/", sizeof(path));
		strlcpy(path + 4, name, sizeof(path) - 4);
		name = path;
	}
	err = cpio_find(phys_to_virt(platform.initrd_start),
			platform.initrd_end - platform.initrd_start, name, &f);
	if (err < 0)
		return -ENOENT;
	*file = f.data;
	*size = f.size;
	return 0;
}

static unsigned elf_to_uvm_prot(uint32_t flags)
{
	return (flags & ELF_PF_R ? UVM_R : 0) | (flags & ELF_PF_W ? UVM_W : 0) |
	       (flags & ELF_PF_X ? UVM_X : 0);
}

static int load_segments(struct uvm *vm, const void *file, const struct elf_image *img)
{
	uint64_t top = 0;

	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		uint64_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		const char *kind = (s->flags & ELF_PF_X) ? "text" : "data";
		int err = uvm_add_region(vm, start, end, elf_to_uvm_prot(s->flags), kind);

		if (!err)
			err = uvm_write(vm, s->vaddr, (const char *)file + s->offset, s->filesz);
		if (err)
			return err == -EFAULT || err == -EEXIST ? -ENOEXEC : err;
		if (end > top)
			top = end;
	}
	vm->brk_base = vm->brk = top;
	return 0;
}

/* Copy the strings into the top of the stack image buf (which maps to
 * [stack_top - size, stack_top)); store their user addresses in out. */
static int place_strings(char *buf, size_t *used, uint64_t stack_top, int n,
			 char *const strs[], uint64_t *out)
{
	for (int i = n - 1; i >= 0; i--) {
		size_t len = strlen(strs[i]) + 1;

		if (len > ARG_STRINGS_MAX - *used)
			return -E2BIG;
		*used += len;
		memcpy(buf + ARG_STRINGS_MAX - *used, strs[i], len);
		out[i] = stack_top - *used;
	}
	return 0;
}

/*
 * The initial stack, from high addresses down: the strings and 16 random
 * bytes, then (16-byte aligned) argc, argv[], NULL, envp[], NULL, auxv
 * pairs ending with AT_NULL — where sp points at argc.
 */
static int build_stack(struct uvm *vm, const struct elf_image *img, int argc,
		       char *const argv[], int envc, char *const envp[], uint64_t *sp_out)
{
	static char strbuf[ARG_STRINGS_MAX]; /* exec runs in one task at a time: */
	static uint64_t words[3 + 2 * ARG_COUNT_MAX + 2 * NAUXV]; /* see exec_lock */
	uint64_t argv_va[ARG_COUNT_MAX], envp_va[ARG_COUNT_MAX], random_va, sp;
	size_t used = 0, nw = 0;
	int err;

	if (argc > ARG_COUNT_MAX || envc > ARG_COUNT_MAX)
		return -E2BIG;
	err = place_strings(strbuf, &used, USER_STACK_TOP, argc, argv, argv_va);
	if (!err)
		err = place_strings(strbuf, &used, USER_STACK_TOP, envc, envp, envp_va);
	if (err || used + 16 > ARG_STRINGS_MAX)
		return -E2BIG;
	used = ALIGN_UP(used + 16, 16);
	random_va = USER_STACK_TOP - used;
	for (int i = 0; i < 16; i += 8) { /* AT_RANDOM: musl seeds its canary with it */
		uint64_t r = random_u64();

		memcpy(&strbuf[ARG_STRINGS_MAX - used + i], &r, 8);
	}

	words[nw++] = (uint64_t)argc;
	for (int i = 0; i < argc; i++)
		words[nw++] = argv_va[i];
	words[nw++] = 0;
	for (int i = 0; i < envc; i++)
		words[nw++] = envp_va[i];
	words[nw++] = 0;
	const uint64_t auxv[NAUXV * 2] = {
		AT_PHDR, img->phdr_vaddr, AT_PHENT, img->phentsize, AT_PHNUM, img->phnum,
		AT_PAGESZ, PAGE_SIZE, AT_ENTRY, img->entry, AT_UID, 0, AT_EUID, 0,
		AT_GID, 0, AT_EGID, 0, AT_HWCAP, 0, AT_SECURE, 0, AT_RANDOM, random_va,
		AT_NULL, 0,
	};
	memcpy(&words[nw], auxv, sizeof(auxv));
	nw += NAUXV * 2;

	sp = ALIGN_DOWN(USER_STACK_TOP - used - nw * 8, 16);
	err = uvm_write(vm, USER_STACK_TOP - used, strbuf + ARG_STRINGS_MAX - used, used);
	if (!err)
		err = uvm_write(vm, sp, words, nw * 8);
	*sp_out = sp;
	return err;
}

static struct spinlock exec_lock = SPINLOCK_INIT("exec");

int exec_load(struct task *t, const void *file, size_t size, int argc, char *const argv[],
	      int envc, char *const envp[])
{
	struct elf_image img;
	struct uvm *vm;
	uint64_t sp = 0;
	unsigned long flags;
	int err;

	err = elf_parse(file, size, USER_MMAP_TOP, &img);
	if (err)
		return err;
	vm = uvm_create();
	if (!vm)
		return -ENOMEM;
	err = load_segments(vm, file, &img);
	if (!err)
		err = uvm_add_region(vm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP,
				     UVM_R | UVM_W, "stack");
	if (!err) {
		flags = spin_lock_irqsave(&exec_lock);
		err = build_stack(vm, &img, argc, argv, envc, envp, &sp);
		spin_unlock_irqrestore(&exec_lock, flags);
	}
	if (err) {
		uvm_destroy(vm);
		return err;
	}
	t->vm = vm;
	memset(t->user_frame, 0, sizeof(*t->user_frame));
	t->user_frame->pc = img.entry;
	t->user_frame->sp = sp;
	t->user_frame->pstate = 0; /* EL0t, all interrupts unmasked */
	t->elf = file;
	t->elf_size = size;
	return 0;
}
