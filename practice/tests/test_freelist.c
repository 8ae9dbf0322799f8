/*
 * test_freelist.c: the freelist problems. After every step of many seeds
 * the heap must be sound (the blocks tile it, no two free blocks touch,
 * each live pointer owns a block of the size it asked for), and each
 * malloc must have chosen the block its policy names, found here by a
 * second, simpler search.
 */
#include <criterion/criterion.h>

#include "freelist.h"
#include "helpers.h"

enum { SEEDS = 300 };

Test(freelist, same_seed_same_text)
{
	check_deterministic(freelist_run);
}

Test(freelist, different_seeds_different_problems)
{
	check_seeds_differ(freelist_run);
}

/* Checks that h's blocks tile p's heap, in order, with no two free blocks
 * side by side, and that the rover is at a block's start. */
static void check_tiles(const struct freelist_problem *p,
			const struct freelist_heap *h, const char *where)
{
	size_t addr = p->base;
	bool rover_ok = false;
	for (size_t i = 0; i < h->nblocks; i++) {
		const struct freelist_block *b = &h->block[i];
		cr_assert_eq(b->addr, addr, "%s: a gap or an overlap", where);
		cr_assert_gt(b->size, 0, "%s: an empty block", where);
		bool free_pair = i > 0 && b->owner == FREELIST_FREE &&
				 h->block[i - 1].owner == FREELIST_FREE;
		cr_assert(!free_pair,
			  "%s: two free blocks at %zu not "
			  "coalesced",
			  where, b->addr);
		rover_ok |= h->rover == b->addr;
		addr += b->size;
	}
	cr_assert_eq(addr, p->base + p->heap_size,
		     "%s: blocks do not end "
		     "at the heap's end",
		     where);
	cr_assert(rover_ok, "%s: the rover is inside a block", where);
}

/* Returns the number of blocks that owner has in h. */
static size_t blocks_of(const struct freelist_heap *h, int owner)
{
	size_t n = 0;
	for (size_t i = 0; i < h->nblocks; i++)
		if (h->block[i].owner == owner)
			n++;
	return n;
}

/* The block the policy should choose for size in heap h, found by a plain
 * search: its address, or 0 if none fits. */
static size_t expected_choice(const struct freelist_heap *h, enum fit fit,
			      size_t size)
{
	size_t first = 0, after_rover = 0, best = 0, best_size = 0;
	for (size_t i = 0; i < h->nblocks; i++) {
		const struct freelist_block *b = &h->block[i];
		if (b->owner != FREELIST_FREE || b->size < size)
			continue;
		if (first == 0)
			first = b->addr;
		if (after_rover == 0 && b->addr >= h->rover)
			after_rover = b->addr;
		if (best == 0 || b->size < best_size) {
			best = b->addr;
			best_size = b->size;
		}
	}
	if (fit == FIT_BEST)
		return best;
	if (fit == FIT_NEXT && after_rover != 0)
		return after_rover;
	return first;
}

/* Checks every step of p's answers. */
static void check_problem(const struct freelist_problem *p)
{
	struct freelist_step steps[FREELIST_OPS_MAX];
	struct freelist_heap before;
	freelist_init(&before, p);
	freelist_solve(p, steps);
	for (size_t i = 0; i < p->nops; i++) {
		const struct freelist_op *op = &p->op[i];
		const struct freelist_heap *h = &steps[i].heap;
		char where[64];
		snprintf(where, sizeof where, "seed %llu, step %zu",
			 (unsigned long long)p->seed, i + 1);
		check_tiles(p, h, where);
		if (op->is_free) {
			cr_assert_eq(blocks_of(&before, (int)op->ptr), 1,
				     "%s: frees a dead pointer", where);
			cr_assert_eq(blocks_of(h, (int)op->ptr), 0, "%s",
				     where);
		} else if (steps[i].failed) {
			cr_assert_eq(expected_choice(&before, p->fit, op->size),
				     0, "%s: NULL, but a block fits", where);
		} else {
			cr_assert_eq(steps[i].addr,
				     expected_choice(&before, p->fit, op->size),
				     "%s: the wrong block", where);
			cr_assert_eq(blocks_of(h, (int)op->ptr), 1, "%s",
				     where);
		}
		before = *h;
	}
}

Test(freelist, every_step_keeps_the_heap_sound)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		struct freelist_problem p;
		freelist_generate(&p, seed);
		check_problem(&p);
	}
}

/* Three blocks, the middle one freed last: the four coalescing cases and
 * best fit's choice, worked by hand. */
Test(freelist, a_case_worked_by_hand)
{
	struct freelist_problem p = {
		.fit = FIT_BEST,
		.base = 1000,
		.heap_size = 64,
		.nops = 7,
		.op =
			{
				{.size = 16, .ptr = 0}, /* [1000 16 p0] */
				{.size = 8, .ptr = 1},  /* [1016 8 p1] */
				{.size = 24,
				 .ptr = 2}, /* [1024 24 p2] [1048 16] */
				{.is_free = true,
				 .ptr = 0},             /* no free neighbour */
				{.size = 12, .ptr = 3}, /* best: 1000 (16) */
				{.is_free = true,
				 .ptr = 2}, /* merges with 1048 */
				{.is_free = true,
				 .ptr = 1}, /* merges with 1012 too */
			},
	};
	struct freelist_step s[7];
	freelist_solve(&p, s);
	cr_assert_eq(s[4].addr, 1000);
	cr_assert_eq(s[5].heap.nblocks, 4);
	cr_assert_eq(s[5].heap.block[3].addr, 1024);
	cr_assert_eq(s[5].heap.block[3].size, 40);
	cr_assert_eq(s[6].heap.nblocks, 2);
	cr_assert_eq(s[6].heap.block[1].addr, 1012);
	cr_assert_eq(s[6].heap.block[1].size, 52);
	check_problem(&p);
}
