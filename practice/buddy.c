/*
 * buddy.c: the `buddy` problem. A seed draws a heap of 2^7 or 2^8 bytes,
 * a smallest block of 2^3 or 2^4, and 8 to 10 allocations and frees. The
 * student draws the blocks after each step and names every split and
 * merge. The allocator (Knowlton, "A fast storage allocator", CACM 8(10),
 * 1965; Knuth, TAOCP vol. 1, 2.5):
 *
 *   1. alloc(n) rounds n up to a power of two, at least the smallest
 *      block: 2^k bytes. It takes the smallest free block of at least 2^k
 *      (of equal ones, the lowest address) and, while it is too large,
 *      splits it into two halves, its buddies, keeping the lower one.
 *   2. free(p) frees p's block and, while its buddy (the block of the same
 *      size at addr XOR size) is free and whole, merges the two.
 *
 * So every block is aligned to its size, and no two free buddies coexist.
 * Addresses count from 0, the heap's start, to keep the XOR in view.
 */
#include "buddy.h"

#include <assert.h>
#include <string.h>

#include "rng.h"
#include "text.h"

enum {
	OPS_MIN = 8,
	OPS_MAX = 10,
	FREE_PERCENT = 50, /* the chance of a free once two blocks are live */
	BLOCKS_PER_LINE = 5,
	TRIES = 16, /* sequences drawn to find one worth working through */
};

/* Returns the bytes in a block of the given order. */
static size_t order_size(unsigned order)
{
	return (size_t)1 << order;
}

/* Returns the order of the block that alloc(size) takes: the smallest
 * power of two >= size, and at least p's smallest block. */
unsigned buddy_order_for(const struct buddy_problem *p, size_t size)
{
	unsigned order = p->min_order;
	while (order_size(order) < size)
		order++;
	return order;
}

/* Makes *h p's empty heap: one free block, the whole heap. */
static void heap_init(struct buddy_heap *h, const struct buddy_problem *p)
{
	*h = (struct buddy_heap){
		.block[0] = {.addr = 0,
			     .order = p->heap_order,
			     .owner = BUDDY_FREE},
		.nblocks = 1,
	};
}

/* Records an event in *s. */
static void step_event(struct buddy_step *s, bool merge, size_t addr,
		       unsigned order)
{
	assert(s->nevents < BUDDY_EVENTS_MAX);
	s->event[s->nevents++] = (struct buddy_event){
		.merge = merge, .addr = addr, .order = order};
}

/* Splits block i into two free halves, i and i + 1, and records it. */
static void split(struct buddy_heap *h, size_t i, struct buddy_step *s)
{
	assert(h->nblocks < BUDDY_BLOCKS_MAX);
	struct buddy_block *b = &h->block[i];
	step_event(s, false, b->addr, b->order);
	b->order--;
	struct buddy_block upper = {
		.addr = b->addr + order_size(b->order),
		.order = b->order,
		.owner = BUDDY_FREE,
	};
	memmove(&h->block[i + 2], &h->block[i + 1],
		(h->nblocks - i - 1) * sizeof h->block[0]);
	h->block[i + 1] = upper;
	h->nblocks++;
}

/* Finds the smallest free block of at least order (the lowest address
 * among equals). Returns true and sets *index, or returns false. */
static bool find_block(const struct buddy_heap *h, unsigned order,
		       size_t *index)
{
	bool found = false;
	for (size_t i = 0; i < h->nblocks; i++) {
		const struct buddy_block *b = &h->block[i];
		if (b->owner != BUDDY_FREE || b->order < order)
			continue;
		if (!found || b->order < h->block[*index].order)
			*index = i;
		found = true;
	}
	return found;
}

/* alloc(size) for owner: records the block, or the failure, in *s. */
static void buddy_alloc(struct buddy_heap *h, const struct buddy_problem *p,
			const struct buddy_op *op, struct buddy_step *s)
{
	unsigned order = buddy_order_for(p, op->size);
	size_t i = 0;
	s->order = order;
	if (!find_block(h, order, &i)) {
		s->failed = true;
		return;
	}
	while (h->block[i].order > order)
		split(h, i, s);
	h->block[i].owner = (int)op->ptr;
	s->addr = h->block[i].addr;
}

/* Returns the index of the block at addr with the given order, if it is
 * free and whole; otherwise h->nblocks. */
