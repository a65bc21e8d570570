"""Address spaces: walking the translation tables (kernel/arch/aarch64/pte.h,
4 KiB granule, 4 levels), a user task's regions (kernel/mm/uvm.h), lp-vm,
and reads through the tables for memory GDB cannot read directly.

Tables hold physical addresses; the kernel reaches every RAM page through
the linear map at mm_linear_offset + pa, and so do these scripts. That makes
a walk independent of which address space the CPU GDB reads through has
loaded: any task's tables can be walked from any stop, and in a core file.
"""
import struct

import gdb

from loupe import common, constants, tasks
from loupe.common import LoupeError

LEVELS = 4  # 48-bit virtual addresses with 4 KiB pages (pte.h)


def const(name):
    return constants.get(name)


def linear_offset():
    """Kernel VA minus PA of RAM: the kernel's own variable when it has one
    (0 in stages without the MMU), else the header's LINEAR_BASE."""
    if common.has_symbol("mm_linear_offset"):
        return int(common.kernel_symbol("mm_linear_offset"))
    return const("LINEAR_BASE")


def phys_to_virt(pa):
    return (pa + linear_offset()) & (2**64 - 1)


def virt_to_phys(va):
    return (va - linear_offset()) & (2**64 - 1)


def read_table(table_pa):
    raw = common.read_bytes(phys_to_virt(table_pa), const("PT_ENTRIES") * 8,
                            "the translation table at PA 0x%x" % table_pa)
    return struct.unpack("<%dQ" % const("PT_ENTRIES"), raw)


def bits_per_level():
    return (const("PT_ENTRIES") - 1).bit_length()


def level_shift(level):
    """The lowest VA bit a level-`level` entry resolves (39 at level 0)."""
    return const("PAGE_SHIFT") + bits_per_level() * (LEVELS - 1 - level)


def upper_half_base():
    """The lowest upper-half (TTBR1) address: VA bits above the translated
    ones are copies of the top one, all ones in the upper half."""
    va_bits = level_shift(0) + bits_per_level()
    return (2**64 - 1) ^ ((1 << va_bits) - 1)


def is_table(desc, level):
    return level < LEVELS - 1 and desc & const("PTE_TABLE")


def leaf_mappings(root_pa, upper_half=False):
    """(va, pa, size, descriptor) for each valid leaf entry (page or
    block) under the level-0 table at root_pa, in address order."""
    def walk(table_pa, level, va_base):
        for i, desc in enumerate(read_table(table_pa)):
            if not desc & const("PTE_VALID"):
                continue
            va = va_base | (i << level_shift(level))
            if is_table(desc, level):
                yield from walk(desc & const("PTE_ADDR_MASK"), level + 1, va)
            elif level == 0:
                continue  # no blocks at level 0 with 4 KiB pages: ignore
            else:
                size = 1 << level_shift(level)
                yield va, desc & const("PTE_ADDR_MASK") & ~(size - 1), size, desc

    yield from walk(root_pa, 0, upper_half_base() if upper_half else 0)


def translate(root_pa, va):
    """The physical address va maps to under root_pa, or None."""
    table_pa = root_pa
    for level in range(LEVELS):
        desc = read_table(table_pa)[(va >> level_shift(level)) & (const("PT_ENTRIES") - 1)]
        if not desc & const("PTE_VALID"):
            return None
        if not is_table(desc, level):
            size = 1 << level_shift(level)
            return (desc & const("PTE_ADDR_MASK") & ~(size - 1)) | (va & (size - 1))
        table_pa = desc & const("PTE_ADDR_MASK")
    return None


ATTR_NAMES = (("MT_NORMAL", "normal"), ("MT_NORMAL_NC", "normal-nc"),
              ("MT_DEVICE_nGnRE", "device"), ("MT_DEVICE_nGnRnE", "device-strict"))


def permissions(desc):
    """'EL0 r-x  EL1 r--'-style access rights of a leaf descriptor, and its
    other attributes, decoded with the bits from pte.h."""
    user = bool(desc & const("PTE_AP_EL0"))
    ro = bool(desc & const("PTE_AP_RO"))
    el0 = ("r" if user else "-") + ("w" if user and not ro else "-") + \
        ("x" if user and not desc & const("PTE_UXN") else "-")
    el1 = "r" + ("-" if ro else "w") + ("-" if desc & const("PTE_PXN") else "x")
    mask = const("PTE_ATTR_MASK")
    index = (desc & mask) // (mask & -mask)
    attr = next((n for macro, n in ATTR_NAMES if const(macro) == index), "attr%d" % index)
    flags = [attr]
    if desc & const("PTE_NG"):
        flags.append("nG")
    if not desc & const("PTE_AF"):
        flags.append("no-AF")
    return "EL0 %s  EL1 %s" % (el0, el1), " ".join(flags)


