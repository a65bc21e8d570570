#include "debug/gdb_target_xml.h"

#include "debug/gdb_regs.h"
#include "lib/compiler.h"
#include "lib/format.h"

#define XML_MAX 8192

static char xml[XML_MAX];
static size_t xml_len;

static void put(const char *fmt, ...) __printf_like(1, 2);
static void put(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (xml_len < XML_MAX)
		xml_len += (size_t)vsnformat(xml + xml_len, XML_MAX - xml_len, fmt, ap);
	va_end(ap);
}

/* PSTATE as SPSR_EL1 saves it: GDB prints the named bits. */
static void core_feature(void)
{
	static const struct { const char *name; int start, end; } cpsr_fields[] = {
		{ "SP", 0, 0 }, { "EL", 2, 3 }, { "F", 6, 6 },	 { "I", 7, 7 },
		{ "A", 8, 8 },	{ "D", 9, 9 },	{ "SS", 21, 21 }, { "V", 28, 28 },
		{ "C", 29, 29 }, { "Z", 30, 30 }, { "N", 31, 31 },
	};

	put("<feature name=\"org.gnu.gdb.aarch64.core\">\n<flags id=\"cpsr_flags\" size=\"4\">\n");
	for (unsigned i = 0; i < ARRAY_SIZE(cpsr_fields); i++)
		put("<field name=\"%s\" start=\"%d\" end=\"%d\"/>\n", cpsr_fields[i].name,
		    cpsr_fields[i].start, cpsr_fields[i].end);
	put("</flags>\n");
	for (int i = 0; i < 31; i++)
		put("<reg name=\"x%d\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n", i,
		    GDB_REG_X0 + i);
	put("<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"%d\"/>\n"
	    "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%d\"/>\n"
	    "<reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\" regnum=\"%d\"/>\n"
	    "</feature>\n",
	    GDB_REG_SP, GDB_REG_PC, GDB_REG_CPSR);
}

/* A vector register viewed as doubles, singles, halfwords, bytes or one
 * 128-bit quadword, as GDB's own aarch64 description does. */
static void fpu_feature(void)
{
	static const struct { const char *id, *type; int count; } vectors[] = {
		{ "v2d", "ieee_double", 2 }, { "v2u", "uint64", 2 },  { "v2i", "int64", 2 },
		{ "v4f", "ieee_single", 4 }, { "v4u", "uint32", 4 },  { "v4i", "int32", 4 },
		{ "v8u", "uint16", 8 },	     { "v8i", "int16", 8 },   { "v16u", "uint8", 16 },
		{ "v16i", "int8", 16 },	     { "v1u", "uint128", 1 }, { "v1i", "int128", 1 },
	};

	put("<feature name=\"org.gnu.gdb.aarch64.fpu\">\n");
	for (unsigned i = 0; i < ARRAY_SIZE(vectors); i++)
		put("<vector id=\"%s\" type=\"%s\" count=\"%d\"/>\n", vectors[i].id,
		    vectors[i].type, vectors[i].count);
	put("<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/><field name=\"u\" type=\"v2u\"/>"
	    "<field name=\"s\" type=\"v2i\"/></union>\n"
	    "<union id=\"vns\"><field name=\"f\" type=\"v4f\"/><field name=\"u\" type=\"v4u\"/>"
	    "<field name=\"s\" type=\"v4i\"/></union>\n"
	    "<union id=\"vnh\"><field name=\"u\" type=\"v8u\"/><field name=\"s\" type=\"v8i\"/>"
	    "</union>\n"
	    "<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/><field name=\"s\" type=\"v16i\"/>"
	    "</union>\n"
	    "<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/><field name=\"s\" type=\"v1i\"/>"
	    "</union>\n"
	    "<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/><field name=\"s\" type=\"vns\"/>"
	    "<field name=\"h\" type=\"vnh\"/><field name=\"b\" type=\"vnb\"/>"
	    "<field name=\"q\" type=\"vnq\"/></union>\n");
	for (int i = 0; i < 32; i++)
		put("<reg name=\"v%d\" bitsize=\"128\" type=\"aarch64v\" regnum=\"%d\"/>\n", i,
		    GDB_REG_V0 + i);
	put("<reg name=\"fpsr\" bitsize=\"32\" type=\"int\" regnum=\"%d\"/>\n"
	    "<reg name=\"fpcr\" bitsize=\"32\" type=\"int\" regnum=\"%d\"/>\n"
	    "</feature>\n",
	    GDB_REG_FPSR, GDB_REG_FPCR);
}

static void sysregs_feature(void)
{
	static const char *const names[GDB_NUM_REGS - GDB_REG_SYS0] = {
		"esr_el1", "far_el1",  "elr_el1", "spsr_el1",  "vbar_el1",
		"ttbr0_el1", "ttbr1_el1", "tcr_el1", "sctlr_el1", "mdscr_el1",
	};

	put("<feature name=\"org.loupe.aarch64.sysregs\">\n");
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		put("<reg name=\"%s\" bitsize=\"64\" type=\"uint64\" regnum=\"%u\"/>\n", names[i],
		    GDB_REG_SYS0 + i);
	put("</feature>\n");
}

const char *gdb_target_xml(size_t *len)
{
	if (!xml_len) {
		put("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
		    "<target version=\"1.0\">\n<architecture>aarch64</architecture>\n");
		core_feature();
		fpu_feature();
		sysregs_feature();
		put("</target>\n");
	}
	*len = xml_len < XML_MAX ? xml_len : XML_MAX - 1;
	return xml;
}
