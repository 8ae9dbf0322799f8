/*
 * The address space drawn for the book (layout.c, isolation-demo maps
 * --dot). These tests are about given code, not the student's: the rubric
 * grades no figures/ test.
 */
#include "harness.h"
#include "layout.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite(figures, .fini = harness_test_finished);

enum { PATH_CAP = 4096, OUTPUT_CAP = 1 << 16 };

/* Returns how many times needle occurs in haystack. */
static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0;
	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

Test(figures, layout_draws_regions_top_down_with_gaps)
{
	static const char maps[] =
		"555555554000-555555555000 r--p 00000000 fe:00 12 /usr/bin/x\n"
		"555555555000-555555556000 r-xp 00001000 fe:00 12 /usr/bin/x\n"
		"555555559000-55555557a000 rw-p 00000000 00:00 0  [heap]\n"
		"7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0  [stack]\n"
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 "
		"[vsyscall]\n";
	const struct place places[] = {
		{"code", (const void *)(uintptr_t)0x555555555123},
		{"a \"quoted\" name", (const void *)(uintptr_t)0x55555555a000},
		{"nowhere", (const void *)(uintptr_t)0x1000},
	};
	FILE *in = fmemopen((void *)maps, sizeof maps - 1, "r");
	char *dot = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&dot, &len);
	cr_assert(in != NULL && out != NULL);
	cr_assert_eq(layout_print_dot(in, out, places, 3), 0);
	fclose(in);
	fclose(out);
	cr_assert(strncmp(dot, "digraph", 7) == 0, "%s", dot);
	/* Highest first: vsyscall, stack, heap, then the program. */
	const char *vsyscall = strstr(dot, "[vsyscall]");
	const char *stack = strstr(dot, "[stack]");
	const char *heap = strstr(dot, "[heap]");
	const char *code = strstr(dot, "0x555555555000");
	cr_assert(vsyscall && stack && heap && code, "%s", dot);
	cr_assert(vsyscall < stack && stack < heap && heap < code, "%s", dot);
	cr_assert_eq(count(dot, ">x<"), 2, "the file's name alone:\n%s", dot);
	/* Three gaps: above the program (12 KiB), above the heap, and the
	 * hole between user space and [vsyscall]. */
	cr_assert(strstr(dot, "unmapped: 12 KiB") != NULL, "%s", dot);
	cr_assert_eq(count(dot, "unmapped: "), 2, "%s", dot);
	cr_assert_eq(count(dot, "the kernel's half"), 1, "%s", dot);
	cr_assert(strstr(dot, ">132 KiB<") != NULL, "the sizes:\n%s", dot);
	/* An arrow for each place inside a region, to that region's row. */
	cr_assert(strstr(dot, "p0 -> space:r1:w;") != NULL, "%s", dot);
	cr_assert(strstr(dot, "p1 -> space:r2:w;") != NULL, "%s", dot);
	cr_assert(strstr(dot, "label=\"a \\\"quoted\\\" name\"") != NULL, "%s",
		  dot);
	cr_assert(strstr(dot, "p2") == NULL, "%s", dot);
	free(dot);
}

Test(figures, layout_refuses_a_malformed_line)
{
	static const char maps[] = "this is not a maps line\n";
	FILE *in = fmemopen((void *)maps, sizeof maps - 1, "r");
	cr_assert_eq(layout_print_dot(in, stdout, NULL, 0), -1);
	fclose(in);
}

Test(figures, demo_maps_dot_draws_this_process)
{
	char path[PATH_CAP], command[PATH_CAP + 64], output[OUTPUT_CAP];
	ssize_t n = readlink("/proc/self/exe", path, PATH_CAP - 32);
	cr_assert_gt(n, 0);
	path[n] = '\0';
	strcpy(strrchr(path, '/') + 1, "isolation-demo");
	snprintf(command, sizeof command, "%s maps --dot", path);
	FILE *p = popen(command, "r");
	cr_assert_not_null(p);
	size_t got = fread(output, 1, sizeof output - 1, p);
	output[got] = '\0';
	cr_assert_eq(pclose(p), 0, "%s failed:\n%s", command, output);
	cr_assert(strncmp(output, "digraph", 7) == 0, "%s", output);
	cr_assert(strstr(output, "[heap]") != NULL, "%s", output);
	cr_assert(strstr(output, "[stack]") != NULL, "%s", output);
	/* All seven places of the maps command have their arrow. */
	cr_assert_eq(count(output, " -> space:r"), 7, "%s", output);
}