def coalesced(mappings):
    """Merge neighbours whose virtual and physical ranges both continue each
    other and whose rights are the same: (va, pa, size, rights, flags)."""
    run = None
    for va, pa, size, desc in mappings:
        rights, flags = permissions(desc)
        if run and run[0] + run[2] == va and run[1] + run[2] == pa and \
                (run[3], run[4]) == (rights, flags):
            run[2] += size
            continue
        if run:
            yield tuple(run)
        run = [va, pa, size, rights, flags]
    if run:
        yield tuple(run)


def task_vm(t):
    vm = t["vm"]
    if int(vm) == 0:
        raise LoupeError("task %d (%s) is a kernel task: it has no user address space"
                         % (int(t["tid"]), common.c_string(t["name"])))
    return vm


def user_root_pa(t):
    return virt_to_phys(int(task_vm(t)["root"]))


def kernel_root_pa():
    return virt_to_phys(int(common.kernel_symbol("kernel_root")))


def regions(vm):
    return common.list_entries(vm["regions"], "uvm_region", "link", "uvm.regions")


def prot_string(prot):
    return "".join(ch if prot & const(bit) else "-"
                   for ch, bit in (("r", "UVM_R"), ("w", "UVM_W"), ("x", "UVM_X")))


def read_via_tables(root_pa, addr, size, what):
    """size bytes at virtual addr as translated by the tables at root_pa,
    read page by page through the linear map."""
    out = b""
    page = const("PAGE_SIZE")
    while len(out) < size:
        va = addr + len(out)
        pa = translate(root_pa, va)
        if pa is None:
            raise LoupeError("cannot read %s at 0x%x: not mapped" % (what, va))
        chunk = min(size - len(out), page - (va % page))
        out += common.read_bytes(phys_to_virt(pa), chunk, what)
    return out


def read_user(t, addr, size, what="user memory"):
    """Read task t's user memory, whichever address space the CPUs have."""
    return read_via_tables(user_root_pa(t), addr, size, what)


def read_kernel(addr, size, what="kernel memory"):
    """Read kernel memory; where GDB cannot (a task's kernel stack is
    not in a core file, only the RAM behind it is), translate through
    kernel_root and read the linear map."""
    try:
        return common.read_bytes(addr, size, what)
    except LoupeError:
        if not common.has_symbol("kernel_root"):
            raise
        return read_via_tables(kernel_root_pa(), addr, size, what)


def format_size(size):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return "%d %s" % (size >> shift, unit)
    return "%d B" % size


class VmCommand(common.Command):
    """Walk a task's page table: virtual ranges, physical addresses, rights.

Usage: lp-vm TASK       a user task, by id, name or struct task pointer
       lp-vm kernel     the kernel's own tables (kernel_root, upper half)

Reads the task's level-0 table (t->vm->root) and every table under it
through the linear map, and prints each mapped range, coalescing pages
whose virtual and physical addresses both continue and whose rights match:
virtual range, physical start, size, what EL0 (the program) and EL1 (the
kernel) may do with it (r, w, x), and the memory type. Then the task's
regions (t->vm->regions): what the program may touch; pages of a region
are only mapped once touched."""

    name = "lp-vm"

    def run(self, argv, from_tty):
        if len(argv) != 1:
            raise LoupeError("usage: lp-vm TASK | lp-vm kernel")
        if argv[0] == "kernel":
            root_pa = kernel_root_pa()
            gdb.write("Kernel address space: kernel_root at PA 0x%x\n" % root_pa)
            self.print_mappings(leaf_mappings(root_pa, upper_half=True))
            return
        t = tasks.find_task(argv[0])
        vm = task_vm(t)
        root_pa = user_root_pa(t)
        gdb.write("Task %d (%s): struct uvm 0x%x, ASID %d, level-0 table at PA 0x%x, "
                  "%d pages mapped\n" % (int(t["tid"]), common.c_string(t["name"]), int(vm),
                                         int(vm["asid"]), root_pa, int(vm["pages"])))
        self.print_mappings(leaf_mappings(root_pa))
        gdb.write("\nRegions:\n")
        for r in regions(vm):
            gdb.write("  0x%016x-0x%016x  %s  %-5s %s\n" % (
                int(r["start"]), int(r["end"]), prot_string(int(r["prot"])),
                common.c_string(r["kind"], 16), format_size(int(r["end"]) - int(r["start"]))))
        gdb.write("  heap: brk 0x%x (from 0x%x)\n" % (int(vm["brk"]), int(vm["brk_base"])))

    @staticmethod
    def print_mappings(mappings):
        gdb.write("  %-37s  %-18s  %9s  %-15s  %s\n" % ("VIRTUAL", "PHYSICAL", "SIZE",
                                                     "RIGHTS", "TYPE"))
        for va, pa, size, rights, flags in coalesced(mappings):
            gdb.write("  0x%016x-0x%016x  0x%016x  %9s  %s  %s\n" % (
                va, va + size, pa, format_size(size), rights, flags))


def register():
    VmCommand()


register()
