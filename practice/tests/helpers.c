/*
 * helpers.c: shared test code. See helpers.h.
 */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

enum { SEEDS = 12 };

/* Returns what run prints for seed (with the answers if asked), as a
 * string the caller frees. Fails the test if it cannot. */
char *capture(run_fn *run, uint64_t seed, bool answers)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	cr_assert_not_null(out, "open_memstream failed");
	cr_assert_eq(run(out, seed, answers), 0, "seed %llu failed",
		     (unsigned long long)seed);
	cr_assert_eq(fclose(out), 0);
	return text;
}

/*
 * Runs command with the shell and returns its standard output, as a
 * string the caller frees; *status is its exit status (or -1 if it did
 * not exit). Fails the test if the command cannot be started.
 */
char *command_output(const char *command, int *status)
{
	FILE *pipe = popen(command, "r");
	cr_assert_not_null(pipe, "cannot run: %s", command);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	cr_assert_not_null(out, "open_memstream failed");
	int c;
	while ((c = fgetc(pipe)) != EOF)
		fputc(c, out);
	fclose(out);
	int rc = pclose(pipe);
	*status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	return text;
}

/* Checks that each of a few seeds prints the same text, answers and all,
 * every time. */
void check_deterministic(run_fn *run)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		char *first = capture(run, seed, true);
		char *second = capture(run, seed, true);
		cr_assert_str_eq(first, second,
				 "seed %llu printed two "
				 "different texts",
				 (unsigned long long)seed);
		free(first);
		free(second);
	}
}

/* Returns text after its first line: the problem without the title,
 * which names the seed. */
static const char *after_title(const char *text)
{
	const char *newline = strchr(text, '\n');
	return newline == NULL ? text : newline + 1;
}

/* Checks that a few seeds draw problems that all differ from each other
 * (the titles, which name the seeds, left out). */
void check_seeds_differ(run_fn *run)
{
	char *texts[SEEDS];
	for (uint64_t seed = 0; seed < SEEDS; seed++)
		texts[seed] = capture(run, seed + 1, false);
	for (size_t a = 0; a < SEEDS; a++)
		for (size_t b = a + 1; b < SEEDS; b++)
			cr_assert_str_neq(after_title(texts[a]),
					  after_title(texts[b]),
					  "seeds %zu and %zu drew the same "
					  "problem",
					  a + 1, b + 1);
	for (size_t s = 0; s < SEEDS; s++)
		free(texts[s]);
}
