/*
 * freelist.h: the `freelist` problem, a free list by hand: malloc and
 * free with first, next or best fit, splitting and coalescing.
 */
#ifndef FREELIST_H
#define FREELIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
	FREELIST_OPS_MAX = 12,
	FREELIST_BLOCKS_MAX = 32,
	FREELIST_FREE = -1, /* the owner of a free block */
};

enum fit {
	FIT_FIRST, /* the first free block large enough, from the start */
	FIT_NEXT,  /* the same, from the rover, wrapping around */
	FIT_BEST,  /* the smallest free block large enough */
};

/* One step: p<ptr> = malloc(size), or free(p<ptr>). */
struct freelist_op {
	bool is_free;
	size_t size; /* malloc: bytes asked for */
	size_t ptr;  /* the pointer's number: 3 for p3 */
};

struct freelist_problem {
	uint64_t seed;
	enum fit fit;
	size_t base;      /* the heap's first address */
	size_t heap_size; /* bytes in the heap */
	size_t nops;
	struct freelist_op op[FREELIST_OPS_MAX];
};

/* A block of the heap: used by a pointer, or free. */
struct freelist_block {
	size_t addr;
	size_t size;
	int owner; /* the pointer's number, or FREELIST_FREE */
};

/* The heap: its blocks in address order, tiling it end to end. */
struct freelist_heap {
	struct freelist_block block[FREELIST_BLOCKS_MAX];
	size_t nblocks;
	size_t rover; /* next fit: the address where the next search starts */
};

/* The heap after one step. */
struct freelist_step {
	struct freelist_heap heap;
	bool failed; /* malloc returned NULL */
	size_t addr; /* malloc: the address it returned */
};

void freelist_init(struct freelist_heap *h, const struct freelist_problem *p);
bool freelist_malloc(struct freelist_heap *h, enum fit fit, size_t size,
		     int owner, size_t *addr);
void freelist_free(struct freelist_heap *h, int owner);
void freelist_generate(struct freelist_problem *p, uint64_t seed);
void freelist_solve(const struct freelist_problem *p,
		    struct freelist_step *steps);
int freelist_run(FILE *out, uint64_t seed, bool answers);

#endif
