/*
 * replace.h: the `replace` problem, page replacement by hand with FIFO,
 * LRU, CLOCK and OPT. The answers come from the page-table lab's own
 * policies (solutions/pagetable/policy.c).
 */
#ifndef REPLACE_H
#define REPLACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "policy.h"

enum {
	REPLACE_REFS_MAX = 15,
	REPLACE_FRAMES_MAX = 4,
	REPLACE_POLICIES = 4, /* FIFO, LRU, CLOCK and OPT */
	REPLACE_NO_PAGE = -1, /* an empty frame, or no eviction */
};

struct replace_problem {
	uint64_t seed;
	size_t frames;
	size_t nrefs;
	uint64_t page[REPLACE_REFS_MAX]; /* the reference string */
};

/* The frames after one reference. */
struct replace_step {
	int page[REPLACE_FRAMES_MAX]; /* page in each frame, or NO_PAGE */
	bool bit[REPLACE_FRAMES_MAX]; /* each frame's reference bit */
	bool fault;
	int evicted; /* the page evicted, or REPLACE_NO_PAGE */
	size_t hand; /* CLOCK: the frame the hand points at */
};

/* One policy's table: a row per reference. */
struct replace_table {
	enum policy_kind kind;
	struct replace_step step[REPLACE_REFS_MAX];
	size_t faults;
};

enum policy_kind replace_policy(size_t i);
void replace_generate(struct replace_problem *p, uint64_t seed);
int replace_solve(const struct replace_problem *p, enum policy_kind kind,
		  struct replace_table *t);
int replace_run(FILE *out, uint64_t seed, bool answers);

#endif
