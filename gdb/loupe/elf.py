"""A small reader for the user programs' ELF files (64-bit, little-endian,
static ET_EXEC, as user/build.mk links them): their loadable segments and
their function symbols, enough to symbolize a user pc per program without
asking GDB, which cannot tell apart programs that share addresses.
"""
import bisect
import struct

from loupe.common import LoupeError

ELF_MAGIC = b"\x7fELF"
ET_EXEC = 2
PT_LOAD = 1
SHT_SYMTAB = 2
STT_FUNC = 2

_HEADER = struct.Struct("<16sHHIQQQIHHHHHH")
_PHDR = struct.Struct("<IIQQQQQQ")
_SHDR = struct.Struct("<IIQQQQIIQQ")
_SYM = struct.Struct("<IBBHQQ")


def file_type(header):
    """e_type (ET_EXEC, ET_DYN, ...) from the first bytes of an ELF file."""
    if len(header) < _HEADER.size or header[:4] != ELF_MAGIC:
        raise LoupeError("not an ELF file")
    return _HEADER.unpack_from(header)[1]


class ElfFile:
    """Parsed from the bytes of a whole file."""

    def __init__(self, data, name="program"):
        self.name = name
        self.data = data
        if len(data) < _HEADER.size or data[:4] != ELF_MAGIC or data[4] != 2 or data[5] != 1:
            raise LoupeError("%s is not a 64-bit little-endian ELF file" % name)
        (_, self.type, _, _, self.entry, phoff, shoff, _, _, phentsize, phnum,
         shentsize, shnum, _) = _HEADER.unpack_from(data)
        self.segments = []
        for i in range(phnum):
            p_type, flags, _, vaddr, _, _, memsz, _ = self._unpack(_PHDR, phoff + i * phentsize)
            if p_type == PT_LOAD:
                self.segments.append((vaddr, vaddr + memsz, flags))
        self._sections = [self._unpack(_SHDR, shoff + i * shentsize) for i in range(shnum)]
        self._functions = None

    def _unpack(self, layout, offset):
        if offset < 0 or offset + layout.size > len(self.data):
            raise LoupeError("%s is truncated or corrupt (offset 0x%x)" % (self.name, offset))
        return layout.unpack_from(self.data, offset)

    def _load_functions(self):
        funcs = []
        for sh in self._sections:
            if sh[1] != SHT_SYMTAB:
                continue
            offset, size, link = sh[4], sh[5], sh[6]
            str_off = self._sections[link][4]
            for pos in range(offset, offset + size, _SYM.size):
                name_off, info, _, shndx, value, sym_size = self._unpack(_SYM, pos)
                if info & 0xf == STT_FUNC and value:
                    end = self.data.find(b"\0", str_off + name_off)
                    name = self.data[str_off + name_off:end].decode("utf-8", "replace")
                    funcs.append((value, sym_size, name))
        funcs.sort()
        self._functions = funcs
        self._starts = [f[0] for f in funcs]

    def symbolize(self, addr):
        """'function+0xoff' for an address in this program, or None."""
        if self._functions is None:
            self._load_functions()
        i = bisect.bisect_right(self._starts, addr) - 1
        if i < 0:
            return None
        start, size, name = self._functions[i]
        if size and addr >= start + size:
            return None
        return "%s+0x%x" % (name, addr - start)

    def contains(self, addr):
        return any(lo <= addr < hi for lo, hi, _ in self.segments)
