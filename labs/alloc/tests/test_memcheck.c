/*
 * Stage 7: memcheck finds the bugs of a program that uses mm.c, because mm.c
 * describes its blocks with Valgrind's client requests. Each test runs
 * vg-demo (tests/vg-demo.c) under valgrind and reads its report.
 */
#include "testutil.h"

static void memcheck_setup(void)
{
	skip_under_sanitizer();
	require_program("valgrind --version");
}

TestSuite(memcheck, .init = memcheck_setup, .fini = harness_test_finished,
	  .timeout = 60);

enum { REPORT_CAP = 1 << 16 };

/* Runs vg-demo MODE under memcheck; returns the exit status, fills report. */
static int memcheck(const char *mode, char *report)
{
	char command[512];
	snprintf(command, sizeof command,
		 "valgrind --leak-check=full --errors-for-leak-kinds=definite"
		 " --error-exitcode=99 --log-fd=1 ./vg-demo %s",
		 mode);
	return run_capture(command, report, REPORT_CAP);
}

static void expect(const char *report, const char *text, const char *why)
{
	cr_assert(strstr(report, text) != NULL,
		  "%s: memcheck's report should contain '%s'; it was:\n%s", why,
		  text, report);
}

Test(memcheck, correct_program_is_clean)
{
	static char report[REPORT_CAP];
	int status = memcheck("clean", report);
	cr_assert_eq(status, 0, "vg-demo clean under memcheck: status %d:\n%s",
		     status, report);
	expect(report, "ERROR SUMMARY: 0 errors", "no false alarms");
	/* and it did its work: a program that exits at once is clean too */
	expect(report, "vg-demo: clean finished", "vg-demo ran to its end");
}

Test(memcheck, correct_program_beside_a_large_block_is_clean)
{
	static char report[REPORT_CAP];
	int status = memcheck("beside-large", report);
	cr_assert_eq(status, 0,
		     "vg-demo beside-large under memcheck: status %d: the "
		     "program's own page just past a large block's mapping "
		     "must stay usable (no redzones: a block has none):\n%s",
		     status, report);
	expect(report, "ERROR SUMMARY: 0 errors", "no false alarms");
	expect(report, "vg-demo: beside-large finished",
	       "vg-demo ran to its end");
}

Test(memcheck, overflow_into_free_memory_is_reported)
{
	static char report[REPORT_CAP];
	memcheck("stray-write", report);
	expect(report, "Invalid write of size 1",
	       "a write into the heap's free memory, in no block (the memory "
	       "extend_heap adds is the allocator's until it hands it out)");
}

Test(memcheck, overflow_is_reported)
{
	static char report[REPORT_CAP];
	memcheck("overflow", report);
	expect(report, "Invalid write of size 1", "a write past a block");
}

Test(memcheck, underflow_is_reported)
{
	static char report[REPORT_CAP];
	memcheck("underflow", report);
	expect(report, "Invalid write of size 1", "a write on the header");
}

Test(memcheck, leak_is_reported)
{
	static char report[REPORT_CAP];
	int status = memcheck("leak", report);
	expect(report, "are definitely lost", "a lost block");
	cr_assert_eq(status, 99);
}

Test(memcheck, use_after_free_is_reported)
{
	static char report[REPORT_CAP];
	memcheck("use-after-free", report);
	expect(report, "Invalid read of size 1", "a read of a freed block");
	expect(report, "free'd", "memcheck should know where it was freed");
}

Test(memcheck, double_free_is_reported)
{
	static char report[REPORT_CAP];
	memcheck("double-free", report);
	expect(report, "Invalid free()", "a second free");
}

Test(memcheck, uninitialised_read_is_reported)
{
	static char report[REPORT_CAP];
	memcheck("uninitialised", report);
	expect(report, "uninitialised value", "a fresh block is undefined");
}

Test(memcheck, realloc_in_place_is_followed)
{
	static char report[REPORT_CAP];
	memcheck("realloc-overflow", report);
	expect(report, "Invalid write of size 1",
	       "a write past the grown block");
	expect(report, "ERROR SUMMARY: 1 errors",
	       "the bytes realloc kept are still defined: only the overflow");
}
