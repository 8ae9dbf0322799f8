/*
 * test_replace.c: the replace problems. The tables come from the lab's
 * policy code; these tests check them, reference by reference, against
 * what the lab's vmsim prints with --verbose, and check the chapter's
 * worked example.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "replace.h"

enum { VMSIM_SEEDS = 20, SEEDS = 200 };

Test(replace, same_seed_same_text)
{
	check_deterministic(replace_run);
}

Test(replace, different_seeds_different_problems)
{
	check_seeds_differ(replace_run);
}

/* Writes into line the frames of step s as vmsim --verbose prints them:
 * "[7* 0 -]", a star after a set reference bit (CLOCK only), - for an
 * empty frame; and for CLOCK "  hand N" after it. */
static void vmsim_frames(char *line, size_t size, const struct replace_step *s,
			 size_t frames, bool clock)
{
	size_t len = 0;
	line[len++] = '[';
	for (size_t f = 0; f < frames; f++) {
		const char *sep = f > 0 ? " " : "";
		if (s->page[f] == REPLACE_NO_PAGE)
			len += (size_t)snprintf(line + len, size - len, "%s-",
						sep);
		else
			len += (size_t)snprintf(line + len, size - len,
						"%s%d%s", sep, s->page[f],
						clock && s->bit[f] ? "*" : "");
	}
	len += (size_t)snprintf(line + len, size - len, "]");
	if (clock)
		snprintf(line + len, size - len, "  hand %zu", s->hand);
}

/* Returns vmsim's output for p's string with policy kind, which the
 * caller frees. */
static char *run_vmsim(const struct replace_problem *p, enum policy_kind kind)
{
	char command[512];
	int len = snprintf(command, sizeof command,
			   VMSIM " --frames %zu "
				 "--policy %s --verbose --refs ",
			   p->frames, policy_name(kind));
	for (size_t i = 0; i < p->nrefs; i++)
		len += snprintf(command + len, sizeof command - (size_t)len,
				"%s%llu", i > 0 ? "," : "",
				(unsigned long long)p->page[i]);
	int status;
	char *out = command_output(command, &status);
	cr_assert_eq(status, 0, "%s failed", command);
	return out;
}

/* Checks table t against vmsim's verbose lines and its fault count. */
static void check_against_vmsim(const struct replace_problem *p,
				const struct replace_table *t, uint64_t seed)
{
	char *out = run_vmsim(p, t->kind);
	const char *name = policy_name(t->kind);
	const char *line = out;
	for (size_t i = 0; i < p->nrefs; i++) {
		char frames[128];
		vmsim_frames(frames, sizeof frames, &t->step[i], p->frames,
			     t->kind == POLICY_CLOCK);
		const char *word = t->step[i].fault ? "fault" : "hit";
		const char *found = strstr(line, frames);
		const char *end = strchr(line, '\n');
		cr_assert(found != NULL && end != NULL && found < end,
			  "seed %llu, %s, reference %zu: vmsim's line is\n"
			  "%.*s\nbut practice has %s",
			  (unsigned long long)seed, name, i + 1,
			  (int)(end - line), line, frames);
		cr_assert(strstr(line, word) != NULL &&
				  strstr(line, word) < found,
			  "seed %llu, %s, reference %zu: not a %s in vmsim",
			  (unsigned long long)seed, name, i + 1, word);
		line = end + 1;
	}
	const char *faults = strstr(out, "\nfaults");
	cr_assert_not_null(faults, "no fault count in vmsim's output");
	size_t count = 0;
	sscanf(faults, " faults %zu", &count);
	cr_assert_eq(count, t->faults,
		     "seed %llu, %s: vmsim takes %zu "
		     "faults, practice %zu",
		     (unsigned long long)seed, name, count, t->faults);
	free(out);
}

Test(replace, tables_agree_with_vmsim)
{
	cr_assert_eq(access(VMSIM, X_OK), 0,
		     "no %s: build it with make -C "
		     "../solutions/pagetable vmsim",
		     VMSIM);
	for (uint64_t seed = 1; seed <= VMSIM_SEEDS; seed++) {
		struct replace_problem p;
		replace_generate(&p, seed);
		for (size_t k = 0; k < REPLACE_POLICIES; k++) {
			struct replace_table t;
			cr_assert_eq(replace_solve(&p, replace_policy(k), &t),
				     0);
			check_against_vmsim(&p, &t, seed);
		}
	}
}

/* The chapter's string (chapter 6), with its fault counts. */
Test(replace, the_chapters_example)
{
	struct replace_problem p = {
		.frames = 3,
		.nrefs = 13,
		.page = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2},
	};
	static const size_t FAULTS[REPLACE_POLICIES] = {10, 9, 9, 7};
	for (size_t k = 0; k < REPLACE_POLICIES; k++) {
		struct replace_table t;
		cr_assert_eq(replace_solve(&p, replace_policy(k), &t), 0);
		cr_assert_eq(t.faults, FAULTS[k], "%s",
			     policy_name(replace_policy(k)));
	}
	/* CLOCK's fourth row: all bits were set, so the hand goes round,
	 * evicts page 7 from frame 0 and stops at frame 1. */
	struct replace_table clock;
	replace_solve(&p, POLICY_CLOCK, &clock);
	cr_assert_eq(clock.step[3].evicted, 7);
	cr_assert_eq(clock.step[3].hand, 1);
	cr_assert_eq(clock.step[3].page[0], 2);
}

Test(replace, opt_is_never_beaten)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		struct replace_problem p;
		struct replace_table t[REPLACE_POLICIES];
		replace_generate(&p, seed);
		for (size_t k = 0; k < REPLACE_POLICIES; k++)
			cr_assert_eq(
				replace_solve(&p, replace_policy(k), &t[k]), 0);
		for (size_t k = 0; k < REPLACE_POLICIES; k++)
			cr_assert_leq(t[REPLACE_POLICIES - 1].faults,
				      t[k].faults, "seed %llu",
				      (unsigned long long)seed);
	}
}
