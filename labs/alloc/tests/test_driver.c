/*
 * The driver itself: it must catch broken allocators and reject malformed
 * traces with a message that names the file and the line. (These tests are
 * about the given driver, not the student's allocator.)
 */
#include "heapmap.h"
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

/* ---- The heap after a prefix of a trace (--heap-after, heapmap.c) -------- */

/* Returns how many times needle occurs in haystack. */
static size_t occurrences(const char *haystack, const char *needle)
{
	size_t n = 0;
	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

Test(driver, heap_map_draws_every_block_of_a_dump)
{
	static const char dump[] = "heap 0x1000 to 0x1100, 256 bytes\n"
				   "  0x1008        16 allocated\n"
				   "  0x1018        48 allocated\n"
				   "  0x1048        96 free\n"
				   "  0x10a8        32 quick\n"
				   "  0x10c8        48 free (prev free)\n"
				   "  0x10f8         0 allocated\n"
				   "free list 3: 0x10c8 (48) 0x1048 (96)\n"
				   "quick list 0: 0x10a8 (32)\n";
	FILE *in = fmemopen((void *)dump, sizeof dump - 1, "r");
	char *svg = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&svg, &len);
	cr_assert(in != NULL && out != NULL);
	cr_assert_eq(heapmap_svg(in, out, "a <test> & more"), 0);
	fclose(in);
	fclose(out);
	cr_assert(strncmp(svg, "<svg ", 5) == 0, "%s", svg);
	cr_assert(strstr(svg, "</svg>\n") == svg + len - 7, "%s", svg);
	cr_assert(strstr(svg, "a &lt;test&gt; &amp; more") != NULL, "%s", svg);
	/* Addresses become offsets in the heap. */
	cr_assert(strstr(svg, "free list 3: +0xc8 (48) +0x48 (96)") != NULL,
		  "%s", svg);
	cr_assert(strstr(svg, "0x10c8") == NULL, "%s", svg);
	/* A box each (padding, prologue, four blocks, epilogue) in one row
	 * of 256 bytes, and the legend's four; the four blocks' sizes. */
	cr_assert(strstr(svg, "256 bytes, 256 a row") != NULL, "%s", svg);
	cr_assert_eq(occurrences(svg, "<rect x="), 7 + 4, "%s", svg);
	cr_assert_eq(occurrences(svg, ">48</text>"), 2, "%s", svg);
	cr_assert_eq(occurrences(svg, ">96</text>"), 1, "%s", svg);
	cr_assert_eq(occurrences(svg, ">32</text>"), 1, "%s", svg);
	free(svg);
}

Test(driver, heap_map_refuses_a_dump_without_a_heap)
{
	static const char dump[] = "mm_checkheap: something\n";
	FILE *in = fmemopen((void *)dump, sizeof dump - 1, "r");
	cr_assert_eq(heapmap_svg(in, stdout, "nothing"), -1);
	fclose(in);
}

Test(driver, heap_after_prints_the_heap_dump)
{
	expect_run("./mdriver --heap-after 2 tests/data/small.rep", 0,
		   "heap 0x");
	cr_assert_geq(occurrences(output, " allocated"), 3, "%s", output);
	expect_run("./mdriver --heap-after 2 --svg tests/data/small.rep", 0,
		   "<svg ");
	cr_assert(strstr(output, "tests/data/small.rep after 2 of") != NULL,
		  "%s", output);
	cr_assert(strstr(output, "</svg>") != NULL, "%s", output);
}

Test(driver, heap_after_usage)
{
	expect_run("./mdriver --svg tests/data/small.rep", 2, "usage:");
	expect_run("./mdriver --heap-after 2 tests/data/small.rep "
		   "tests/data/small.rep",
		   2, "usage:");
	expect_run("./mdriver --heap-after x tests/data/small.rep", 2,
		   "usage:");
	expect_run("./mdriver --heap-after 100000 tests/data/small.rep", 2,
		   "operations, not 100000");
}
