/*
 * freelist.c: the `freelist` problem. A seed draws a heap of 64 to 128
 * bytes, a placement policy (first, next or best fit) and 8 to 10 calls
 * of malloc and free. The student draws the free list after each one.
 *
 * The allocator is the one chapter 9 describes, without headers, so that
 * every number is a size the student asked for:
 *
 *   1. malloc(n) finds a free block of at least n bytes by the policy,
 *      takes its first n bytes and leaves the rest a free block (a split);
 *      with none large enough, it returns NULL.
 *   2. free(p) marks p's block free and merges it at once with a free
 *      block on either side (immediate coalescing), so no two free blocks
 *      are ever neighbours.
 *
 * Next fit's rover behaves as in experiments/alloc/fit-sim.c: it points at
 * the block just after the last one placed, and moves to the start of a
 * merged block that swallows it.
 */
#include "freelist.h"

#include <assert.h>
#include <string.h>

#include "rng.h"
#include "text.h"

enum {
	ALIGN = 4,        /* every request is a multiple of this */
	REQUEST_MAX = 28, /* the largest request */
	OPS_MIN = 9,
	OPS_MAX = 10,
	FREE_PERCENT = 50, /* the chance of a free once three blocks are live */
	BLOCKS_PER_LINE = 4,
	TRIES = 16, /* sequences drawn to find one worth working through */
};

static const size_t HEAP_SIZES[] = {64, 80, 96, 128};

static const char *const FIT_NAMES[] = {
	[FIT_FIRST] = "first fit",
	[FIT_NEXT] = "next fit",
	[FIT_BEST] = "best fit",
};

/* Makes *h the empty heap of p: one free block, the rover at its start. */
void freelist_init(struct freelist_heap *h, const struct freelist_problem *p)
{
	*h = (struct freelist_heap){
		.block[0] = {.addr = p->base,
			     .size = p->heap_size,
			     .owner = FREELIST_FREE},
		.nblocks = 1,
		.rover = p->base,
	};
}

/* Inserts b at index i, moving the blocks from i on up one place. */
static void block_insert(struct freelist_heap *h, size_t i,
			 struct freelist_block b)
{
	assert(h->nblocks < FREELIST_BLOCKS_MAX);
	memmove(&h->block[i + 1], &h->block[i],
		(h->nblocks - i) * sizeof h->block[0]);
	h->block[i] = b;
	h->nblocks++;
}

/* Removes the block at index i, moving the ones above it down. */
static void block_remove(struct freelist_heap *h, size_t i)
{
	memmove(&h->block[i], &h->block[i + 1],
		(h->nblocks - i - 1) * sizeof h->block[0]);
	h->nblocks--;
}

/* Returns true if block i is free and holds at least size bytes. */
static bool block_fits(const struct freelist_heap *h, size_t i, size_t size)
{
	return h->block[i].owner == FREELIST_FREE && h->block[i].size >= size;
}

/* Returns the index of the block where next fit starts: the rover's. */
static size_t rover_index(const struct freelist_heap *h)
{
	size_t i = 0;
	while (i < h->nblocks && h->block[i].addr < h->rover)
		i++;
	return i < h->nblocks ? i : 0;
}

/*
 * Finds the block that fit chooses for size bytes. Returns true and sets
 * *index to it, or returns false if no free block is large enough.
 */
static bool find_fit(const struct freelist_heap *h, enum fit fit, size_t size,
		     size_t *index)
{
	size_t n = h->nblocks, start = fit == FIT_NEXT ? rover_index(h) : 0;
	bool found = false;
	for (size_t k = 0; k < n; k++) {
		size_t i = (start + k) % n;
		if (!block_fits(h, i, size))
			continue;
		if (fit != FIT_BEST) {
			*index = i;
			return true;
		}
		if (!found || h->block[i].size < h->block[*index].size)
			*index = i;
		found = true;
	}
	return found;
}

