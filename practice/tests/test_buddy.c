/*
 * test_buddy.c: the buddy problems. After every step of many seeds the
 * blocks must tile the heap, each aligned to its size, with no two free
 * buddies left unmerged; each allocation must have the rounded size.
 */
#include <criterion/criterion.h>

#include "buddy.h"
#include "helpers.h"

enum { SEEDS = 300 };

Test(buddy, same_seed_same_text)
{
	check_deterministic(buddy_run);
}

Test(buddy, different_seeds_different_problems)
{
	check_seeds_differ(buddy_run);
}

/* Checks that h's blocks tile p's heap with aligned power-of-two blocks,
 * and that no free block has a free buddy of its own size. */
static void check_blocks(const struct buddy_problem *p,
			 const struct buddy_heap *h, const char *where)
{
	size_t addr = 0;
	for (size_t i = 0; i < h->nblocks; i++) {
		const struct buddy_block *b = &h->block[i];
		size_t size = (size_t)1 << b->order;
		cr_assert_eq(b->addr, addr, "%s: a gap or an overlap", where);
		cr_assert(b->order >= p->min_order && b->order <= p->heap_order,
			  "%s: a block of %zu bytes", where, size);
		cr_assert_eq(b->addr % size, 0,
			     "%s: block at %zu is not "
			     "aligned to its size %zu",
			     where, b->addr, size);
		for (size_t j = 0; j < h->nblocks; j++) {
			const struct buddy_block *c = &h->block[j];
			bool buddies = c->order == b->order &&
				       c->addr == (b->addr ^ size);
			cr_assert(!(buddies && b->owner == BUDDY_FREE &&
				    c->owner == BUDDY_FREE),
				  "%s: free buddies at %zu and %zu not merged",
				  where, b->addr, c->addr);
		}
		addr += size;
	}
	cr_assert_eq(addr, (size_t)1 << p->heap_order,
		     "%s: blocks do not "
		     "cover the heap",
		     where);
}

/* Returns true if h has a free block of at least order. */
static bool has_free_block(const struct buddy_heap *h, unsigned order)
{
	for (size_t i = 0; i < h->nblocks; i++)
		if (h->block[i].owner == BUDDY_FREE &&
		    h->block[i].order >= order)
			return true;
	return false;
}

/* Checks every step of p's answers. */
static void check_problem(const struct buddy_problem *p)
{
	struct buddy_step steps[BUDDY_OPS_MAX];
	buddy_solve(p, steps);
	const struct buddy_heap *before = NULL;
	for (size_t i = 0; i < p->nops; i++) {
		const struct buddy_op *op = &p->op[i];
		const struct buddy_step *s = &steps[i];
		char where[64];
		snprintf(where, sizeof where, "seed %llu, step %zu",
			 (unsigned long long)p->seed, i + 1);
		check_blocks(p, &s->heap, where);
		size_t splits = 0, merges = 0;
		for (size_t e = 0; e < s->nevents; e++) {
			if (s->event[e].merge)
				merges++;
			else
				splits++;
		}
		/* A split adds one block, a merge takes one away. */
		size_t n_before = before == NULL ? 1 : before->nblocks;
		cr_assert_eq(s->heap.nblocks + merges, n_before + splits, "%s",
			     where);
		if (!op->is_free) {
			unsigned order = buddy_order_for(p, op->size);
			cr_assert_eq(s->order, order, "%s", where);
			cr_assert_geq((size_t)1 << order, op->size);
			cr_assert(order == p->min_order ||
					  ((size_t)1 << (order - 1)) < op->size,
				  "%s: %zu bytes need no block of %zu", where,
				  op->size, (size_t)1 << order);
			if (s->failed && before != NULL)
				cr_assert(!has_free_block(before, order),
					  "%s: NULL, but a block fits", where);
		}
		before = &s->heap;
	}
}

Test(buddy, every_step_keeps_the_heap_sound)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		struct buddy_problem p;
		buddy_generate(&p, seed);
		check_problem(&p);
	}
}

/* A 128-byte heap with 16-byte blocks, worked by hand. */
Test(buddy, a_case_worked_by_hand)
{
	struct buddy_problem p = {
		.heap_order = 7,
		.min_order = 4,
		.nops = 5,
		.op =
			{
				{.size = 5, .ptr = 0},  /* 16 at 0: 3 splits */
				{.size = 33, .ptr = 1}, /* 64 at 64 */
				{.size = 20, .ptr = 2}, /* 32 at 32 */
				{.is_free = true,
				 .ptr = 0}, /* 0 and 16 merge */
				{.is_free = true,
				 .ptr = 2}, /* 0 and 32 merge */
			},
	};
	struct buddy_step s[5];
	buddy_solve(&p, s);
	cr_assert_eq(s[0].addr, 0);
	cr_assert_eq(s[0].nevents, 3);
	cr_assert_eq(s[1].addr, 64);
	cr_assert_eq(s[1].nevents, 0);
	cr_assert_eq(s[2].addr, 32);
	cr_assert_eq(s[3].nevents, 1);
	cr_assert_eq(s[4].nevents, 1, "[0 64]'s buddy is p1's block");
	cr_assert(s[4].event[0].merge && s[4].event[0].addr == 0 &&
		  s[4].event[0].order == 6);
	cr_assert_eq(s[4].heap.nblocks, 2);
	check_problem(&p);
}