static size_t find_free_buddy(const struct buddy_heap *h, size_t addr,
			      unsigned order)
{
	for (size_t i = 0; i < h->nblocks; i++) {
		const struct buddy_block *b = &h->block[i];
		if (b->addr == addr)
			return b->order == order && b->owner == BUDDY_FREE
				       ? i
				       : h->nblocks;
	}
	return h->nblocks;
}

/* free() of owner's block, merging it with its buddy while it can. */
static void buddy_free(struct buddy_heap *h, const struct buddy_problem *p,
		       int owner, struct buddy_step *s)
{
	size_t i = 0;
	while (i < h->nblocks && h->block[i].owner != owner)
		i++;
	assert(i < h->nblocks);
	h->block[i].owner = BUDDY_FREE;
	while (h->block[i].order < p->heap_order) {
		struct buddy_block *b = &h->block[i];
		size_t buddy = b->addr ^ order_size(b->order);
		size_t j = find_free_buddy(h, buddy, b->order);
		if (j == h->nblocks)
			return;
		size_t low = i < j ? i : j; /* the merged block starts here */
		h->block[low].order++;
		step_event(s, true, h->block[low].addr, h->block[low].order);
		memmove(&h->block[low + 1], &h->block[low + 2],
			(h->nblocks - low - 2) * sizeof h->block[0]);
		h->nblocks--;
		i = low;
	}
}

/* Applies op to h and records the heap after it in *s. */
static void apply(struct buddy_heap *h, const struct buddy_problem *p,
		  const struct buddy_op *op, struct buddy_step *s)
{
	*s = (struct buddy_step){.failed = false};
	if (op->is_free)
		buddy_free(h, p, (int)op->ptr, s);
	else
		buddy_alloc(h, p, op, s);
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

/* Draws the size of an allocation: from 1 byte to a quarter of the heap,
 * small sizes more often. */
static size_t draw_size(struct rng *r, const struct buddy_problem *p)
{
	unsigned order =
		(unsigned)rng_range(r, p->min_order - 1, p->heap_order - 2);
	return (size_t)rng_range(r, order_size(order) / 2 + 1,
				 order_size(order));
}

/* Draws p's steps. It runs the allocator as it draws, so that it frees
 * only blocks that were allocated. */
static void draw_ops(struct buddy_problem *p, struct rng *r)
{
	struct buddy_heap h;
	struct buddy_step s;
	size_t live[BUDDY_OPS_MAX], nlive = 0, next_ptr = 0;
	heap_init(&h, p);
	p->nops = (size_t)rng_range(r, OPS_MIN, OPS_MAX);
	for (size_t i = 0; i < p->nops; i++) {
		struct buddy_op *op = &p->op[i];
		if (nlive >= 2 && rng_percent(r, FREE_PERCENT))
			*op = (struct buddy_op){
				.is_free = true,
				.ptr = take_live(r, live, &nlive)};
		else
			*op = (struct buddy_op){.size = draw_size(r, p),
						.ptr = next_ptr++};
		apply(&h, p, op, &s);
		if (!op->is_free && !s.failed)
			live[nlive++] = op->ptr;
	}
}

/* Returns true if p's steps are worth working through: three frees or
 * more, and merges after two of them. */
static bool worth_it(const struct buddy_problem *p)
{
	struct buddy_step steps[BUDDY_OPS_MAX];
	size_t frees = 0, merging = 0;
	buddy_solve(p, steps);
	for (size_t i = 0; i < p->nops; i++) {
		if (!p->op[i].is_free)
			continue;
		frees++;
		if (steps[i].nevents > 0)
			merging++;
	}
	return frees >= 3 && merging >= 2;
}

/* Fills in *p: the problem that seed draws. Of the first few sequences of
 * steps it draws, it keeps the first that is worth working through. */
void buddy_generate(struct buddy_problem *p, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed);
	*p = (struct buddy_problem){.seed = seed};
	p->heap_order = (unsigned)rng_range(&r, 7, 8);
	p->min_order = (unsigned)rng_range(&r, 3, 4);
	for (int try = 0; try < TRIES; try++) {
		draw_ops(p, &r);
		if (worth_it(p))
			break;
	}
}

/* Runs p's steps from the empty heap; steps[i] is the heap after op i. */
void buddy_solve(const struct buddy_problem *p, struct buddy_step *steps)
{
	struct buddy_heap h;
	heap_init(&h, p);
	for (size_t i = 0; i < p->nops; i++)
		apply(&h, p, &p->op[i], &steps[i]);
}