/* Gives the first size bytes of free block i to owner, splitting off the
 * rest as a free block, and moves the rover just past it. */
static void place(struct freelist_heap *h, size_t i, size_t size, int owner)
{
	struct freelist_block *b = &h->block[i];
	if (b->size > size) {
		struct freelist_block rest = {
			.addr = b->addr + size,
			.size = b->size - size,
			.owner = FREELIST_FREE,
		};
		b->size = size;
		block_insert(h, i + 1, rest);
	}
	h->block[i].owner = owner;
	h->rover = i + 1 < h->nblocks ? h->block[i + 1].addr : h->block[0].addr;
}

/*
 * malloc(size) for owner with policy fit. Returns true and sets *addr to
 * the block's address, or returns false (malloc returns NULL) if no free
 * block is large enough; the heap is then unchanged.
 */
bool freelist_malloc(struct freelist_heap *h, enum fit fit, size_t size,
		     int owner, size_t *addr)
{
	size_t i = 0;
	if (!find_fit(h, fit, size, &i))
		return false;
	place(h, i, size, owner);
	*addr = h->block[i].addr;
	return true;
}

/*
 * Merges the just-freed block i with its free neighbours. Four cases, as
 * in chapter 9: neither neighbour free (nothing to do), the next one, the
 * previous one, or both.
 */
static void coalesce(struct freelist_heap *h, size_t i)
{
	if (i + 1 < h->nblocks && h->block[i + 1].owner == FREELIST_FREE) {
		h->block[i].size += h->block[i + 1].size;
		block_remove(h, i + 1);
	}
	if (i > 0 && h->block[i - 1].owner == FREELIST_FREE) {
		h->block[i - 1].size += h->block[i].size;
		block_remove(h, i);
		i--;
	}
	const struct freelist_block *b = &h->block[i];
	if (h->rover > b->addr && h->rover < b->addr + b->size)
		h->rover = b->addr; /* the rover's block was swallowed */
}

/* free() of owner's block. The caller guarantees that owner has one. */
void freelist_free(struct freelist_heap *h, int owner)
{
	size_t i = 0;
	while (i < h->nblocks && h->block[i].owner != owner)
		i++;
	assert(i < h->nblocks);
	h->block[i].owner = FREELIST_FREE;
	coalesce(h, i);
}

/* Applies op to heap h with policy fit, and records the result in *s. */
static void apply(struct freelist_heap *h, enum fit fit,
		  const struct freelist_op *op, struct freelist_step *s)
{
	*s = (struct freelist_step){.failed = false};
	if (op->is_free)
		freelist_free(h, (int)op->ptr);
	else
		s->failed = !freelist_malloc(h, fit, op->size, (int)op->ptr,
					     &s->addr);
	s->heap = *h;
}

/* Returns a random live pointer's number and takes it off live[]. */
static size_t take_live(struct rng *r, size_t *live, size_t *nlive)
{
	size_t k = (size_t)rng_below(r, *nlive);
	size_t ptr = live[k];
	live[k] = live[--*nlive];
	return ptr;
}

/* Draws p's steps. It runs the allocator as it draws, so that it frees
 * only pointers that malloc did not return NULL. */
static void draw_ops(struct freelist_problem *p, struct rng *r)
{
	struct freelist_heap h;
	struct freelist_step s;
	size_t live[FREELIST_OPS_MAX], nlive = 0, next_ptr = 0;
	freelist_init(&h, p);
	p->nops = (size_t)rng_range(r, OPS_MIN, OPS_MAX);
	for (size_t i = 0; i < p->nops; i++) {
		struct freelist_op *op = &p->op[i];
		if (nlive >= 3 && rng_percent(r, FREE_PERCENT)) {
			*op = (struct freelist_op){
				.is_free = true,
				.ptr = take_live(r, live, &nlive)};
		} else {
			size_t size =
				ALIGN *
				(size_t)rng_range(r, 1, REQUEST_MAX / ALIGN);
			*op = (struct freelist_op){.size = size,
						   .ptr = next_ptr++};
		}
		apply(&h, p->fit, op, &s);
		if (!op->is_free && !s.failed)
			live[nlive++] = op->ptr;
	}
}

