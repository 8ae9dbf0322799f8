/*
 * rng.h: the practice problems' own random numbers. rand() differs from one
 * C library to the next; this generator gives the same problem for the
 * same seed on every machine.
 */
#ifndef RNG_H
#define RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rng {
	uint64_t state; /* never 0: xorshift would stay at 0 for ever */
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t bound);
uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi);
bool rng_percent(struct rng *r, unsigned percent);
void rng_shuffle(struct rng *r, size_t *items, size_t n);

#endif