/* Prints step i's call: "p2 = alloc(12)" or "free(p2)". */
static void print_op(FILE *out, const struct buddy_op *op, size_t i)
{
	fprintf(out, "  %2zu. ", i + 1);
	if (op->is_free)
		fprintf(out, "free(p%zu)", op->ptr);
	else
		fprintf(out, "p%zu = alloc(%zu)", op->ptr, op->size);
}

/* Prints problem p: the heap, the rules and the steps. */
static void print_problem(FILE *out, const struct buddy_problem *p)
{
	text_title(out, "Buddy allocation", "buddy", p->seed);
	fprintf(out,
		"A buddy allocator manages a heap of %zu bytes at "
		"addresses 0 to %zu, all\nof it one free block at first. "
		"Blocks are powers of two, from %zu bytes up.\n\n",
		order_size(p->heap_order), order_size(p->heap_order) - 1,
		order_size(p->min_order));
	fprintf(out,
		"- alloc(n) rounds n up to a power of two (at least "
		"%zu) and takes the\n  smallest free block that large or "
		"larger; of equal ones, the lowest\n  address. While the block "
		"is too large, it is split into two halves\n  (buddies), and "
		"the lower half is kept. With no block large enough,\n  "
		"alloc returns NULL.\n- free(p) frees p's block; while its "
		"buddy (the block of the same size at\n  address XOR size) is "
		"free and whole, the two merge.\n\n",
		order_size(p->min_order));
	fprintf(out, "After each step, draw the blocks (address, size, free "
		     "or whose) and name\neach split and merge.\n\n");
	for (size_t i = 0; i < p->nops; i++) {
		print_op(out, &p->op[i], i);
		fputc('\n', out);
	}
}

/* Prints the heap's blocks, BLOCKS_PER_LINE to a line. */
static void print_blocks(FILE *out, const struct buddy_heap *h)
{
	fprintf(out, "      blocks: ");
	for (size_t i = 0; i < h->nblocks; i++) {
		const struct buddy_block *b = &h->block[i];
		if (i > 0 && i % BLOCKS_PER_LINE == 0)
			fprintf(out, "\n              ");
		else if (i > 0)
			fputc(' ', out);
		if (b->owner == BUDDY_FREE)
			fprintf(out, "[%zu %zu free]", b->addr,
				order_size(b->order));
		else
			fprintf(out, "[%zu %zu p%d]", b->addr,
				order_size(b->order), b->owner);
	}
	fputc('\n', out);
}

/* Prints one split or merge, in the blocks' own notation. */
static void print_event(FILE *out, const struct buddy_event *e)
{
	size_t half = order_size(e->order - 1);
	if (e->merge)
		fprintf(out, "      merge [%zu %zu] + [%zu %zu] -> [%zu %zu]\n",
			e->addr, half, e->addr + half, half, e->addr,
			order_size(e->order));
	else
		fprintf(out, "      split [%zu %zu] -> [%zu %zu] + [%zu %zu]\n",
			e->addr, order_size(e->order), e->addr, half,
			e->addr + half, half);
}

/* Prints the answer for step i: the result, the events, the blocks. */
static void print_step(FILE *out, const struct buddy_problem *p,
		       const struct buddy_step *s, size_t i)
{
	const struct buddy_op *op = &p->op[i];
	print_op(out, op, i);
	if (!op->is_free && s->failed)
		fprintf(out, ": %zu bytes -> NULL (no free block that large)",
			order_size(s->order));
	else if (!op->is_free)
		fprintf(out, ": %zu bytes -> %zu", order_size(s->order),
			s->addr);
	fputc('\n', out);
	for (size_t e = 0; e < s->nevents; e++)
		print_event(out, &s->event[e]);
	print_blocks(out, &s->heap);
}

/*
 * Prints the problem that seed draws to out and, if answers, its answers.
 * Returns 0 (it cannot fail).
 */
int buddy_run(FILE *out, uint64_t seed, bool answers)
{
	struct buddy_problem p;
	struct buddy_step steps[BUDDY_OPS_MAX];
	buddy_generate(&p, seed);
	print_problem(out, &p);
	if (!answers)
		return 0;
	buddy_solve(&p, steps);
	text_answers(out);
	for (size_t i = 0; i < p.nops; i++)
		print_step(out, &p, &steps[i], i);
	return 0;
}