/* Returns true if the three policies would not all choose the same block
 * for size bytes in heap h. */
static bool fits_differ(const struct freelist_heap *h, size_t size)
{
	size_t first = 0, next = 0, best = 0;
	bool found = find_fit(h, FIT_FIRST, size, &first);
	find_fit(h, FIT_NEXT, size, &next);
	find_fit(h, FIT_BEST, size, &best);
	return found && (first != next || first != best);
}

/* Returns true if p's steps are worth working through: three frees or
 * more, a coalescing free, and a malloc where the policy matters. */
static bool worth_it(const struct freelist_problem *p)
{
	struct freelist_heap h;
	size_t frees = 0, merges = 0, choices = 0, addr;
	freelist_init(&h, p);
	for (size_t i = 0; i < p->nops; i++) {
		const struct freelist_op *op = &p->op[i];
		size_t before = h.nblocks;
		if (op->is_free) {
			freelist_free(&h, (int)op->ptr);
			frees++;
			if (h.nblocks < before)
				merges++;
		} else {
			if (fits_differ(&h, op->size))
				choices++;
			freelist_malloc(&h, p->fit, op->size, (int)op->ptr,
					&addr);
		}
	}
	return frees >= 3 && merges >= 1 && choices >= 1;
}

/* Fills in *p: the problem that seed draws. Of the first few sequences of
 * steps it draws, it keeps the first that is worth working through. */
void freelist_generate(struct freelist_problem *p, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed);
	size_t nsizes = sizeof HEAP_SIZES / sizeof HEAP_SIZES[0];
	/* One draw per statement: the order of the draws inside an
	 * initializer list is unspecified in C. */
	*p = (struct freelist_problem){.seed = seed};
	p->fit = (enum fit)rng_below(&r, 3);
	p->base = 100 * (size_t)rng_range(&r, 10, 49);
	p->heap_size = HEAP_SIZES[rng_below(&r, nsizes)];
	for (int try = 0; try < TRIES; try++) {
		draw_ops(p, &r);
		if (worth_it(p))
			break;
	}
}

/* Runs p's steps from the empty heap; steps[i] is the heap after op i. */
void freelist_solve(const struct freelist_problem *p,
		    struct freelist_step *steps)
{
	struct freelist_heap h;
	freelist_init(&h, p);
	for (size_t i = 0; i < p->nops; i++)
		apply(&h, p->fit, &p->op[i], &steps[i]);
}

/* Prints step i's call: "p2 = malloc(12)" or "free(p2)". */
static void print_op(FILE *out, const struct freelist_op *op, size_t i)
{
	fprintf(out, "  %2zu. ", i + 1);
	if (op->is_free)
		fprintf(out, "free(p%zu)", op->ptr);
	else
		fprintf(out, "p%zu = malloc(%zu)", op->ptr, op->size);
}

/* Prints how the policy of p chooses a block. */
static void print_policy(FILE *out, const struct freelist_problem *p)
{
	switch (p->fit) {
	case FIT_FIRST:
		fprintf(out, "the first free block, from the start of the "
			     "heap, that is large\nenough.\n");
		break;
	case FIT_NEXT:
		fprintf(out,
			"like first fit, but the search starts at the "
			"rover and wraps\naround the end of the heap. The "
			"rover "
			"is the block just after the one malloc\nlast "
			"returned, "
			"or the heap's start if there is none (at first, or "
			"when\nthat block was the heap's last). If a free "
			"merges "
			"the rover's block into\nthe block before it, the "
			"rover "
			"moves to the start of the merged block.\n");
		break;
	case FIT_BEST:
		fprintf(out, "the smallest free block that is large enough; "
			     "of equal ones, the\nlowest address.\n");
		break;
	}
}

