"""Kernel symbols from build/kernel.elf, read with the standard library only
(GDB's embedded Python imports this package too), to name kernel
addresses in a trace: `timer_tick`, `copy_to_user+0x24`.

Only what an ELF64 little-endian image (what aarch64-linux-gnu-ld writes)
needs is parsed: the section headers, the symbol table and its strings.
"""
import bisect
import struct

_SHT_SYMTAB = 2
_STT_NOTYPE, _STT_OBJECT, _STT_FUNC = 0, 1, 2
_SHN_UNDEF, _SHN_LORESERVE = 0, 0xff00


class ElfError(Exception):
    pass


class KernelSymbols:
    """Sorted (address, size, name) of the kernel's functions and objects."""

    def __init__(self, symbols):
        # Functions win over objects and labels at the same address: a
        # handler is what a reader wants to see.
        rank = {_STT_FUNC: 0, _STT_OBJECT: 1, _STT_NOTYPE: 2}
        best = {}
        for addr, size, name, kind in symbols:
            old = best.get(addr)
            if old is None or (rank[kind], -size) < (rank[old[2]], -old[0]):
                best[addr] = (size, name, kind)
        self.addrs = sorted(best)
        self.entries = [best[a] for a in self.addrs]
        self.functions = {name: addr for addr, (_, name, kind) in best.items()
                          if kind == _STT_FUNC}
        # The kernel sits in one 4 GiB window of the upper half, so the
        # low 32 bits of an address in it (what fits in a 32-bit record
        # field) and this give the whole address back.
        self.high = self.addrs[0] & ~0xffffffff if self.addrs else 0

    @classmethod
    def from_elf(cls, path):
        with open(path, "rb") as f:
            return cls.from_bytes(f.read())

    @classmethod
    def from_bytes(cls, data):
        if data[:4] != b"\x7fELF":
            raise ElfError("not an ELF file")
        if data[4] != 2 or data[5] != 1:
            raise ElfError("not a 64-bit little-endian ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3a)
        if not shoff or shentsize != 64:
            raise ElfError("no section headers")
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * 64) for i in range(shnum)]
        symbols = []
        for sec in sections:
            if sec[1] != _SHT_SYMTAB:
                continue
            offset, size, link, entsize = sec[4], sec[5], sec[6], sec[9]
            strtab = sections[link]
            strings = data[strtab[4]:strtab[4] + strtab[5]]
            for pos in range(offset, offset + size, entsize or 24):
                name_off, info, _, shndx, value, sym_size = struct.unpack_from("<IBBHQQ", data, pos)
                kind = info & 0xf
                if kind not in (_STT_NOTYPE, _STT_OBJECT, _STT_FUNC) or not value:
                    continue
                if shndx == _SHN_UNDEF or shndx >= _SHN_LORESERVE:
                    continue
                end = strings.find(b"\0", name_off)
                name = strings[name_off:end].decode("utf-8", "replace")
                # $x/$d mark code and data for disassemblers; .L are local labels.
                if not name or name.startswith(("$", ".L")):
                    continue
                symbols.append((value, sym_size, name, kind))
        if not symbols:
            raise ElfError("no symbol table (a stripped image?)")
        return cls(symbols)

    def widen(self, low32):
        """A kernel address from its low 32 bits."""
        return self.high | (low32 & 0xffffffff)

    def lookup(self, addr):
        """'name' or 'name+0xoff' for an address inside a symbol (a symbol
        without a size reaches to the next one), else None."""
        i = bisect.bisect_right(self.addrs, addr) - 1
        if i < 0:
            return None
        start = self.addrs[i]
        size, name, _ = self.entries[i]
        if size and addr >= start + size:
            return None
        if not size and i + 1 == len(self.addrs) and addr != start:
            return None     # past the last symbol: nothing to say
        return name if addr == start else "%s+0x%x" % (name, addr - start)
