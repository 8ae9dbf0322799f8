/*
 * Stages 4 and 5: statistics, and vmsim's output and errors.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "helpers.h"
#include "vm.h"

TestSuite(stats, .fini = harness_test_finished);

/* Returns the number after "key": in a JSON line, or fails the test. */
static unsigned long long json_number(const char *json, const char *key)
{
	char pattern[64];
	snprintf(pattern, sizeof pattern, "\"%s\": ", key);
	const char *at = strstr(json, pattern);
	cr_assert_not_null(at, "no %s in %s", key, json);
	return strtoull(at + strlen(pattern), NULL, 10);
}

Test(stats, counts_add_up)
{
	for (int k = 0; k < POLICY_COUNT; k++) {
		struct vm_config config = test_config(4, (enum policy_kind)k);
		config.tlb_size = 4;
		struct refs_run run;
		run_refs(&config,
			 "1,2w,3,4w,5,1,2,6w,3,7,1,8,2w,4,9,5,1,3w,6,2,"
			 "10,1,2,3,11w,4,1,2,5w,6",
			 &run);
		const struct vm_stats *s = &run.stats;
		const char *name = policy_name(config.policy);
		cr_assert_eq(s->references, 30, "%s", name);
		cr_assert_eq(s->hits + s->faults + s->segfaults, s->references,
			     "%s: hits + faults + segfaults != references",
			     name);
		cr_assert_eq(s->minor_faults + s->major_faults, s->faults, "%s",
			     name);
		cr_assert_eq(s->evictions, s->faults - 4,
			     "%s: every fault after the first 4 evicts", name);
		cr_assert_eq(s->swap_ins, s->major_faults, "%s", name);
		cr_assert_leq(s->writebacks, s->evictions, "%s", name);
		cr_assert_gt(s->writebacks, 0, "%s: dirty pages were evicted",
			     name);
		cr_assert_eq(s->tlb_hits + s->tlb_misses, s->references,
			     "%s: every reference looks in the TLB once", name);
	}
}

Test(stats, tlb_hit_rate)
{
	struct vm_stats s = {.tlb_hits = 3, .tlb_misses = 1};
	cr_assert_float_eq(stats_tlb_hit_rate(&s), 0.75, 1e-9);
	struct vm_stats none = {0};
	cr_assert_float_eq(stats_tlb_hit_rate(&none), 0.0, 1e-9);
}

Test(stats, json_has_every_count)
{
	char out[TEST_OUTPUT_MAX];
	int status = run_vmsim("--frames 3 --policy fifo --json --refs "
			       "7,0,1,2,0,3,0,4,2,3,0,3,2",
			       out, sizeof out);
	cr_assert_eq(status, 0, "%s", out);
	cr_assert_eq(out[0], '{', "one JSON object: %s", out);
	cr_assert_eq(json_number(out, "references"), 13);
	cr_assert_eq(json_number(out, "hits"), 3);
	cr_assert_eq(json_number(out, "faults"), 10);
	cr_assert_eq(json_number(out, "minor_faults"), 10);
	cr_assert_eq(json_number(out, "major_faults"), 0);
	cr_assert_eq(json_number(out, "evictions"), 7);
	cr_assert_eq(json_number(out, "writebacks"), 0);
	cr_assert_eq(json_number(out, "swap_ins"), 0);
	cr_assert_null(strstr(out, "tlb_hits"), "no TLB counts without --tlb");
	status = run_vmsim("--frames 2 --policy lru --tlb 2 --json --refs "
			   "1w,2w,3,1,1,1,2",
			   out, sizeof out);
	cr_assert_eq(status, 0, "%s", out);
	cr_assert_eq(json_number(out, "major_faults"), 2);
	cr_assert_eq(json_number(out, "writebacks"), 2);
	cr_assert_eq(json_number(out, "swap_ins"), 2);
	cr_assert_eq(json_number(out, "tlb_hits"), 2);
	cr_assert_eq(json_number(out, "tlb_misses"), 5);
}

