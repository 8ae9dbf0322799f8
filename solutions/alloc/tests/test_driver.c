/*
 * The driver itself: it must catch broken allocators and reject malformed
 * traces with a message that names the file and the line. (These tests are
 * about the given driver, not the student's allocator.)
 */
#include "testutil.h"

TestSuite(driver, .fini = harness_test_finished, .timeout = 60);

enum { OUTPUT_CAP = 1 << 16 };
static char output[OUTPUT_CAP];

/* Runs a driver; expects exit status want and text in what it printed. */
static void expect_run(const char *command, int want, const char *text)
{
	int status = run_capture(command, output, OUTPUT_CAP);
	cr_assert_eq(status, want, "'%s' exited with %d, not %d:\n%s", command,
		     status, want, output);
	cr_assert(strstr(output, text) != NULL,
		  "'%s' should print '%s'; it printed:\n%s", command, text,
		  output);
}

Test(driver, catches_overlapping_blocks)
{
	expect_run("tests/broken/mdriver-overlap tests/data/small.rep", 1,
		   "overlaps block");
}

Test(driver, catches_misaligned_blocks)
{
	expect_run("tests/broken/mdriver-misalign tests/data/small.rep", 1,
		   "not aligned");
}

Test(driver, catches_realloc_losing_data)
{
	expect_run("tests/broken/mdriver-lossy-realloc tests/data/small.rep", 1,
		   "realloc lost byte");
}

Test(driver, catches_blocks_outside_the_heap)
{
	expect_run("tests/broken/mdriver-outside tests/data/small.rep", 1,
		   "outside the heap");
}

Test(driver, catches_a_free_that_clobbers_a_neighbour)
{
	expect_run("tests/broken/mdriver-scribble tests/data/small.rep", 1,
		   "changed before");
}

Test(driver, says_where_an_allocator_crashed)
{
	/* The shell reports death by SIGSEGV as status 128 + 11. */
	expect_run("tests/broken/mdriver-crash tests/data/small.rep", 139,
		   "crashed (signal 11) replaying tests/data/small.rep:17");
}

Test(driver, broken_allocator_fails_among_good_traces)
{
	expect_run("tests/broken/mdriver-overlap --json tests/data/small.rep",
		   1, "\"correct\": false");
}

Test(driver, malformed_traces_name_file_and_line)
{
	static const struct {
		const char *file;
		const char *where;
	} cases[] = {
		{"bad-op.rep", "bad-op.rep:6:"},
		{"bad-header.rep", "bad-header.rep:2:"},
		{"bad-id.rep", "bad-id.rep:5:"},
		{"double-alloc.rep", "double-alloc.rep:6:"},
		{"free-unallocated.rep", "free-unallocated.rep:6:"},
		{"too-few-ops.rep", "too-few-ops.rep:6:"},
		{"realloc-zero.rep", "realloc-zero.rep:6:"},
		{"huge-size.rep", "huge-size.rep:5:"},
		{"short-header.rep", "short-header.rep:3:"},
		{"trailing-text.rep", "trailing-text.rep:5:"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char command[256];
		snprintf(command, sizeof command,
			 "tests/broken/mdriver-overlap tests/data/%s",
			 cases[i].file);
		expect_run(command, 2, cases[i].where);
	}
}

Test(driver, missing_trace_and_bad_usage)
{
	expect_run("tests/broken/mdriver-overlap tests/data/no-such.rep", 2,
		   "cannot open tests/data/no-such.rep");
	expect_run("tests/broken/mdriver-overlap", 2, "usage:");
	expect_run("tests/broken/mdriver-overlap --frobnicate x.rep", 2,
		   "usage:");
}

Test(driver, garbage_input_does_not_crash)
{
	expect_run("tests/broken/mdriver-overlap /dev/null", 2,
		   "header ends early");
	expect_run("tests/broken/mdriver-overlap mdriver", 2, "mdriver:1:");
}

Test(driver, correct_allocator_passes)
{
	expect_run("./mdriver tests/data/small.rep", 0, "average");
}

Test(driver, json_report)
{
	expect_run("./mdriver --json --libc tests/data/small.rep", 0,
		   "\"libc_ops_per_sec\"");
	cr_assert(strstr(output, "{\"traces\": [") == output);
	cr_assert(strstr(output, "\"name\": \"tests/data/small.rep\"") != NULL);
	cr_assert(strstr(output, "\"correct\": true") != NULL);
	cr_assert(strstr(output, "\"util\": ") != NULL);
	cr_assert(strstr(output, "\"ops_per_sec\": ") != NULL);
}

Test(driver, generated_traces_are_reproducible)
{
	require_program("test -x traces/tracegen");
	expect_run("traces/tracegen --check traces", 0, "reproduced");
}
