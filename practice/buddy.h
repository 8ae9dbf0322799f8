/*
 * buddy.h: the `buddy` problem, a binary buddy allocator by hand.
 */
#ifndef BUDDY_H
#define BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
	BUDDY_OPS_MAX = 12,
	BUDDY_BLOCKS_MAX = 32,
	BUDDY_EVENTS_MAX = 8, /* splits or merges in one step */
	BUDDY_FREE = -1,      /* the owner of a free block */
};

/* One step: p<ptr> = alloc(size), or free(p<ptr>). */
struct buddy_op {
	bool is_free;
	size_t size; /* alloc: bytes asked for */
	size_t ptr;  /* the pointer's number: 3 for p3 */
};

struct buddy_problem {
	uint64_t seed;
	unsigned heap_order; /* the heap is 2^heap_order bytes */
	unsigned min_order;  /* the smallest block is 2^min_order bytes */
	size_t nops;
	struct buddy_op op[BUDDY_OPS_MAX];
};

/* A block: 2^order bytes at addr (a multiple of its size). */
struct buddy_block {
	size_t addr;
	unsigned order;
	int owner; /* the pointer's number, or BUDDY_FREE */
};

/* The heap: its blocks in address order, tiling it end to end. */
struct buddy_heap {
	struct buddy_block block[BUDDY_BLOCKS_MAX];
	size_t nblocks;
};

/* A split of the block at addr of 2^order bytes into its two halves, or
 * a merge of two halves into it. */
struct buddy_event {
	bool merge;
	size_t addr;
	unsigned order; /* of the whole block */
};

/* The heap after one step, and how it got there. */
struct buddy_step {
	struct buddy_heap heap;
	bool failed;    /* alloc returned NULL */
	size_t addr;    /* alloc: the block's address */
	unsigned order; /* alloc: the block's order */
	struct buddy_event event[BUDDY_EVENTS_MAX];
	size_t nevents;
};

unsigned buddy_order_for(const struct buddy_problem *p, size_t size);
void buddy_generate(struct buddy_problem *p, uint64_t seed);
void buddy_solve(const struct buddy_problem *p, struct buddy_step *steps);
int buddy_run(FILE *out, uint64_t seed, bool answers);

#endif
