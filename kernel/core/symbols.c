#include "core/symbols.h"

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

/* Emitted by scripts/gen_symbols.py, sorted by address. The name of entry i
 * is the NUL-terminated string at kallsyms_names + kallsyms_name_offsets[i]. */
extern const uint64_t kallsyms_count;
extern const uint64_t kallsyms_addrs[];
extern const uint32_t kallsyms_sizes[];
extern const uint32_t kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern char _stext[], _end[];

size_t symbol_count(void)
{
	return kallsyms_count;
}

/* Index of the last symbol at or below addr, or -1. */
static long find_floor(uint64_t addr)
{
	long lo = 0, hi = (long)kallsyms_count - 1, found = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (kallsyms_addrs[mid] <= addr) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

int symbol_lookup(uint64_t addr, const char **name, uint64_t *offset, uint64_t *size)
{
	long i;

	if (addr < (uint64_t)_stext || addr >= (uint64_t)_end)
		return -ENOENT;
	i = find_floor(addr);
	if (i < 0)
		return -ENOENT;
	/* Several symbols may share an address; prefer one whose size covers
	 * addr, walking back over zero-sized aliases. */
	for (long j = i; j >= 0 && kallsyms_addrs[j] == kallsyms_addrs[i]; j--) {
		if (kallsyms_sizes[j] && addr < kallsyms_addrs[j] + kallsyms_sizes[j]) {
			i = j;
			break;
		}
	}
	*name = kallsyms_names + kallsyms_name_offsets[i];
	*offset = addr - kallsyms_addrs[i];
	*size = kallsyms_sizes[i];
	return 0;
}

int symbol_address(const char *name, uint64_t *addr)
{
	for (uint64_t i = 0; i < kallsyms_count; i++) {
		if (strcmp(kallsyms_names + kallsyms_name_offsets[i], name) == 0) {
			*addr = kallsyms_addrs[i];
			return 0;
		}
	}
	return -ENOENT;
}

void symbol_format(uint64_t addr, char *buf, size_t size)
{
	const char *name;
	uint64_t off, sz;

	if (symbol_lookup(addr, &name, &off, &sz) < 0)
		snformat(buf, size, "?");
	else
		snformat(buf, size, "%s+0x%llx/0x%llx", name, (unsigned long long)off,
			 (unsigned long long)sz);
}