/* Prints problem p: the heap, the policy, the rules and the steps. */
static void print_problem(FILE *out, const struct freelist_problem *p)
{
	text_title(out, "Free-list allocation", "freelist", p->seed);
	fprintf(out,
		"A heap of %zu bytes starts at address %zu, all of it "
		"one free block. The\nallocator keeps a list of the free "
		"blocks in address order and places with\n%s: ",
		p->heap_size, p->base, FIT_NAMES[p->fit]);
	print_policy(out, p);
	fprintf(out,
		"\n- malloc(n) takes a free block of at least n bytes. "
		"A larger block is split:\n  the first n bytes are used, the "
		"rest stays free. If no free block is\n  large enough, malloc "
		"returns NULL. There are no headers, and every size\n  is a "
		"multiple of %d.\n- free(p) frees p's block and coalesces it "
		"at once with a free neighbour\n  on either side.\n\n",
		ALIGN);
	fprintf(out,
		"After each step, write down what malloc returned and "
		"the free list: the\naddress and size of each free block, in "
		"address order.\n\n");
	for (size_t i = 0; i < p->nops; i++) {
		print_op(out, &p->op[i], i);
		fputc('\n', out);
	}
}

/* Prints the heap's blocks, BLOCKS_PER_LINE to a line. */
static void print_blocks(FILE *out, const struct freelist_heap *h)
{
	fprintf(out, "      blocks:   ");
	for (size_t i = 0; i < h->nblocks; i++) {
		const struct freelist_block *b = &h->block[i];
		if (i > 0 && i % BLOCKS_PER_LINE == 0)
			fprintf(out, "\n                ");
		else if (i > 0)
			fputc(' ', out);
		if (b->owner == FREELIST_FREE)
			fprintf(out, "[%zu %zu free]", b->addr, b->size);
		else
			fprintf(out, "[%zu %zu p%d]", b->addr, b->size,
				b->owner);
	}
	fputc('\n', out);
}

/* Prints the free list: "1012 (20) -> 1040 (24)", or "empty". */
static void print_free_list(FILE *out, const struct freelist_heap *h)
{
	fprintf(out, "      free list:");
	bool any = false;
	for (size_t i = 0; i < h->nblocks; i++) {
		const struct freelist_block *b = &h->block[i];
		if (b->owner != FREELIST_FREE)
			continue;
		fprintf(out, "%s %zu (%zu)", any ? " ->" : "", b->addr,
			b->size);
		any = true;
	}
	fprintf(out, "%s\n", any ? "" : " empty");
}

/* Prints the answer for step i: the result, the blocks, the free list. */
static void print_step(FILE *out, const struct freelist_problem *p,
		       const struct freelist_step *s, size_t i)
{
	print_op(out, &p->op[i], i);
	if (!p->op[i].is_free && s->failed)
		fprintf(out, " -> NULL (no free block of %zu bytes)",
			p->op[i].size);
	else if (!p->op[i].is_free)
		fprintf(out, " -> %zu", s->addr);
	fputc('\n', out);
	print_blocks(out, &s->heap);
	print_free_list(out, &s->heap);
	if (p->fit == FIT_NEXT)
		fprintf(out, "      rover:     %zu\n", s->heap.rover);
}

/*
 * Prints the problem that seed draws to out and, if answers, its answers.
 * Returns 0 (it cannot fail).
 */
int freelist_run(FILE *out, uint64_t seed, bool answers)
{
	struct freelist_problem p;
	struct freelist_step steps[FREELIST_OPS_MAX];
	freelist_generate(&p, seed);
	print_problem(out, &p);
	if (!answers)
		return 0;
	freelist_solve(&p, steps);
	text_answers(out);
	for (size_t i = 0; i < p.nops; i++)
		print_step(out, &p, &steps[i], i);
	return 0;
}
