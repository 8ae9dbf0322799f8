/*
 * tlb_lru.h: the `tlb` problem, hits and misses of a small fully
 * associative TLB with LRU replacement. (Not tlb.h: the lab has one.)
 */
#ifndef TLB_LRU_H
#define TLB_LRU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
	TLB_LRU_REFS_MAX = 16,
	TLB_LRU_SIZE_MAX = 4,
};

struct tlb_lru_problem {
	uint64_t seed;
	size_t size;                     /* entries in the TLB */
	size_t nrefs;                    /* references */
	unsigned page[TLB_LRU_REFS_MAX]; /* the virtual page of each */
};

/* The TLB after one reference. */
struct tlb_lru_step {
	bool hit;
	unsigned entry[TLB_LRU_SIZE_MAX]; /* pages, most recently used first */
	size_t used;                      /* entries in use */
};

struct tlb_lru_answer {
	struct tlb_lru_step step[TLB_LRU_REFS_MAX];
	size_t hits;
	size_t distinct; /* distinct pages: the misses no TLB can avoid */
};

void tlb_lru_generate(struct tlb_lru_problem *p, uint64_t seed);
void tlb_lru_solve(const struct tlb_lru_problem *p, struct tlb_lru_answer *a);
int tlb_lru_run(FILE *out, uint64_t seed, bool answers);

#endif
