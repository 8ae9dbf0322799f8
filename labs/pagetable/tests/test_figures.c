/*
 * The page table drawn for the book (ptdot.c, vmsim --dot). These tests are
 * about given code, not the student's: the rubric grades no figures/ test.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "helpers.h"
#include "ptdot.h"

TestSuite(figures, .fini = harness_test_finished);

enum { DOT_CAP = 1 << 16 };

/* Returns how many times needle occurs in haystack. */
static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0;
	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* A two-level table of 4-entry tables, built by hand (no student code):
 * the root's entry 1 leads to table 1, whose entry 0 maps page 4 (index 1,
 * entry 0) to frame 7, writable and dirty, and entry 2 holds page 6 in swap
 * slot 3. */
Test(figures, dot_shows_present_swapped_and_empty_entries)
{
	uint64_t root[4] = {0}, leaf[4] = {0};
	uint64_t *tables[] = {root, leaf};
	struct pagetable pt = {
		.layout = {.page_size = 16,
			   .offset_bits = 4,
			   .levels = 2,
			   .level_bits = 2,
			   .va_bits = 8},
		.tables = tables,
		.ntables = 2,
		.cap = 2,
	};
	root[1] = pte_make(1, PTE_PRESENT);
	leaf[0] = pte_make(7, PTE_PRESENT | PTE_WRITABLE | PTE_DIRTY);
	leaf[2] = pte_make(3, PTE_SWAPPED);
	char *dot = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&dot, &len);
	cr_assert_not_null(out);
	pt_print_dot(out, &pt);
	cr_assert_eq(fclose(out), 0);
	cr_assert(strncmp(dot, "digraph", 7) == 0, "not a graph:\n%s", dot);
	cr_assert_eq(count(dot, "TABLE BORDER"), 2, "two tables:\n%s", dot);
	cr_assert_eq(count(dot, " -> "), 1, "one edge:\n%s", dot);
	cr_assert(strstr(dot, "t0:e1:e -> t1:top:w") != NULL, "%s", dot);
	cr_assert(strstr(dot, "page 0x4: frame 7 W D<") != NULL, "%s", dot);
	cr_assert(strstr(dot, "page 0x6: swap slot 3<") != NULL, "%s", dot);
	/* Root: 0 empty, 1 used, 2-3 empty. Leaf: 1 and 3 empty. */
	cr_assert(strstr(dot, ">2&#8211;3<") != NULL, "%s", dot);
	cr_assert_eq(count(dot, ">empty<"), 4, "four runs of empty:\n%s", dot);
	cr_assert_eq(count(dot, "{"), count(dot, "}"), "%s", dot);
	free(dot);
}

Test(figures, vmsim_dot_draws_the_final_table)
{
	char out[TEST_OUTPUT_MAX];
	int status = run_vmsim(
		"--frames 2 --policy lru --dot --trace traces/small.rw", out,
		sizeof out);
	cr_assert_eq(status, 0, "vmsim --dot failed:\n%s", out);
	cr_assert(strncmp(out, "digraph", 7) == 0, "%s", out);
	/* Three pages, two frames: two present, one in swap. */
	cr_assert_eq(count(out, ": frame "), 2, "%s", out);
	cr_assert_eq(count(out, ": swap slot "), 1, "%s", out);
	cr_assert(strstr(out, "references") == NULL, "no statistics:\n%s", out);
}

Test(figures, vmsim_dot_refuses_other_outputs)
{
	char out[TEST_OUTPUT_MAX];
	cr_assert_eq(run_vmsim("--frames 2 --policy lru --dot --json "
			       "--refs 1,2",
			       out, sizeof out),
		     2, "%s", out);
	cr_assert_eq(run_vmsim("--sweep 1:2 --dot --refs 1,2", out, sizeof out),
		     2, "%s", out);
}
