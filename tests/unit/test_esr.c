/* kernel/arch/aarch64/esr.c: the words crash reports use for ESR_EL1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "arch/aarch64/esr.h"

/* ESR values as the CPU reports them (EC in bits 31:26, IL bit 25). */
#define ESR(ec, iss) (((uint64_t)(ec) << 26) | (1u << 25) | (iss))

static void check(uint64_t esr, const char *expected)
{
	char buf[160];

	esr_describe(esr, buf, sizeof(buf));
	assert_string_equal(buf, expected);
}

static void test_data_aborts(void **state)
{
	(void)state;
	/* NULL read from EL1: translation fault at level 1 (DFSC 0b000101). */
	check(0x96000005, "Data Abort (current EL): translation fault, level 1, read");
	/* Write to read-only kernel text: permission fault, level 3, WnR set. */
	check(0x9600004f, "Data Abort (current EL): permission fault, level 3, write");
	check(ESR(0x24, 0x21), "Data Abort (lower EL): alignment fault, read");
	check(ESR(0x24, 0x100 | 0x40 | 0x06), "Data Abort (lower EL): translation fault, level 2, "
					     "cache maintenance");
	check(ESR(0x25, 0x10), "Data Abort (current EL): synchronous external abort, read");
	check(ESR(0x25, 0x0b), "Data Abort (current EL): access flag fault, level 3, read");
}

static void test_instruction_aborts(void **state)
{
	(void)state;
	check(ESR(0x20, 0x0f), "Instruction Abort (lower EL): permission fault, level 3, "
			       "instruction fetch");
	check(ESR(0x21, 0x07), "Instruction Abort (current EL): translation fault, level 3, "
			       "instruction fetch");
}

static void test_other_classes(void **state)
{
	(void)state;
	check(0x02000000, "Unknown reason (undefined instruction)");
	check(ESR(0x15, 0), "SVC (AArch64)");
	check(ESR(0x3c, 0), "BRK instruction (AArch64)");
	check(ESR(0x26, 0), "SP alignment fault");
	check(ESR(0x33, 0), "Software step (current EL)");
	check(ESR(0x35, 0x40), "Watchpoint (current EL)");
	/* Unallocated classes must still give words, never NULL or garbage. */
	check(ESR(0x3f, 0), "Reserved exception class");
	check(ESR(0x0b, 0), "Reserved exception class");
}

static void test_unknown_fault_status_and_truncation(void **state)
{
	char buf[16];

	(void)state;
	check(ESR(0x25, 0x3b), "Data Abort (current EL): fault status 0x3b, read");
	/* A short buffer truncates safely and stays NUL-terminated. */
	esr_describe(0x96000005, buf, sizeof(buf));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_memory_equal(buf, "Data Abort (cur", sizeof(buf) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_aborts),
		cmocka_unit_test(test_instruction_aborts),
		cmocka_unit_test(test_other_classes),
		cmocka_unit_test(test_unknown_fault_status_and_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