Test(stats, verbose_shows_each_reference)
{
	char out[TEST_OUTPUT_MAX];
	int status = run_vmsim("--frames 3 --policy fifo --verbose --refs "
			       "7,0,1,2,0",
			       out, sizeof out);
	cr_assert_eq(status, 0, "%s", out);
	cr_assert_not_null(strstr(out, "[7 0 1]"), "%s", out);
	cr_assert_not_null(strstr(out, "[2 0 1]  evict 7"), "%s", out);
	cr_assert_not_null(strstr(out, " 0     hit "), "%s", out);
	size_t lines = 0;
	for (const char *p = out; (p = strstr(p, " fault ")) != NULL; p++)
		lines++;
	cr_assert_eq(lines, 4, "4 faults in %s", out);
}

Test(stats, text_report)
{
	char out[TEST_OUTPUT_MAX];
	int status = run_vmsim("--frames 3 --policy opt --refs "
			       "7,0,1,2,0,3,0,4,2,3,0,3,2",
			       out, sizeof out);
	cr_assert_eq(status, 0, "%s", out);
	cr_assert_not_null(strstr(out, "faults         7"), "%s", out);
}

/* Checks that vmsim refuses args with the exit status and names the
 * problem (what) in its message. */
static void check_refused(const char *args, int status, const char *what)
{
	char out[TEST_OUTPUT_MAX];
	int got = run_vmsim(args, out, sizeof out);
	cr_assert_neq(got, -1, "vmsim %s crashed", args);
	cr_assert_eq(got, status, "vmsim %s: exit status %d, expected %d (%s)",
		     args, got, status, out);
	cr_assert_not_null(strstr(out, what),
			   "vmsim %s: the message should "
			   "mention '%s': %s",
			   args, what, out);
}

Test(stats, bad_command_lines_are_refused)
{
	check_refused("--frames 3 --policy mru --refs 1", 2, "mru");
	check_refused("--frames 0 --policy fifo --refs 1", 2, "--frames");
	check_refused("--frames -2 --policy fifo --refs 1", 2, "--frames");
	check_refused("--frames 3x --policy fifo --refs 1", 2, "3x");
	check_refused("--frames 3 --refs 1", 2, "--policy");
	check_refused("--policy lru --refs 1", 2, "--frames");
	check_refused("--frames 3 --policy fifo", 2, "--refs");
	check_refused("--frames 3 --policy fifo --refs 1 --page-size 1000", 2,
		      "power of two");
	check_refused("--frames 3 --policy fifo --refs 1 --levels 9", 2,
		      "--levels");
	check_refused("--frames 3 --policy fifo --refs 1 --sweep 4:2", 2,
		      "--sweep");
	check_refused("--frames 3 --policy fifo --refs 1 --format xml", 2,
		      "xml");
	check_refused("--frames 3 --policy fifo --refs 1 --nonsense", 2,
		      "nonsense");
	check_refused("--frames 3 --policy fifo --refs 1,x,3", 1, "'x'");
	check_refused("--frames 3 --policy fifo --refs 1,-3", 1, "'-3'");
	check_refused("--frames 3 --policy fifo --trace /nonexistent/t", 1,
		      "/nonexistent/t");
	check_refused("--sweep 1:3 --trace /dev/null", 2, "regular file");
}

/* Runs vmsim on a trace file holding text; returns status and output. */
static int run_on_trace(const char *text, const char *options, char *out,
			size_t cap)
{
	char path[64], args[512];
	write_file(path, sizeof path, text);
	snprintf(args, sizeof args,
		 "--frames 4 --policy lru --json %s --trace %s", options, path);
	int status = run_vmsim(args, out, cap);
	unlink(path);
	return status;
}

Test(stats, bad_trace_lines_name_file_and_line)
{
	char out[TEST_OUTPUT_MAX];
	cr_assert_eq(run_on_trace("R 0x1000\nW 0x2000\nQ 0x3000\n", "", out,
				  sizeof out),
		     1, "%s", out);
	cr_assert_not_null(strstr(out, ":3: "), "line 3 is bad: %s", out);
	cr_assert_eq(run_on_trace("R 0x1000\nW zz\n", "", out, sizeof out), 1);
	cr_assert_not_null(strstr(out, ":2: "), "%s", out);
	cr_assert_eq(run_on_trace("==1== Lackey\nI  0401ab70,3\n L 1fff,\n", "",
				  out, sizeof out),
		     1);
	cr_assert_not_null(strstr(out, ":3: "), "%s", out);
	cr_assert_eq(run_on_trace("1,2,3\n4,5,six\n", "", out, sizeof out), 1);
	cr_assert_not_null(strstr(out, ":2: "), "%s", out);
	cr_assert_eq(
		run_on_trace("\x01\x02\xff garbage\n", "", out, sizeof out), 1);
	cr_assert_eq(
		run_on_trace("R 0x1000\n", "--format lackey", out, sizeof out),
		1, "%s", out);
}

Test(stats, trace_formats_are_read)
{
	char out[TEST_OUTPUT_MAX];
	cr_assert_eq(run_on_trace("# comment\n1\n2\n\n1,3 # more\n", "", out,
				  sizeof out),
		     0, "%s", out);
	cr_assert_eq(json_number(out, "references"), 4);
	cr_assert_eq(json_number(out, "faults"), 3);
	cr_assert_eq(run_on_trace("R 0x1000\nW 0x1008\nR 4096\nW 0x5000\n", "",
				  out, sizeof out),
		     0, "%s", out);
	cr_assert_eq(json_number(out, "references"), 4);
	cr_assert_eq(json_number(out, "faults"), 2);
	cr_assert_eq(run_on_trace("R 0x1000\n", "--format rw", out, sizeof out),
		     0);
	cr_assert_eq(json_number(out, "references"), 1);
}

Test(stats, lackey_accesses_touch_every_page_they_cover)
{
	char out[TEST_OUTPUT_MAX];
	const char *trace =
		"==42== Lackey, an example Valgrind tool\n"
		"==42== Command: ls\n"
		"I  04016cc,3\n"    /* 1 reference */
		" L 1ffefffb88,8\n" /* 1 */
		" S 1ffefffffc,8\n" /* straddles 2 pages: 2 */
		" M 0401ffe,4\n"    /* reads, then writes, 2 pages: 4 */
		" M 0402100,8\n"    /* read and write of 1 page: 2 */
		"==42== \n";
	cr_assert_eq(run_on_trace(trace, "", out, sizeof out), 0, "%s", out);
	cr_assert_eq(json_number(out, "references"), 10);
	cr_assert_eq(json_number(out, "faults"), 4,
		     "pages 0x401, 0x1ffefff, 0x1fff000 and 0x402: %s", out);
	cr_assert_eq(run_on_trace(trace, "--format lackey", out, sizeof out),
		     0);
	cr_assert_eq(json_number(out, "references"), 10);
}

Test(stats, random_runs_repeat_with_a_seed)
{
	char a[TEST_OUTPUT_MAX], b[TEST_OUTPUT_MAX];
	const char *args =
		"--frames 3 --policy random --seed 5 --json --strict "
		"--refs 1,2,3,4,5,1,2,6,3,7,1,8,2,4,9,5,1,3,6,2";
	cr_assert_eq(run_vmsim(args, a, sizeof a), 0, "%s", a);
	cr_assert_eq(run_vmsim(args, b, sizeof b), 0, "%s", b);
	cr_assert_str_eq(a, b);
	cr_assert_gt(json_number(a, "evictions"), 0,
		     "9 pages in 3 frames: something must be evicted");
}

Test(stats, shipped_traces_run)
{
	char out[TEST_OUTPUT_MAX];
	static const char *const runs[] = {
		"--strict --frames 3 --policy clock --trace "
		"traces/textbook.refs",
		"--strict --frames 3 --policy fifo --trace traces/belady.refs",
		"--strict --frames 2 --policy lru --trace traces/small.rw",
		"--strict --frames 2 --policy opt --trace traces/small.lackey",
	};
	for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
		cr_assert_eq(run_vmsim(runs[i], out, sizeof out), 0,
			     "vmsim %s: %s", runs[i], out);
		/* it ran the trace: a report with references counted */
		const char *line = strstr(out, "references ");
		unsigned long refs = 0;
		cr_assert(line != NULL &&
				  sscanf(line, "references %lu", &refs) == 1 &&
				  refs > 0,
			  "vmsim %s exited 0 without reporting its "
			  "references:\n%s",
			  runs[i], out);
	}
}
